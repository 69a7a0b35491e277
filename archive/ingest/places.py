"""Provinces of both eras found in a text: names, "tỉnh X", "TP. X", abbreviations, variants.

A name is looked up as written (capitalised; "vì hòa bình" is not Hòa Bình), with tone marks
placed either way, and resolved to the unit of the era the document belongs to: Nghệ An in a
text of December 2025 is the unit of the 34, Hậu Giang in a text of 2020 the unit of the 63.
"""

import re
from dataclasses import dataclass

from ..models import MERGER_DATE, Province
from ..text import alternation, fold
from .clean import with_names
from .spelling import canonical_tones

# Other spellings seen in sources (../shared/domain/province_aliases.csv) and abbreviations.
ALIASES = {
    "TP.HCM": "Hồ Chí Minh",
    "TP. HCM": "Hồ Chí Minh",
    "TPHCM": "Hồ Chí Minh",
    "TP HCM": "Hồ Chí Minh",
    "Tp.HCM": "Hồ Chí Minh",
    "Sài Gòn": "Hồ Chí Minh",
    "Thừa Thiên - Huế": "Thừa Thiên Huế",
    "Thừa Thiên-Huế": "Thừa Thiên Huế",
    "Bà Rịa-Vũng Tàu": "Bà Rịa - Vũng Tàu",
    "Bà Rịa – Vũng Tàu": "Bà Rịa - Vũng Tàu",
    "BR-VT": "Bà Rịa - Vũng Tàu",
    "Dăk Lăk": "Đắk Lắk",
    "Đăk Lăk": "Đắk Lắk",
    "Đắc Lắc": "Đắk Lắk",
    "Đăk Nông": "Đắk Nông",
    "Đắc Nông": "Đắk Nông",
    "Bắc Cạn": "Bắc Kạn",
}
# The same place under its name of the other era (the 63 called it Thừa Thiên Huế).
SAME_PLACE = {"Huế": "Thừa Thiên Huế", "Thừa Thiên Huế": "Huế"}
# Names that are also a person's (Chủ tịch Hồ Chí Minh, Tư tưởng Hồ Chí Minh): a province only
# with "Thành phố"/"TP." before them.
NEEDS_PREFIX = {"Hồ Chí Minh"}
# Places abroad and other words that contain a Vietnamese province's name. Bắc Kinh, Hà Bắc and
# Hùng An contain none, and are listed so that a later name list never makes them one.
ABROAD = [
    "Thái Bình Dương",
    "Bắc Kinh",
    "Hà Bắc",
    "Hùng An",
    "New York",
    "Quảng Tây",
    "Quảng Đông",
    "Hải Nam",
    "Vân Nam",
]
# A capitalised name right after one of these is part of a person's name (Nguyễn Hòa Bình).
NAME_WORDS = set(
    "Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý Đinh Đoàn Lương "
    "Trương Mai Cao Lâm Tô Tạ Chu Văn Thị Hữu Đức Công Quang Thu Minh Ngọc Thanh Kim".split()
)
PREFIX = r"(?:(?P<prefix>[Tt]ỉnh|TỈNH|[Tt]hành phố|THÀNH PHỐ|TP\.?|Tp\.?)\s*)?"


@dataclass(frozen=True)
class FoundPlace:
    name: str  # canonical name as in the Province table
    start: int
    end: int
    text: str


class ProvinceMatcher:
    """Find provinces in text and resolve them to Province rows of the right era."""

    def __init__(self, provinces):
        self.by_name = {}
        for province in provinces:
            self.by_name.setdefault(canonical_tones(province.name), []).append(province)
        spellings = {}
        for name in self.by_name:
            spellings[name] = name
            spellings[name.upper()] = name
        for alias, name in ALIASES.items():
            spellings[canonical_tones(alias)] = canonical_tones(name)
        self.spellings = spellings
        self.pattern = re.compile(
            rf"(?<![\w.]){PREFIX}(?P<name>{alternation([*spellings, *ABROAD])})(?![\w])"
        )

    def named(self, text):
        """Return a text lowered from capitals with the provinces after "tỉnh", "thành phố" or
        "TP." named again ("trên địa bàn tỉnh hậu giang": tỉnh Hậu Giang), found by find() then."""
        return with_names(text, self.by_name, before=r"(?:tỉnh|thành phố)\s+|TP\.\s*")

    def find(self, text):
        """Return the provinces named in a text, with their spans, in order."""
        canonical = canonical_tones(text)
        found = []
        for match in self.pattern.finditer(canonical):
            written = match.group("name")
            name = self.spellings.get(written)
            if name is None:  # a place abroad
                continue
            if name in NEEDS_PREFIX and not match.group("prefix") and written == name:
                continue
            if not match.group("prefix") and self._after_person_name(canonical, match.start()):
                continue
            found.append(
                FoundPlace(name, match.start(), match.end(), text[match.start() : match.end()])
            )
        return found

    @staticmethod
    def _after_person_name(text, start):
        previous = text[max(0, start - 20) : start].split()
        return bool(previous) and previous[-1] in NAME_WORDS

    def resolve(self, name, date=None):
        """Return the Province of a canonical name for a document of that date."""
        units = self.by_name.get(name, [])
        if not units and name in SAME_PLACE:
            units = self.by_name.get(SAME_PLACE[name], [])
        era = Province.Era.BEFORE_2025 if date and date < MERGER_DATE else Province.Era.FROM_2025
        for unit in units:
            if unit.era == era:
                return unit
        other = self.by_name.get(SAME_PLACE.get(name, ""), [])
        for unit in other:
            if unit.era == era:
                return unit
        return units[0] if units else None

    @staticmethod
    def same_place(a, b):
        """Return whether two names (of either era) are one place: Huế and Thừa Thiên Huế."""
        return fold(a) == fold(b) or SAME_PLACE.get(a) == b
