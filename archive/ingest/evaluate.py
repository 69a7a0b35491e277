"""Precision and recall of the extraction, per field, against a labelled set of texts.

The set is a folder of .txt files and an expected.json mapping each file name to what a reader
extracts from it (tests/data/ingest/), labelled against the demo archive: links name the demo
documents they point to.
"""

import json
from pathlib import Path

from .decode import decode_bytes
from .extract import extract

FIELDS = [
    "title",
    "kind",
    "date",
    "document_numbers",
    "provinces",
    "agencies",
    "objectives",
    "links",
]


def _link_key(link):
    if link.get("target"):
        return (link["relation"], link["target"], link.get("number"))
    # A conference to create is the one of that date; its place is written in many ways.
    create = link.get("create") or {}
    return (link["relation"], f"new:{create.get('date')}", link.get("number"))


def field_items(field, data):
    """Return the set of items one field holds, in a form two extractions compare by."""
    value = data.get(field)
    if field in ("title", "kind"):
        return {value} if value else set()
    if field == "date":
        return {(value, bool(data.get("date_inferred")))} if value else set()
    if field == "document_numbers":
        return {(n["number"], n["type"], n["issuer"], n["year"]) for n in value}
    if field == "links":
        return {_link_key(link) for link in value}
    return set(value)


def extraction_json(text, catalogue):
    """Return an extraction in the labelled set's shape (links with their creation proposal)."""
    data = extract(text, catalogue).as_json()
    data["links"] = [
        {
            "relation": link["relation"],
            "target": link["target"],
            "number": link["number"],
            **(
                {"create": {"date": link["create"]["date"], "place": link["create"]["place"]}}
                if link.get("create")
                else {}
            ),
        }
        for link in data["links"]
    ]
    return data


def evaluate(folder, catalogue):
    """Return ({field: counts and scores}, [(file, field, missed, extra)]) for a labelled set."""
    folder = Path(folder)
    expected = json.loads((folder / "expected.json").read_text(encoding="utf-8"))
    counts = {field: {"tp": 0, "fp": 0, "fn": 0} for field in FIELDS}
    differences = []
    for name, truth in sorted(expected.items()):
        text, _notes = decode_bytes((folder / name).read_bytes())
        got = extraction_json(text, catalogue)
        for field in FIELDS:
            want, have = field_items(field, truth), field_items(field, got)
            counts[field]["tp"] += len(want & have)
            counts[field]["fp"] += len(have - want)
            counts[field]["fn"] += len(want - have)
            if want != have:
                differences.append(
                    (name, field, sorted(map(str, want - have)), sorted(map(str, have - want)))
                )
    for c in counts.values():
        c["precision"] = c["tp"] / (c["tp"] + c["fp"]) if c["tp"] + c["fp"] else 1.0
        c["recall"] = c["tp"] / (c["tp"] + c["fn"]) if c["tp"] + c["fn"] else 1.0
    return counts, differences
