"""Spelling variants that must compare equal: tone-mark placement (Hoà/Hòa, Thuỷ/Thủy)."""

import re

# Old-style placement puts the tone on the second vowel of oa, oe, uy; the new style on the
# first (Quy tắc đặt dấu thanh, QĐ 240/QĐ-BGDĐT 1984 vs common usage). Both are written: the
# Province table has "Hoà Bình" and "Thanh Hóa". Each pair is two characters in NFC either way,
# so replacing one by the other keeps every offset, and spans found in the canonical text are
# spans of the original.
_MARKS = {"\u0300": "`", "\u0301": "'", "\u0309": "?", "\u0303": "~", "\u0323": "."}
_TONED = {
    "a": "àáảãạ",
    "e": "èéẻẽẹ",
    "y": "ỳýỷỹỵ",
    "o": "òóỏõọ",
    "u": "ùúủũụ",
}


def _pairs():
    table = {}
    for first, second in (("o", "a"), ("o", "e"), ("u", "y")):
        for index in range(5):
            old = first + _TONED[second][index]
            new = _TONED[first][index] + second
            for a, b in (
                (old, new),
                (old.upper(), new.upper()),
                (old.capitalize(), new.capitalize()),
            ):
                table[a] = b
    return table


_NEW_STYLE = _pairs()
# Only at a word's end ("xoài", "toàn" are right as written) and not after q, whose u is part
# of the consonant ("quý").
_OLD_STYLE = re.compile(
    r"(?<![qQ])(?:" + "|".join(sorted(_NEW_STYLE, key=len, reverse=True)) + r")(?!\w)"
)


def canonical_tones(text):
    """Return the text with tone marks placed in the new style ("Hoà" gives "Hòa")."""
    return _OLD_STYLE.sub(lambda match: _NEW_STYLE[match.group()], text)
