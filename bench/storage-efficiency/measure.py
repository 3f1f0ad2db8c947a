"""Bytes a server's storage folder holds, and how many of them are DICOM headers, as JSON on stdout:
{"files", "bytes" (sum of the files' sizes, st_size), "dicom_files", "header_bytes"}.

A file that pydicom reads as DICOM Part 10 counts as header all but its Pixel Data value (a pixel-free header
object counts whole); a file it cannot read (a latent container, an Orthanc zlib-compressed attachment) counts no
header bytes. The header bytes are thus those the object store keeps beside the pixels; headers kept in PostgreSQL
are counted by the driver (run.sh) from the database.

Usage: measure.py FOLDER
"""

import json
import os
import sys

import pydicom
from pydicom.errors import InvalidDicomError


def header_bytes(path, size):
    try:
        dataset = pydicom.dcmread(path, defer_size=None)
    except (InvalidDicomError, EOFError, OSError, ValueError):
        return None
    if "PixelData" not in dataset:
        return size
    # The element's tag, VR, reserved bytes and length (explicit VR OB/OW: 12 bytes) are header too.
    return size - len(dataset.PixelData)


def main():
    folder = sys.argv[1]
    totals = {"files": 0, "bytes": 0, "dicom_files": 0, "header_bytes": 0}
    for directory, _, names in os.walk(folder):
        for name in names:
            path = os.path.join(directory, name)
            if not os.path.isfile(path) or os.path.islink(path):
                continue
            size = os.path.getsize(path)
            totals["files"] += 1
            totals["bytes"] += size
            header = header_bytes(path, size)
            if header is not None:
                totals["dicom_files"] += 1
                totals["header_bytes"] += header
    json.dump(totals, sys.stdout)
    print()


if __name__ == "__main__":
    main()
