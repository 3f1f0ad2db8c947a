#!/usr/bin/python3
"""Independent oracle for the gateway's searches and retrieves, with Debian's pydicom.

Usage:
  query_oracle.py attributes FILE...  -> a JSON array, one object per file: the identifying and matched attributes
                                          as pydicom reads them, and "tags": the top-level non-bulk tags (8 hex digits).
  query_oracle.py pixels A B           -> prints "equal" when the Pixel Data of A and B holds the same values
                                          (decoded), "different: ..." otherwise.
"""
import json
import sys

import numpy as np
import pydicom

BULK_VRS = {"OB", "OW", "OF", "OD", "OL", "OV", "UN"}


def text(dataset, keyword):
    value = dataset.get(keyword)
    if value is None:
        return ""
    return str(value).strip()


def attributes(paths):
    out = []
    for path in paths:
        ds = pydicom.dcmread(path, stop_before_pixels=True)
        out.append({
            "file": path,
            "PatientID": text(ds, "PatientID"),
            "PatientName": text(ds, "PatientName"),
            "StudyDate": text(ds, "StudyDate"),
            "Modality": text(ds, "Modality"),
            "StudyInstanceUID": text(ds, "StudyInstanceUID"),
            "SeriesInstanceUID": text(ds, "SeriesInstanceUID"),
            "SOPInstanceUID": text(ds, "SOPInstanceUID"),
            "SOPClassUID": text(ds, "SOPClassUID"),
            "InstanceNumber": text(ds, "InstanceNumber"),
            "TransferSyntaxUID": str(ds.file_meta.get("TransferSyntaxUID", "")),
            "tags": sorted("%08X" % int(elem.tag) for elem in ds
                           if elem.VR not in BULK_VRS and not elem.tag.is_private and elem.tag.group != 0x0002),
        })
    print(json.dumps(out))


def pixels(a, b):
    first, second = pydicom.dcmread(a), pydicom.dcmread(b)
    x, y = first.pixel_array, second.pixel_array
    if x.shape != y.shape or x.dtype != y.dtype:
        print("different: shape %s %s vs %s %s" % (x.shape, x.dtype, y.shape, y.dtype))
    elif not np.array_equal(x, y):
        print("different: values")
    else:
        print("equal")


if __name__ == "__main__":
    if sys.argv[1] == "attributes":
        attributes(sys.argv[2:])
    else:
        pixels(sys.argv[2], sys.argv[3])
