"""A date known to the day, or only to its month or year: as staff type it and as pages show it.

Sources often date a conference by its month alone («Diễn đàn Rà soát Di cư quốc tế (IMRF) sẽ
diễn ra vào tháng 5/2026»). Such a date is stored as its period's first day with the precision
beside it (Document.date_precision), so it sorts, counts in its year and falls in a period
searched like any other, and is shown as known: «tháng 5/2026», never «01/05/2026».
"""

import calendar
import datetime
import re

from django import forms
from django.db import models
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

YEARS = range(1900, 2101)

# "12/2020", "12-2020", "12.2020", "2020-12", "2020": a month or a year, as staff write one.
MONTH_OR_YEAR = re.compile(r"(?:(\d{1,2})\s*[/.-]\s*)?(\d{4})|(\d{4})\s*[/-]\s*(\d{1,2})")
SHOWN_AS = re.compile(r"^(?:tháng|năm)\s+", re.IGNORECASE)


class Precision(models.TextChoices):
    DAY = "day", _("ngày")
    MONTH = "month", _("tháng")
    YEAR = "year", _("năm")


class PartialDate(datetime.date):
    """The first day of a month or year that stands for it (or a day), saying which it is."""

    precision = Precision.DAY

    @classmethod
    def of(cls, day, precision):
        value = cls(day.year, day.month, day.day)
        value.precision = Precision(precision)
        return value

    def last_day(self):
        """Return the last day of the period this date stands for."""
        if self.precision == Precision.YEAR:
            return datetime.date(self.year, 12, 31)
        if self.precision == Precision.MONTH:
            last = calendar.monthrange(self.year, self.month)[1]
            return datetime.date(self.year, self.month, last)
        return datetime.date(self.year, self.month, self.day)

    def __repr__(self):
        return f"PartialDate({self.isoformat()!r}, {self.precision.value!r})"


def month_or_year(text):
    """Return the PartialDate a month ("12/2020", "2020-12") or a year ("2020") stands for:
    its first day; None when the text is neither, ValueError when it names no such month."""
    period = MONTH_OR_YEAR.fullmatch(text.strip())
    if period is None:
        return None
    month_text, year = period[1] or period[4], int(period[2] or period[3])
    month = int(month_text or 0)
    if year not in YEARS or month_text and not 1 <= month <= 12:
        raise ValueError(text)
    if month:
        return PartialDate.of(datetime.date(year, month, 1), Precision.MONTH)
    return PartialDate.of(datetime.date(year, 1, 1), Precision.YEAR)


def shown(day, precision=Precision.DAY):
    """Return a date as pages show it: «30/07/2020», «tháng 7/2020» or «năm 2020» (in English
    «July 2020», «2020»); None for no date."""
    if day is None:
        return None
    if precision == Precision.YEAR:
        return gettext("năm %(year)d") % {"year": day.year}
    if precision == Precision.MONTH:  # «tháng 5/2026»; in English «May 2026», not «5/2026»
        return date_format(day, "YEAR_MONTH_FORMAT")
    return f"{day:%d/%m/%Y}"


def cited(day, precision=Precision.DAY):
    """Return a date as a Vietnamese text cites it, in either language of the interface: «ngày
    20/3/2020» (Quyết định số 402/QĐ-TTg ngày 20/3/2020), «tháng 3/2020» or «năm 2020»; "" for
    no date."""
    if day is None:
        return ""
    if precision == Precision.YEAR:
        return f"năm {day.year}"
    if precision == Precision.MONTH:
        return f"tháng {day.month}/{day.year}"
    return f"ngày {day.day}/{day.month}/{day.year}"


def typed(day, precision=Precision.DAY):
    """Return a date as staff type it, the form it is read back from: 30/07/2020, 07/2020 or
    2020 (the admin's date input, the export's column as written)."""
    if precision == Precision.YEAR:
        return f"{day:%Y}"
    if precision == Precision.MONTH:
        return f"{day:%m/%Y}"
    return f"{day:%d/%m/%Y}"


def iso(day, precision=Precision.DAY):
    """Return a date in ISO 8601 to its precision: 2020-07-30, 2020-07 or 2020; None for none."""
    if day is None:
        return None
    if precision == Precision.YEAR:
        return f"{day:%Y}"
    if precision == Precision.MONTH:
        return f"{day:%Y-%m}"
    return day.isoformat()


class PartialDateField(forms.DateField):
    """A date as staff type it: a day (30/07/2020), or a month (05/2026) or a year (2026) when
    only that is known; cleaned to a PartialDate saying which."""

    default_error_messages = {
        "invalid": _(
            "Hãy nhập một ngày dạng ngày/tháng/năm, ví dụ 30/07/2020; nếu chỉ biết tháng hoặc "
            "năm, nhập tháng/năm (05/2026) hoặc năm (2026)."
        )
    }

    def to_python(self, value):
        if isinstance(value, PartialDate):
            return value
        if isinstance(value, str):
            try:
                # «tháng 7/2020», «năm 2020»: as lists and pickers show a date, copied from them
                period = month_or_year(SHOWN_AS.sub("", value.strip()))
            except ValueError:
                raise forms.ValidationError(
                    self.error_messages["invalid"], code="invalid"
                ) from None
            if period is not None:
                return period
        day = super().to_python(value)
        return PartialDate.of(day, Precision.DAY) if day else day

    def prepare_value(self, value):
        if isinstance(value, PartialDate) and value.precision != Precision.DAY:
            return typed(value, value.precision)
        return value

    def has_changed(self, initial, data):
        # A date's equality ignores what of it is known: 05/2026 retyped as 01/05/2026 changed.
        try:
            before, after = self.to_python(initial), self.to_python(data)
        except forms.ValidationError:
            return True
        return _known(before) != _known(after)


def _known(value):
    return (value, getattr(value, "precision", Precision.DAY)) if value else None
