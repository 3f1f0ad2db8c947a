"""Writes the damaged and the padded instances of issue 13 (points 2 and 3) from real files, with pydicom.

usage: corrupt_instances.py NATIVE J2K OUTDIR

  truncated.dcm        NATIVE with a new SOP Instance UID, cut in the middle of its Pixel Data value
  short-pixels.dcm     NATIVE with a new SOP Instance UID and half the pixel bytes rows x columns x bits need
  undecodable-j2k.dcm  J2K with a new SOP Instance UID whose one fragment is random bytes of the same length
  padded.dcm           NATIVE byte for byte, then 4096 zero bytes (block padding some archives write)

Prints one line per file: name, SOP Instance UID.
"""
import io
import random
import sys

import pydicom
from pydicom.encaps import encapsulate, generate_pixel_data_frame


def saved(dataset):
    buffer = io.BytesIO()
    dataset.save_as(buffer, write_like_original=False)
    return buffer.getvalue()


def main():
    native, j2k, out = sys.argv[1:4]
    with open(native, "rb") as handle:
        original = handle.read()

    truncated = pydicom.dcmread(native)
    truncated.SOPInstanceUID = truncated.file_meta.MediaStorageSOPInstanceUID = "2.25.130200001"
    whole = saved(truncated)
    cut = len(whole) - len(truncated.PixelData) // 2
    files = {"truncated.dcm": (whole[:cut], truncated.SOPInstanceUID)}

    short = pydicom.dcmread(native)
    short.SOPInstanceUID = short.file_meta.MediaStorageSOPInstanceUID = "2.25.130200002"
    short.PixelData = short.PixelData[: len(short.PixelData) // 2]
    files["short-pixels.dcm"] = (saved(short), short.SOPInstanceUID)

    undecodable = pydicom.dcmread(j2k)
    undecodable.SOPInstanceUID = undecodable.file_meta.MediaStorageSOPInstanceUID = "2.25.130200003"
    frame = next(generate_pixel_data_frame(undecodable.PixelData, 1))
    undecodable.PixelData = encapsulate([random.Random(13).randbytes(len(frame))])
    files["undecodable-j2k.dcm"] = (saved(undecodable), undecodable.SOPInstanceUID)

    files["padded.dcm"] = (original + bytes(4096), pydicom.dcmread(native).SOPInstanceUID)

    for name, (content, uid) in files.items():
        with open(f"{out}/{name}", "wb") as handle:
            handle.write(content)
        print(name, uid)


if __name__ == "__main__":
    main()
