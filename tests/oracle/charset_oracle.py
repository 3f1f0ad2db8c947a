#!/usr/bin/python3
"""Independent oracle for Gateway.Dicom.Text.DicomCharacterSet, built on Debian's python3-pydicom.

Three sub-commands, each printing one JSON document on stdout:

  elements FILE...  every character-set-dependent text element (SH, LO, ST, LT, PN, UC, UT) of each
                    file, sequences included: its path, VR, the (0008,0005) terms that apply to it
                    (its own data set's or the nearest enclosing one's), the raw value bytes in hex
                    and pydicom's decoded values.
  decode            reads a JSON list of {"terms": [...], "vr": "PN", "hex": "..."} on stdin and prints
                    pydicom's decoded values of each, as it would decode an element with those bytes.
  tables            pydicom's decoding of every byte 0x80-0xFF under each single-byte defined term
                    and of every 94x94 byte pair under each multi-byte ISO 2022 defined term.

Run it with /usr/bin/python3 (the interpreter that sees Debian's packages).
"""

from __future__ import annotations

import argparse
import json
import sys
import warnings
from dataclasses import asdict, dataclass
from typing import Any

import pydicom
from pydicom.charset import convert_encodings, decode_bytes, python_encoding
from pydicom.dataelem import DataElement_from_raw, RawDataElement
from pydicom.dataset import Dataset
from pydicom.multival import MultiValue
from pydicom.tag import Tag
from pydicom.valuerep import TEXT_VR_DELIMS

CHARACTER_SET_DEPENDENT_VRS = {"SH", "LO", "ST", "LT", "PN", "UC", "UT"}
SPECIFIC_CHARACTER_SET = 0x00080005

SINGLE_BYTE_TERMS = [
    "ISO_IR 100", "ISO_IR 101", "ISO_IR 109", "ISO_IR 110", "ISO_IR 126", "ISO_IR 127",
    "ISO_IR 138", "ISO_IR 144", "ISO_IR 148", "ISO_IR 166",
]

# (defined term, escape sequence designating the set, whether the set is invoked in GR)
MULTI_BYTE_TERMS = [
    ("ISO 2022 IR 87", b"\x1b$B", False),
    ("ISO 2022 IR 159", b"\x1b$(D", False),
    ("ISO 2022 IR 149", b"\x1b$)C", True),
    ("ISO 2022 IR 58", b"\x1b$)A", True),
]


@dataclass
class ElementRecord:
    file: str
    path: str
    vr: str
    terms: list[str]
    hex: str
    values: list[str]


def specific_character_set(ds: Dataset) -> list[str] | None:
    """The terms of the data set's own (0008,0005), or None when it has none."""
    if SPECIFIC_CHARACTER_SET not in ds:
        return None
    value = ds[SPECIFIC_CHARACTER_SET].value
    if value is None:
        return [""]
    if isinstance(value, (list, MultiValue)):
        return [str(v) for v in value]
    return [str(value)]


def as_strings(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, (list, MultiValue)):
        return [str(v) for v in value]
    return [str(value)]


def walk(ds: Dataset, inherited: list[str], path: str, file: str, out: list[ElementRecord]) -> None:
    # Keep the undecoded bytes before pydicom converts the elements in place.
    raw_values = {
        tag: elem.value
        for tag, elem in ds._dict.items()  # noqa: SLF001 - the raw bytes are only here
        if isinstance(elem, RawDataElement)
    }
    terms = specific_character_set(ds) or inherited
    for elem in ds:
        where = f"{path}({elem.tag.group:04X},{elem.tag.element:04X})"
        if elem.VR == "SQ":
            for index, item in enumerate(elem.value):
                walk(item, terms, f"{where}[{index}]/", file, out)
            continue
        raw = raw_values.get(elem.tag)
        if elem.VR not in CHARACTER_SET_DEPENDENT_VRS or not raw:
            continue
        out.append(ElementRecord(file, where, str(elem.VR), terms, raw.hex(), as_strings(elem.value)))


def elements(files: list[str]) -> dict[str, Any]:
    records: list[ElementRecord] = []
    for file in files:
        ds = pydicom.dcmread(file)
        walk(ds, [], "", file, records)
    return {"pydicom": pydicom.__version__, "elements": [asdict(r) for r in records]}


def decode_values(requests: list[dict[str, Any]]) -> dict[str, Any]:
    """pydicom's values for each requested byte string, read as an element of the given VR under the given terms."""
    results: list[list[str]] = []
    for request in requests:
        raw_bytes = bytes.fromhex(request["hex"])
        # A private tag: the VR given here, not a dictionary entry, drives the conversion.
        raw = RawDataElement(Tag(0x0009, 0x1010), request["vr"], len(raw_bytes), raw_bytes, 0, False, True)
        element = DataElement_from_raw(raw, convert_encodings(request["terms"] or None))
        results.append(as_strings(element.value))
    return {"pydicom": pydicom.__version__, "values": results}


def decode(value: bytes, terms: list[str]) -> str:
    return decode_bytes(value, convert_encodings(terms), TEXT_VR_DELIMS)


def tables() -> dict[str, Any]:
    single = {
        term: {f"{b:02x}": decode(bytes([b]), [term]) for b in range(0x80, 0x100)}
        for term in SINGLE_BYTE_TERMS
    }
    # For the multi-byte sets, the Python codec pydicom chooses for the term is applied directly: pydicom 2.3.1's
    # decode_bytes leaves the escape sequence in the text for ISO 2022 IR 58. The G0 (ISO-2022-JP) codecs need the
    # escape sequence, the G1 (EUC) codecs the bare GR pair. A pair the codec rejects is U+FFFD.
    multi: dict[str, dict[str, str]] = {}
    for term, escape, in_gr in MULTI_BYTE_TERMS:
        codec = python_encoding[term]
        pairs: dict[str, str] = {}
        for first in range(0x21, 0x7F):
            for second in range(0x21, 0x7F):
                data = bytes([first | 0x80, second | 0x80]) if in_gr else escape + bytes([first, second])
                try:
                    pairs[f"{first:02x}{second:02x}"] = data.decode(codec)
                except UnicodeDecodeError:
                    pairs[f"{first:02x}{second:02x}"] = "\ufffd"
        multi[term] = pairs
    return {"pydicom": pydicom.__version__, "single_byte": single, "multi_byte": multi}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    elements_parser = commands.add_parser("elements", help="dump the character-set-dependent elements of files")
    elements_parser.add_argument("files", nargs="+")
    commands.add_parser("decode", help="decode the byte strings given as JSON on stdin")
    commands.add_parser("tables", help="dump pydicom's decoding of every code point of each defined term")
    args = parser.parse_args(argv)

    # pydicom warns about every undecodable byte; the replacement characters carry that information.
    warnings.simplefilter("ignore")
    if args.command == "elements":
        result = elements(args.files)
    elif args.command == "decode":
        result = decode_values(json.load(sys.stdin))
    else:
        result = tables()
    json.dump(result, sys.stdout, ensure_ascii=True, indent=None)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
