"""The WADO-RS instance paths (/studies/{study}/series/{series}/instances/{sop}) of a series' files, one a line, in
slice order along the normal of Image Orientation (Patient): the order a viewer scrolls through the volume.

Usage: paths.py FILE...
"""

import sys

import pydicom

from quality import slice_order


def main():
    datasets = [pydicom.dcmread(path, stop_before_pixels=True) for path in sys.argv[1:]]
    for i in slice_order(datasets):
        d = datasets[i]
        print(f"/studies/{d.StudyInstanceUID}/series/{d.SeriesInstanceUID}/instances/{d.SOPInstanceUID}")


if __name__ == "__main__":
    main()
