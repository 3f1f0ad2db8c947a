#!/usr/bin/python3
"""Independent oracle for `gateway dicom pixels`: decodes DICOM pixel data with Debian's pydicom + GDCM
(falling back to DCMTK's decompressors), and writes the stored values in the same layout: little endian,
frame after frame, samples interleaved, YBR colour converted to RGB, 1-bit data one byte per pixel.

Usage: pixels_oracle.py OUT_DIR FILE...   -> OUT_DIR/<n>.raw for the n-th file, and a JSON line per file
on stdout: {"index": n, "file": ..., "ok": bool, "decoder": ..., "error": ...}.
"""
import json
import os
import subprocess
import sys
import tempfile

import numpy as np
import pydicom
from pydicom.pixel_data_handlers import gdcm_handler, numpy_handler, rle_handler
from pydicom.pixel_data_handlers.util import convert_color_space

pydicom.config.pixel_data_handlers = [numpy_handler, rle_handler, gdcm_handler]

# pydicom 2.3 does not swap 8-bit OW pixel data read from explicit big endian files, so big endian files are
# converted to little endian by DCMTK first (checked on OBXXXX1A_expb_2frame.dcm against its little endian twin).
BIG_ENDIAN = "1.2.840.10008.1.2.2"

DCMTK_DECOMPRESSORS = {
    "1.2.840.10008.1.2.4.50": "dcmdjpeg", "1.2.840.10008.1.2.4.51": "dcmdjpeg",
    "1.2.840.10008.1.2.4.53": "dcmdjpeg", "1.2.840.10008.1.2.4.55": "dcmdjpeg",
    "1.2.840.10008.1.2.4.57": "dcmdjpeg", "1.2.840.10008.1.2.4.70": "dcmdjpeg",
    "1.2.840.10008.1.2.4.80": "dcmdjpls", "1.2.840.10008.1.2.4.81": "dcmdjpls",
    "1.2.840.10008.1.2.5": "dcmdrle",
}


def stored_values(ds):
    arr = ds.pixel_array
    photometric = str(ds.get("PhotometricInterpretation", "")).strip()
    if photometric in ("YBR_FULL", "YBR_FULL_422") and getattr(ds, "SamplesPerPixel", 1) == 3 \
            and ds.BitsAllocated == 8:
        arr = convert_color_space(arr, "YBR_FULL", "RGB")
    return arr.astype(arr.dtype.newbyteorder("<"), copy=False).tobytes()


def decode_with_dcmtk(path, syntax):
    """DCMTK's decompressor for compressed syntaxes, `dcmconv +te` (to explicit little endian) otherwise."""
    tool = DCMTK_DECOMPRESSORS.get(syntax, "dcmconv")
    with tempfile.TemporaryDirectory() as folder:
        out = os.path.join(folder, "plain.dcm")
        arguments = [tool, path, out] if tool != "dcmconv" else [tool, "+te", path, out]
        done = subprocess.run(arguments, capture_output=True, text=True)
        if done.returncode != 0:
            raise RuntimeError(f"{tool}: {done.stderr.strip() or done.stdout.strip()}")
        return stored_values(pydicom.dcmread(out)), tool


def write(out_dir, index, data):
    with open(os.path.join(out_dir, f"{index}.raw"), "wb") as handle:
        handle.write(data)


def main():
    out_dir, files = sys.argv[1], sys.argv[2:]
    for index, path in enumerate(files):
        record = {"index": index, "file": path, "ok": False}
        try:
            try:
                ds = pydicom.dcmread(path, force=True)
            except Exception:  # noqa: BLE001 - a file pydicom cannot parse may still be read by DCMTK
                data, decoder = decode_with_dcmtk(path, "")
                write(out_dir, index, data)
                record.update(ok=True, decoder=decoder, bytes=len(data))
                print(json.dumps(record), flush=True)
                continue
            if "TransferSyntaxUID" not in ds.file_meta:
                # no meta group (ACR-NEMA style): pydicom has detected the encoding, name it for the handlers
                ds.file_meta.TransferSyntaxUID = pydicom.uid.ImplicitVRLittleEndian if ds.is_implicit_VR \
                    else pydicom.uid.ExplicitVRLittleEndian if ds.is_little_endian else pydicom.uid.ExplicitVRBigEndian
            syntax = str(ds.file_meta.TransferSyntaxUID)
            try:
                if syntax == BIG_ENDIAN:
                    raise RuntimeError("big endian: converted by DCMTK first")
                data, decoder = stored_values(ds), "pydicom+gdcm"
            except Exception as first:  # noqa: BLE001 - any decoder failure falls back to DCMTK
                try:
                    data, decoder = decode_with_dcmtk(path, syntax)
                except Exception as second:  # noqa: BLE001
                    raise RuntimeError(f"pydicom: {first}; dcmtk: {second}") from second
            write(out_dir, index, data)
            record.update(ok=True, decoder=decoder, bytes=len(data))
        except Exception as error:  # noqa: BLE001 - reported per file
            record["error"] = f"{type(error).__name__}: {error}"
        print(json.dumps(record), flush=True)


if __name__ == "__main__":
    main()
