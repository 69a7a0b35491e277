"""Spelling variants that must compare equal: tone-mark placement (Hoà/Hòa, Thuỷ/Thủy)."""

import re

from ..text import fold

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
# of the consonant ("quý"). One character class, not an alternation of the pairs: every text
# goes through here.
_SECONDS = "".join(sorted({pair[1] for pair in _NEW_STYLE}))
_OLD_STYLE = re.compile(rf"(?<![qQ])[oOuU][{_SECONDS}](?!\w)")


def canonical_tones(text):
    """Return the text with tone marks placed in the new style ("Hoà" gives "Hòa")."""
    return _OLD_STYLE.sub(lambda match: _NEW_STYLE.get(match.group(), match.group()), text)


# Up to the end of General Punctuation ("…", quotes, dashes): a character beyond it maps to
# itself, at the cost of a lookup error inside translate().
_TABLE_SIZE = 0x2070


def _fold_table():
    """Map each Latin letter with diacritics to its folded form when that is one character.

    A list indexed by code point, not a dict: translate() looks every character up, and a list
    lookup costs half a dict's (0.11 instead of 0.23 ms for a 5 kB text, folded 3-4 times).
    """
    table = [chr(code) for code in range(_TABLE_SIZE)]
    for code in [*range(0xC0, 0x250), *range(0x1E00, 0x1F00)]:
        folded = fold(chr(code))
        if len(folded) == 1:
            table[code] = folded
    return table


_FOLD = None


def fold_in_place(text):
    """Return the text folded like archive.text.fold, one character for one, so spans agree.

    A translation table, not per-character decomposition: the importer folds every text.
    """
    global _FOLD
    if _FOLD is None:
        _FOLD = _fold_table()
    return text.translate(_FOLD).lower()
