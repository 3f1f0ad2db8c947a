#!/usr/bin/python3
"""Independent decoders for the native codec tests (run with Debian's /usr/bin/python3).

Usage: oracle.py JOBS.json   -> prints a JSON list with one result per job.

Each job is a JSON object with "kind":
  "extract": {"file", "oracle", "frames", "out", ["reference"], ["convert"]}
      Splits the first `frames` frames out of an encapsulated DICOM file (pydicom's
      generate_pixel_data_frame), writes frame<k>.bin, and decodes each with `oracle`
      into frame<k>.raw. With "convert" (a command such as ["dcmcjpeg", "+eb", "+cr"]),
      the file is first converted by `convert + [file, converted]` and that is used.
  "native":  {"file", "frames", "out"}
      Writes the native (uncompressed) frames of a DICOM file as frame<k>.raw.
  "decode":  {"frame", "info", "syntax", "oracle", "out"}
      Decodes one encoded frame (written by the C# test) with `oracle` into `out`.

Oracles: "gdcm" (pydicom 2.3 with its GDCM handler, including pydicom's JPEG 2000 sign
corrections), "dcmdjpeg" (DCMTK, +cg: YCbCr is converted to RGB when the JPEG library's
colour-space guess says YCbCr, the libjpeg rule), "dcmdjpls" (DCMTK's CharLS 1.x fork),
"ojph" (OpenJPH's ojph_expand, for HTJ2K), "opj" (OpenJPEG's opj_decompress),
"reference" (the native pixels of another,
uncompressed file: a known answer), "none" (only split the frames).

Every oracle's pixels are written in the layout of Gateway's DecodedFrame: little endian,
samples interleaved, unsigned samples masked to BitsStored, signed ones as the decoder gives them
(DCMTK and GDCM sign-extend JPEG 2000's signed components and return JPEG-LS's unsigned patterns).
That only reinterprets each decoder's container; it decodes nothing.
"""

import copy
import json
import os
import subprocess
import sys
import tempfile

import numpy as np
import pydicom
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.encaps import encapsulate, generate_pixel_data_frame
from pydicom.pixel_data_handlers import gdcm_handler, numpy_handler
from pydicom.uid import ExplicitVRLittleEndian, generate_uid

SECONDARY_CAPTURE = "1.2.840.10008.5.1.4.1.1.7"


def frame_info(ds):
    return {
        "rows": int(ds.Rows),
        "columns": int(ds.Columns),
        "samplesPerPixel": int(ds.SamplesPerPixel),
        "bitsAllocated": int(ds.BitsAllocated),
        "bitsStored": int(ds.BitsStored),
        "signed": int(ds.PixelRepresentation) == 1,
        "photometric": str(ds.PhotometricInterpretation),
        "planar": int(ds.get("PlanarConfiguration", 0) or 0),
    }


def to_native(pixels, info):
    """Pixels (rows, cols[, samples]) -> bytes in the DecodedFrame layout."""
    bits = info["bitsStored"]
    values = np.asarray(pixels).astype(np.int64)
    if not info["signed"]:
        values &= (1 << bits) - 1
    size = 1 if info["bitsAllocated"] <= 8 else 2
    dtype = {(1, False): "<u1", (1, True): "<i1", (2, False): "<u2", (2, True): "<i2"}[(size, info["signed"])]
    return values.astype(dtype).tobytes()


def single_frame_dataset(frame, info, syntax):
    """A minimal Part 10 data set holding one encapsulated frame."""
    ds = Dataset()
    ds.file_meta = FileMetaDataset()
    ds.file_meta.TransferSyntaxUID = syntax
    ds.file_meta.MediaStorageSOPClassUID = SECONDARY_CAPTURE
    ds.file_meta.MediaStorageSOPInstanceUID = generate_uid()
    ds.is_little_endian = True
    ds.is_implicit_VR = False
    ds.SOPClassUID = SECONDARY_CAPTURE
    ds.SOPInstanceUID = ds.file_meta.MediaStorageSOPInstanceUID
    ds.Modality = "OT"
    ds.Rows = info["rows"]
    ds.Columns = info["columns"]
    ds.SamplesPerPixel = info["samplesPerPixel"]
    ds.BitsAllocated = info["bitsAllocated"]
    ds.BitsStored = info["bitsStored"]
    ds.HighBit = info["bitsStored"] - 1
    ds.PixelRepresentation = 1 if info["signed"] else 0
    ds.PhotometricInterpretation = info["photometric"]
    if info["samplesPerPixel"] > 1:
        ds.PlanarConfiguration = 0
    ds.PixelData = encapsulate([frame])
    ds["PixelData"].VR = "OB"
    return ds


def decode_gdcm(frame, info, syntax, _work):
    if not gdcm_handler.is_available():
        raise RuntimeError("GDCM's Python binding is missing: apt-get install python3-gdcm")
    pydicom.config.pixel_data_handlers = [gdcm_handler]
    return single_frame_dataset(frame, info, syntax).pixel_array


def decode_dcmtk(tool, args):
    def decode(frame, info, syntax, work):
        source = os.path.join(work, "in.dcm")
        target = os.path.join(work, "out.dcm")
        single_frame_dataset(frame, info, syntax).save_as(source, write_like_original=False)
        subprocess.run([tool, *args, source, target], check=True, capture_output=True)
        pydicom.config.pixel_data_handlers = [numpy_handler]
        return pydicom.dcmread(target).pixel_array

    return decode


def read_pnm(path):
    with open(path, "rb") as f:
        data = f.read()
    fields, position = [], 0
    while len(fields) < 4:
        while data[position:position + 1].isspace():
            position += 1
        if data[position:position + 1] == b"#":
            position = data.index(b"\n", position)
            continue
        end = position
        while not data[end:end + 1].isspace():
            end += 1
        fields.append(data[position:end])
        position = end
    position += 1
    magic, width, height, maxval = fields[0], int(fields[1]), int(fields[2]), int(fields[3])
    samples = 3 if magic == b"P6" else 1
    dtype = ">u2" if maxval > 255 else "u1"
    pixels = np.frombuffer(data, dtype=dtype, count=width * height * samples, offset=position)
    return pixels.reshape((height, width, samples) if samples > 1 else (height, width))


def decode_ojph(frame, info, _syntax, work):
    source = os.path.join(work, "in.j2c")
    target = os.path.join(work, "out." + ("ppm" if info["samplesPerPixel"] == 3 else "pgm"))
    with open(source, "wb") as f:
        f.write(frame)
    subprocess.run(["ojph_expand", "-i", source, "-o", target], check=True, capture_output=True)
    return read_pnm(target)


def decode_opj(frame, info, _syntax, work):
    source = os.path.join(work, "in.jp2" if frame[4:8] == b"jP  " else "in.j2k")
    target = os.path.join(work, "out." + ("ppm" if info["samplesPerPixel"] == 3 else "pgm"))
    with open(source, "wb") as f:
        f.write(frame)
    subprocess.run(["opj_decompress", "-quiet", "-i", source, "-o", target], check=True, capture_output=True)
    return read_pnm(target)


ORACLES = {
    "gdcm": decode_gdcm,
    "dcmdjpeg": decode_dcmtk("dcmdjpeg", ["+cg"]),
    "dcmdjpls": decode_dcmtk("dcmdjpls", []),
    "ojph": decode_ojph,
    "opj": decode_opj,
}


def frames_of(ds, count):
    total = int(ds.get("NumberOfFrames", 1) or 1)
    return [frame for _, frame in zip(range(count), generate_pixel_data_frame(ds.PixelData, total))]


def native_frames(path, count):
    pydicom.config.pixel_data_handlers = [numpy_handler]
    ds = pydicom.dcmread(path, force=True)
    info = frame_info(ds)
    pixels = ds.pixel_array
    if int(ds.get("NumberOfFrames", 1) or 1) == 1:
        pixels = pixels[np.newaxis]
    return info, [to_native(pixels[k], info) for k in range(min(count, len(pixels)))]


def write(path, data):
    with open(path, "wb") as f:
        f.write(data)


def run_extract(job, work):
    path = job["file"]
    if job.get("convert"):
        path = os.path.join(work, "converted.dcm")
        subprocess.run([*job["convert"], job["file"], path], check=True, capture_output=True)
    ds = pydicom.dcmread(path, force=True)
    info = frame_info(ds)
    syntax = str(ds.file_meta.TransferSyntaxUID)
    frames = frames_of(ds, job["frames"])
    if job["oracle"] == "none":
        expected = [None] * len(frames)
    elif job["oracle"] == "reference":
        _, expected = native_frames(job["reference"], len(frames))
    else:
        expected = [to_native(ORACLES[job["oracle"]](frame, info, syntax, work), info) for frame in frames]
    os.makedirs(job["out"], exist_ok=True)
    for k, (frame, pixels) in enumerate(zip(frames, expected)):
        write(os.path.join(job["out"], f"frame{k}.bin"), frame)
        if pixels is not None:
            write(os.path.join(job["out"], f"frame{k}.raw"), pixels)
    return {"info": info, "syntax": syntax, "frames": len(frames)}


def run_native(job, _work):
    info, frames = native_frames(job["file"], job["frames"])
    os.makedirs(job["out"], exist_ok=True)
    for k, pixels in enumerate(frames):
        write(os.path.join(job["out"], f"frame{k}.raw"), pixels)
    return {"info": info, "frames": len(frames)}


def run_decode(job, work):
    with open(job["frame"], "rb") as f:
        frame = f.read()
    info = job["info"]
    write(job["out"], to_native(ORACLES[job["oracle"]](frame, info, job["syntax"], work), info))
    return {"info": info}


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        jobs = json.load(f)
    runners = {"extract": run_extract, "native": run_native, "decode": run_decode}
    results = []
    with tempfile.TemporaryDirectory(prefix="gateway-oracle-") as work:
        for job in jobs:
            try:
                results.append({"ok": True, **runners[job["kind"]](copy.deepcopy(job), work)})
            except Exception as error:  # reported to the test, which fails with it
                detail = getattr(error, "stderr", b"") or b""
                results.append({"ok": False, "error": f"{type(error).__name__}: {error} {detail.decode(errors='replace')}".strip()})
    json.dump(results, sys.stdout)


if __name__ == "__main__":
    main()
