#!/usr/bin/python3
"""Independent oracle for the DICOM JSON Model (PS3.18 Annex F.2): pydicom's Dataset.to_json_dict().

Usage: /usr/bin/python3 pydicom_json.py --bulk-threshold-base64 N FILE...
Prints one JSON object {FILE: data set JSON, ...} on stdout. Needs Debian's python3-pydicom (2.3).

Values whose base64 text is longer than N characters become {"BulkDataURI": "bulk/GGGGEEEE"} (pydicom's own
threshold rule), so the caller can compare its bulk data policy too.

Only pydicom behaviours that contradict PS3.18 are normalised here, each named with the clause it contradicts;
value formatting that JSON leaves free (1.5 vs 1.50, float repr) is left for the caller to compare numerically:
  1. Group Length (gggg,0000) attributes are dropped: F.2.2 says they "shall not be included".
  2. PN objects lose empty "Alphabetic"/"Ideographic"/"Phonetic" members (pydicom always writes "Alphabetic" and
     writes empty groups): F.2.2 encodes only "the non-empty name components"; an object left empty is null (F.2.5).
  3. An empty string inside a multi-valued "Value" array becomes null: F.2.5 encodes empty values as null.
  4. "Value": [] (pydicom's empty sequence) is dropped: F.2.5 says an empty attribute has no "Value".
  5. NaN and infinite floats, which pydicom would emit as the non-JSON tokens NaN/Infinity, become the strings
     "NaN"/"Infinity"/"-Infinity" (the caller's representation; JSON numbers cannot hold them).
pydicom is told not to reinterpret UN elements by the dictionary (replace_un_with_known_vr = False), so both sides
describe the VRs that are in the file.
"""
import argparse
import json
import math
import sys

import pydicom
import pydicom.config


def normalise_value(vr, value):
    if isinstance(value, float) and not math.isfinite(value):
        return "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")
    if vr == "PN" and isinstance(value, dict):
        groups = {name: text for name, text in value.items() if text}
        return groups or None
    if vr == "SQ" and isinstance(value, dict):
        return normalise_dataset(value)
    if value == "":
        return None
    return value


def normalise_dataset(dataset):
    result = {}
    for key, attribute in dataset.items():
        if key.endswith("0000"):
            continue
        vr = attribute["vr"]
        values = attribute.get("Value")
        if values is not None:
            values = [normalise_value(vr, value) for value in values]
            if values and all(value is None for value in values) and len(values) == 1:
                values = []
            if values:
                attribute["Value"] = values
            else:
                del attribute["Value"]
        result[key] = attribute
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bulk-threshold-base64", type=int, required=True)
    parser.add_argument("files", nargs="+")
    arguments = parser.parse_args()
    pydicom.config.replace_un_with_known_vr = False
    output = {}
    for path in arguments.files:
        dataset = pydicom.dcmread(path)
        as_json = dataset.to_json_dict(
            bulk_data_threshold=arguments.bulk_threshold_base64,
            bulk_data_element_handler=lambda element: "bulk/%08X" % element.tag,
        )
        output[path] = normalise_dataset(as_json)
    json.dump(output, sys.stdout, ensure_ascii=False, allow_nan=False)


if __name__ == "__main__":
    main()
