#!/usr/bin/python3
"""Independent oracle for `gateway dicom pixels`: decodes DICOM pixel data with Debian's pydicom + GDCM
(falling back to DCMTK's decompressors), and writes the stored values in the same layout: little endian,
frame after frame, samples interleaved, YBR colour converted to RGB, 1-bit data one byte per pixel.

Usage: pixels_oracle.py OUT_DIR FILE...   -> OUT_DIR/<n>.raw for the n-th file, and a JSON line per file
on stdout: {"index": n, "file": ..., "ok": bool, "decoder": ..., "error": ...}.
"""
import json
import os
import subprocess
import sys
import tempfile

import numpy as np
import pydicom
from pydicom.pixel_data_handlers import gdcm_handler, numpy_handler, rle_handler
from pydicom.pixel_data_handlers.util import convert_color_space

pydicom.config.pixel_data_handlers = [numpy_handler, rle_handler, gdcm_handler]

# pydicom 2.3 does not swap 8-bit OW pixel data read from explicit big endian files, so big endian files are
# converted to little endian by DCMTK first (checked on OBXXXX1A_expb_2frame.dcm against its little endian twin).
BIG_ENDIAN = "1.2.840.10008.1.2.2"

DCMTK_DECOMPRESSORS = {
    "1.2.840.10008.1.2.4.50": "dcmdjpeg", "1.2.840.10008.1.2.4.51": "dcmdjpeg",
    "1.2.840.10008.1.2.4.53": "dcmdjpeg", "1.2.840.10008.1.2.4.55": "dcmdjpeg",
    "1.2.840.10008.1.2.4.57": "dcmdjpeg", "1.2.840.10008.1.2.4.70": "dcmdjpeg",
    "1.2.840.10008.1.2.4.80": "dcmdjpls", "1.2.840.10008.1.2.4.81": "dcmdjpls",
    "1.2.840.10008.1.2.5": "dcmdrle",
}


# Files whose pixels the oracle takes from an uncompressed twin holding the same pixel data (a known answer):
# 1-bit SEG frames that neither GDCM nor DCMTK decode from RLE or Deflated Image Frame Compression.
REFERENCE_TWINS = {"liver_rle.dcm": "liver.dcm", "liver_deflate.dcm": "liver.dcm"}

# Files whose header and bitstream disagree, decoded by DCMTK with an explicit option, and why:
# GH195.dcm says RGB, but its JPEG stream is JFIF YCbCr 4:2:0. GDCM and dcmdjpeg's default (+cp) trust the
# header and return YCbCr labelled RGB (visibly wrong colours); libjpeg's own rule (dcmdjpeg +cg) converts.
DCMTK_OPTIONS = {"GH195.dcm": ["+cg"]}

# Colour DCT JPEG (YBR_FULL_422/YBR_FULL): GDCM returns the YCbCr samples and pydicom's floating-point
# conversion is off by one in places, while the JPEG decoder's own integer conversion (IJG, in DCMTK's
# dcmdjpeg, and libjpeg-turbo) is what the bitstream defines; such frames go to DCMTK.
DCT_JPEG = {"1.2.840.10008.1.2.4.50", "1.2.840.10008.1.2.4.51", "1.2.840.10008.1.2.4.53", "1.2.840.10008.1.2.4.55"}

# High-Throughput JPEG 2000: neither GDCM 3.0.21 nor DCMTK 3.6.7 decodes it. Lossless codestreams are
# checked against OpenJPH's ojph_expand (an independent implementation); lossy ones against OpenJPEG's
# opj_decompress, since two 9/7 wavelet implementations legitimately round differently by 1.
HTJ2K_EXPANDERS = {
    "1.2.840.10008.1.2.4.201": "ojph_expand", "1.2.840.10008.1.2.4.202": "ojph_expand",
    "1.2.840.10008.1.2.4.203": "opj_decompress",
}


def read_pnm(path):
    """Samples of a binary PGM/PPM (P5/P6) as bytes, little endian when 16-bit."""
    with open(path, "rb") as handle:
        data = handle.read()
    fields, position = [], 0
    while len(fields) < 4:
        while data[position:position + 1].isspace():
            position += 1
        if data[position:position + 1] == b"#":
            position = data.index(b"\n", position) + 1
            continue
        end = position
        while not data[end:end + 1].isspace():
            end += 1
        fields.append(data[position:end])
        position = end
    position += 1
    maxval = int(fields[3])
    samples = np.frombuffer(data[position:], dtype=">u2" if maxval > 255 else "u1")
    return samples.astype(samples.dtype.newbyteorder("<")).tobytes()


def decode_htj2k(ds, syntax):
    from pydicom.encaps import generate_pixel_data_frame
    tool = HTJ2K_EXPANDERS[syntax]
    frames = int(getattr(ds, "NumberOfFrames", 1) or 1)
    out = []
    with tempfile.TemporaryDirectory() as folder:
        for index, frame in enumerate(generate_pixel_data_frame(ds.PixelData, frames)):
            source = os.path.join(folder, f"{index}.j2c")
            target = os.path.join(folder, f"{index}." + ("ppm" if ds.SamplesPerPixel == 3 else "pgm"))
            with open(source, "wb") as handle:
                handle.write(frame)
            done = subprocess.run([tool, "-i", source, "-o", target], capture_output=True, text=True)
            if done.returncode != 0:
                raise RuntimeError(f"{tool}: {done.stderr.strip() or done.stdout.strip()}")
            out.append(read_pnm(target))
    return b"".join(out), tool


def stored_values(ds):
    arr = ds.pixel_array
    photometric = str(ds.get("PhotometricInterpretation", "")).strip()
    if photometric in ("YBR_FULL", "YBR_FULL_422") and getattr(ds, "SamplesPerPixel", 1) == 3 \
            and ds.BitsAllocated == 8:
        arr = convert_color_space(arr, "YBR_FULL", "RGB")
    return arr.astype(arr.dtype.newbyteorder("<"), copy=False).tobytes()


def decode_with_dcmtk(path, syntax):
    """DCMTK's decompressor for compressed syntaxes, `dcmconv +te` (to explicit little endian) otherwise."""
    tool = DCMTK_DECOMPRESSORS.get(syntax, "dcmconv")
    options = DCMTK_OPTIONS.get(os.path.basename(path), [])
    with tempfile.TemporaryDirectory() as folder:
        out = os.path.join(folder, "plain.dcm")
        arguments = [tool, *options, path, out] if tool != "dcmconv" else [tool, "+te", path, out]
        done = subprocess.run(arguments, capture_output=True, text=True)
        if done.returncode != 0:
            raise RuntimeError(f"{tool}: {done.stderr.strip() or done.stdout.strip()}")
        return stored_values(pydicom.dcmread(out)), tool


def decode(path, ds, syntax, name):
    """The first oracle that decodes the file, in the order the rules above give; errors of all that failed."""
    if name in REFERENCE_TWINS:
        twin = os.path.join(os.path.dirname(path), REFERENCE_TWINS[name])
        return stored_values(pydicom.dcmread(twin)), f"uncompressed twin {REFERENCE_TWINS[name]}"
    if syntax in HTJ2K_EXPANDERS:
        return decode_htj2k(ds, syntax)
    dcmtk_first = syntax == BIG_ENDIAN or name in DCMTK_OPTIONS or (
        syntax in DCT_JPEG and str(ds.get("PhotometricInterpretation", "")).startswith("YBR"))
    attempts = [("dcmtk", lambda: decode_with_dcmtk(path, syntax)), ("pydicom", lambda: (stored_values(ds), "pydicom+gdcm"))]
    if not dcmtk_first:
        attempts.reverse()
    errors = []
    for label, attempt in attempts:
        try:
            return attempt()
        except Exception as error:  # noqa: BLE001 - the next oracle may decode it
            errors.append(f"{label}: {error}")
    raise RuntimeError("; ".join(errors))


def write(out_dir, index, data):
    with open(os.path.join(out_dir, f"{index}.raw"), "wb") as handle:
        handle.write(data)


def main():
    out_dir, files = sys.argv[1], sys.argv[2:]
    for index, path in enumerate(files):
        record = {"index": index, "file": path, "ok": False}
        try:
            try:
                ds = pydicom.dcmread(path, force=True)
            except Exception:  # noqa: BLE001 - a file pydicom cannot parse may still be read by DCMTK
                data, decoder = decode_with_dcmtk(path, "")
                write(out_dir, index, data)
                record.update(ok=True, decoder=decoder, bytes=len(data))
                print(json.dumps(record), flush=True)
                continue
            if "TransferSyntaxUID" not in ds.file_meta:
                # no meta group (ACR-NEMA style): pydicom has detected the encoding, name it for the handlers
                ds.file_meta.TransferSyntaxUID = pydicom.uid.ImplicitVRLittleEndian if ds.is_implicit_VR \
                    else pydicom.uid.ExplicitVRLittleEndian if ds.is_little_endian else pydicom.uid.ExplicitVRBigEndian
            syntax = str(ds.file_meta.TransferSyntaxUID)
            name = os.path.basename(path)
            data, decoder = decode(path, ds, syntax, name)
            write(out_dir, index, data)
            record.update(ok=True, decoder=decoder, bytes=len(data))
        except Exception as error:  # noqa: BLE001 - reported per file
            record["error"] = f"{type(error).__name__}: {error}"
        print(json.dumps(record), flush=True)


if __name__ == "__main__":
    main()
