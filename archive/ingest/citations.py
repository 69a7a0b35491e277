"""Document numbers in running text, and how each is cited.

"Quyết định số 402/QĐ-TTg ngày 20/3/2020 của Thủ tướng Chính phủ" gives the number, its type
in full, the issue date and the issuer; the words before it ("Căn cứ", "Thực hiện", "sửa đổi,
bổ sung") say how the citing document relates to it. Every form of archive.numbers is found:
1614/KH-UBND, 402/QĐ-TTg, 30/2020/NĐ-CP, 202/2025/QH15, 1378/BNG-LS, 60-NQ/TW, 19/KH-BCĐ138/CP.
"""

import re
from dataclasses import dataclass

from ..models import Relation
from ..numbers import DASHES, DocumentNumber, DocumentNumberError, parse_number
from .agencies import BODY_HEAD, body_name
from .dates import find_dates

# A run of digits, then "/" or "-", then the symbol up to a space or punctuation; parse_number
# decides what it is (30/7/2020 and 24/7 are not numbers: their symbol has no letter).
_CANDIDATE = re.compile(r"(?<![\w/.-])\d{1,6}[/-][\wĐđ&/.-]+")
_TRAILING = ".-/"
# Type words written before "số" ("Quyết định số", "Công văn số 1378/BNG-LS").
_TYPE_WORDS = (
    r"(Quyết định|Kế hoạch|Công văn|Nghị quyết|Nghị định|Chỉ thị|Thông tư liên tịch|Thông tư"
    r"|Tờ trình|Luật|Chương trình|Kết luận|Hướng dẫn|Thông báo|Báo cáo|Văn bản|văn bản)"
)
_TYPE_BEFORE = re.compile(_TYPE_WORDS + r"(?:\s+số)?\s*[:.]?\s*$", re.IGNORECASE)
_AFTER_DATE = re.compile(r"^\s*,?\s*(?:ban hành\s+)?ngày\s+")
_CITED = re.compile(r"(?:\bsố|" + _TYPE_WORDS + r")\s*[:.]?\s*$", re.IGNORECASE)
_ISSUING = re.compile(r"ban hành|đã ký|ký ban hành", re.IGNORECASE)
_AFTER_OF = re.compile(r"^\s*,?\s*của\s+")
# What a document does with what it cites, by the words just before the citation.
_RELATION_CUES = [
    (re.compile(r"sửa đổi|bổ sung", re.IGNORECASE), Relation.AMENDS),
    (re.compile(r"thay thế", re.IGNORECASE), Relation.REPLACES),
    (re.compile(r"bãi bỏ", re.IGNORECASE), Relation.REPEALS),
    (re.compile(r"căn cứ|xét đề nghị|viện dẫn", re.IGNORECASE), Relation.BASED_ON),
    (
        re.compile(r"thực hiện|triển khai|hướng dẫn|ban hành kèm theo", re.IGNORECASE),
        Relation.IMPLEMENTS,
    ),
]
_CLAUSE_START = re.compile(r"[.;\n]|(?<!\w)(?:Căn cứ|Thực hiện|Xét đề nghị)(?!\w)")


@dataclass
class Citation:
    number: DocumentNumber
    start: int
    end: int
    type_name: str = ""
    issued: object = None  # datetime.date or None
    issuer_text: str = ""
    relation_cue: str = ""  # a Relation value, or "" when the words before say nothing

    @property
    def year(self):
        return self.number.year or (self.issued.year if self.issued else None)


def find_numbers(text):
    """Return (DocumentNumber, start, end) for every document number in the text.

    A number without a type part (1378/BNG-LS) is taken only after "số" or a type word: bare,
    "Ban Chỉ đạo 138/CP" would be one.
    """
    found = []
    # Word's dashes read as hyphens ("215/KH–UBND"): one character for one, the places kept.
    for match in _CANDIDATE.finditer(text.translate(DASHES)):
        raw = match.group().rstrip(_TRAILING)
        symbol = re.split(r"[/-]", raw, maxsplit=1)[1] if len(raw) > 1 else ""
        if not symbol[:1].isalpha() and not re.match(r"\d{4}/", symbol):
            continue
        try:
            number = parse_number(raw)
        except DocumentNumberError:
            continue
        if not _plausible(number):
            continue
        if number.form == DocumentNumber.OFFICIAL_LETTER and not _CITED.search(
            text[max(0, match.start() - 30) : match.start()]
        ):
            continue
        found.append((number, match.start(), match.start() + len(raw)))
    return found


def _plausible(number):
    """Reject what parses but is prose: a number's symbol is written in capitals."""
    symbol = f"{number.type_abbreviation}{number.issuer}"
    return bool(symbol) and any(ch.isupper() for ch in symbol) and len(number.issuer) <= 30


def _type_name(number, before):
    """Return the document type in full, from the number or the words written before it."""
    if match := _TYPE_BEFORE.search(before):
        word = match.group(1)
        if word.lower() != "văn bản":
            return word[:1].upper() + word[1:]
    if number.type_name:
        return number.type_name
    if number.form == DocumentNumber.OFFICIAL_LETTER:
        return "Công văn"
    if number.form == DocumentNumber.LAW:
        return "Luật"
    return ""


def _relation_cue(text, start):
    """Return the relation the clause before a citation names ("Căn cứ" gives căn cứ)."""
    window = text[max(0, start - 160) : start]
    clauses = list(_CLAUSE_START.finditer(window))
    if clauses:
        last = clauses[-1]
        window = window[last.start() :] if last.group()[:1].isalpha() else window[last.end() :]
    for pattern, relation in _RELATION_CUES:
        if pattern.search(window):
            return relation
    return ""


def _date_before(text, start, dates):
    """Return the full date of the clause that issues a number ("Ngày 30/7/2020, ... ban hành
    Kế hoạch số 1614/KH-UBND"), or None."""
    sentence_start = max(text.rfind(".", 0, start - 1), text.rfind("\n", 0, start)) + 1
    before = [d for d in dates if sentence_start <= d.start < start and d.year]
    if not before:
        return None
    # Only the clause from that date to the number: another number in it takes the date.
    clause = text[before[-1].end : start]
    if not _ISSUING.search(clause) or _CANDIDATE.search(clause):
        return None
    return before[-1].date


def find_citations(text, agency_spans=()):
    """Return a Citation for every number: type, issue date, issuer words and relation cue."""
    dates = find_dates(text)
    citations = []
    for number, start, end in find_numbers(text):
        citation = Citation(number, start, end)
        citation.type_name = _type_name(number, text[max(0, start - 30) : start])
        rest = text[end : end + 160]
        position = end
        if match := _AFTER_DATE.match(rest):
            date = next((d for d in dates if d.start == end + match.end() and d.year), None)
            if date is None:
                date = next((d for d in dates if end < d.start <= end + match.end() + 9), None)
            if date and date.year:
                citation.issued = date.date
                position = date.end
        if match := _AFTER_OF.match(text[position : position + 160]):
            issuer_start = position + match.end()
            spans = [span for span in agency_spans if span[0] == issuer_start]
            if spans:
                citation.issuer_text = text[spans[0][0] : spans[0][1]]
            elif head := BODY_HEAD.match(text, issuer_start):
                # A body the table does not hold ("của Ban Chỉ đạo 138/CP"): its name as written.
                citation.issuer_text = body_name(
                    head.group().strip(), text[head.end() : head.end() + 120]
                )
        if citation.issued is None:
            citation.issued = _date_before(text, start, dates)
        citation.relation_cue = _relation_cue(text, start)
        citations.append(citation)
    return citations
