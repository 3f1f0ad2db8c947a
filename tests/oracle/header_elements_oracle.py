#!/usr/bin/python3
"""Independent oracle (pydicom) for header objects: the elements of an instance other than its pixel data must
come back from a latent exactly as they were sent, long bulk values included.

Usage:
  header_elements_oracle.py add SRC DST
      writes DST: SRC with a private OB element of 5000 bytes (0099,1001), an ICC-like OB profile of 3000 bytes
      (0028,2000) and a VOI LUT Sequence whose item holds 4096 bytes of OW LUT Data (0028,3006), in Explicit VR
      Little Endian; prints a JSON object {bulk data path: sha256} for every OB/OW/UN value over 1024 bytes other
      than the pixel data (paths as in BulkDataURIs: "00991001", "00283010/0/00283006").
  header_elements_oracle.py compare SENT RETRIEVED
      prints a JSON object {"missing": [...], "differ": [...], "extra": [...]} of the elements (paths) of SENT
      that RETRIEVED lacks or holds with another VR or value, and of RETRIEVED's that SENT lacks, leaving out the
      pixel data and the elements a reconstruction adds by design (lossy flags, derivation description).
  header_elements_oracle.py compare-dirs SENT_DIR RETRIEVED_DIR
      the same for every file of SENT_DIR against the file of RETRIEVED_DIR with its SOP Instance UID: prints one
      JSON object {"files": N, "missing": [...], "differ": [...], "extra": [...]}, paths prefixed by the file name
      (a sent instance without a retrieved file is "missing" as a whole).
  header_elements_oracle.py add-trailing SRC DST
      writes DST: SRC with a private block after the pixel data, (7FE1,0010) "MEDVAE TRAILING" and a 2000-byte OB
      value (7FE1,1001), as Siemens keeps spectroscopy data there.
  header_elements_oracle.py with-series SRC_DIR DST_DIR UID
      writes each file of SRC_DIR to DST_DIR as it is, adding Series Instance UID UID where a file has none.
  header_elements_oracle.py with-source-ae DST_DIR AE SRC [AE SRC ...]
      writes each SRC to DST_DIR under its own name with Source Application Entity Title (0002,0016) AE in its
      file meta information and its data set as it is (what a STOW-RS client sends for a rule by calling AE).
"""
import os
import hashlib
import json
import random
import sys

import pydicom
from pydicom.dataset import Dataset
from pydicom.sequence import Sequence
from pydicom.uid import ExplicitVRLittleEndian

PIXEL_TAGS = {0x7FE00010, 0x7FE00008, 0x7FE00009, 0x7FE00001, 0x7FE00002}
ADDED_BY_RECONSTRUCTION = {0x00282110, 0x00282112, 0x00282114, 0x00082111}
BULK_VRS = {"OB", "OW", "UN", "OD", "OF", "OL", "OV"}


def tag_path(prefix, tag):
    return f"{prefix}{int(tag):08X}"


def add(source, destination):
    ds = pydicom.dcmread(source)
    rng = random.Random(6)
    ds.private_block(0x0099, "MEDVAE HEADERKEEP", create=True).add_new(0x01, "OB", bytes(rng.getrandbits(8) for _ in range(5000)))
    ds.add_new(0x00282000, "OB", bytes(rng.getrandbits(8) for _ in range(3000)))
    item = Dataset()
    item.add_new(0x00283002, "US", [2048, 0, 16])
    item.add_new(0x00283003, "LO", "HEADERKEEP TEST LUT")
    item.add_new(0x00283006, "OW", bytes(rng.getrandbits(8) for _ in range(4096)))
    ds.add_new(0x00283010, "SQ", Sequence([item]))
    ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds.is_little_endian = True
    ds.is_implicit_VR = False
    ds.save_as(destination, write_like_original=False)

    found = {}

    def walk(dataset, prefix):
        for element in dataset:
            if int(element.tag) in PIXEL_TAGS:
                continue
            if element.VR == "SQ":
                for index, child in enumerate(element.value):
                    walk(child, f"{tag_path(prefix, element.tag)}/{index}/")
            elif element.VR in BULK_VRS and isinstance(element.value, bytes) and len(element.value) > 1024:
                found[tag_path(prefix, element.tag)] = hashlib.sha256(element.value).hexdigest()

    walk(pydicom.dcmread(destination), "")
    print(json.dumps(found))


def compare(sent_path, retrieved_path):
    print(json.dumps(differences(pydicom.dcmread(sent_path), pydicom.dcmread(retrieved_path))))


def compare_dirs(sent_dir, retrieved_dir):
    retrieved = {}
    for name in sorted(os.listdir(retrieved_dir)):
        dataset = pydicom.dcmread(os.path.join(retrieved_dir, name))
        retrieved[dataset.SOPInstanceUID] = dataset
    total = {"files": 0, "missing": [], "differ": [], "extra": []}
    for name in sorted(os.listdir(sent_dir)):
        sent = pydicom.dcmread(os.path.join(sent_dir, name))
        total["files"] += 1
        if sent.SOPInstanceUID not in retrieved:
            total["missing"].append(name)
            continue
        report = differences(sent, retrieved[sent.SOPInstanceUID])
        for key in ("missing", "differ", "extra"):
            total[key].extend(f"{name}:{path}" for path in report[key])
    print(json.dumps(total))


def add_trailing(source, destination):
    ds = pydicom.dcmread(source)
    rng = random.Random(7)
    ds.private_block(0x7FE1, "MEDVAE TRAILING", create=True).add_new(0x01, "OB", bytes(rng.getrandbits(8) for _ in range(2000)))
    ds.save_as(destination, write_like_original=True)


def with_series(source_dir, destination_dir, uid):
    for name in sorted(os.listdir(source_dir)):
        dataset = pydicom.dcmread(os.path.join(source_dir, name))
        if "SeriesInstanceUID" not in dataset:
            dataset.SeriesInstanceUID = uid
        dataset.save_as(os.path.join(destination_dir, name), write_like_original=True)


def with_source_ae(destination_dir, pairs):
    for ae, source in zip(pairs[::2], pairs[1::2]):
        dataset = pydicom.dcmread(source)
        dataset.file_meta.SourceApplicationEntityTitle = ae
        dataset.save_as(os.path.join(destination_dir, os.path.basename(source)), write_like_original=True)


def differences(sent, retrieved):
    report = {"missing": [], "differ": [], "extra": []}

    def walk(left, right, prefix, top):
        skipped = PIXEL_TAGS | (ADDED_BY_RECONSTRUCTION if top else set())
        for element in left:
            tag = int(element.tag)
            if tag in skipped:
                continue
            path = tag_path(prefix, element.tag)
            if element.tag not in right:
                report["missing"].append(path)
                continue
            other = right[element.tag]
            if element.VR != other.VR:
                report["differ"].append(f"{path} VR {element.VR} -> {other.VR}")
            elif element.VR == "SQ":
                if len(element.value) != len(other.value):
                    report["differ"].append(f"{path} items {len(element.value)} -> {len(other.value)}")
                else:
                    for index, (a, b) in enumerate(zip(element.value, other.value)):
                        walk(a, b, f"{path}/{index}/", False)
            elif element.value != other.value:
                report["differ"].append(path)
        for element in right:
            tag = int(element.tag)
            if tag not in skipped and element.tag not in left:
                report["extra"].append(tag_path(prefix, element.tag))

    walk(sent, retrieved, "", True)
    return report


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "add":
        add(sys.argv[2], sys.argv[3])
    elif len(sys.argv) == 4 and sys.argv[1] == "compare":
        compare(sys.argv[2], sys.argv[3])
    elif len(sys.argv) == 4 and sys.argv[1] == "add-trailing":
        add_trailing(sys.argv[2], sys.argv[3])
    elif len(sys.argv) == 4 and sys.argv[1] == "compare-dirs":
        compare_dirs(sys.argv[2], sys.argv[3])
    elif len(sys.argv) == 5 and sys.argv[1] == "with-series":
        with_series(sys.argv[2], sys.argv[3], sys.argv[4])
    elif len(sys.argv) >= 5 and len(sys.argv) % 2 == 1 and sys.argv[1] == "with-source-ae":
        with_source_ae(sys.argv[2], sys.argv[3:])
    else:
        sys.exit(__doc__)
