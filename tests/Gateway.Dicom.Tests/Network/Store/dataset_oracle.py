#!/usr/bin/python3
"""Independent oracle for the storage tests: compares the data sets of two DICOM files element by element with
Debian's pydicom (File Meta Information excluded), so a transfer syntax change or a different length encoding
of sequences does not count, but any changed value does.

Where one side has no VR for an element (implicit VR, or UN) and the other has one, the raw value bytes are
compared, since dictionaries disagree on some private VRs (DCMTK says SS where pydicom says IS, for example).

Usage: dataset_oracle.py PAIRS.json   where PAIRS.json is
  [{"expected": PATH, "actual": PATH, "skip": ["7fe00010"], "allow": [["00280004", "YBR_RCT", "RGB"]]}]
("allow": the element may change from the first value to the second, as decompression does to YBR_RCT).
Prints a JSON list with one object per pair: {"expected": ..., "differences": [...]} (empty when equal).
"""
import json
import sys

import pydicom
from pydicom.dataelem import DataElement_from_raw, RawDataElement
from pydicom.values import convert_SQ

# Compare what the files hold, not what pydicom's dictionary guesses for UN elements.
pydicom.config.replace_un_with_known_vr = False

# Elements a sender may legitimately drop or add: Data Set Trailing Padding has no meaning (PS3.5 7.7).
IGNORED = {0xFFFCFFFC}

# Encapsulated pixel data is OB (PS3.5 A.4); DCMTK-based peers correct files that say OW.
PIXEL_DATA = 0x7FE00010


def value_of(element):
    value = element.value
    if value is None or (hasattr(value, "__len__") and len(value) == 0):
        return ""  # an empty value, however pydicom represents it for the VR
    if isinstance(value, bytes) and element.VR not in ("OB", "OW", "UN", "OD", "OF", "OL", "OV"):
        return value.rstrip(b"\0 ")
    if isinstance(value, str):
        return value.rstrip("\0 ")
    return value


def known_vr(raw):
    """The VR the file states for an element, or None (implicit VR, or UN)."""
    return None if raw.VR in (None, "UN") else raw.VR


def raw_value(raw, element, vr):
    """The element's value read from its bytes as <vr> (for an element stored without a usable VR)."""
    if isinstance(raw, RawDataElement):
        return value_of(DataElement_from_raw(raw._replace(VR=vr)))
    return value_of(element)


def items_of(element):
    """The items of a sequence, also of one kept as UN (undefined length UN is implicit VR LE, PS3.5 6.2.2)."""
    if element.VR == "SQ":
        return list(element.value)
    if element.VR == "UN" and isinstance(element.value, bytes):
        return list(convert_SQ(element.value, True, True))
    return None


def compare(expected, actual, path, skip, allow, out):
    tags = sorted(set(expected.keys()) | set(actual.keys()))
    for tag in tags:
        key = f"{int(tag):08x}"
        where = f"{path}({tag.group:04x},{tag.element:04x})"
        if int(tag) in IGNORED or key in skip or tag.element == 0x0000:
            continue  # group lengths (retired outside group 0000) depend on the encoding: writers recompute or drop them
        if tag not in expected or tag not in actual:
            out.append(f"{where} {'added' if tag not in expected else 'missing'}")
            continue
        raws = (expected.get_item(tag), actual.get_item(tag))  # before expected[tag] converts them
        vrs = (known_vr(raws[0]), known_vr(raws[1]))
        a, b = expected[tag], actual[tag]
        if "SQ" in (a.VR, b.VR) or "SQ" in vrs:
            items = [items_of(element) for element in (a, b)]
            if None in items or len(items[0]) != len(items[1]):
                out.append(f"{where} sequence differs ({a.VR} vs {b.VR})")
                continue
            for i, (x, y) in enumerate(zip(*items)):
                compare(x, y, f"{where}[{i}].", skip, allow, out)
            continue
        if vrs[0] != vrs[1] and None in vrs:
            # One side has no VR (implicit, UN): read both sides' bytes with the VR the other side states.
            vr = vrs[0] or vrs[1]
            before, after = raw_value(raws[0], a, vr), raw_value(raws[1], b, vr)
        elif vrs == (None, None):
            before, after = raw_value(raws[0], a, "UN"), raw_value(raws[1], b, "UN")
        elif vrs[0] != vrs[1] and not (int(tag) == PIXEL_DATA and set(vrs) == {"OB", "OW"}):
            out.append(f"{where} VR {vrs[0]} became {vrs[1]}")
            continue
        else:
            before, after = value_of(a), value_of(b)
        if before != after and (key, str(before), str(after)) not in allow:
            out.append(f"{where} value differs")


def main():
    results = []
    for pair in json.load(open(sys.argv[1])):
        expected = pydicom.dcmread(pair["expected"], force=True)
        actual = pydicom.dcmread(pair["actual"], force=True)
        differences = []
        allow = {tuple(change) for change in pair.get("allow", [])}
        compare(expected, actual, "", set(pair.get("skip", [])), allow, differences)
        results.append({"expected": pair["expected"], "differences": differences[:10]})
    json.dump(results, sys.stdout)


if __name__ == "__main__":
    main()
