"""The input files of the storage-efficiency benchmark, one TSV row per file (printed on stdout):
series, path, transfer syntax UID, the storescu option that proposes it, file bytes, pixel bytes, SOP Instance UID.

Pixel bytes = Rows x Columns x frames x samples per pixel x bytes per sample (BitsAllocated / 8), read by pydicom
from each file's header, never from the gateway. The eval radiographs that exist only as PNG (xray/index.csv and
xray/more/INDEX.csv rows with split=eval and no DICOM file) are wrapped here as uncompressed DICOM (CR or DX Image
Storage, MONOCHROME2, the PNG's samples unchanged, 8 or 16 bits allocated) under --wrap-dir, with UIDs derived from
the file name (the same on every run). A volume file without a SeriesInstanceUID (the mr640 series has none; both
servers refuse such an instance) is sent as a copy under --wrap-dir with one added, the same for the whole folder
and derived from its StudyInstanceUID; nothing else changes.

Usage: series.py --data SHARED_DATA --series mprage,mr640,ct,xray [--limit N] --wrap-dir FOLDER
"""

import argparse
import csv
import os
import re
import sys

import numpy
import pydicom
from PIL import Image
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.uid import ExplicitVRLittleEndian, generate_uid

VOLUMES = {
    "mprage": "volumes/mr-t1-sag-mprage-pediatric__FNNDSC-SAG-anon",
    "mr640": "volumes/mr-640x640__Seg3DData-example_dicom",
    "ct": "volumes/ct-axial-slices__TCIA-COVID-19-NY-SBU",
}

# DCMTK storescu proposes only uncompressed transfer syntaxes unless told; these options propose the file's own.
STORESCU_OPTIONS = {
    "1.2.840.10008.1.2.4.50": "-xy",
    "1.2.840.10008.1.2.4.51": "-xx",
    "1.2.840.10008.1.2.4.70": "-xs",
    "1.2.840.10008.1.2.4.80": "-xt",
    "1.2.840.10008.1.2.4.81": "-xu",
    "1.2.840.10008.1.2.4.90": "-xv",
    "1.2.840.10008.1.2.4.91": "-xw",
    "1.2.840.10008.1.2.5": "-xr",
    "1.2.840.10008.1.2.1.99": "-xd",
}
UNCOMPRESSED = {"1.2.840.10008.1.2", "1.2.840.10008.1.2.1", "1.2.840.10008.1.2.2"}

SOP_CLASSES = {"CR": "1.2.840.10008.5.1.4.1.1.1", "DX": "1.2.840.10008.5.1.4.1.1.1.1"}


def volume_files(data, name, wrap_dir):
    folder = os.path.join(data, VOLUMES[name])
    return [with_series_uid(os.path.join(folder, f), name, wrap_dir) for f in sorted(os.listdir(folder)) if f.endswith(".dcm")]


def with_series_uid(path, name, wrap_dir):
    dataset = pydicom.dcmread(path)
    if "SeriesInstanceUID" in dataset:
        return path
    dataset.SeriesInstanceUID = generate_uid(entropy_srcs=["storage-efficiency", name, dataset.StudyInstanceUID])
    copy = os.path.join(wrap_dir, name, os.path.basename(path))
    os.makedirs(os.path.dirname(copy), exist_ok=True)
    dataset.save_as(copy, write_like_original=True)
    return copy


def eval_radiographs(data, wrap_dir):
    """The DICOM eval radiographs as found, then the PNG-only ones wrapped as DICOM."""
    paths, pngs = [], []
    with open(os.path.join(data, "xray/index.csv"), newline="") as index:
        for row in csv.DictReader(index):
            if row["split"] != "eval":
                continue
            if row["dicom"]:
                paths.append(os.path.join(data, "xray", row["dicom"]))
            else:
                pngs.append((os.path.join(data, "xray", row["png"]), "DX", row["body_part"]))
    more = os.path.join(data, "xray/more/INDEX.csv")
    if os.path.exists(more):
        with open(more, newline="") as index:
            for row in csv.DictReader(index):
                if row["split"] == "eval":
                    pngs.append((os.path.join(data, "xray/more", row["file"]), row["modality"], row["body_part"]))
    os.makedirs(wrap_dir, exist_ok=True)
    for png, modality, body_part in sorted(pngs):
        paths.append(wrap_png(png, modality if modality in SOP_CLASSES else "DX", body_part, wrap_dir))
    return paths


def wrap_png(png, modality, body_part, wrap_dir):
    name = os.path.splitext(os.path.basename(png))[0]
    pixels = numpy.asarray(Image.open(png))
    if pixels.ndim != 2:
        raise SystemExit(f"series.py: {png} is not a grey-level image")
    bits = 8 if pixels.dtype == numpy.uint8 else 16
    pixels = pixels.astype(numpy.uint8 if bits == 8 else numpy.uint16)

    def uid(part):
        return generate_uid(entropy_srcs=["storage-efficiency", name, part])

    dataset = Dataset()
    dataset.SOPClassUID = SOP_CLASSES[modality]
    dataset.SOPInstanceUID = uid("instance")
    dataset.StudyInstanceUID = uid("study")
    dataset.SeriesInstanceUID = uid("series")
    dataset.PatientName = "EVAL^" + name[:50]
    dataset.PatientID = name[:64]
    dataset.Modality = modality
    dataset.BodyPartExamined = (re.findall("[A-Z]+", body_part.upper()) or [""])[0][:16]
    dataset.SeriesNumber = 1
    dataset.InstanceNumber = 1
    dataset.ConversionType = "WSD"
    dataset.SamplesPerPixel = 1
    dataset.PhotometricInterpretation = "MONOCHROME2"
    dataset.Rows, dataset.Columns = pixels.shape
    dataset.BitsAllocated = bits
    dataset.BitsStored = bits
    dataset.HighBit = bits - 1
    dataset.PixelRepresentation = 0
    dataset.PixelData = pixels.tobytes()
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = dataset.SOPClassUID
    meta.MediaStorageSOPInstanceUID = dataset.SOPInstanceUID
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    dataset.file_meta = meta
    dataset.is_little_endian, dataset.is_implicit_VR = True, False
    path = os.path.join(wrap_dir, name + ".dcm")
    dataset.save_as(path, write_like_original=False)
    return path


def row(series, path):
    header = pydicom.dcmread(path, stop_before_pixels=True)
    syntax = str(header.file_meta.TransferSyntaxUID)
    if syntax not in UNCOMPRESSED and syntax not in STORESCU_OPTIONS:
        raise SystemExit(f"series.py: {path}: storescu cannot be told to propose {syntax}")
    frames = int(getattr(header, "NumberOfFrames", 1) or 1)
    pixel_bytes = header.Rows * header.Columns * frames * header.SamplesPerPixel * ((header.BitsAllocated + 7) // 8)
    return [series, path, syntax, STORESCU_OPTIONS.get(syntax, "-"), os.path.getsize(path), pixel_bytes, header.SOPInstanceUID]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", required=True)
    parser.add_argument("--series", required=True)
    parser.add_argument("--limit", type=int, default=0)
    parser.add_argument("--wrap-dir", required=True)
    arguments = parser.parse_args()
    writer = csv.writer(sys.stdout, delimiter="\t", lineterminator="\n")
    writer.writerow(["series", "path", "transfer_syntax", "storescu_option", "file_bytes", "pixel_bytes", "sop_instance_uid"])
    for series in arguments.series.split(","):
        if series == "xray":
            paths = eval_radiographs(arguments.data, arguments.wrap_dir)
        elif series in VOLUMES:
            paths = volume_files(arguments.data, series, arguments.wrap_dir)
        else:
            raise SystemExit(f"series.py: unknown series {series!r} (mprage, mr640, ct, xray)")
        for path in paths[: arguments.limit or None]:
            writer.writerow(row(series, path))


if __name__ == "__main__":
    main()
