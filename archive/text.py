"""Vietnamese text helpers: NFC storage, diacritic folding and ASCII slugs."""

import re
import unicodedata

from django.utils.text import slugify

# Đ/đ is a letter of its own, not D plus a combining mark, so NFD does not strip it.
_D_STROKE = str.maketrans({"đ": "d", "Đ": "D"})


def nfc(value):
    """Return the text in Unicode NFC, the one form we store and compare."""
    return unicodedata.normalize("NFC", value) if value else value


def fold(value):
    """Return the text without diacritics or case: "Hoà Bình" and "hòa binh" give "hoa binh"."""
    decomposed = unicodedata.normalize("NFD", value.translate(_D_STROKE))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return unicodedata.normalize("NFC", stripped).casefold()


def vn_slugify(value):
    """Return an ASCII slug for Vietnamese text: "Bà Rịa - Vũng Tàu" gives "ba-ria-vung-tau"."""
    return slugify(value.translate(_D_STROKE))


def squash_spaces(value):
    """Return the text with runs of whitespace reduced to one space and the ends stripped."""
    return re.sub(r"\s+", " ", value).strip()


_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def strip_controls(value):
    """Return the text without control characters (PostgreSQL refuses NUL; the others are noise)."""
    return _CONTROLS.sub("", value)
