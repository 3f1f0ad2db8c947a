#!/usr/bin/python3
"""Oracle for the managed pixel codecs (JPEG lossless, JPEG DCT, RLE, Deflated Image Frame).

Run with Debian's /usr/bin/python3 (python3-pydicom, python3-gdcm, python3-numpy) and DCMTK on PATH.

  extract OUT SPEC...   SPEC is "path/to/file.dcm[=reference.dcm]". For each file writes into OUT:
                        NAME.json (geometry), NAME.fN.bin (encoded frame N as the codec receives it:
                        its fragments concatenated) and one NAME.ORACLE.raw per oracle that could decode
                        it (all frames, each in the layout of Gateway's DecodedFrame: little endian,
                        colour interleaved, unsigned samples with the bits above BitsStored zero,
                        signed ones sign-extended). Oracles: "pydicom" (pydicom's pixel_array: GDCM for
                        JPEG, pydicom's own handler for RLE), "dcmtk" (dcmdjpeg / dcmdrle, then the native result),
                        "reference" (the pixel data of a second, uncompressed file).
  verify OUT LIST.json  LIST.json is a list of frame sets our encoders produced, each {"name", "syntax",
                        "rows", ..., "frames": [paths]}. Wraps each set in a DICOM file and writes
                        OUT/NAME.ORACLE.raw as decoded by every oracle that can decode that syntax
                        (DCMTK and pydicom; raw inflate for Deflated Image Frame Compression; pydicom's
                        RLE segment decoder for 1-bit RLE), and OUT/verify.json naming them.
  encode OUT LIST.json  Like verify, but the frames in LIST.json are native and each item names a DCMTK
                        encoder ("tool": dcmcjpeg or dcmcrle) and its "args". Writes the frames DCMTK
                        produced (OUT/NAME.fN.bin), their decodings (OUT/NAME.decoded.ORACLE.raw) and
                        OUT/encode.json.
"""
import json
import os
import struct
import subprocess
import sys
import tempfile
import zlib

import numpy as np
import pydicom
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.encaps import encapsulate, generate_pixel_data_frame
from pydicom.uid import ExplicitVRLittleEndian, generate_uid

DCMTK_TOOL = {
    "1.2.840.10008.1.2.4.51": "dcmdjpeg",
    "1.2.840.10008.1.2.4.53": "dcmdjpeg",
    "1.2.840.10008.1.2.4.55": "dcmdjpeg",
    "1.2.840.10008.1.2.4.57": "dcmdjpeg",
    "1.2.840.10008.1.2.4.70": "dcmdjpeg",
    "1.2.840.10008.1.2.5": "dcmdrle",
}


def geometry(ds):
    return {
        "syntax": str(ds.file_meta.TransferSyntaxUID),
        "rows": int(ds.Rows),
        "columns": int(ds.Columns),
        "samplesPerPixel": int(ds.SamplesPerPixel),
        "bitsAllocated": int(ds.BitsAllocated),
        "bitsStored": int(ds.BitsStored),
        "signed": int(ds.PixelRepresentation) == 1,
        "photometric": str(ds.PhotometricInterpretation),
        "planar": int(ds.get("PlanarConfiguration", 0) or 0),
        "frames": int(ds.get("NumberOfFrames", 1) or 1),
    }


def normalise(arr, geo):
    """All frames of arr (pixel_array shape) as bytes in Gateway's DecodedFrame layout."""
    bits, stored, signed = geo["bitsAllocated"], geo["bitsStored"], geo["signed"]
    wide = arr.astype(np.int64)
    if signed:
        wide = wide & ((1 << stored) - 1)
        wide = np.where(wide >= (1 << (stored - 1)), wide - (1 << stored), wide)
    else:
        wide = wide & ((1 << stored) - 1)
    dtype = {8: "<i1", 16: "<i2", 32: "<i4"}[bits] if signed else {8: "<u1", 16: "<u2", 32: "<u4"}[bits]
    return wide.astype(dtype).tobytes()


def native_pixels(ds, geo):
    if geo["bitsAllocated"] == 1:
        if ds.file_meta.TransferSyntaxUID.is_compressed:
            return np.packbits(ds.pixel_array.ravel(), bitorder="little").tobytes()
        return bytes(ds.PixelData)
    return normalise(ds.pixel_array, geo)


def pydicom_pixels(path, geo):
    """pydicom's pixel_array (GDCM for JPEG) in a forked child: GDCM aborts the process on some inputs."""
    with tempfile.NamedTemporaryFile(delete=False) as tmp:
        result = tmp.name
    try:
        pid = os.fork()
        if pid == 0:
            status = 1
            try:
                data = native_pixels(pydicom.dcmread(path), geo)
                with open(result, "wb") as f:
                    f.write(data)
                status = 0
            except Exception as e:  # reported through the result file
                with open(result, "w") as f:
                    f.write(str(e)[:200])
            finally:
                os._exit(status)
        _, status = os.waitpid(pid, 0)
        with open(result, "rb") as f:
            content = f.read()
        if os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0:
            return content, None
        return None, content.decode(errors="replace") or f"the decoder aborted (wait status {status})"
    finally:
        os.unlink(result)


def frames_of(ds, geo):
    return list(generate_pixel_data_frame(ds.PixelData, geo["frames"]))


def extract(out, specs):
    for spec in specs:
        path, _, reference = spec.partition("=")
        name = os.path.basename(path)
        ds = pydicom.dcmread(path)
        geo = geometry(ds)
        for i, frame in enumerate(frames_of(ds, geo)):
            with open(os.path.join(out, f"{name}.f{i}.bin"), "wb") as f:
                f.write(frame)
        oracles = {}
        data, error = pydicom_pixels(path, geo)
        if error is None:
            oracles["pydicom"] = data
        else:
            geo.setdefault("oracleErrors", {})["pydicom"] = error
        tool = DCMTK_TOOL.get(geo["syntax"])
        if tool:
            with tempfile.TemporaryDirectory() as tmp:
                target = os.path.join(tmp, "out.dcm")
                run = subprocess.run([tool, path, target], capture_output=True, text=True)
                if run.returncode == 0:
                    oracles["dcmtk"] = native_pixels(pydicom.dcmread(target), geo)
                else:
                    geo.setdefault("oracleErrors", {})["dcmtk"] = run.stderr.strip()[:200]
        if reference:
            oracles["reference"] = native_pixels(pydicom.dcmread(reference), geo)
        for oracle, data in oracles.items():
            with open(os.path.join(out, f"{name}.{oracle}.raw"), "wb") as f:
                f.write(data)
        geo["oracles"] = sorted(oracles)
        with open(os.path.join(out, f"{name}.json"), "w") as f:
            json.dump(geo, f)


def wrap(geo, frames, target, native=False):
    """A minimal DICOM file holding frames (encapsulated) or one native pixel data blob (native=True)."""
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = "1.2.840.10008.5.1.4.1.1.7"
    meta.MediaStorageSOPInstanceUID = generate_uid()
    meta.TransferSyntaxUID = ExplicitVRLittleEndian if native else geo["syntax"]
    ds = Dataset()
    ds.file_meta = meta
    ds.SOPClassUID = meta.MediaStorageSOPClassUID
    ds.SOPInstanceUID = meta.MediaStorageSOPInstanceUID
    ds.Modality = "OT"
    ds.Rows, ds.Columns = geo["rows"], geo["columns"]
    ds.SamplesPerPixel = geo["samplesPerPixel"]
    ds.PhotometricInterpretation = geo["photometric"]
    if geo["samplesPerPixel"] > 1:
        ds.PlanarConfiguration = 0
    ds.BitsAllocated, ds.BitsStored = geo["bitsAllocated"], geo["bitsStored"]
    ds.HighBit = geo["bitsStored"] - 1
    ds.PixelRepresentation = 1 if geo["signed"] else 0
    if len(frames) > 1:
        ds.NumberOfFrames = len(frames)
    if native:
        ds.PixelData = b"".join(frames)
        ds["PixelData"].VR = "OB" if geo["bitsAllocated"] <= 8 else "OW"
    else:
        ds.PixelData = encapsulate(frames)
        ds["PixelData"].is_undefined_length = True
        ds["PixelData"].VR = "OB"
    ds.is_little_endian, ds.is_implicit_VR = True, False
    ds.save_as(target, write_like_original=False)


def verify_one(out, geo):
    frames = []
    for path in geo["frames"]:
        with open(path, "rb") as f:
            frames.append(f.read())
    name = geo["name"]
    results = {}
    errors = {}
    if geo["syntax"] == "1.2.840.10008.1.2.8.1":
        # pydicom 2.3 cannot decode this syntax; zlib's raw inflate is the oracle.
        results["zlib"] = b"".join(zlib.decompress(frame, -15) for frame in frames)
    elif geo["syntax"] == "1.2.840.10008.1.2.5" and geo["bitsAllocated"] == 1:
        # Neither DCMTK nor pydicom's handler accepts 1-bit RLE; pydicom's segment decoder does.
        from pydicom.pixel_data_handlers.rle_handler import _rle_decode_segment
        decoded = []
        for frame in frames:
            count, first = struct.unpack_from("<2L", frame)
            if count != 1 or first != 64:
                raise ValueError(f"{name}: 1-bit RLE frame with {count} segments at {first}")
            decoded.append(bytes(_rle_decode_segment(frame[64:]))[: (geo["rows"] * geo["columns"] + 7) // 8])
        results["pydicom-rle"] = b"".join(decoded)
    else:
        wrapped = os.path.join(out, f"{name}.dcm")
        wrap(geo, frames, wrapped)
        data, error = pydicom_pixels(wrapped, geo)
        if error is None:
            results["pydicom"] = data
        else:
            errors["pydicom"] = error
        tool = DCMTK_TOOL.get(geo["syntax"])
        if tool:
            target = os.path.join(out, f"{name}.dcmtk.dcm")
            run = subprocess.run([tool, wrapped, target], capture_output=True, text=True)
            if run.returncode == 0:
                results["dcmtk"] = native_pixels(pydicom.dcmread(target), geo)
            else:
                errors["dcmtk"] = run.stderr.strip()[:200]
    for oracle, data in results.items():
        with open(os.path.join(out, f"{name}.{oracle}.raw"), "wb") as f:
            f.write(data)
    return {"oracles": sorted(results), "errors": errors}


def encode_with_dcmtk(out, spec_path):
    """Each item: native frames plus "tool" and "args" (dcmcjpeg or dcmcrle options). Writes NAME.fN.bin
    (the frames that tool produced) and NAME.decoded.ORACLE.raw (DCMTK's and pydicom's decoding of them);
    encode.json gives, per item, the oracles and the encoded file's geometry (the encoder may change the
    photometric interpretation or BitsStored)."""
    with open(spec_path) as f:
        items = json.load(f)
    report = {}
    for item in items:
        name = item["name"]
        frames = []
        for path in item["frames"]:
            with open(path, "rb") as f:
                frames.append(f.read())
        source = os.path.join(out, f"{name}.native.dcm")
        encoded = os.path.join(out, f"{name}.encoded.dcm")
        wrap(item, frames, source, native=True)
        run = subprocess.run([item["tool"], *item["args"], source, encoded], capture_output=True, text=True)
        if run.returncode != 0:
            raise RuntimeError(f"{name}: {item['tool']} failed: {run.stderr.strip()[:300]}")
        ds = pydicom.dcmread(encoded)
        encoded_geometry = geometry(ds)
        for i, frame in enumerate(frames_of(ds, encoded_geometry)):
            with open(os.path.join(out, f"{name}.f{i}.bin"), "wb") as f:
                f.write(frame)
        report[name] = verify_one(out, encoded_geometry | {
            "name": name + ".decoded",
            "frames": [os.path.join(out, f"{name}.f{i}.bin") for i in range(len(frames))],
        }) | {"geometry": encoded_geometry}
    with open(os.path.join(out, "encode.json"), "w") as f:
        json.dump(report, f)


def verify(out, spec_path):
    with open(spec_path) as f:
        items = json.load(f)
    report = {item["name"]: verify_one(out, item) for item in items}
    with open(os.path.join(out, "verify.json"), "w") as f:
        json.dump(report, f)


if __name__ == "__main__":
    if len(sys.argv) >= 3 and sys.argv[1] == "extract":
        extract(sys.argv[2], sys.argv[3:])
    elif len(sys.argv) == 4 and sys.argv[1] == "verify":
        verify(sys.argv[2], sys.argv[3])
    elif len(sys.argv) == 4 and sys.argv[1] == "encode":
        encode_with_dcmtk(sys.argv[2], sys.argv[3])
    else:
        sys.exit(__doc__)
