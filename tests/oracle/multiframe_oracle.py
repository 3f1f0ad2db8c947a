#!/usr/bin/python3
"""Writes a multi-frame test instance with Debian's pydicom and numpy, for the WADO-RS frame tests.

Usage:
  multiframe_oracle.py make OUT.dcm FRAMES   -> a native (Explicit VR Little Endian) Multi-frame Grayscale Word
                                               Secondary Capture instance of FRAMES frames of 512 x 512 16-bit
                                               values (smooth, different in every frame), and OUT.dcm.raw: the
                                               frames' stored values, little endian, frame after frame.
"""
import sys

import numpy as np
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.uid import ExplicitVRLittleEndian, generate_uid

SC_MULTIFRAME_WORD = "1.2.840.10008.5.1.4.1.1.7.3"


def make(path, frames):
    rows = columns = 512
    y, x = np.mgrid[0:rows, 0:columns]
    stack = np.stack([((x * 3 + y * 5 + n * 37) % 4096) for n in range(frames)]).astype("<u2")

    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = SC_MULTIFRAME_WORD
    meta.MediaStorageSOPInstanceUID = generate_uid()
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds = Dataset()
    ds.file_meta = meta
    ds.SOPClassUID = SC_MULTIFRAME_WORD
    ds.SOPInstanceUID = meta.MediaStorageSOPInstanceUID
    ds.StudyInstanceUID = generate_uid()
    ds.SeriesInstanceUID = generate_uid()
    ds.PatientName = "FRAMES^TEST"
    ds.PatientID = "FRAMES-1"
    ds.Modality = "OT"
    for keyword in ("PatientBirthDate", "PatientSex", "StudyDate", "StudyTime", "ReferringPhysicianName", "StudyID", "AccessionNumber", "SeriesNumber", "InstanceNumber"):
        setattr(ds, keyword, "")
    ds.ConversionType = "WSD"
    ds.SamplesPerPixel = 1
    ds.PhotometricInterpretation = "MONOCHROME2"
    ds.NumberOfFrames = frames
    ds.Rows = rows
    ds.Columns = columns
    ds.BitsAllocated = 16
    ds.BitsStored = 12
    ds.HighBit = 11
    ds.PixelRepresentation = 0
    ds.PixelData = stack.tobytes()
    ds.is_little_endian = True
    ds.is_implicit_VR = False
    ds.save_as(path, write_like_original=False)
    with open(path + ".raw", "wb") as raw:
        raw.write(stack.tobytes())


if __name__ == "__main__":
    make(sys.argv[2], int(sys.argv[3]))
