"""Independent oracle for the query/retrieve interoperability tests (pydicom + GDCM, Debian's /usr/bin/python3).

headers: reads DICOM file paths, one per line on stdin; prints a JSON list with, per file, the attributes the
         tests derive their expectations from (text decoded by pydicom with the file's character set).
pixels:  argv[2] is a folder of received files; reads original paths on stdin; prints, per original, whether an
         instance with its SOP Instance UID arrived, in which transfer syntax, whether the Pixel Data bytes are
         identical and whether the decoded pixel arrays are equal.
"""
import json
import os
import sys

import numpy
import pydicom

KEYS = [
    "PatientID", "PatientName", "StudyInstanceUID", "StudyDate", "SeriesInstanceUID", "SeriesNumber",
    "Modality", "SOPInstanceUID", "SOPClassUID", "InstanceNumber", "SpecificCharacterSet",
    "SeriesDate", "SeriesDescription", "ContentTime", "ImageType",
]


def text(value):
    if value is None:
        return ""
    if isinstance(value, pydicom.multival.MultiValue):
        return "\\".join(str(item) for item in value)
    return str(value)


def headers(paths):
    result = []
    for path in paths:
        dataset = pydicom.dcmread(path, stop_before_pixels=True)
        entry = {"File": path, "TransferSyntax": str(dataset.file_meta.TransferSyntaxUID)}
        for key in KEYS:
            entry[key] = text(dataset.get(key))
        result.append(entry)
    return result


def pixels(paths, folder):
    received = {}
    for name in os.listdir(folder):
        dataset = pydicom.dcmread(os.path.join(folder, name))
        received[str(dataset.SOPInstanceUID)] = dataset
    result = []
    for path in paths:
        original = pydicom.dcmread(path)
        uid = str(original.SOPInstanceUID)
        entry = {"SOPInstanceUID": uid, "Arrived": uid in received}
        if entry["Arrived"]:
            copy = received[uid]
            entry["TransferSyntax"] = str(copy.file_meta.TransferSyntaxUID)
            entry["SameTransferSyntax"] = copy.file_meta.TransferSyntaxUID == original.file_meta.TransferSyntaxUID
            entry["PixelDataIdentical"] = copy.PixelData == original.PixelData
            entry["PixelsEqual"] = bool(numpy.array_equal(copy.pixel_array, original.pixel_array))
        result.append(entry)
    return result


def main():
    paths = [line.strip() for line in sys.stdin if line.strip()]
    if sys.argv[1] == "headers":
        print(json.dumps(headers(paths), ensure_ascii=False))
    elif sys.argv[1] == "pixels":
        print(json.dumps(pixels(paths, sys.argv[2])))
    else:
        raise SystemExit("usage: qr_oracle.py headers|pixels [FOLDER] < paths")


if __name__ == "__main__":
    main()
