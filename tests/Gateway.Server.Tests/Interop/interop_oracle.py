#!/usr/bin/python3
"""Independent expectations for the interoperability tests, from Debian's pydicom (+ GDCM for compressed data)
and PIL.

Usage:
  interop_oracle.py describe FILE...   -> {FILE: {identifiers, Rows, Columns, transfer syntax, sha256 of the decoded
                                            pixels, sha256 of each stored frame's bytes (fragments for encapsulated)}}
  interop_oracle.py pixels FILE...     -> {FILE: sha256 of the decoded pixel values (little endian, as stored)}
  interop_oracle.py image FILE [X0 Y0 X1 Y1]
                                       -> {"format", "width", "height", "stddev" of the grey values in the box,
                                            "brightFraction": the share of its pixels brighter than 60 of 255}
"""
import hashlib
import json
import sys

import pydicom
from pydicom.encaps import generate_pixel_data_frame
from pydicom.pixel_data_handlers import gdcm_handler, numpy_handler, rle_handler

pydicom.config.pixel_data_handlers = [numpy_handler, rle_handler, gdcm_handler]

KEYWORDS = ["PatientID", "PatientName", "StudyDate", "StudyTime", "AccessionNumber", "StudyDescription", "Modality",
            "StudyInstanceUID", "SeriesInstanceUID", "SOPInstanceUID", "SOPClassUID", "InstanceNumber", "SeriesNumber",
            "Rows", "Columns", "BitsAllocated", "PhotometricInterpretation"]


def decoded_sha256(dataset):
    array = dataset.pixel_array
    return hashlib.sha256(array.astype(array.dtype.newbyteorder("<")).tobytes()).hexdigest()


def without_padding(frame):
    """A JPEG-family codestream without the 0x00 that pads its fragment to an even length (after the EOI marker)."""
    return frame[:-1] if len(frame) >= 3 and frame[-1] == 0 and frame[-3:-1] == b"\xff\xd9" else frame


def frame_sha256s(dataset, unpadded=False):
    if dataset.file_meta.TransferSyntaxUID.is_compressed:
        frames = int(dataset.get("NumberOfFrames", 1))
        return [hashlib.sha256(without_padding(frame) if unpadded else frame).hexdigest()
                for frame in generate_pixel_data_frame(dataset.PixelData, frames)]
    data = dataset.PixelData
    frames = int(dataset.get("NumberOfFrames", 1))
    size = len(data) // frames
    return [hashlib.sha256(data[i * size:(i + 1) * size]).hexdigest() for i in range(frames)]


def describe(path):
    dataset = pydicom.dcmread(path)
    result = {keyword: (str(dataset.get(keyword)) if keyword in dataset else None) for keyword in KEYWORDS}
    result["TransferSyntaxUID"] = str(dataset.file_meta.TransferSyntaxUID)
    result["NumberOfFrames"] = int(dataset.get("NumberOfFrames", 1))
    result["PixelSha256"] = decoded_sha256(dataset)
    result["FrameSha256"] = frame_sha256s(dataset)
    result["FrameSha256Unpadded"] = frame_sha256s(dataset, unpadded=True)
    result["PixelDataLength"] = len(dataset.PixelData)
    return result


def image(path, box):
    from PIL import Image, ImageStat
    with Image.open(path) as picture:
        grey = picture.convert("L")
        region = grey.crop(tuple(box)) if box else grey
        values = list(region.getdata())
        return {"format": picture.format, "width": picture.width, "height": picture.height,
                "stddev": ImageStat.Stat(region).stddev[0],
                "brightFraction": sum(1 for value in values if value > 60) / max(len(values), 1)}


def main():
    command, arguments = sys.argv[1], sys.argv[2:]
    if command == "describe":
        output = {path: describe(path) for path in arguments}
    elif command == "pixels":
        output = {path: decoded_sha256(pydicom.dcmread(path)) for path in arguments}
    elif command == "image":
        output = image(arguments[0], [int(value) for value in arguments[1:5]] if len(arguments) >= 5 else None)
    else:
        raise SystemExit("unknown command " + command)
    json.dump(output, sys.stdout)


if __name__ == "__main__":
    main()
