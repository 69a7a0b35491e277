"""Document numbers ("số, ký hiệu") parsed and normalised.

Forms, per Nghị định 30/2020/NĐ-CP Phụ lục I mục II.3 (administrative documents) and
Nghị định 34/2016/NĐ-CP Điều 58 (legal normative documents), and the Party's own rule:

- administrative:  1614/KH-UBND, 402/QĐ-TTg, 5165/TTr-BNG-LS, 19/KH-BCĐ138/CP
- official letter (công văn, no type part): 1378/BNG-LS, 2403/VPCP-QHQT, 126/SKHĐT
- legal normative (year inside the number): 30/2020/NĐ-CP, 09/2016/TTLT-BLĐTBXH-BTC
- law or National Assembly resolution: 202/2025/QH15, 76/2025/UBTVQH15
- Party document: 60-NQ/TW, 164-KH/TU

The normalised form folds case and diacritics (Đ becomes D), so "402/QĐ-TTg", "402/QD-TTg" and
"402/qđ-ttg" are one number. The display form restores the canonical spelling of the type and
issuer abbreviations we know and writes the rest in capitals, as the decree asks.
"""

import re
import unicodedata
from dataclasses import dataclass

from django.utils.translation import gettext as _

from .text import as_seen, fold

# Type abbreviations: NĐ 30/2020 Phụ lục III and the legal normative types seen in real numbers
# (../shared/domain/doc_type_abbreviations.csv). Mixed case is part of the symbol (TTr, QyĐ).
TYPE_ABBREVIATIONS = {
    "NQ": "Nghị quyết",
    "QĐ": "Quyết định",
    "CT": "Chỉ thị",
    "QC": "Quy chế",
    "QyĐ": "Quy định",
    "TC": "Thông cáo",
    "TB": "Thông báo",
    "HD": "Hướng dẫn",
    "CTr": "Chương trình",
    "KH": "Kế hoạch",
    "PA": "Phương án",
    "ĐA": "Đề án",
    "DA": "Dự án",
    "BC": "Báo cáo",
    "BB": "Biên bản",
    "TTr": "Tờ trình",
    "HĐ": "Hợp đồng",
    "CĐ": "Công điện",
    "BGN": "Bản ghi nhớ",
    "BTT": "Bản thỏa thuận",
    "GUQ": "Giấy ủy quyền",
    "GM": "Giấy mời",
    "GGT": "Giấy giới thiệu",
    "GNP": "Giấy nghỉ phép",
    "PG": "Phiếu gửi",
    "PC": "Phiếu chuyển",
    "PB": "Phiếu báo",
    "SY": "Bản sao y",
    "TrS": "Bản trích sao",
    "SL": "Bản sao lục",
    "NĐ": "Nghị định",
    "TT": "Thông tư",
    "TTLT": "Thông tư liên tịch",
    "VBHN": "Văn bản hợp nhất",
    "KL": "Kết luận",
}

# Issuer and unit abbreviations observed in real numbers
# (../shared/domain/issuer_abbreviations_observed.csv), for their canonical spelling.
ISSUER_ABBREVIATIONS = [
    "TTg",
    "CP",
    "CTN",
    "BNG",
    "LS",
    "BCA",
    "BLĐTBXH",
    "BTC",
    "BNV",
    "BGDĐT",
    "BTP",
    "BQP",
    "BCT",
    "BKH",
    "BNN",
    "VPCP",
    "VPQH",
    "BCĐ138/CP",
    "BCĐ",
    "UBND",
    "HĐND",
    "SNgV",
    "STP",
    "SKHĐT",
    "CTK",
    "CSCL",
    "TW",
    "TU",
    "HDBCQG",
    "QHQT",
    "UBBG",
    "CNV",
    "TCLN",
    "TCTL",
]


def _by_folded(spellings):
    """Map folded spellings to canonical ones, dropping folds that two spellings share."""
    table = {}
    for spelling in spellings:
        key = fold(spelling)
        table[key] = None if key in table else spelling
    return {key: value for key, value in table.items() if value}


_TYPE_BY_FOLD = _by_folded(TYPE_ABBREVIATIONS)
_ISSUER_BY_FOLD = _by_folded(ISSUER_ABBREVIATIONS)

_GROUP = r"[^\W\d_][\w&]*"  # a letter, then letters, digits or "&" (TĐ&GSĐT)
_SYMBOL_GROUP = re.compile(rf"{_GROUP}(?:/{_GROUP})?$")  # BCĐ138/CP carries its own slash
_LAW_ISSUER = re.compile(r"(?:UBTV)?QH\d{1,2}$", re.IGNORECASE)
# Digits 0-9 only: another script's digits (٣, ३) are not a number's, and full-width ones (１５)
# are read as ASCII first (NFKC, in parse_number).
_PARTY = re.compile(rf"([0-9]{{1,6}})-({_GROUP})/({_GROUP})$")
_WITH_YEAR = re.compile(r"([0-9]{1,6})/([0-9]{4})/(.+)$")
_WITHOUT_YEAR = re.compile(r"([0-9]{1,6})/(.+)$")
_PREFIX = re.compile(r"^(?:số|so)\s*[:.]?\s*", re.IGNORECASE)


class DocumentNumberError(ValueError):
    """A text that is not a document number of any known form; the message is for editors."""


@dataclass(frozen=True)
class DocumentNumber:
    ordinal: str
    year: int | None
    type_abbreviation: str
    issuer: str
    form: str

    ADMINISTRATIVE = "administrative"
    OFFICIAL_LETTER = "official_letter"
    LEGAL = "legal"
    LAW = "law"
    PARTY = "party"

    def __post_init__(self):
        object.__setattr__(self, "ordinal", canonical_ordinal(self.ordinal))

    def __str__(self):
        if self.form == self.PARTY:
            return f"{self.ordinal}-{self.type_abbreviation}/{self.issuer}"
        symbol = "-".join(part for part in (self.type_abbreviation, self.issuer) if part)
        year = f"{self.year}/" if self.year else ""
        return f"{self.ordinal}/{year}{symbol}"

    @property
    def normalized(self):
        """Return the key that every spelling of this number shares ("402/qd-ttg")."""
        return normalize_number(str(self))

    @property
    def type_name(self):
        """Return the document type in full ("Kế hoạch"), or "" when the number has none."""
        return TYPE_ABBREVIATIONS.get(self.type_abbreviation, "")


def canonical_ordinal(digits):
    """Return an ordinal as Nghị định 30/2020/NĐ-CP writes it: below 10 with a leading zero
    ("Số: 05/..."), no other zero before it. "5/KH-UBND" as typed is 05/KH-UBND, "016" is 16.
    (Migration 0018 and models.numbers_as_tokens apply the same rule in SQL.)"""
    return f"{int(digits):02d}"


def normalize_number(text):
    """Return the comparison key of a number as written: folded, without spaces."""
    return re.sub(r"\s+", "", fold(text))


def _canonical_group(group):
    """Return a symbol group in its canonical spelling, or in capitals when unknown."""
    if group in ISSUER_ABBREVIATIONS or group in TYPE_ABBREVIATIONS:
        return group
    return _ISSUER_BY_FOLD.get(fold(group)) or _TYPE_BY_FOLD.get(fold(group)) or group.upper()


def _type_of(group):
    """Return the canonical type abbreviation a symbol group spells, or None."""
    if group in TYPE_ABBREVIATIONS:
        return group
    return _TYPE_BY_FOLD.get(fold(group))


def _symbol_groups(symbol, raw):
    groups = symbol.split("-")
    if not all(_SYMBOL_GROUP.match(group) for group in groups):
        raise DocumentNumberError(
            _(
                "«%(raw)s» không phải số, ký hiệu hợp lệ: phần ký hiệu chỉ gồm chữ viết tắt nối "
                "bằng dấu gạch nối, ví dụ 1614/KH-UBND."
            )
            % {"raw": raw}
        )
    return groups


# Dashes a number is written with in Word or on a web page ("215/KH–UBND"): its hyphen.
# The years a number may hold: from the Democratic Republic's first decrees on.
YEARS = range(1945, 2101)
DASHES = str.maketrans(dict.fromkeys("\u2012\u2013\u2014\u2015\u2212", "-"))


def parse_number(raw):
    """Parse a number as written into a DocumentNumber, or raise DocumentNumberError."""
    text = unicodedata.normalize("NFKC", as_seen(raw or "")).translate(DASHES).strip()
    text = _PREFIX.sub("", text)
    text = re.sub(r"\s*([/-])\s*", r"\1", text)
    if not text:
        raise DocumentNumberError(_("Số, ký hiệu văn bản đang để trống."))
    if re.search(r"\s", text):
        raise DocumentNumberError(
            _(
                "«%(raw)s» không phải số, ký hiệu hợp lệ: không có khoảng trắng trong số, ký hiệu "
                "(viết liền, ví dụ 402/QĐ-TTg)."
            )
            % {"raw": raw}
        )
    if match := _PARTY.match(text):
        ordinal, type_group, issuer = match.groups()
        return DocumentNumber(
            ordinal,
            None,
            _type_of(type_group) or type_group.upper(),
            _canonical_group(issuer),
            DocumentNumber.PARTY,
        )
    if match := _WITH_YEAR.match(text):
        ordinal, year, symbol = match.groups()
        year = int(year)
        if year not in YEARS:
            raise DocumentNumberError(
                _("«%(raw)s» có năm ban hành %(year)s không hợp lệ.") % {"raw": raw, "year": year}
            )
        groups = _symbol_groups(symbol, raw)
        if len(groups) == 1 and _LAW_ISSUER.match(groups[0]):
            return DocumentNumber(ordinal, year, "", groups[0].upper(), DocumentNumber.LAW)
        if len(groups) < 2:
            raise DocumentNumberError(
                _(
                    "«%(raw)s» thiếu phần ký hiệu: văn bản quy phạm pháp luật ghi "
                    "số/năm/loại-cơ quan, ví dụ 30/2020/NĐ-CP."
                )
                % {"raw": raw}
            )
        type_abbreviation = _type_of(groups[0]) or groups[0].upper()
        issuer = "-".join(_canonical_group(group) for group in groups[1:])
        return DocumentNumber(ordinal, year, type_abbreviation, issuer, DocumentNumber.LEGAL)
    if match := _WITHOUT_YEAR.match(text):
        ordinal, symbol = match.groups()
        groups = _symbol_groups(symbol, raw)
        type_abbreviation = _type_of(groups[0])
        if type_abbreviation and len(groups) == 1:
            raise DocumentNumberError(
                _(
                    "«%(raw)s» thiếu tên viết tắt của cơ quan ban hành sau loại văn bản, "
                    "ví dụ %(example)s."
                )
                % {"raw": raw, "example": f"{ordinal}/{type_abbreviation}-UBND"}
            )
        issuer_groups = groups[1:] if type_abbreviation else groups
        issuer = "-".join(_canonical_group(group) for group in issuer_groups)
        if type_abbreviation:
            return DocumentNumber(
                ordinal, None, type_abbreviation, issuer, DocumentNumber.ADMINISTRATIVE
            )
        return DocumentNumber(ordinal, None, "", issuer, DocumentNumber.OFFICIAL_LETTER)
    raise DocumentNumberError(
        _(
            "«%(raw)s» không phải số, ký hiệu hợp lệ. Theo Nghị định 30/2020/NĐ-CP, số và ký hiệu "
            "cách nhau bằng dấu «/», ví dụ 1614/KH-UBND, 402/QĐ-TTg hoặc 30/2020/NĐ-CP."
        )
        % {"raw": raw}
    )
