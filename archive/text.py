"""Vietnamese text helpers: NFC storage, diacritic folding, ASCII slugs and dictionary order."""

import functools
import re
import unicodedata

from django.utils.text import slugify

# A word: letters and digits, as the search reads a query's (search, synonyms, models).
WORD = re.compile(r"[^\W_]+")
# Đ/đ is a letter of its own, not D plus a combining mark, so NFD does not strip it.
_D_STROKE = str.maketrans({"đ": "d", "Đ": "D"})


def ascii_digits(value):
    """Return whether a text is all ASCII digits: "²" and "٢" are digits to str.isdigit() (and
    "٢" to int()), not to anyone typing a year or a page."""
    return value.isascii() and value.isdigit()


def digits_value(digits, most):
    """Return the number a string of ASCII digits writes, or None past `most` digits (zeros
    before it not counted): int() refuses a string of 4,300 digits, with Python's English for a
    message (year=9…9 on a search address was a 500)."""
    significant = digits.lstrip("0")
    return int(significant or 0) if len(significant) <= most else None


def nfc(value):
    """Return the text in Unicode NFC, the one form we store and compare."""
    return unicodedata.normalize("NFC", value) if value else value


def fold(value):
    """Return the text without diacritics or case: "Hoà Bình" and "hòa binh" give "hoa binh"."""
    decomposed = unicodedata.normalize("NFD", value.translate(_D_STROKE))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return unicodedata.normalize("NFC", stripped).casefold()


def vn_slugify(value):
    """Return an ASCII slug for Vietnamese text: "Bà Rịa - Vũng Tàu" gives "ba-ria-vung-tau",
    "Kế hoạch 1614/KH-UBND" "ke-hoach-1614-kh-ubnd" (slugify drops a slash: "1614kh-ubnd")."""
    return slugify(value.translate(_D_STROKE).replace("/", " "))


def squash_spaces(value):
    """Return the text with runs of whitespace reduced to one space and the ends stripped."""
    return re.sub(r"\s+", " ", value).strip()


# Control characters, and the noncharacters XML 1.0 forbids (U+FFFE, U+FFFF and the others of
# each plane, U+FDD0–U+FDEF): one stored in a title made every feed listing it unreadable.
_CONTROLS = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufdd0-\ufdef"
    + "".join(f"{chr(plane << 16 | 0xFFFE)}{chr(plane << 16 | 0xFFFF)}" for plane in range(17))
    + "]"
)
# Pasted from web pages and Word: characters nobody sees (zero-width space and joiners,
# direction marks and embeddings, word joiner, byte-order mark, soft hyphen), which split a word
# or a number where none shows ("215/KH-UBND" refused as typed, a word no search found); spaces
# that do not break, which are spaces; hyphens that do not break, which are hyphens.
_INVISIBLE = re.compile("[\u00ad\u200b-\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]")
_NO_BREAK_SPACES, _NO_BREAK_HYPHENS = "\u00a0\u2007\u202f", "\u2010\u2011"
# And the capitals drawn as Đ that are not Đ (Icelandic Ð, African Ɖ), which text copied from
# a PDF holds: "402/QÐ-TTg" found nothing.
_LOOK_ALIKE_D = "\u00d0\u0189"
_AS_SEEN = str.maketrans(
    dict.fromkeys(_NO_BREAK_SPACES, " ")
    | dict.fromkeys(_NO_BREAK_HYPHENS, "-")
    | dict.fromkeys(_LOOK_ALIKE_D, "\u0110")
)


def as_seen(value):
    """Return the text as it reads: without invisible characters, its no-break spaces and
    hyphens plain ones, a look-alike Đ the letter."""
    return _INVISIBLE.sub("", value).translate(_AS_SEEN)


def strip_controls(value):
    """Return the text without control characters (PostgreSQL refuses NUL; the others are noise)
    nor noncharacters (XML refuses them), its lines ended "\n", and as it reads (as_seen)."""
    return as_seen(_CONTROLS.sub("", line_ends(value)))


def line_ends(value):
    """Return the text with its lines ended "\n": a browser sends a text area's "\r\n"."""
    return value.replace("\r\n", "\n").replace("\r", "\n")


def alternation(words):
    """Return a regex source matching any of the words, the longest that fits first.

    Written as a trie ("Hà(?: Nam| Nội)?"), not as "Hà Nam|Hà Nội|Hà": Python's engine tries
    each alternative of a flat list at every position of the text, a trie only the branch the
    next character opens. Greedy optional groups give the longest match first, as ordering the
    flat list by length does. Never matches when there are no words.
    """
    trie = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}  # a word ends here
    return _branches(trie) if trie else "(?!x)x"


def _branches(node):
    branches = [re.escape(char) + _branches(child) for char, child in node.items() if char]
    if not branches:
        return ""
    if len(branches) == 1 and "" not in node:
        return branches[0]
    group = "(?:" + "|".join(branches) + ")"
    return group + "?" if "" in node else group


# The Vietnamese alphabet: ă and â follow a, đ follows d, ê follows e, ô and ơ follow o, ư follows
# u. Tone marks only break ties (Hòa Bình beside Hoà Bình, whatever the tone's placement).
ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


@functools.lru_cache(maxsize=4096)
def vietnamese_key(text):
    """Return a sort key that orders Vietnamese words as a Vietnamese dictionary does (the
    database's collation sorts Đ after every Latin letter and â beside a). Held for the names
    each page sorts again: provinces, agencies, facet values."""
    letters, tones = [], []
    for char in unicodedata.normalize("NFD", text.casefold()):
        if char in TONES:
            tones.append(char)
        elif unicodedata.combining(char) and letters:
            letters[-1] += char  # breve, circumflex or horn: part of the letter
        else:
            letters.append(char)
    ranks = []
    for letter in letters:
        letter = unicodedata.normalize("NFC", letter)
        if letter in ALPHABET:
            ranks.append(ALPHABET.index(letter))
        else:  # spaces and hyphens first ("Hà Nội" before "Hải Phòng"), then anything else
            ranks.append(-1 if not letter.isalnum() else 100 + ord(letter[0]))
    return tuple(ranks), tuple(tones)
