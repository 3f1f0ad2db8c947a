"""Writes a copy of a series as a second study of the same patient: the same files with new Study, Series and SOP
Instance UIDs (and the file meta's Media Storage SOP Instance UID), so that a gateway that already holds the series
stores it again as new instances. What its storing adds to the database is the marginal cost of a series, without
the first pages every table and index takes on its first row.

Usage: copy_series.py OUT_FOLDER FILE...
"""

import os
import sys

import pydicom
from pydicom.uid import generate_uid


def main():
    out, files = sys.argv[1], sys.argv[2:]
    os.makedirs(out, exist_ok=True)
    study, series = generate_uid(), generate_uid()
    for path in files:
        dataset = pydicom.dcmread(path)
        dataset.StudyInstanceUID = study
        dataset.SeriesInstanceUID = series
        dataset.SOPInstanceUID = generate_uid()
        dataset.file_meta.MediaStorageSOPInstanceUID = dataset.SOPInstanceUID
        dataset.save_as(os.path.join(out, os.path.basename(path)), write_like_original=True)


if __name__ == "__main__":
    main()
