#!/usr/bin/python3
"""Oracle for the Modality LUT: pydicom's apply_modality_lut over the first frame's stored values.

Usage: modality_lut_oracle.py OUT_DIR FILE... -> OUT_DIR/<n>.f64 (little-endian float64, one per pixel)
and a JSON line per file on stdout.
"""
import json
import os
import sys

import numpy as np
import pydicom
from pydicom.pixel_data_handlers import gdcm_handler, numpy_handler, rle_handler
from pydicom.pixel_data_handlers.util import apply_modality_lut

pydicom.config.pixel_data_handlers = [numpy_handler, rle_handler, gdcm_handler]


def confined(arr, ds):
    """Stored values confined to Bits Stored, sign-extended when signed (PS3.5 8.1.1). pydicom 2.3 leaves bits
    above High Bit as read, so a signed 12-bit 0x0FFF would reach the LUT as 4095 rather than -1."""
    bits = int(ds.BitsStored)
    values = arr.astype(np.int64) & ((1 << bits) - 1)
    if int(ds.PixelRepresentation) == 1:
        values = np.where(values >= (1 << (bits - 1)), values - (1 << bits), values)
    return values


def main():
    out_dir, files = sys.argv[1], sys.argv[2:]
    for index, path in enumerate(files):
        record = {"index": index, "file": path, "ok": False}
        try:
            ds = pydicom.dcmread(path)
            arr = ds.pixel_array
            if getattr(ds, "NumberOfFrames", 1) not in (None, 1, "1") and int(ds.NumberOfFrames) > 1:
                arr = arr[0]
            values = np.asarray(apply_modality_lut(confined(arr, ds), ds), dtype="<f8")
            values.tofile(os.path.join(out_dir, f"{index}.f64"))
            record.update(ok=True, count=int(values.size))
        except Exception as error:  # noqa: BLE001 - reported per file
            record["error"] = f"{type(error).__name__}: {error}"
        print(json.dumps(record), flush=True)


if __name__ == "__main__":
    main()
