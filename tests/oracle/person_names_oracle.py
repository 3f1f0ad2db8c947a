#!/usr/bin/python3
"""Independent oracle for person-name searches (QIDO-RS and C-FIND) over names in several character sets, with
Debian's pydicom.

Usage:
  person_names_oracle.py make TEMPLATE OUTDIR   -> writes one instance per name below (TEMPLATE's pixels, new UIDs),
                                                    each encoded by pydicom in its Specific Character Set; prints the
                                                    file names, one a line.
  person_names_oracle.py expect PATTERNS_JSON FILE...
                                                 -> a JSON object: for each pattern, the Study Instance UIDs of the
                                                    files whose Patient's Name matches it, as PS3.4 C.2.2.2 describes
                                                    it: the whole name as decoded by pydicom (trailing empty
                                                    components and groups removed), "*" any run of characters, "?"
                                                    one character, case-insensitive (PN matching may ignore case).
"""
import json
import os
import re
import sys

import pydicom
from pydicom.uid import generate_uid

# (Specific Character Set, Patient's Name, Patient ID)
NAMES = [
    ("ISO_IR 100", "Müller^Hans", "CS-L1-1"),
    ("ISO_IR 100", "MÜLLER^KARL", "CS-L1-2"),
    ("ISO_IR 100", "Möller^Anna", "CS-L1-3"),
    ("ISO_IR 192", "Müller^Eva", "CS-U8-1"),
    ("ISO_IR 192", "山田^花子", "CS-U8-2"),
    (["", "ISO 2022 IR 87"], "山田^太郎", "CS-JP-1"),
    ("ISO_IR 126", "Παπαδόπουλος^Νίκος", "CS-GR-1"),
]


def make(template, outdir):
    os.makedirs(outdir, exist_ok=True)
    for number, (charset, name, patient_id) in enumerate(NAMES, start=1):
        ds = pydicom.dcmread(template)
        ds.SpecificCharacterSet = charset
        ds.PatientName = name
        ds.PatientID = patient_id
        ds.StudyInstanceUID = generate_uid()
        ds.SeriesInstanceUID = generate_uid()
        ds.SOPInstanceUID = generate_uid()
        ds.file_meta.MediaStorageSOPInstanceUID = ds.SOPInstanceUID
        path = os.path.join(outdir, "name%02d.dcm" % number)
        ds.save_as(path, write_like_original=False)
        # Read back: the file must hold the name as given, in its own character set.
        check = pydicom.dcmread(path)
        assert str(check.PatientName) == name, (path, str(check.PatientName), name)
        print(path)


def normalized(name):
    groups = [re.sub(r"\^+$", "", "^".join(c.rstrip(" ") for c in group.split("^"))) for group in name.split("=")]
    while groups and groups[-1] == "":
        groups.pop()
    return "=".join(groups)


def pattern_regex(pattern):
    parts = []
    for character in pattern:
        parts.append(".*" if character == "*" else "." if character == "?" else re.escape(character))
    return re.compile("^" + "".join(parts) + "$", re.DOTALL)


def expect(patterns, paths):
    names = []
    for path in paths:
        ds = pydicom.dcmread(path, stop_before_pixels=True)
        names.append((normalized(str(ds.PatientName).strip()).upper(), str(ds.StudyInstanceUID)))
    result = {}
    for pattern in patterns:
        regex = pattern_regex(normalized(pattern.strip()).upper())
        result[pattern] = sorted({study for name, study in names if regex.match(name)})
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    if sys.argv[1] == "make":
        make(sys.argv[2], sys.argv[3])
    else:
        expect(json.loads(sys.argv[2]), sys.argv[3:])
