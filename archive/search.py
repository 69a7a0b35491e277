"""Full-text search over all kinds: query parsing, ranking, headlines and facet counts.

Matching folds diacritics and tone placement: the stored vector uses the `vi_unaccent` text
search configuration (the `unaccent` dictionary inside a configuration, which keeps the generated
column immutable, PostgreSQL docs F.48 "unaccent"). Ranking then prefers what the user really
typed: documents containing the accented words exactly (a second vector in the `simple`
configuration), the words as an adjacent phrase, and plans whose number was asked for.
"""

import html
import operator
import re
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from functools import partial, reduce

from django.contrib.postgres.search import (
    SearchQuery,
    SearchQueryCombinable,
    SearchQueryField,
    SearchRank,
)
from django.db import connection, transaction
from django.db.models import Case, F, FloatField, Func, Q, Value, When

from .numbers import (
    DASHES,
    ISSUER_ABBREVIATIONS,
    TYPE_ABBREVIATIONS,
    YEARS,
    DocumentNumberError,
    canonical_ordinal,
    normalize_number,
    parse_number,
)
from .synonyms import equivalents_in
from .text import WORD, as_seen, fold, nfc

CONFIG = "vi_unaccent"
EXACT_CONFIG = "simple"
MAX_QUERY_LENGTH = 200

# Sentinels marking highlights in headlines; the |highlight filter escapes the text first and
# only then turns them into <mark>, so stored text can never inject markup.
START_MARK, STOP_MARK = "\x02", "\x03"

# Ranking: a number asked for outranks any text match; then an exact phrase, then the accented
# words as typed; ts_rank_cd (cover density) already rewards terms that stand close together.
NUMBER_EXACT, NUMBER_TYPE_ORDINAL, NUMBER_ORDINAL = 100.0, 40.0, 5.0
# Linked to a document whose number was asked (a plan carrying out 402/QĐ-TTg, an article
# reporting on it): after that document, before texts that only cite the number.
NUMBER_LINKED = 3.0
PHRASE_BONUS, EXACT_WORDS_WEIGHT, PLACE_BONUS = 1.0, 1.0, 1.0


def _spellings(abbreviations):
    """Return a regex alternation of abbreviations as typed: in any case, with or without Đ."""
    forms = {form for word in abbreviations for form in (word.lower(), fold(word))}
    return "|".join(sorted(map(re.escape, forms), key=len, reverse=True))


_ISSUERS = _spellings(ISSUER_ABBREVIATIONS)
# After a space, issuers that start a body's name ("UBND tỉnh Hậu Giang") or are a party's own
# (60-NQ/TW): words, not a number's further part.
_NAMING = r"(?!(?:ubnd|hdnd|hđnd|tw|tu)(?![\w&]))"
_YEAR = r"(?:19[4-9]\d|20\d\d|2100)"  # numbers.YEARS, as a number holds one (30/2020/NĐ-CP)
# Type names and abbreviations that introduce a number: "Quyết định 402", "QĐ 402", "KH số 1614".
_TYPE_WORDS = {fold(name): abbreviation for abbreviation, name in TYPE_ABBREVIATIONS.items()}
_TYPE_WORDS |= {fold(abbreviation): abbreviation for abbreviation in TYPE_ABBREVIATIONS}
# A công văn's number names no type (1378/BNG-LS, NĐ 30/2020 Phụ lục I); offices write "CV".
_TYPE_WORDS |= {"cong van": "", "cv": ""}
_TYPE_PATTERN = "|".join(sorted((re.escape(word) for word in _TYPE_WORDS), key=len, reverse=True))
# A hyphen with spaces about it is a number's only before an issuer ("402 / QĐ - TTg"), not one
# starting a body's name: else it joins words ("1614/KH-UBND - Hậu Giang", "1614/KH-UBND - UBND
# tỉnh"), and with a space before it only, it starts an excluded word ("402/QĐ-TTg -UBND").
_FULL_NUMBER = re.compile(
    r"(?<![\w/])\d{1,6}(?:\s*/\s*\d{4})?\s*/\s*[^\W\d_][\w&]*"  # 402/QĐ-TTg
    rf"(?:-[\w&]+|\s*/\s*[\w&]+|\s+-\s+{_NAMING}(?:{_ISSUERS})(?![\w&]))*"
    r"|(?<![\w/])\d{1,6}-[^\W\d_]+/[^\W\d_]+",  # 60-NQ/TW
    re.IGNORECASE,
)
_SPACED_NUMBER = re.compile(r"(?<![\w/])(\d{1,6})\s+([^\W\d_][\w&]*-[\w&-]+)")  # 1614 KH-UBND
# Not the ordinal of a number typed whole ("Kế hoạch 1614/KH-UBND" names that number only),
# nor one excluded ("-QĐ 402"); a year is none either (parse_query: "Kế hoạch 2021-2025"). The
# type may come with its issuers, the number's symbol before its ordinal ("KH-UBND 1614").
_TYPED_ORDINAL = re.compile(
    rf"(?<![\w/-])({_TYPE_PATTERN})(?:-[^\W_]+)*\s+(?:so\s+)?(\d{{1,6}})(?![\w/])"
)


# A number typed with spaces or hyphens for its slash and hyphens ("402 QĐ TTg", "402-QĐ-TTg",
# "5165 TTr BNG LS", "30 2020 NĐ CP", "60 NQ/TW"): an ordinal, maybe a year, a type's
# abbreviation and the issuers' we know (not any word: "5 KH của tỉnh" is words). The separator
# the ordinal is typed with is the number's (a slash or hyphen may stand for it); after a space,
# an issuer that starts a body's name is a word ("402 QĐ TTg UBND Hậu Giang"), and so is what
# follows a number written whole ("402/QĐ-TTg UBND tỉnh"). Never from a range's second part
# ("2021-2025 KH UBND"); an ordinal that is a year is one (_as_number).
_SPELLED_NUMBER = re.compile(
    rf"(?<![\w/])(?<!\d-)(?P<ordinal>\d{{1,6}})(?P<separator>\s+|-)"
    rf"(?:(?P<year>{_YEAR})(?:(?P=separator)|/))?(?P<type>{_spellings(TYPE_ABBREVIATIONS)})"
    rf"(?P<issuers>(?:(?P=separator)|[-/])(?:{_ISSUERS})"
    rf"(?:(?:[-/]|(?P=separator){_NAMING})(?:{_ISSUERS}))*)(?![\w/&-])",
    re.IGNORECASE,
)
_ISSUER = re.compile(_ISSUERS, re.IGNORECASE)
_PARTY_ISSUERS = {"tw", "tu"}  # Ban Chấp hành Trung ương, a Tỉnh ủy: 60-NQ/TW, 164-KH/TU
# A type's abbreviation glued to its ordinal, as offices write these types ("QĐ402", "kh1614",
# "CV1378"); not a unit's code, which a text holds as one word (police units: "PA08", "PC06"),
# nor a word excluded ("-qđ402").
_GLUED_ORDINAL = re.compile(
    rf"(?<![\w/-])({_spellings(['QĐ', 'KH', 'NQ', 'NĐ', 'CV'])})([1-9]\d{{0,5}})(?![\w/])",
    re.IGNORECASE,
)
_ORDINAL = re.compile(r"[1-9]\d{0,5}")
PUNCTUATION = "\"'()[]{}«»“”‘’,.;:!?…"
_OPERATORS = re.compile(r'["]|(?<!\S)-|\bOR\b')


@dataclass
class ParsedQuery:
    """What a user typed, cleaned, with the document numbers found in it."""

    raw: str
    text: str = ""  # what the text search receives, numbers respelled
    shown: str = ""  # the cleaned query as the user typed it
    truncated: bool = False
    numbers: list = field(default_factory=list)  # normalised full numbers, "402/qd-ttg"
    cited: list = field(default_factory=list)  # as texts write them: "402/QĐ-TTg", "5/KH-UBND"
    typed_ordinals: list = field(default_factory=list)  # ("qd", "402"), a công văn's ("", "1378")
    typed_spans: list = field(default_factory=list)  # each one's words, folded: "quyet dinh 402"
    ordinals: list = field(default_factory=list)  # "1614"
    word_ordinals: list = field(default_factory=list)  # "402" of "402 Lạng Sơn" (a number's)
    named: list = None  # ids of the documents the numbers name (up to MAX_NAMED), once read
    linked: list = None  # ids of the documents linked to those, once read
    ordinal_named: list = None  # the documents numbered with word_ordinals, once read
    ordinal_linked: list = None  # and those linked to them
    # {ordinal: the numbers of the công văn so numbered}, filled as read; one dict that every
    # copy (dataclasses.replace) shares, so the numbers are read once whichever copy asks.
    letters: dict = field(default_factory=dict)
    places: list = field(default_factory=list)  # [(a province's name as typed, ids, at word)]
    # [(a term as typed, its other names)]: "buôn bán người" is also "mua bán người" (synonyms)
    equivalents: list = field(default_factory=list)

    @property
    def is_empty(self):
        return not self.text

    @property
    def names_a_number(self):
        """Whether the query names a number: its search then follows links (_found_tiers)."""
        return bool(self.numbers or self.typed_ordinals or self.ordinals)

    @property
    def follows_links(self):
        """Whether what the query finds depends on links, not on documents' rows alone: it
        names a number, or an ordinal typed among its words ("402 người": the documents linked
        to one numbered so, _ordinal_links)."""
        return self.names_a_number or bool(self.word_ordinals)

    @property
    def uses_operators(self):
        return bool(_OPERATORS.search(self.text))

    @property
    def words(self):
        """Return the plain words of the query, without operators or excluded words."""
        return _plain_words(self.text)

    @property
    def text_words(self):
        """Return the plain words but for the document numbers' ("kế hoạch 1614/KH-UBND" gives
        kế, hoạch). A text holds a number as one token, and a plan whose number it is already
        ranks first: the number's parts as a phrase would add only a second read of each
        match's vector."""
        numbers = set(self.numbers)
        return _plain_words(" ".join(t for t in self.text.split() if t not in numbers))


def _plain_words(text):
    return WORD.findall(re.sub(r'(?<!\S)-"[^"]*"|(?<!\S)-\S+|\bOR\b', " ", text))


# A character reference copied with a web page's source ("Lào &amp; Campuchia", "Tp.&nbsp;Hồ
# Chí Minh"): only one closed by ";", as html.unescape also reads "&copy" and "&lt" unclosed.
# A code point has at most 7 digits (6 in hexadecimal): html.unescape reads the digits with
# int(), which refuses 4,300 of them.
_REFERENCE = re.compile(r"&(?:[A-Za-z][A-Za-z0-9]{0,31}|#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6});")


def clean_query(raw):
    """Return the query as NFC text without control characters or character references,
    capped in length."""
    text = _REFERENCE.sub(lambda match: html.unescape(match.group(0)), raw or "")
    text = nfc(as_seen(text)).translate(DASHES)  # Word's dashes too: "215/KH–UBND"
    text = "".join(ch if ch.isprintable() else " " for ch in text)
    text = re.sub(r"\s+", " ", text).strip()
    truncated = len(text) > MAX_QUERY_LENGTH
    return text[:MAX_QUERY_LENGTH].strip(), truncated


def parse_query(raw, places=None):
    """Find document numbers in a query and give them the spelling the vector holds; find the
    names of provinces in it too, given the names (place_table)."""
    text, truncated = clean_query(raw)
    query = ParsedQuery(raw=raw or "", text=text, shown=text, truncated=truncated)
    if not text:
        return query
    if places:
        text = _places_excluded(text, places)

    excluded = []

    def respelled(match, number):
        # The default parser splits "402/QĐ-TTg" into junk ("402/q", "đ-ttg"); the folded,
        # normalised spelling is one token, the one the stored vector holds.
        start, typed = match.start(), match.string
        if typed[start - 1 : start] == "-" and typed[start - 2 : start - 1].strip() == "":
            excluded.append(number.normalized)  # "-402/QĐ-TTg" excludes it: not asked for
            return f"{number.normalized} "
        query.numbers.append(number.normalized)
        query.cited += sorted({str(number), str(number).removeprefix("0")})
        return f" {number.normalized} "

    def full_number(match):
        try:
            return respelled(match, parse_number(match.group(0)))
        except DocumentNumberError:
            return _type_and_ordinal(match.group(0))

    def spaced_number(match):
        if int(match.group(1)) in YEARS:  # "năm 2020 QĐ-TTg", as _as_number reads it
            return match.group(0)
        try:
            return respelled(match, parse_number(f"{match.group(1)}/{match.group(2)}"))
        except DocumentNumberError:
            return match.group(0)

    text = _GLUED_ORDINAL.sub(r"\1 \2", text)
    text = _SPELLED_NUMBER.sub(_as_number, text)
    text = _FULL_NUMBER.sub(full_number, text)
    text = _SPACED_NUMBER.sub(spaced_number, text)
    folded = fold(text)
    for match in _TYPED_ORDINAL.finditer(folded):
        word, ordinal = match.groups()
        if int(ordinal) in YEARS:  # "Kế hoạch 2020": the year's plans, as among words
            continue
        query.typed_ordinals.append((fold(_TYPE_WORDS[word]), ordinal))
        query.typed_spans.append(match.group(0))
    # A bare number ("1614") is a number lookup when it is the whole query; among words ("402
    # Lạng Sơn") it is a word, which a text citing a number starting so holds too.
    if re.fullmatch(r"\d{1,6}", folded):
        query.ordinals = [folded]
    query.text = _as_written(text, {*query.numbers, *excluded})
    if not query.uses_operators:
        query.word_ordinals = _ordinals_among_words(query)
        if places:
            query.places = _places_in(query.text, places)
        query.equivalents = equivalents_in(query.text)
    return query


def _as_number(match):
    """Return a number typed with other separators ("402 QĐ TTg") as a number is written."""
    ordinal, year, abbreviation = match["ordinal"], match["year"], match["type"]
    issuers = _ISSUER.findall(match["issuers"])
    if int(ordinal) in YEARS:  # "năm 2020 QĐ TTg": the year, as among words
        return match[0]
    if not year and len(issuers) == 1 and fold(issuers[0]) in _PARTY_ISSUERS:
        return f"{ordinal}-{abbreviation}/{issuers[0]}"
    return f"{ordinal}/{f'{year}/' if year else ''}{abbreviation}-{'-'.join(issuers)}"


def _ordinals_among_words(query):
    """Return the query's words that are ordinals looked up as numbers': not one typed with
    its type ("QĐ 402"), a day or a month (up to 31: dates start so, "ngày 12/3/2020") nor a
    year ("di cư 2025" asks for the year); none when no other word is typed."""
    typed = {ordinal for _abbreviation, ordinal in query.typed_ordinals}
    tokens = query.text.split()
    ordinals = [
        token
        for token in tokens
        if _ORDINAL.fullmatch(token)
        and token not in typed
        and int(token) > LAST_DAY
        and int(token) not in YEARS
    ]
    return ordinals if len(ordinals) < len(tokens) else []


def place_table(provinces, not_places=(), aliases=None):
    """Return {a province's name as folded words: (its name, the ids of the units so named)}:
    Lạng Sơn is a unit before 2025 and one after; and (the name, None) for the names holding a
    province's that are none (not_places: Thái Bình Dương holds Thái Bình and Bình Dương).
    Other ways of writing a name (aliases: {"TP.HCM": "Hồ Chí Minh"}) and a name with a hyphen
    ("Bà Rịa - Vũng Tàu") are keyed by the words a query splits them into (_places_in)."""
    table = {}
    for province in provinces:
        key = tuple(WORD.findall(fold(province.name)))
        table.setdefault(key, (province.name, []))[1].append(province.pk)
        table.setdefault(_typed_key(province.name), table[key])
    for alias, name in (aliases or {}).items():
        if named := table.get(tuple(WORD.findall(fold(name)))):
            for key in (_typed_key(alias), tuple(WORD.findall(fold(alias)))):  # "BR-VT", "BR VT"
                table.setdefault(key, (alias, named[1]))
    for name in not_places:
        table.setdefault(tuple(WORD.findall(fold(name))), (name, None))
    return table


def _typed_key(name):
    """Return a name's words as _places_in reads a query's: split at spaces, folded, without
    the punctuation around them ("TP. HCM": tp, hcm; "TP.HCM": tp.hcm)."""
    return tuple(fold(token.strip(PUNCTUATION)) for token in nfc(name).translate(DASHES).split())


def _places_in(text, places):
    """Return [(words as typed, ids, at)]: the province names in a query's words, the longest
    first ("Thừa Thiên Huế", not "Huế"); a letter typed with a diacritic must be the name's
    (in either tone placement: "Khánh Hoà"), so "năm định hướng" names no Nam Định. A word
    is read without the punctuation beside it: "(Hậu Giang)", "Hà Nội,"."""
    tokens = [token.strip(PUNCTUATION) for token in text.split()]
    folded = [fold(token) for token in tokens]
    longest = max(map(len, places))
    found, at = [], 0
    while at < len(tokens):
        for size in range(min(longest, len(tokens) - at), 0, -1):
            typed, key = tokens[at : at + size], tuple(folded[at : at + size])
            if key in places and _typed_as(typed, places[key][0]):
                if places[key][1] is not None:  # not a name that only holds a province's
                    found.append((" ".join(typed), places[key][1], at))
                at += size
                break
        else:
            at += 1
    return found


def _places_excluded(text, places):
    """Return the text with a province's name excluded whole: "-Hậu Giang" as '-"Hậu Giang"'.
    Read as typed, it excluded "Hậu" and asked for "Giang" (Kiên Giang, a person's name). Not
    inside quotes, which are a phrase already."""
    tokens, kept, at, quoted = text.split(" "), [], 0, False
    longest = max(map(len, places)) + 1  # a name's hyphen, typed apart: "Bà Rịa - Vũng Tàu"
    while at < len(tokens):
        excluding = not quoted and tokens[at][:1] == "-" and tokens[at][1:2] not in ("", '"')
        size = _place_size(tokens, at, places, longest) if excluding else 0
        if size > 1:
            kept.append('-"' + " ".join([tokens[at][1:], *tokens[at + 1 : at + size]]) + '"')
        else:
            kept.append(tokens[at])
            quoted ^= tokens[at].count('"') % 2 == 1
        at += max(size, 1)
    return " ".join(kept)


def _place_size(tokens, at, places, longest):
    """Return how many tokens from `at` (its leading "-" aside) name a province, or 0 (also
    for a name abroad holding a province's: "-Thái Bình Dương" stays as typed)."""
    for size in range(min(longest, len(tokens) - at), 1, -1):
        typed = [tokens[at][1:], *tokens[at + 1 : at + size]]
        words = [token.strip(PUNCTUATION) for token in typed if token.strip(f"{PUNCTUATION}-–")]
        key = tuple(WORD.findall(fold(" ".join(words))))
        if key in places and len(key) == len(words) and words[-1] == typed[-1].strip(PUNCTUATION):
            name, ids = places[key]
            if ids is None:
                return 0
            if _typed_as(words, name):
                return size
    return 0


def _typed_as(typed, name):
    """Return whether the words typed are the name's as title_pattern reads them: a letter
    typed with a diacritic as the name writes it (either tone placement), one typed plain any."""
    typed, named = WORD.findall(" ".join(typed)), WORD.findall(nfc(name).lower())
    return len(typed) == len(named) and all(
        any(re.fullmatch(_letters(spelling), word) for spelling in tone_variants(word_typed))
        for word_typed, word in zip(map(str.lower, typed), named, strict=True)
    )


_NUMBER_BEGUN = re.compile(r"(\d{1,6})\s*/\s*([^\W\d_]+)-?")  # "402/QĐ", a number's start
_WRITTEN = {}  # folded abbreviation: its spellings ("hd": "hđ" of Hướng dẫn, "hd" of Hợp đồng)
for _abbreviation in TYPE_ABBREVIATIONS:
    _WRITTEN.setdefault(fold(_abbreviation), set()).add(_abbreviation.lower())


def _type_and_ordinal(text):
    """Return the start of a number typed as its type and ordinal ("402/QĐ" as "QĐ 402", which
    finds the decisions numbered so and the texts citing them), or the text as it was."""
    match = _NUMBER_BEGUN.fullmatch(text)
    if match and fold(match.group(2)) in _WRITTEN:
        return f" {match.group(2)} {match.group(1)} "
    return text


_STRAY_OR = re.compile(r"^(?:or\s+)*or$|^(?:or\s+)+|(?:\s+or)+$", re.IGNORECASE)


def _as_written(text, numbers):
    """Return the query's words with their hyphens read as people write them: a "-" starting a
    word excludes it ("di cư -lao"); any other joins or separates words ("Bà Rịa - Vũng Tàu",
    "KH-UBND", "2021-2025"), where websearch_to_tsquery would exclude the next word, or ask for
    a compound ("kh-ubnd") or a negative number ("-2025") that no vector holds. An OR with
    nothing on one side is dropped: websearch_to_tsquery would look for the word "or"."""
    tokens = []
    for token in text.split():
        if token.removeprefix("-") in numbers:  # a normalised number, one token: kept whole
            tokens.append(token)
            continue
        excluded = token.startswith("-") and len(token) > 1
        words = (token[1:] if excluded else token).replace("-", " ").split()
        if excluded and len(words) > 1 and '"' not in token:
            tokens.append(f'-"{" ".join(words)}"')  # "-KH-UBND" excludes the compound
        elif words:
            tokens.extend([("-" if excluded else "") + words[0], *words[1:]])
    return _STRAY_OR.sub("", " ".join(tokens)).strip()


# A word-final "oa", "oe" or "uy" carries its tone on either vowel (Hòa/Hoà, Thỏa/Thoả,
# khỏe/khoẻ, Thủy/Thuỷ): both spellings are the same word, exactly.
_TONED = {"o": "òóỏõọ", "u": "ùúủũụ"}
_TONED_SECOND = {"a": "àáảãạ", "e": "èéẻẽẹ", "y": "ỳýỷỹỵ"}
_TONE_OLD = re.compile(r"([òóỏõọ])([ae])$|([ùúủũụ])(y)$")
_TONE_NEW = re.compile(r"(o)([àáảãạèéẻẽẹ])$|(u)([ỳýỷỹỵ])$")


def tone_variants(word):
    """Return the word with its tone mark in both customary places ("hòa" gives hòa, hoà)."""
    variants = {word}
    if match := _TONE_OLD.search(word):
        toned, second = (
            (match.group(1), match.group(2)) if match.group(1) else (match.group(3), match.group(4))
        )
        base = "o" if toned in _TONED["o"] else "u"
        mark = _TONED[base].index(toned)
        variants.add(word[: match.start()] + base + _TONED_SECOND[second][mark])
    elif match := _TONE_NEW.search(word):
        base, toned = (
            (match.group(1), match.group(2)) if match.group(1) else (match.group(3), match.group(4))
        )
        second = next(key for key, marks in _TONED_SECOND.items() if toned in marks)
        mark = _TONED_SECOND[second].index(toned)
        variants.add(word[: match.start()] + _TONED[base][mark] + second)
    return variants


def _exact_words_query(words):
    """Return a raw tsquery ORing the accented words, or None when none carries a diacritic."""
    accented = {word.lower() for word in words if fold(word) != word.lower()}
    spellings = sorted({variant for word in accented for variant in tone_variants(word)})
    if not spellings:
        return None
    return " | ".join(f"'{word}'" for word in spellings)


def _numbered(condition):
    """Return a condition on a number's start, for plans with a number: the index on
    search_number holds only those (a partial index), and PostgreSQL uses it for a prefix
    (a regex's literal start, a LIKE's) only when the statement says so too. Without it, "1614"
    or "QĐ 402" read every row: 1.3-1.6 s at 200,000 documents (bench/README.md)."""
    return condition & ~Q(search_number="")


def _number_tiers(query):
    """Return [(Q, score)]: the exact number, type and ordinal ("QĐ 402"), the bare ordinal.

    Every pattern starts with a fixed prefix, so the btree index on search_number answers it
    (PostgreSQL turns a regex's literal prefix into an index range).
    """
    tiers = [(Q(search_number=number), NUMBER_EXACT) for number in query.numbers]
    for abbreviation, ordinal in query.typed_ordinals:
        tiers.append((_numbered(_typed_as_number(abbreviation, ordinal)), NUMBER_TYPE_ORDINAL))
    tiers += [(_numbered_with(ordinal), NUMBER_ORDINAL) for ordinal in query.ordinals]
    return tiers


def _typed_as_number(abbreviation, ordinal):
    """Return a Q matching the numbers with this type and ordinal ("QĐ 402": 402/QĐ-TTg), with
    no type for a công văn ("CV 1378": 1378/BNG-LS, not 1378/KH-UBND nor 30/2020/NĐ-CP)."""
    if abbreviation:
        pattern = rf"^{canonical_ordinal(ordinal)}/(\d{{4}}/)?{re.escape(abbreviation)}-"
    else:  # the lookahead after the literal start still lets the btree index take the range
        pattern = rf"^{canonical_ordinal(ordinal)}/(?!\d{{4}}/|{_TYPED_START})"
    return Q(search_number__regex=pattern)


_TYPED_START = f"(?:{'|'.join(sorted(_WRITTEN))})-"  # a number's type, followed by its issuer


def _numbered_with(ordinal):
    """Return a Q matching the numbers with this ordinal ("402" of 402/QĐ-TTg, 402/KH-UBND)."""
    return _numbered(Q(search_number__regex=rf"^{canonical_ordinal(ordinal)}[/-]"))


_NUMBER_START = re.compile(r"\d{1,6}\s*/\S*")  # "402/", "402/QD", "402/QĐ-T": a number being typed


def number_start(text):
    """Return a Q matching the plans whose number starts as the text does, while it is typed
    ("402/QD" finds 402/QĐ-TTg in a picker; the btree index on search_number answers a prefix),
    or None when the text does not start a number."""
    text = nfc(text or "").strip()
    if not _NUMBER_START.fullmatch(text):
        return None
    return _number_starting(text)


def number_begun(text):
    """Return a Q matching the plans whose number starts as the text does when it starts with
    a digit ("402", "402/QĐ"), for suggestions while a number is typed, or None."""
    text = nfc(text or "").strip()
    if not text[:1].isdigit():
        return None
    return _number_starting(text)


def _number_starting(text):
    return _numbered(Q(search_number__startswith=number_prefix(text)))


def number_prefix(text):
    """Return the start of a normalised number as typed so far, its ordinal as stored ("5/KH"
    starts 05/kh-ubnd, "016/" starts 16/...: parse_number's)."""
    return re.sub(r"^\d+", lambda digits: canonical_ordinal(digits[0]), normalize_number(text))


def title_pattern(text):
    """Return a PostgreSQL regex finding the words typed so far at the starts of a title's
    words, or None when no word is typed: a letter typed with a diacritic as typed, one typed
    without in any accents (either tone placement of the word); the last word as the start of
    a word, still being typed. Folding every letter found "Kế hoạch" and "Thỏa thuận" for "Hòa"
    (hoạch, thoa); keeping the plain ones open finds "Đà Nẵng" while Telex has typed "đa"."""
    parts = []
    for word in WORD.findall(nfc(text or "").lower()):
        spellings = (_letters(spelling) for spelling in sorted(tone_variants(word)))
        parts.append(f"(?:{'|'.join(spellings)})")
    return r"\m" + r"\M\W+".join(parts) if parts else None


def title_words(text):
    """Return a tsquery of the words typed so far, each in any accents, the last as the start
    of a word, or None when no word is typed: what a title's words (models.TITLE_WORDS) must
    hold for title_pattern to match it. A number is one token of the parser's ("1614/kh-ubnd",
    "402/q" of 402/QĐ-TTg, "2021" of 2021-2025): of a piece of text holding a digit, only its
    first word is asked, as a start."""
    lexemes = []
    chunks = nfc(text or "").lower().split()
    for place, chunk in enumerate(chunks):
        words = WORD.findall(chunk)  # letters and digits: safe in quotes
        if not words:
            continue
        if any(char.isdigit() for char in chunk):
            lexemes.append(f"'{words[0]}':*")
            continue
        lexemes += [f"'{word}'" for word in words]
        if place == len(chunks) - 1:
            lexemes[-1] += ":*"  # the last word, still being typed
    if not lexemes:
        return None
    return SearchQuery(" & ".join(lexemes), config=CONFIG, search_type="raw")


def _letters(word):
    """Return a regex of a word's letters: one with a diacritic as typed, in either case; a
    plain one in any accents (_CLASSES holds both cases)."""
    return "".join(
        f"[{char}{char.upper()}]" if fold(char) != char else _CLASSES.get(char, char)
        for char in word
    )


def _found_tiers(query):
    """Return [(Q, score)]: what a search finds by number, the tiers of _number_tiers, then
    the documents linked either way to the documents they find (their links are how the
    archive says which plan carries out a decision: its text may never cite the number)."""
    tiers = _number_tiers(query)
    if tiers:
        if query.linked is None:
            query.named, query.linked = _named_and_linked(_either(t for t, _score in tiers))
        if query.linked:
            tiers.append((Q(pk__in=query.linked), NUMBER_LINKED))
    return tiers


def named_documents(query):
    """Return the ids of the documents the query's numbers name, and those numbered with the
    ordinals among its words ("402 Hậu Giang"): each read once, with their links."""
    _found_tiers(query)
    _ordinal_links(query)
    return [*(query.named or []), *(query.ordinal_named or [])]


# A number carried by more documents than this names none of them ("1/TB-UBND": every province
# issues one each year): their links are not followed.
MAX_NAMED = 20


def _named_and_linked(condition):
    """Return the ids of the documents matching the condition and of those linked either way
    to them; none past MAX_NAMED of those (hundreds of links then, which the page would rank
    and count at four times the cost of the number's own search, bench/README.md).

    Read first, as a list: a subquery in the match (id IN (...) OR vector @@ ...) kept the
    indexes out, and every row was read (1 s for a number at 200,000 documents)."""
    from .models import Document  # models builds on this module

    # Published: a draft's number must not tell a visitor what it links to.
    named = Document.objects.published().filter(condition).values_list("pk", flat=True)
    named = list(named[: MAX_NAMED + 1])
    if not named or len(named) > MAX_NAMED:
        return [], []
    with connection.cursor() as cursor:
        cursor.execute(LINKED_SQL, [named, named])
        return named, [pk for (pk,) in cursor.fetchall()]


def links_to_named(named, ids):
    """Return {pk: [(relation, the number of the document named, whether pk is the link's
    source)]} for these documents' links to the named ones (the documents whose number a query
    names, _named_and_linked): a document found by a link says by which ("Triển khai thực hiện
    402/QĐ-TTg"), where its text may not."""
    links = {}
    if not named or not ids:
        return links
    with connection.cursor() as cursor:
        cursor.execute(NAMED_LINKS_SQL, [list(ids), list(named)] * 2)
        for pk, relation, number, outgoing in cursor.fetchall():
            links.setdefault(pk, []).append((relation, number, outgoing))
    return links


NAMED_LINKS_SQL = """
SELECT l.source_id, l.relation, p.number, TRUE FROM archive_documentlink AS l
    JOIN archive_plan AS p ON p.document_ptr_id = l.target_id
    WHERE l.source_id = ANY(%s) AND l.target_id = ANY(%s)
UNION ALL
SELECT l.target_id, l.relation, p.number, FALSE FROM archive_documentlink AS l
    JOIN archive_plan AS p ON p.document_ptr_id = l.source_id
    WHERE l.target_id = ANY(%s) AND l.source_id = ANY(%s)
ORDER BY 1, 3
"""


LINKED_SQL = """
SELECT source_id FROM archive_documentlink WHERE target_id = ANY(%s)
UNION SELECT target_id FROM archive_documentlink WHERE source_id = ANY(%s)
"""


def _either(conditions):
    return Q.create(list(conditions), connector=Q.OR) or None


def number_condition(query):
    """Return a Q matching plans whose number the query names, or None."""
    return _either(tier for tier, _score in _number_tiers(query))


def _whens(tiers):
    return [When(tier, then=Value(score)) for tier, score in tiers]


def _scored(tiers):
    whens = _whens(tiers)
    return Case(*whens, default=Value(0.0), output_field=FloatField()) if whens else Value(0.0)


def number_score(query):
    """Return an expression scoring how closely a document's number matches the query."""
    return _scored(_number_tiers(query))


def text_query(query):
    """Return what a document's text must match. A number is asked in the form the vector
    holds a text's numbers in ("05/kh-ubnd" for 5/KH-UBND, models.numbers_as_tokens); an
    ordinal ("1614", "QĐ 402") also as the numbers a text cites with it (cited_ordinals)."""
    typed = SearchQuery(query.text, config=CONFIG, search_type="websearch")
    for name, _ids, _at in query.places:  # its words stand together: not "năm định hướng"
        words = SearchQuery(name, config=CONFIG, search_type="websearch")
        typed = Rewritten(typed, words, SearchQuery(name, config=CONFIG, search_type="phrase"))
    for words, cited in cited_ordinals(query):
        # Where the query asks for "quyết định" and "402", it asks for them or a citation.
        named = SearchQuery(words, config=CONFIG, search_type="websearch")
        typed = Rewritten(typed, named, named | Lexemes(cited))
    for name, others in query.equivalents:
        # The words as typed (each anywhere, as before), or another name of the same thing.
        words = SearchQuery(name, config=CONFIG, search_type="websearch")
        phrases = (SearchQuery(other, config=CONFIG, search_type="phrase") for other in others)
        typed = Rewritten(typed, words, reduce(operator.or_, phrases, words))
    return typed


def other_names(query):
    """Return the other names of the terms a query holds ("mua bán người" for "buôn bán
    người"), which its snippets mark too."""
    return [other for _name, others in query.equivalents for other in others]


class Lexemes(SearchQueryCombinable, Func):
    """A tsquery written as its lexemes (a cast: to_tsquery would parse "1614/" again, and
    drop its slash)."""

    template = "%(expressions)s::tsquery"
    output_field = SearchQueryField()
    config = None

    def __init__(self, raw):
        super().__init__(Value(raw))


class Rewritten(SearchQuery):
    """A tsquery with a part replaced by another (ts_rewrite): a SearchQuery, which a lookup
    on a vector takes as it is (anything else it would parse as a query's text)."""

    def __init__(self, query, part, replacement):
        Func.__init__(self, query, part, replacement, output_field=SearchQueryField())
        self.function, self.config, self.invert = "ts_rewrite", None, False


def cited_as_written(query):
    """Return the lexemes marking in a snippet the citations cited_ordinals finds, as the
    parser reads a text as written (ts_headline does): with the ordinal's zero or without
    ("5/kh-ubnd"), and to the first Đ, where the parser ends a token ("402/QĐ-TTg" is "402/q",
    then "đ-ttg", which the highlight filter joins to the mark); a công văn's as its letters'
    numbers (_letters_as_written)."""
    lexemes = [f"'{ordinal}/':*" for ordinal in _bare_ordinals(query)]
    for abbreviation, ordinal in query.typed_ordinals:
        if not abbreviation:  # a công văn's: its letters' numbers as cited_ordinals asks them
            lexemes += _letters_as_written(query, ordinal)
            continue
        for written in sorted(_WRITTEN[abbreviation]):
            for spelling in _ordinal_spellings(ordinal):
                if "đ" in written:
                    lexemes.append(f"'{spelling}/{written.partition('đ')[0]}'")
                else:
                    lexemes.append(f"'{spelling}/{written}-':*")
    return " | ".join(lexemes)


def _letters_as_written(query, ordinal):
    """Return the lexemes of a công văn's numbers as a text writes them: whole, or to a D that
    may have been a Đ ("126/SKHĐT" is "126/skh", then "đt"); any number with the ordinal when
    the archive holds no such letter (_letters_cited)."""
    numbers = _letter_numbers(query, ordinal)
    if not numbers:  # the prefix _letters_cited asks, if it does
        asked = _letters_cited(query, ordinal)
        return [f"'{spelling}/':*" for spelling in _ordinal_spellings(ordinal)] if asked else []
    lexemes = set()
    for number in numbers:
        rest = number.partition("/")[2]
        for spelling in _ordinal_spellings(ordinal):
            lexemes |= {f"'{spelling}/{rest}'", f"'{spelling}/{rest.partition('d')[0]}'"}
    return sorted(lexemes)


def _ordinal_spellings(ordinal):
    """Return an ordinal as texts write it: "05" and "5"."""
    return sorted({canonical_ordinal(ordinal), ordinal.lstrip("0") or "0"})


# A day or a month ("ngày 12/3/2020", "tháng 12/2021") starts as a number with that ordinal.
LAST_DAY = 31


def cited_ordinals(query):
    """Return [(words, lexemes)]: the words naming a number's ordinal in the query ("1614",
    "quyet dinh 402") and the numbers a text cites with it, as the vector holds them, one token
    each ("1614/kh-ubnd", "402/qd-ttg"). A bare number ("1614") is the tokens starting "1614/";
    one named with its type ("QĐ 402", "Kế hoạch 1614") those starting "402/qd", not the ones
    holding a year ("30/2020/nd-cp" for "Nghị định 30"): a lexeme per year, which the planner
    costs as a guess each, and then reads every row. For the same reason not a bare number up
    to 31, which dates start as well (3 s at 200,000 documents)."""
    cited = []
    for words, (abbreviation, ordinal) in zip(query.typed_spans, query.typed_ordinals, strict=True):
        if abbreviation:  # the type's hyphen too: "05/tt" also starts 05/ttr-... (Tờ trình)
            cited.append((words, f"'{canonical_ordinal(ordinal)}/{abbreviation}-':*"))
        elif lexemes := _letters_cited(query, ordinal):  # a công văn's ("CV 1378"): no type
            cited.append((words, lexemes))
    return cited + [(ordinal, f"'{ordinal}/':*") for ordinal in _bare_ordinals(query)]


def _letters_cited(query, ordinal):
    """Return the lexemes of a công văn typed by its ordinal ("CV 1378") as a text cites it:
    the numbers of the letters so numbered ("'1378/bng-ls'"), as a prefix ('1378/':*) would
    find every number with the ordinal (1378/KH-UBND, 1378/2021/NĐ-CP) and the documents
    carrying them. That prefix when the archive holds no such letter (a text may cite one it
    lacks), but for an ordinal up to 31, which dates start as; else None."""
    if numbers := _letter_numbers(query, ordinal):
        return " | ".join(f"'{number}'" for number in numbers)
    return f"'{canonical_ordinal(ordinal)}/':*" if int(ordinal) > LAST_DAY else None


def _letter_numbers(query, ordinal):
    """Return the numbers of the published công văn with this ordinal, read once per query
    into ParsedQuery.letters, as _found_tiers reads the linked documents into .linked."""
    from .models import Document  # models builds on this module

    if ordinal not in query.letters:
        letters = _numbered(_typed_as_number("", ordinal))
        numbers = Document.objects.numbers_of(letters, MAX_NAMED)
        # As lexemes in quotes: a number holds none (parse_number), but a quote would end one.
        query.letters[ordinal] = [number.replace("'", "''") for number in numbers]
    return query.letters[ordinal]


def _bare_ordinals(query):
    """Return the query's bare ordinals as stored (the whole query's, when no date could start
    as it does, or those among other words: _ordinals_among_words)."""
    ordinals = [canonical_ordinal(ordinal) for ordinal in query.ordinals]
    return [ordinal for ordinal in ordinals if int(ordinal) > LAST_DAY] + query.word_ordinals


# The last word typed so far, asked as the start of a word from three letters on: a shorter
# start ("t:*") would gather most of the index's entries at a million documents.
_LAST_WORD = re.compile(r"(?:(.*)\s)?([^\W_]{3,})")  # a whole word: not "ttg" of 402/qd-ttg
_OR_WORD = re.compile(r"(?<!\S)or(?!\S)", re.IGNORECASE)  # websearch_to_tsquery's, any case


def editor_condition(query):
    """Return the Q an editor's search box puts on the documents: what the site's search finds
    (match_condition: a number in any spelling and what links to it, a place's documents), and
    as the last word may still be typed, a last word of three letters or more as the start of
    one ("thoả thuậ" finds "Thỏa thuận"), every word in any accents and tone placement."""
    found = match_condition(query)
    plain = not (query.uses_operators or _OR_WORD.search(query.text))
    match = _LAST_WORD.fullmatch(query.text) if plain else None
    if not match:
        return found
    rest, last = match.groups()
    prefix = SearchQuery(f"{last}:*", config=CONFIG, search_type="raw")  # letters, digits only
    if rest:
        prefix = SearchQuery(rest, config=CONFIG, search_type="websearch") & prefix
    condition = Q(search_vector=prefix)
    if accented := _accented_start(last):
        # Only the documents the index found for the folded start are read for this.
        condition &= Q(search_vector_exact=accented)
    return found | condition


def _accented_start(word):
    """Return what the accented text must start a word with for a word still being typed with
    a diacritic, or None: its letters up to the last one typed with a diacritic, as typed, in
    either tone placement. Folded alone, "Hòa" was the start of every "Kế hoạch"; the letters
    after the last diacritic stay open (Telex has typed "đa" on its way to "đà")."""
    starts = set()
    for spelling in tone_variants(word.lower()):
        marked = [at for at, char in enumerate(spelling) if fold(char) != char]
        if marked:
            starts.add(spelling[: marked[-1] + 1])
    if not starts:
        return None
    raw = " | ".join(f"'{start}':*" for start in sorted(starts))
    return SearchQuery(raw, config=EXACT_CONFIG, search_type="raw")


def rank_expression(query):
    """Return the relevance of a matched document: number, text, phrase and exact-word scores."""
    search = text_query(query)
    found_tiers = _found_tiers(query)
    rank = SearchRank(F("search_vector"), search, cover_density=True) + _scored(found_tiers)
    if ordinal_tiers := _ordinal_tiers(query):
        rank += _scored(ordinal_tiers)
    words = query.words
    phrase_words = query.text_words
    if len(phrase_words) > 1 and not query.uses_operators:
        phrase = SearchQuery(" ".join(phrase_words), config=CONFIG, search_type="phrase")
        rank += Case(
            When(search_vector=phrase, then=Value(PHRASE_BONUS)),
            default=Value(0.0),
            output_field=FloatField(),
        )
    if query.names_a_number and query.places:
        # Of what a number finds, what is tagged with the place named first ("Cần Thơ
        # 402/QĐ-TTg": Hậu Giang's plan carrying it out, before other provinces'); else the
        # text ranks a place named in it above one tagged.
        tagged = [
            When(Q(facet_units__overlap=ids), then=PLACE_BONUS) for _n, ids, _at in query.places
        ]
        rank += Case(*tagged, default=0.0, output_field=FloatField())
    exact = _exact_words_query(words)
    if exact:
        rank += EXACT_WORDS_WEIGHT * SearchRank(
            F("search_vector_exact"), SearchQuery(exact, config=EXACT_CONFIG, search_type="raw")
        )
    if query.numbers and not phrase_words:
        # A number alone ("3/KH-UBND", issued by many provinces and years): the documents
        # carrying it take its score alone, newest first among them (by_relevance's next key).
        # Their text would only score the number's own mentions, and reading it was most of such
        # a search (each match's vector read from TOAST): a CASE computes its default only for
        # the rows that reach it, those citing the number.
        rank = Case(*_whens(found_tiers), default=rank, output_field=FloatField())
    return rank


def match_condition(query):
    """Return the Q a document must satisfy: its text matches, or its number (or one it links
    to or from) was asked for, or it holds the other words and is tagged with the place the
    query names (_tagged) or links to a document numbered with an ordinal typed among its
    words (_ordinal_links); and holds none of the words excluded, however it was found."""
    found = [tier for tier, _score in _found_tiers(query)]
    if tagged := _tagged(query):
        found.append(tagged)
    found = _either(found)
    if found and (excluded := _excluded(query)):
        # The text's own query excludes them already: asked again of those alone, not of every
        # match (a second read of each one's vector).
        found &= ~Q(search_vector=excluded)
    condition = _words_condition(query)
    return condition | found if found else condition


_EXCLUDED = re.compile(r'(?<!\S)-("[^"]*"|\S+)')  # what _plain_words leaves out


def _excluded(query):
    """Return a query of the words excluded ("-Hậu", '-"Cà Mau"', "-402/qd-ttg"), or None.
    The text's own query excludes them from the texts it matches; a document found by its
    number, a link or a tag must leave them out too ("402/QĐ-TTg -Hậu Giang")."""
    excluded = [item for item in _EXCLUDED.findall(query.text) if _plain_words(item)]
    if not excluded:
        return None
    # Each its own query: a stray quote in one would make a phrase of the rest.
    return reduce(
        operator.or_,
        (SearchQuery(item, config=CONFIG, search_type="websearch") for item in excluded),
    )


def _words_condition(query):
    """Return the Q of the documents holding the query's words: in their text, or, for the
    ordinals typed among them, linked to a document numbered so (_ordinal_links)."""
    condition = Q(search_vector=text_query(query))
    if linked := _ordinal_links(query):
        linked = Q(pk__in=linked)
        if other_words := _other_words(query):
            other_words = replace(query, text=other_words, word_ordinals=[])
            linked &= Q(search_vector=text_query(other_words))
        condition |= linked
    return condition


def _tagged(query):
    """Return the Q of the documents tagged with the one place a query names, or one that
    took it in (a search for "Cần Thơ" finds Hậu Giang's plan: Cần Thơ took in Hậu Giang in
    2025, as the province filter does), that hold its other words; None for no place or many."""
    if len(query.places) != 1:
        return None
    (name, ids, at), tokens = query.places[0], query.text.split()
    other_words = " ".join(tokens[:at] + tokens[at + len(name.split()) :])
    tagged = Q(facet_units__overlap=ids)
    if other_words:  # asked as the text is (a number's citations and links too), the place aside
        tagged &= _words_condition(replace(query, text=other_words, places=[]))
    return tagged


def _ordinal_links(query):
    """Return the ids of the documents linked to those numbered with the ordinals typed among
    other words ("402 Hậu Giang": Hậu Giang's plan carrying out 402/QĐ-TTg, whose text may
    never cite it), as _named_and_linked reads them."""
    ordinals = query.word_ordinals
    if ordinals and query.ordinal_linked is None:
        condition = _either(map(_numbered_with, ordinals))
        query.ordinal_named, query.ordinal_linked = _named_and_linked(condition)
    return query.ordinal_linked if ordinals else []


def _ordinal_tiers(query):
    """Return [(Q, score)] ranking first, among the documents holding the query's words, those
    numbered with an ordinal typed among them ("402 di cư": 402/QĐ-TTg), then those linked."""
    tiers = [(_numbered_with(ordinal), NUMBER_ORDINAL) for ordinal in query.word_ordinals]
    if linked := _ordinal_links(query):
        tiers.append((Q(pk__in=linked), NUMBER_LINKED))
    return tiers


def _other_words(query):
    """Return the query's text without the ordinals typed among its words."""
    return " ".join(token for token in query.text.split() if token not in query.word_ordinals)


# A shown document's title with every match marked, and two fragments of its text around the
# matches. ts_headline parses the whole text it is given (PostgreSQL's parser, ~0.3 µs a
# character: 10 ms for a 30 kB plan), so for a plain query (no phrase, OR or excluded word) a
# long text is cut first, the words' occurrences found by a regex (a hundredth of the parse).
# When every word occurs, to the stretch from a little before the first occurrence of any to
# EXCERPT_CHARS past the last second occurrence within MAX_SPAN of its first (room for the two
# fragments ts_headline shows); the whole text if the first occurrences lie further apart. When
# a word is missing (found in the title only, or a number the text does not hold), ts_headline
# has no match to show and shows the text's first MinWords (12) words: the text is cut to its
# first FIRST_WORDS_CHARS (600 before session 12, three times the text to parse, gave the
# same snippets). A text that marks nothing so (a document found by its number, a link or a tag)
# is shown by its summary instead, as a browse shows it: the body's first words were a preamble
# («Căn cứ Luật Tổ chức Chính phủ…») or another document's news. The cuts fall on spaces (the
# text padded with one each side; string functions, as a regex trimming the ends took 40 µs a
# text). Plain SQL: the ORM took as long
# to build this statement (1.4 ms) as PostgreSQL takes to run it for a page of rare words.
# A number the query names is also asked as texts write it (`cited`): ts_headline reads the text
# as written, where "402/QĐ-TTg" is pieces the vector's one token ("402/qd-ttg") never meets. A
# number's ordinal is asked with the numbers citing it (cited_ordinals).
EXCERPT_CHARS, BEFORE_CHARS, MAX_SPAN, FIRST_WORDS_CHARS = 600, 150, 3000, 200
FRAGMENT_DELIMITER = " … "
ENDS_CHARS = 120  # of the text's start and end, to tell whether a snippet starts or ends it
HEADLINE_OPTIONS = f"StartSel={START_MARK}, StopSel={STOP_MARK}"
SNIPPET_OPTIONS = (
    f"{HEADLINE_OPTIONS}, MaxWords=28, MinWords=12, MaxFragments=2,"
    f' FragmentDelimiter="{FRAGMENT_DELIMITER}"'
)
HEADLINES_SQL = rf"""
SELECT d.id,
    ts_headline('{CONFIG}', d.title, query, '{HEADLINE_OPTIONS}, HighlightAll=true'),
    COALESCE(ts_headline('{CONFIG}', alt.summary, query, '{SNIPPET_OPTIONS}'), s.snippet),
    left(shown, {ENDS_CHARS}), right(shown, {ENDS_CHARS})
FROM archive_document AS d,
    COALESCE(websearch_to_tsquery('{CONFIG}', %s) || NULLIF(%s, '')::tsquery,
        websearch_to_tsquery('{CONFIG}', %s)) AS typed,
    LATERAL (SELECT COALESCE(typed || (
            SELECT string_agg('(' || cited::text || ')', ' | ')
            FROM unnest(%s::text[]) AS spelling, phraseto_tsquery('{CONFIG}', spelling) AS cited
            WHERE numnode(cited) > 0)::tsquery, typed) AS query) AS q,
    LATERAL (SELECT COALESCE(NULLIF(d.body, ''), d.summary) || '' AS text OFFSET 0) AS t,
    LATERAL (SELECT count(*) AS words, count(*) FILTER (WHERE at > 0) AS found,
                    min(at) AS first, max(at) AS last,
                    max(CASE WHEN again > 0 AND again - at <= {MAX_SPAN} THEN again ELSE at END)
                        AS until
             FROM unnest(CASE WHEN length(text) > {EXCERPT_CHARS} THEN %s::text[] END) AS word,
                regexp_instr(text, word) AS at, regexp_instr(text, word, 1, 2) AS again) AS m,
    LATERAL (SELECT words = 0 OR (found = words AND last - first > {MAX_SPAN}) AS whole,
        CASE WHEN found = words THEN greatest(1, first - {BEFORE_CHARS}) ELSE 1 END AS start,
        CASE WHEN found = words THEN until - first + {EXCERPT_CHARS} ELSE {FIRST_WORDS_CHARS} END
            AS chars) AS cut,
    LATERAL (SELECT substring(' ' || text || ' ' FROM start FOR chars) AS piece OFFSET 0) AS p,
    LATERAL (SELECT ts_headline('{CONFIG}', CASE WHEN whole THEN text ELSE substring(
            piece FROM strpos(piece, ' ') + 1
            FOR greatest(0, length(piece) - strpos(piece, ' ') - strpos(reverse(piece), ' ')))
        END, query, '{SNIPPET_OPTIONS}') AS snippet OFFSET 0) AS s,
    LATERAL (SELECT CASE WHEN strpos(s.snippet, '{START_MARK}') = 0 AND d.summary <> ''
        AND text <> d.summary THEN d.summary END AS summary) AS alt,
    LATERAL (SELECT COALESCE(alt.summary, text) AS shown) AS e
WHERE d.id = ANY(%s)
"""


def _headline_text(query):
    """Return the words a snippet is cut and marked around: the query's, but for ordinals typed
    among them ("402 Hậu Giang"), which a document linked to 402/QĐ-TTg need not hold, and for
    the words excluded (ts_headline marks a word its query negates)."""
    text = _other_words(query) if query.word_ordinals else query.text
    return _STRAY_OR.sub("", " ".join(_EXCLUDED.sub(" ", text).split())).strip()


def headlines(query, ids):
    """Return {pk: (highlighted title, snippet)} of these documents for a query."""
    if query.is_empty or not ids:
        return {}
    text, written = _headline_text(query), cited_as_written(query)
    spellings = [*query.cited, *other_names(query)]  # each a phrase the text may hold
    if ordinals := query.word_ordinals:  # asked as the words' company, not with them
        written = " | ".join([*filter(None, [written]), *(f"'{o}'" for o in ordinals)])
    with connection.cursor() as cursor:
        cursor.execute(
            HEADLINES_SQL, [text, written, text, spellings, word_patterns(query), list(ids)]
        )
        rows = cursor.fetchall()
    found = {pk: (title, snippet) for pk, title, snippet, _start, _end in rows}
    if names_whole := _names_whole(query):
        found = {pk: [names_whole(part) for part in pair] for pk, pair in found.items()}
    if typed := _typed_spellings(query):
        found = {pk: _marks_as_typed(*marked, typed) for pk, marked in found.items()}
    found = _numbers_made_whole(found)
    ends = {pk: (start, end) for pk, _title, _snippet, start, end in rows}
    return {pk: (title, _ellipsized(snippet, *ends[pk])) for pk, (title, snippet) in found.items()}


_SPACES = re.compile(r"\s+")


def _ellipsized(snippet, start, end):
    """Return the snippet with "…" where it starts or ends inside its text: a fragment began
    mid-sentence ("hiệp phụ nữ Việt Nam) và …", of "Hội Liên hiệp") or stopped there ("… ban
    hành Kế") with nothing to say so."""
    fragments = snippet.split(FRAGMENT_DELIMITER)
    first, last = _bare(fragments[0]), _bare(fragments[-1])
    if first and not _bare(start or "").startswith(first[:40]):
        snippet = f"… {snippet}"
    if last and not _bare(end or "").endswith(last[-40:]):
        snippet = f"{snippet} …"
    return snippet


def _bare(text):
    """Return the text without marks, its spaces one each, its ends without punctuation."""
    text = text.replace(START_MARK, "").replace(STOP_MARK, "")
    return _SPACES.sub(" ", text).strip(f" {PUNCTUATION}-–")


# The search folds accents, and so do ts_headline's marks: "Cần Thơ" marked the "cận" of "tiếp
# cận" too, "mua bán" the "bàn" of "địa bàn". A query typed with diacritics is marked as typed
# (a word's tone in either place) where the document's title or snippet holds it so; a word's
# other spellings are marked only where they do not (a text written without accents). Typed
# without any diacritic ("can tho"), every spelling is the word.
_MARKED = re.compile(f"{START_MARK}([^{STOP_MARK}]*){STOP_MARK}")


def _typed_spellings(query):
    """Return {folded word: its spellings as typed} when the query has a diacritic, else {}.
    Who types one types them all: "Thanh" of "Thanh Hoá" is not "thành"."""
    words = _plain_words(_headline_text(query))
    if all(fold(word) == word.lower() for word in words):
        return {}
    typed = {}
    for word in words + _plain_words(" ".join(other_names(query))):
        typed.setdefault(fold(word), set()).update(tone_variants(word.lower()))
    return typed


def _marks_as_typed(title, snippet, typed):
    """Return the title and snippet without the marks on other spellings of the words they
    mark as typed; a snippet's fragment left with no mark goes (one chosen for "tiếp cận" when
    another shows "Cần Thơ"), unless none has one."""
    marked = (word.lower() for word in _MARKED.findall(f"{title} {snippet}"))
    held = {fold(word) for word in marked if word in typed.get(fold(word), ())}
    if not held:
        return title, snippet

    def as_typed(match):
        word = match.group(1).lower()
        if fold(word) in held and word not in typed[fold(word)]:
            return match.group(1)
        return match.group(0)

    fragments = snippet.split(FRAGMENT_DELIMITER)
    shown = [_MARKED.sub(as_typed, fragment) for fragment in fragments]
    kept = [
        new
        for old, new in zip(fragments, shown, strict=True)
        if START_MARK in new or START_MARK not in old
    ]
    return _MARKED.sub(as_typed, title), FRAGMENT_DELIMITER.join(kept or shown)


def _names_whole(query):
    """Return a function taking the marks off another name's words standing alone in a text,
    or None when the query has none: ts_headline marks each word of a phrase it is asked, so
    "Liên hợp quốc" for "LHQ" marked the "hợp" of "di cư hợp pháp" and "Ủy ban nhân dân" for
    "UBND" the "ban" of "ban hành". Built once for a page's titles and snippets."""
    others = other_names(query)
    alone = {fold(word) for word in _plain_words(" ".join(others))}
    alone -= {fold(word) for word in query.words}
    if not alone:
        return None
    between = f"[^\\w{START_MARK}{STOP_MARK}]+"
    names = (
        between.join(f"{START_MARK}{_folded_letters(word)}{STOP_MARK}" for word in words)
        for words in (WORD.findall(fold(name)) for name in others)
    )
    marked_whole = re.compile(f"((?:{'|'.join(names)}))")  # split on, and kept

    def unmarked(match):
        return match.group(1) if fold(match.group(1)) in alone else match.group(0)

    def names_whole(text):
        pieces = marked_whole.split(text)
        pieces[::2] = [_MARKED.sub(unmarked, piece) for piece in pieces[::2]]
        return "".join(pieces)

    return names_whole


# A fragment of a snippet ending in the part of a number before its first Đ ("… Quyết định số
# 402/Q"): the parser ends a token there, and ts_headline may end the fragment with it.
_CUT_AT_END = re.compile(rf"(\d{{1,6}}(?:/\d{{4}})?/[A-Za-z]*)({STOP_MARK}?)(?=$| … )")
_NUMBER_WITH_D = r"\d{1,6}(?:/\d{4})?/[A-Za-z]*[Đđ](?:[^\s,;:()]*[^\s,;:().])?"
NUMBERS_WITH_D_SQL = """
SELECT id, (regexp_matches(COALESCE(NULLIF(body, ''), summary), %s, 'g'))[1]
FROM archive_document WHERE id = ANY(%s)
"""


def _numbers_made_whole(found):
    """Return the headlines with a number cut at its first Đ at a fragment's end made whole
    from the document's text ("402/Q" gives "402/QĐ-TTg"; the highlight filter carries a mark
    over the rest)."""
    cut = [pk for pk, (_title, snippet) in found.items() if _CUT_AT_END.search(snippet)]
    if not cut:
        return found
    numbers = {}
    with connection.cursor() as cursor:
        cursor.execute(NUMBERS_WITH_D_SQL, [f"({_NUMBER_WITH_D})", cut])
        for pk, number in cursor.fetchall():
            numbers.setdefault(pk, []).append(number)

    for pk in cut:
        title, snippet = found[pk]
        found[pk] = (title, _CUT_AT_END.sub(partial(_whole, numbers.get(pk, [])), snippet))
    return found


def _whole(numbers, match):
    start, stop = match.groups()
    rests = (number[len(start) :] for number in numbers if number.startswith(start))
    return start + stop + next((rest for rest in rests if rest[:1] in "Đđ"), "")


# Every letter that folds to each folded one, both cases, as a bracket expression: "[Nn]" for
# n, the 17 forms of u for u. A pattern of these finds a word in stored text as the folded
# search does. Built once: a word's pattern is then a lookup per character.
_FORMS = {}
for _char in map(chr, (*range(0x30, 0x7B), *range(0xC0, 0x250), *range(0x1E00, 0x1F00))):
    if len(folded := fold(_char)) == 1 and folded.isalnum():
        _FORMS.setdefault(folded, set()).add(_char)
_CLASSES = {char: f"[{''.join(sorted(forms))}]" for char, forms in _FORMS.items() if len(forms) > 1}


def word_patterns(query):
    """Return a PostgreSQL regex per word of a plain query, matching it in any accents and
    case as a whole word, and one per term with other names matching any of them; none for a
    query with operators (phrases, OR, excluded words)."""
    if query.uses_operators:
        return []
    text = _headline_text(query)
    patterns = []
    for name, others in query.equivalents:  # found if any of its names is, as a phrase
        text = re.sub(rf"(?<![\w/-]){re.escape(name)}(?![\w/-])", " ", text, count=1)
        names = (r"\W+".join(map(_folded_letters, WORD.findall(fold(n)))) for n in [name, *others])
        patterns.append(rf"\m(?:{'|'.join(names)})\M")
    words = sorted({fold(word) for word in _plain_words(text)})
    return [r"\m" + _folded_letters(word) + r"\M" for word in words] + patterns


def _folded_letters(word):
    """Return a regex of a folded word's letters in any accents and case; a number's ordinal
    with any leading zeros ("05" finds a text's "5/KH-UBND", which the vector reads as 05)."""
    if word.isdigit():
        return "0*" + (word.lstrip("0") or "0")
    return _letters(word)  # a folded word's letters are all plain: any accents


CLOSE_SIMILARITY = 0.3  # pg_trgm's similarity, 0 to 1: a title sharing a third of its trigrams


@contextmanager
def similar(threshold=CLOSE_SIMILARITY):
    """Run statements whose pg_trgm operators (%, %>) mean a similarity above the threshold:
    the operators, unlike the functions, are answered by the trigram indexes."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT set_config('pg_trgm.similarity_threshold', %s, true),"
            " set_config('pg_trgm.word_similarity_threshold', %s, true)",
            [str(threshold)] * 2,
        )
        yield


@contextmanager
def tuned():
    """Run search statements with the planner settings the benchmark showed to help.

    The planner prices `vector @@ query` as cheap and picks a sequential scan when most rows
    match, which reads (detoasts) every stored vector; the GIN bitmap answers a plain query
    without reading them (bench/README.md). A larger work_mem keeps that bitmap exact.

    Ranking reads each match's stored vectors from TOAST (~10-20 µs a match), which the
    planner prices as nearly free: it would not start parallel workers for the 4,000-35,000
    matches of two words, though with two they take 0.65-0.8 of the time (bench/README.md).
    With starting them priced at nothing, the planner splits big scans; small ones stay serial
    (min_parallel_table_scan_size).
    """
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT set_config('enable_seqscan', 'off', true),"
            " set_config('work_mem', '64MB', true), set_config('parallel_setup_cost', '0', true)"
        )
        yield
