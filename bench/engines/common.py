"""What both comparison engines share: reading a query, folding text, rendering snippets.

Queries are read like PostgreSQL's websearch_to_tsquery, with document numbers found by the
project's own archive.search.parse_query, so every engine answers the same question.
"""

import functools
import html
import re

from archive.search import parse_query
from archive.text import fold

FACETS = ("kind", "province", "agency", "year", "objective", "doc_type")


SNIPPET_CHARS = 200


def clean_filters(filters):
    """Return the filters with empty lists dropped and values as strings; refuse unknown keys."""
    unknown = set(filters or {}) - set(FACETS)
    if unknown:
        raise ValueError(f"unknown filters: {sorted(unknown)}")
    return {
        key: [str(value) for value in values] for key, values in (filters or {}).items() if values
    }


# fold() memoised per space-separated piece: the same text, much faster to build with.
_fold_piece = functools.lru_cache(maxsize=1 << 18)(fold)


def fold_text(text):
    """Return exactly fold(text), by folding the pieces between spaces, each once.

    fold() works character by character except that NFC recombines neighbours; once combining
    marks are gone that only joins letters such as Hangul jamo, never across a space. Vietnamese
    text has few distinct syllables, so the memo makes building ~9× faster than fold() alone
    (the self-check compares the two on every test document).
    """
    return " ".join(map(_fold_piece, text.split(" ")))


_ITEM = re.compile(r'(-?)"([^"]*)"?|(\S+)')


class Plan:
    """A query read like websearch_to_tsquery, with the project's document numbers.

    groups: operands that must all match, each group an OR of operands; excluded: operands that
    must not match. An operand is ("number", "402/qd-ttg") or ("text", folded words).
    """

    def __init__(self, parsed):
        self.empty = parsed.is_empty
        self.numbers = parsed.numbers
        self.typed_ordinals = parsed.typed_ordinals
        self.ordinals = parsed.ordinals
        self.groups, self.excluded = [], []


def parse(q):
    """Return the Plan of a query; numbers are found (and respelled) by archive.search.parse_query.

    Differences from PostgreSQL, all rare: a negated operand inside an OR group ("a OR -b") is
    read as a separate exclusion, and a lone OR at either end is ignored.
    """
    parsed = parse_query(q)
    plan = Plan(parsed)
    numbers = set(parsed.numbers)
    join = False
    for match in _ITEM.finditer(parsed.text):
        negated, phrase, word = match.groups()
        if word is not None:
            if word.lower() == "or":
                join = bool(plan.groups)
                continue
            negated = "-" if word.startswith("-") and len(word) > 1 else ""
            word = word[1:] if negated else word
        if phrase is None and word in numbers:
            operand = ("number", word)
        else:
            operand = ("text", fold(phrase if phrase is not None else word))
        if negated:
            plan.excluded.append(operand)
        elif join:
            plan.groups[-1].append(operand)
        else:
            plan.groups.append([operand])
        join = False
    return plan


_WORD = re.compile(r"[^\W_]+")


def render(original, folded, start, end, marks):
    """Return the HTML of folded[start:end] shown as the original text, marks as <mark>…</mark>.

    Offsets are into the folded text; `position` takes them to the original one. If the two
    cannot be aligned character by character (never seen with NFC Vietnamese), the folded text
    is shown instead.
    """
    position = position_map(original, folded)
    if position is None:
        original, position = folded, range(len(folded) + 1)
    parts = ["…"] if _WORD.search(folded, 0, start) else []
    cursor = position[start]
    for mark_start, mark_end in marks:
        parts.append(html.escape(original[cursor : position[mark_start]]))
        parts.append(
            f"<mark>{html.escape(original[position[mark_start] : position[mark_end]])}</mark>"
        )
        cursor = position[mark_end]
    parts.append(html.escape(original[cursor : position[end]]))
    if _WORD.search(folded, end):  # more words follow, not just a full stop
        parts.append("…")
    return "".join(parts)


def position_map(original, folded):
    """Return, per folded offset (and one past the end), the matching offset in the original.

    fold() keeps one character per character for NFC Vietnamese, so equal lengths mean the
    identity; otherwise each character is folded alone to see what it became.
    """
    if len(original) == len(folded):
        return range(len(original) + 1)
    positions = [i for i, ch in enumerate(original) for _ in range(len(fold(ch)))]
    if len(positions) != len(folded):
        return None
    positions.append(len(original))
    return positions


def opening(text):
    """Return the opening words of a text, escaped, when there is nothing to highlight."""
    if len(text) <= SNIPPET_CHARS:
        return html.escape(text)
    cut = text.rfind(" ", 0, SNIPPET_CHARS)
    return html.escape(text[: cut if cut > 0 else SNIPPET_CHARS]) + "…"
