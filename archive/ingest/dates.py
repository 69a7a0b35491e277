"""Dates as Vietnamese texts write them, and the year of a date written without one."""

import datetime
import functools
import re
from dataclasses import dataclass

from ..periods import Precision, iso

_FULL_WORDS = re.compile(r"ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})", re.IGNORECASE)
# 30/7/2020, 20-3-2020, 31.07.2020; not inside a number such as 30/2020/NĐ-CP.
_FULL_DIGITS = re.compile(r"(?<![\w/.-])(\d{1,2})([/.-])(\d{1,2})\2(\d{4})(?![\w/-])")
# "Ngày 19/12", "chiều 7/1", "ngày 28-6": a day cue, then day and month only.
_NO_YEAR = re.compile(
    r"\b(?:ngày|sáng|chiều|tối|trưa|đêm|hôm)\s+(\d{1,2})[/-](\d{1,2})(?![/\d-]|\.\d)",
    re.IGNORECASE,
)
_YEAR_MENTION = re.compile(
    r"\b(?:năm\s+|tháng\s+\d{1,2}/|giai đoạn\s+\d{4}\s*[–—-]\s*)(\d{4})\b"
    r"|\b\d{4}\s*[–—-]\s*(\d{4})\b",
    re.IGNORECASE,
)
# Words that put a year ahead of the text's own time ("sẽ diễn ra vào tháng 5/2026", "cho giai
# đoạn 2026–2030", "định hướng đến năm 2030"): such years say nothing of when it was written.
_FUTURE_CUE = re.compile(
    r"(?:\bsẽ\b|\bsắp\b|\btới\b|\bcho giai đoạn\b|\bđến năm\b|\bđịnh hướng\b|\btầm nhìn\b)"
    r"[^.;]{0,40}$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class FoundDate:
    day: int
    month: int
    year: int | None
    start: int
    end: int
    inferred: bool = False
    # A month or a year alone (its first day) when an editor typed only that (05/2026).
    precision: str = Precision.DAY

    @property
    def date(self):
        """Return a datetime.date, or None when the year is not known."""
        return datetime.date(self.year, self.month, self.day) if self.year else None

    def isoformat(self):
        """Return YYYY-MM-DD (YYYY-MM, YYYY for a month or a year), or ISO 8601's yearless
        --MM-DD."""
        if self.year:
            return iso(self.date, self.precision)
        return f"--{self.month:02d}-{self.day:02d}"

    def with_year(self, year):
        return FoundDate(self.day, self.month, year, self.start, self.end, inferred=True)


def _valid(day, month, year=2000):
    try:
        datetime.date(year, month, day)
    except ValueError:
        return False
    return 1945 <= year <= 2100


@functools.lru_cache(maxsize=64)
def find_dates(text):
    """Return every date in the text, in order, full ones and those without a year.

    Cached: one extraction asks for the dates of its text from several places.
    """
    found = []
    for match in _FULL_WORDS.finditer(text):
        day, month, year = (int(g) for g in match.groups())
        if _valid(day, month, year):
            found.append(FoundDate(day, month, year, match.start(), match.end()))
    for match in _FULL_DIGITS.finditer(text):
        day, month, year = int(match.group(1)), int(match.group(3)), int(match.group(4))
        if _valid(day, month, year):
            found.append(FoundDate(day, month, year, match.start(), match.end()))
    for match in _NO_YEAR.finditer(text):
        day, month = int(match.group(1)), int(match.group(2))
        if _valid(day, month, 2000):
            found.append(FoundDate(day, month, None, match.start(1), match.end(2)))
    found.sort(key=lambda d: d.start)
    return tuple(found)


_MONTH_WORDS = re.compile(r"tháng\s+(\d{1,2})\s+năm\s+(\d{4})", re.IGNORECASE)


def month_of(text):
    """Return the month a date line gives without its day («Sơn La, tháng 10 năm 2021», as a
    document is dated before its day is filled in), a FoundDate of its first day, or None."""
    match = _MONTH_WORDS.search(text)
    if not match:
        return None
    month, year = int(match.group(1)), int(match.group(2))
    if not _valid(1, month, year):
        return None
    return FoundDate(1, month, year, match.start(), match.end(), precision=Precision.MONTH)


def parse_date(text):
    """Return the first full date in a short text ("31/07/2020"), or None."""
    dates = [d for d in find_dates(text) if d.year]
    return dates[0].date if dates else None


def _ahead(text, start):
    return bool(_FUTURE_CUE.search(text[max(0, start - 60) : start]))


def context_years(text, today=None):
    """Return the years the text speaks of as past or present (not planned ahead)."""
    limit = (today or datetime.date.today()).year
    years = []
    for found in find_dates(text):
        if found.year and found.year <= limit and not _ahead(text, found.start):
            years.append(found.year)
    for match in _YEAR_MENTION.finditer(text):
        year = int(match.group(1) or match.group(2))
        if 1945 <= year <= limit and not _ahead(text, match.start()):
            years.append(year)
    return years


def infer_year(found, text, published=None, today=None):
    """Return the date with a year taken from context (marked inferred), or as it was."""
    if found.year:
        return found
    same_day = [
        d.year for d in find_dates(text) if d.year and (d.day, d.month) == (found.day, found.month)
    ]
    if same_day:
        return found.with_year(same_day[0])
    if published:
        year = published.year
        if (found.month, found.day) > (published.month, published.day):
            year -= 1
        return found.with_year(year)
    years = context_years(text, today)
    return found.with_year(max(years)) if years else found
