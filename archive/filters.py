"""The search form as a django-filter FilterSet: the query and the facets compose on one queryset.

Several values of one facet combine with OR, different facets with AND. The tag facets filter
on the arrays the database keeps on each document row (migration 0004): no join, so a document
is never counted twice, and one statement counts every facet (facet_counts).
"""

import datetime
import functools
import hashlib
import json
import time
from functools import cached_property

import django_filters
from django import forms
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import F, Lookup, Q, Value
from django.db.models.functions import Coalesce, Left, NullIf
from django.utils.text import Truncator
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_filters.fields import ModelMultipleChoiceField

from . import periods, reference, search
from .models import REVERSE_LABELS, Agency, Document, DocumentType, GcmObjective, Province, Relation
from .text import ascii_digits, digits_value, vietnamese_key

SORT_CHOICES = [
    ("relevance", _("Liên quan nhất")),
    ("newest", _("Mới nhất")),
    ("oldest", _("Cũ nhất")),
]

# The facets, in the order the page shows them: (parameter, label).
FACETS = [
    ("kind", _("Loại tài liệu")),
    ("province", _("Tỉnh, thành phố")),
    ("agency", _("Cơ quan, tổ chức")),
    ("year", _("Năm")),
    ("objective", _("Mục tiêu GCM")),
    ("doc_type", _("Loại văn bản")),
]


# The years a search may name: anything else is a typing slip.
YEARS = periods.YEARS
# The year facet's value for the documents with no date (conferences the seed texts name
# without one): None among the years chosen, "khong-ro" in the address and the counts.
UNKNOWN_YEAR = "khong-ro"


class YearsField(forms.Field):
    """Several years from repeated parameters (year=2020&year=2025), None for UNKNOWN_YEAR."""

    widget = forms.MultipleHiddenInput
    default_error_messages = {"invalid": _("«%(value)s» không phải một năm (ví dụ 2020).")}

    def to_python(self, value):
        years = []
        for item in value or []:
            item = str(item).strip()
            if item == UNKNOWN_YEAR:
                years.append(None)
                continue
            year = digits_value(item, 4) if ascii_digits(item) else None  # a year has four
            if year not in YEARS:
                raise forms.ValidationError(
                    self.error_messages["invalid"], code="invalid", params={"value": item[:20]}
                )
            years.append(year)
        return sorted(set(years), key=lambda year: (year is None, year))


class YearsFilter(django_filters.Filter):
    field_class = YearsField

    def filter(self, queryset, value):
        if not value:
            return queryset
        condition = Q(date__year__in=[year for year in value if year is not None])
        if None in value:
            condition |= Q(date__isnull=True)
        return queryset.filter(condition)


class PeriodField(forms.DateField):
    """A day as staff write it (31/12/2020), or a month (12/2020) or a year (2020) standing for
    its first day as a period's start, its last day as a period's end."""

    default_error_messages = {
        "invalid": _("«%(value)s» không phải một ngày (ví dụ 31/12/2020, 12/2020 hoặc 2020).")
    }

    def __init__(self, *, end=False, **kwargs):
        self.end = end
        super().__init__(**kwargs)

    def to_python(self, value):
        if isinstance(value, str) and not value.isascii():  # "٢٠٢٠": digits to Python only
            raise self._invalid(value)
        try:
            period = periods.month_or_year(value) if isinstance(value, str) else None
        except ValueError:
            raise self._invalid(value) from None
        if period is None:
            try:
                day = super().to_python(value)
            except forms.ValidationError:
                raise self._invalid(value) from None
            if day and day.year not in YEARS:
                raise self._invalid(value)
            return day
        return period.last_day() if self.end else datetime.date(period.year, period.month, 1)

    def _invalid(self, value):
        return forms.ValidationError(
            self.error_messages["invalid"], code="invalid", params={"value": str(value)[:20]}
        )


class PeriodFilter(django_filters.DateFilter):
    field_class = PeriodField

    def filter(self, qs, value):
        if not value or self.lookup_expr != "gte":
            return super().filter(qs, value)
        # A date known by its month or year alone, kept as its first day, lies in the period
        # when its month or year reaches the start: «tháng 5/2026» is in a period from 15/05/2026.
        # The year's bound around the three, so the date index still narrows the rows read.
        return self.get_method(qs)(
            Q(date__gte=value.replace(month=1, day=1))
            & (
                Q(date__gte=value)
                | Q(date_precision=periods.Precision.MONTH, date__gte=value.replace(day=1))
                | Q(date_precision=periods.Precision.YEAR)
            )
        )


class SearchForm(forms.Form):
    """The search's form: each parameter checked by its field, and a period that ends before it
    starts refused rather than matching nothing."""

    def clean(self):
        data = super().clean()
        if not data.get("province"):
            # "Only the unit chosen" with none chosen (the last one taken off) does nothing: off,
            # so it is neither shown as in force, carried by the form, nor a key of its own.
            data["exact_province"] = False
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error(
                "date_to",
                _("Ngày kết thúc (%(end)s) đứng trước ngày bắt đầu (%(start)s).")
                % {"end": f"{end:%d/%m/%Y}", "start": f"{start:%d/%m/%Y}"},
            )
        return data


# Every refused choice in one wording (Django's reads "Hãy chọn một lựa chọn hợp lệ. bogus không
# phải là một trong các lựa chọn khả thi.", and garbles it for an empty value).
INVALID_CHOICE = _("Không có lựa chọn «%(value)s».")


class ChosenField(ModelMultipleChoiceField):
    """The chosen rows of a facet, cleaned to a list: none chosen is [], not Django's
    `queryset.none()`, which the ORM compiles each time it is tested for truth (0.1–0.5 ms
    each, a dozen times a search)."""

    default_error_messages = {
        "invalid_choice": INVALID_CHOICE,
        "invalid_pk_value": _("«%(pk)s» không phải một giá trị hợp lệ."),
    }

    def clean(self, value):
        return super().clean(value) if value else []


class ChosenFilter(django_filters.ModelMultipleChoiceFilter):
    field_class = ChosenField


class NumberChosenField(ChosenField):
    """Chosen by their numbers, written as people write them: «01» is objective 1, as
    /muc-tieu/01/ is (the search refused it)."""

    def clean(self, value):
        if value:
            value = [
                str(int(v))
                if isinstance(v, str) and v.isascii() and v.isdigit() and len(v) < 9
                else v
                for v in value
            ]
        return super().clean(value)


class NumberChosenFilter(ChosenFilter):
    field_class = NumberChosenField


def array_filter(column):
    """Return a filter method keeping documents whose facet array holds any chosen value."""

    def method(queryset, name, value):
        return (
            queryset.filter(**{f"{column}__overlap": [item.pk for item in value]})
            if value
            else queryset
        )

    return method


def all_of(model):
    """Return a facet filter's choices as django-filter's callable: each search's FilterSet
    deep-copies its filters, a queryset with its whole query (four of them: 2 % of the Python of
    a rare word's search); a function is copied by reference."""
    return lambda request: model.objects.all()


class DocumentFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Tìm kiếm"), method="filter_q")
    kind = django_filters.MultipleChoiceFilter(
        label=_("Loại tài liệu"),
        choices=Document.Kind.choices,
        distinct=False,
        error_messages={"invalid_choice": INVALID_CHOICE},
    )
    province = ChosenFilter(
        label=_("Tỉnh, thành phố"),
        queryset=all_of(Province),
        to_field_name="slug",
        method="filter_province",
    )
    exact_province = django_filters.BooleanFilter(
        label=_("Chỉ đúng đơn vị đã chọn"),
        method="keep",
        widget=forms.CheckboxInput,
    )
    agency = ChosenFilter(
        label=_("Cơ quan, tổ chức"),
        queryset=all_of(Agency),
        to_field_name="slug",
        method=array_filter("facet_agencies"),
    )
    objective = NumberChosenFilter(
        label=_("Mục tiêu GCM"),
        queryset=all_of(GcmObjective),
        to_field_name="number",
        method=array_filter("facet_objectives"),
    )
    doc_type = ChosenFilter(
        label=_("Loại văn bản"),
        queryset=all_of(DocumentType),
        to_field_name="slug",
        method="filter_doc_type",
    )
    year = YearsFilter(label=_("Năm"))
    date_from = PeriodFilter(label=_("Từ ngày"), field_name="date", lookup_expr="gte")
    date_to = PeriodFilter(label=_("Đến ngày"), field_name="date", lookup_expr="lte", end=True)
    sort = django_filters.ChoiceFilter(
        label=_("Sắp xếp"),
        choices=SORT_CHOICES,
        method="keep",
        empty_label=None,
        error_messages={"invalid_choice": INVALID_CHOICE},
    )

    class Meta:
        model = Document
        fields = []
        form = SearchForm

    def get_form_class(self):
        """Return one form class for every search: django-filter builds a class and a field per
        filter for each FilterSet (1 ms a request); ours do not depend on the request, and the
        form copies its fields per instance anyway."""
        cls = type(self)
        if "_form_class" not in cls.__dict__:
            cls._form_class = super().get_form_class()
        return cls._form_class

    def filter_q(self, queryset, name, value):
        return queryset.search(self.parsed_query)

    def filter_province(self, queryset, name, value):
        """Keep documents of the chosen units; a current unit brings the units merged into it."""
        if not value:
            return queryset
        ids = [province.pk for province in value]
        return queryset.filter(**{f"{self.province_column}__overlap": ids})

    @property
    def province_column(self):
        """Return the array a province filter or count reads: the tagged units only, or also
        the current units they merged into (migration 0004)."""
        return "facet_provinces" if self.form.cleaned_data.get("exact_province") else "facet_units"

    def queryset_without(self, *names):
        """Return the documents matching every filter but the named ones: the filtered ones
        when none of those is set (the search's conditions and rank are built once)."""
        if not any(self.form.cleaned_data.get(name) for name in names):
            return self.qs
        queryset = self.queryset.all()
        for filter_name, value in self.form.cleaned_data.items():
            if filter_name not in names:
                queryset = self.filters[filter_name].filter(queryset, value)
        return queryset

    def filter_doc_type(self, queryset, name, value):
        return (
            queryset.filter(facet_doc_type__in=[item.pk for item in value]) if value else queryset
        )

    def keep(self, queryset, name, value):
        """Leave the queryset alone: the parameter is read elsewhere (sort, exact_province)."""
        return queryset

    @cached_property
    def parsed_query(self):
        text = self.form.cleaned_data.get("q", "")
        return search.parse_query(text, places=self.references.places if text else None)

    @cached_property
    def generation(self):
        """Return the search generation, read once per request (the key of what is cached)."""
        return search_generation()

    @property
    def references(self):
        return reference.references(self.generation)

    @cached_property
    def results(self):
        """Return the total, the facet counts and the first ids, once per request."""
        return cached_results(self)

    @property
    def facet_counts(self):
        """Return {facet: {value: count}}, each facet counted without its own filter."""
        return self.results["counts"]

    @property
    def total(self):
        """Return how many documents match every filter (counted with the facets)."""
        return self.results["total"]

    @property
    def own_sort(self):
        """Return the order used when none is asked for: the most relevant first; a browse has
        nothing to rank, so the newest first."""
        return "newest" if self.parsed_query.is_empty else "relevance"

    @property
    def chosen_sort(self):
        """Return the order used: the one asked for, else its own (relevance asked of a browse
        is its own too: one key for both ways of asking)."""
        asked = self.form.cleaned_data.get("sort")
        return self.own_sort if asked in (None, "", "relevance") else asked

    def ordered_qs(self):
        """Return the filtered documents in the chosen order."""
        queryset = self.qs
        if self.chosen_sort == "relevance":
            return queryset.by_relevance()
        if self.chosen_sort == "oldest":
            return queryset.oldest_first()
        return queryset.latest_first()


# One statement counts every facet: the matches are read once (a MATERIALIZED CTE), each row
# carries a flag per active facet filter, and each facet counts the rows that pass every flag
# but its own. A row failing two filters counts nowhere, so only rows failing at most one are
# kept. Multi-valued facets unnest the arrays the database keeps on the row (migration 0004), in
# the select list: half the cost of a LATERAL unnest(), a function scan set up for every row.
# The total is the kind counts' sum (facet_counts): one pass over the matches fewer.
FACET_SQL = """
WITH {rows}hits AS MATERIALIZED (
    SELECT * FROM (SELECT matches.*{flags} FROM ({base}) AS matches) AS flagged
    WHERE {at_most_one_failing})
SELECT 'kind', kind, n FROM (
    SELECT kind, count(*) AS n FROM hits WHERE {without_kind} GROUP BY kind) AS kinds
UNION ALL SELECT 'province', unit::text, count(*) FROM (
    SELECT unnest({province_column}) AS unit FROM hits WHERE {without_province}) AS units
    GROUP BY unit
UNION ALL SELECT 'agency', agency::text, count(*) FROM (
    SELECT unnest(facet_agencies) AS agency FROM hits WHERE {without_agency}) AS agencies
    GROUP BY agency
UNION ALL SELECT 'year', COALESCE(year::text, '{unknown_year}'), n FROM (
    SELECT date_part('year', date)::int AS year, count(*) AS n FROM hits
    WHERE {without_year} GROUP BY 1) AS years
UNION ALL SELECT 'objective', objective::text, count(*) FROM (
    SELECT unnest(facet_objectives) AS objective FROM hits WHERE {without_objective})
    AS objectives GROUP BY objective
UNION ALL SELECT 'doc_type', facet_doc_type::text, n FROM (
    SELECT facet_doc_type, count(*) AS n FROM hits
    WHERE facet_doc_type IS NOT NULL AND {without_doc_type} GROUP BY facet_doc_type) AS types
"""
FACET_NAMES = [name for name, _label in FACETS]


def facet_conditions(filterset):
    """Return {facet: (sql, params)}: the condition each active facet filter puts on a row."""
    data = filterset.form.cleaned_data
    conditions = {}
    if data.get("kind"):
        conditions["kind"] = ("kind = ANY(%s)", [list(data["kind"])])
    if data.get("province"):
        conditions["province"] = (
            f"{filterset.province_column} && %s::bigint[]",
            [[p.pk for p in data["province"]]],
        )
    if data.get("agency"):
        conditions["agency"] = ("facet_agencies && %s::bigint[]", [[a.pk for a in data["agency"]]])
    if years := data.get("year"):
        known = [year for year in years if year is not None]
        conditions["year"] = (
            "(date_part('year', date)::int = ANY(%s) OR %s AND date IS NULL)",
            [known, None in years],
        )
    if data.get("objective"):
        conditions["objective"] = (
            "facet_objectives && %s::bigint[]",
            [[o.pk for o in data["objective"]]],
        )
    if data.get("doc_type"):
        conditions["doc_type"] = (
            "facet_doc_type = ANY(%s::bigint[])",
            [[t.pk for t in data["doc_type"]]],
        )
    return conditions


def facet_statement(filterset, template=None, among=None, rows=("", [])):
    """Return the facet statement (FACET_SQL, or a template of the same form) and its params.

    `among` restricts the count to these documents; `rows` is a CTE (sql, params) that stands
    in for archive_document under its own name (archive/snapshots.py counts past states so).
    """
    province_column = filterset.province_column
    documents = filterset.queryset_without(*FACET_NAMES)
    if among is not None:
        documents = documents.filter(pk__in=among)
    base = documents.values(
        "kind", "date", province_column, "facet_agencies", "facet_objectives", "facet_doc_type"
    )
    base_sql, base_params = base.order_by().query.sql_with_params()
    conditions = facet_conditions(filterset)
    flags, flag_params = [], []  # the flags come first in the statement, then the base
    for name, (sql, params) in conditions.items():
        flags.append(f", ({sql}) AS f_{name}")
        flag_params += params

    def passing(*skip):
        return " AND ".join(f"f_{name}" for name in conditions if name not in skip) or "TRUE"

    def at_most_one_failing():
        if len(conditions) < 2:
            return "TRUE"
        passed = " + ".join(f"COALESCE(f_{name}, FALSE)::int" for name in conditions)
        return f"{passed} >= {len(conditions) - 1}"

    rows_sql, rows_params = rows
    sql = (template or FACET_SQL).format(
        rows=rows_sql,
        base=base_sql,
        flags="".join(flags),
        at_most_one_failing=at_most_one_failing(),
        province_column=province_column,
        unknown_year=UNKNOWN_YEAR,
        passing_all=passing(),
        **{f"without_{name}": passing(name) for name in FACET_NAMES},
    )
    return sql, [*rows_params, *flag_params, *base_params]


def facet_counts(filterset, among=None, rows=("", [])):
    """Return {facet: {id or value: count}}, each facet without its own filter (see
    facet_statement for the arguments)."""
    counts = {name: {} for name in FACET_NAMES}
    with connection.cursor() as cursor:
        cursor.execute(*facet_statement(filterset, among=among, rows=rows))
        for name, value, count in cursor.fetchall():
            counts[name][value] = count
    return counts


def total(filterset, counts):
    """Return how many documents match every filter, from the facet counts.

    Each kind's count is of the rows passing every other filter: those of the chosen kinds
    (all kinds when none is chosen) pass them all.
    """
    chosen = set(filterset.form.cleaned_data.get("kind") or counts["kind"])  # kind=plan&kind=plan
    return sum(counts["kind"].get(kind, 0) for kind in chosen)


# What a search costs is counting and ranking every match; what it shows is a page. The counts
# and the ids of the first pages are cached, keyed by the normalised search and the archive's
# search generation (migration 0006), which every write to a document bumps: an edit is seen at
# once, and a repeated search (the next page, a back button, a colleague's same query) is
# answered from one row. Pages beyond CACHED_IDS are ranked again.
CACHED_IDS, CACHED_SNIPPETS = 100, 20
# Part of the key: bump it when the cached entry's shape changes, or what a query finds (the
# synonyms' groups) or counts (14: the undated documents' year value) or renders (15: a date
# known by its month or year; 16: the summary as the snippet of a text without the words), so a
# deploy never reads an entry written by the previous code.
RESULTS_FORMAT = 16


def search_generation():
    """Return what identifies the archive's state as this transaction sees it.

    That is the counter every committed write bumps (migrations 0006, 0008); inside a
    transaction that has written, also the transaction and its count of writes so far: it sees
    rows nobody else does, so its entries are its own, and each write of its own is seen at once.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT value, NULLIF(current_setting('archive.search_writes', true), ''), "
            "pg_current_xact_id_if_assigned() FROM archive_search_generation"
        )
        value, writes, transaction = cursor.fetchone()
    return f"{value}.{transaction}.{writes}" if writes else str(value)


def _normalised(value):
    if isinstance(value, list | tuple | set) or hasattr(value, "model"):
        return sorted(str(getattr(item, "pk", item)) for item in value)
    return value if value in (None, True, False) else str(value)


def search_key(filterset, without=()):
    """Return what identifies a search: its words, filters (but those named), order and the
    user's scope."""
    data = filterset.form.cleaned_data
    parts = {
        name: _normalised(data.get(name))
        for name in filterset.filters
        if name != "q" and name not in without
    }
    parts |= {
        "q": filterset.parsed_query.text,
        "sort": filterset.chosen_sort,
        # What the user may see (published only, or drafts too): the base queryset's conditions.
        "scope": str(filterset.queryset.query.where),
    }
    digest = hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()
    return f"{RESULTS_FORMAT}:{digest}"


def results_key(filterset):
    """Return the cache key of a search in the archive's current generation."""
    return f"search:{filterset.generation}:{search_key(filterset)}"


def cached_results(filterset):
    """Return {"total", "counts", "ids", "snippets"} for a search, once per generation.

    A search with a snapshot (archive/snapshots.py) is answered from it, corrected by the
    documents changed since; any other is computed, and noted when that was slow (the nightly
    build then keeps a snapshot of the slow searches made most often).
    """
    from . import snapshots  # here: snapshots builds on this module

    key = results_key(filterset)
    results = cache.get(key)
    if results is not None:
        return results
    with search.tuned(), connection.cursor() as cursor:
        # The same search arriving on several workers at once is computed once: the others
        # wait for this transaction's lock, then find its results in the cache.
        cursor.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", [key])
        results = cache.get(key)
        if results is None:
            results = snapshots.answer(filterset)
            if results is None:
                started = time.perf_counter()
                results = compute_results(filterset)
                snapshots.note_slow(filterset, time.perf_counter() - started)
            cache.set(key, results)
    return results


def compute_results(filterset):
    """Count, rank and highlight a search: what a results page needs of every match."""
    counts = facet_counts(filterset)
    ids = list(filterset.ordered_qs().values_list("pk", flat=True)[:CACHED_IDS])
    # The first page's snippets too: headlines re-read each shown body.
    snippets = search.headlines(filterset.parsed_query, ids[:CACHED_SNIPPETS])
    return {
        "total": total(filterset, counts),
        "counts": counts,
        "ids": ids,
        "snippets": snippets,
        # The documents a number names (read to follow their links): the page tells which
        # link found each result.
        "named": search.named_documents(filterset.parsed_query),
    }


# A facet shows its 15 biggest values, then up to 100 more folded away; kinds, years and
# objectives are few (at most 23) and shown whole.
FACET_LIMIT, FACET_MORE = 15, 100
WHOLE_FACETS = {"kind", "year", "objective"}
# Facets whose counts come keyed by database id: the reference table (archive/reference.py)
# and the field the filter takes.
ID_FACETS = {
    "province": ("provinces", "slug"),
    "agency": ("agencies", "slug"),
    "objective": ("objectives", "number"),
    "doc_type": ("doc_types", "slug"),
}


def _label(name, item):
    if name == "agency" and item.abbreviation:
        return f"{item.name} ({item.abbreviation})"
    if name == "objective":
        return f"{item.number}. {item.title}"
    if name == "doc_type":
        return item.label
    return item.name if name == "agency" else str(item)


def _selected(filterset, name):
    """Return the selected values of a facet as the keys its counts use (ids, kinds, years)."""
    value = filterset.form.cleaned_data.get(name) or []
    if name == "year":
        return [UNKNOWN_YEAR if year is None else str(year) for year in value]
    return [str(item.pk) if name in ID_FACETS else str(item) for item in value]


def facet_values(filterset, name, keys):
    """Return {key: (value the filter takes, label)} for the given count keys of one facet."""
    if name == "kind":
        return {key: (key, Document.Kind(key).label) for key in keys if key in Document.Kind.values}
    if name == "year":
        return {key: (key, gettext("Chưa rõ năm") if key == UNKNOWN_YEAR else key) for key in keys}
    table, field = ID_FACETS[name]
    choices = filterset.references.choices(name, table, field, functools.partial(_label, name))
    return {key: choices[key] for key in keys if key in choices}


def _chosen(filterset):
    """Yield (facet, value the filter takes, label) of every value chosen, facet by facet."""
    for name in FACET_NAMES:
        keys = list(dict.fromkeys(_selected(filterset, name)))  # "kind=plan" 300 times: once
        values = facet_values(filterset, name, keys)
        yield from ((name, *values[key]) for key in keys if key in values)


def chosen_values(filterset):
    """Return [(facet, value the filter takes)] of every value chosen, facet by facet."""
    return [(name, value) for name, value, _label in _chosen(filterset)]


def chosen_labels(filterset):
    """Return [(facet's label, value's label)] of every value chosen, as the page names them."""
    labels = dict(FACETS)
    return [(labels[name], label) for name, _value, label in _chosen(filterset)]


def facet_counts_by_value(filterset):
    """Return {facet: {value the filter takes: count}} for every value with a match."""
    counts = {}
    for name in FACET_NAMES:
        keys = [key for key, n in filterset.facet_counts[name].items() if n]
        values = facet_values(filterset, name, keys)
        counts[name] = {
            values[key][0]: filterset.facet_counts[name][key] for key in keys if key in values
        }
    return counts


def _order(name, counts, labels):
    """Return the keys of one facet's counts in the order the page lists them: kinds, years and
    objectives in their own order, other values biggest first, ties in dictionary order."""
    if name == "kind":
        return [key for key in Document.Kind.values if key in counts]
    if name == "year":  # newest first, the undated last
        return sorted(counts, key=lambda key: (key != UNKNOWN_YEAR, key), reverse=True)
    if name == "objective":
        return sorted(counts, key=lambda key: int(labels.get(key, ("0",))[0]))
    return sorted(
        counts, key=lambda key: (-counts[key], vietnamese_key(labels.get(key, ("", key))[1]))
    )


def facet_groups(filterset):
    """Return the facets to show: [{"name", "label", "values", "more", "hidden", "any_selected",
    "merges"}], each value {value, label, count, selected}.

    A facet of many values (provinces, agencies, document types) shows its FACET_LIMIT biggest
    and the chosen ones; the next FACET_MORE are listed apart ("more"), folded on the page, and
    "hidden" counts any left beyond. Values with no match are left out unless selected, so a
    choice can always be undone.
    """
    groups = []
    for name, label in FACETS:
        counts = {key: n for key, n in filterset.facet_counts[name].items() if n}
        selected = _selected(filterset, name)
        if name == "province" and filterset.province_column == "facet_units":
            # An old unit that only changed era counts what its successor does: listed once.
            # (Not when only the tagged unit counts: its documents would be counted nowhere.)
            renamed = filterset.references.renamed_units
            counts = {k: n for k, n in counts.items() if int(k) not in renamed or k in selected}
        values = facet_values(filterset, name, [*selected, *counts])
        # One order for all (a chosen value without matches counts 0), cut where it is shown,
        # so a tie never folds a value listed before one kept.
        ranked = _order(name, {key: 0 for key in selected} | counts, values)
        others = [key for key in ranked if key not in selected]
        limit = len(others) if name in WHOLE_FACETS else FACET_LIMIT
        kept = set(selected) | set(others[:limit])
        shown = [key for key in ranked if key in kept]
        more = others[limit : limit + FACET_MORE]
        groups.append(
            {
                "name": name,
                "label": label,
                "values": _items(shown, counts, values, selected),
                "more": _items(more, counts, values, selected),
                "hidden": max(0, len(others) - limit - FACET_MORE),
                "any_selected": bool(selected),
                # "Only the chosen unit" changes something only for a unit that took in others.
                "merges": name == "province"
                and any(int(key) in filterset.references.merging_units for key in selected),
            }
        )
    return groups


def _items(keys, counts, values, selected):
    """Return the values of one facet for these count keys, in their order."""
    return [
        {
            "value": values[key][0],
            "label": values[key][1],
            "count": counts.get(key, 0),
            "selected": key in selected,
        }
        for key in keys
        if key in values
    ]


def first_page_below_one(paginator, number):
    """Return Paginator.get_page(number), but the first page for a number below 1 ("page=0",
    "page=-1"), where Django gives the last."""
    try:
        number = max(1, int(number))
    except (TypeError, ValueError):
        pass  # get_page's own answer: the first page
    return paginator.get_page(number)


def results_page(filterset, number, size):
    """Return the Page of results with what the result list shows, and their snippets.

    The first pages come from the cached ids; a page beyond them is ranked again.
    """
    results = filterset.results
    # The pages of a count already made (no second COUNT(*) over the matches); the documents
    # of a page are put in below, so the ranked queryset is built only for a page past the ids.
    paginator = Paginator(range(results["total"]), size)
    page = first_page_below_one(paginator, number)
    start, end = page.start_index() - 1, page.end_index()
    if end <= len(results["ids"]):
        ids = results["ids"][start:end]
        page.object_list = sorted(listed(ids), key=lambda document: ids.index(document.pk))
    else:
        with search.tuned():
            page.object_list = list(with_listing(filterset.ordered_qs())[start:end])
    attach_places_and_agencies(page.object_list, filterset.references)
    attach_via_units(page.object_list, filterset)
    attach_snippets(page.object_list, filterset.parsed_query, results["snippets"])
    attach_named_links(page.object_list, results.get("named"))
    return page


# What the result list shows of a document (_result.html, the API's result_json): not its body
# nor its stored vectors (kilobytes each), nor the columns it never shows (each row's two
# timestamps were parsed for nothing); a browse result's excerpt is cut in the database.
LISTED_FIELDS = (
    "kind",
    "title",
    "slug",
    "date",
    "date_precision",  # a month or a year shown as known (periods.shown)
    "status",
    "facet_provinces",
    "facet_agencies",
)
EXCERPT_CHARS = 1000  # enough for the 40 words shown


def with_listing(documents):
    """Return the documents with what the result list shows of each kind: a plan's number and
    issuer, a conference's place, an article's publication (joined columns, not three models)."""
    return documents.only(*LISTED_FIELDS).annotate(
        excerpt=Left(Coalesce(NullIf("summary", Value("")), "body"), EXCERPT_CHARS),
        listed_number=F("plan__number"),
        listed_issuer_id=F("plan__issuer_id"),
        listed_place=F("conference__place"),
        listed_publication=F("article__publication"),
    )


@Document._meta.pk.register_lookup
class AnyOf(Lookup):
    """`pk__any_of=ids`: "= ANY(%s)", one array whatever the number of ids, so a statement's
    text is the same for every list of them."""

    lookup_name = "any_of"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} = ANY({rhs})", [*lhs_params, *rhs_params]


@functools.cache
def listing_statement():
    """Return the result list's statement, compiled by the ORM once per process: it is the same
    for every page but for the ids, its last parameter (compiling it took 1 ms a page)."""
    return with_listing(Document.objects.filter(pk__any_of=[])).order_by().query.sql_with_params()


def listed(ids):
    """Return these documents (in no order) with what the result list shows of them."""
    sql, params = listing_statement()
    return Document.objects.raw(sql, [*params[:-1], list(ids)])


def attach_places_and_agencies(documents, references):
    """Name each document's places, agencies and issuer from the ids its row holds (the facet
    arrays): no query, no join."""
    for document in documents:
        document.listed_issuer = references.agencies.get(document.listed_issuer_id)
        document.listed_provinces = references.named("provinces", document.facet_provinces)
        document.listed_agencies = references.named("agencies", document.facet_agencies)


def attach_via_units(documents, filterset):
    """Tell each shown document found by a province chosen only through an old unit it is
    tagged with («qua Bà Rịa - Vũng Tàu (trước 2025)» under Hồ Chí Minh), as the province's
    page does: nothing said why a document of another unit was listed."""
    data = filterset.form.cleaned_data
    exact = data.get("exact_province")  # the units chosen only: none through another
    chosen = set() if exact else {province.pk for province in data.get("province") or []}
    for document in documents:
        document.via_units = [
            unit
            for unit in document.listed_provinces
            if unit.merged_into_id in chosen and unit.pk not in chosen and not unit.continues
        ]


def attach_named_links(documents, named):
    """Tell each shown document found by a link to a number the query names which link it is
    ("Triển khai thực hiện 402/QĐ-TTg"), and the documents so numbered that they are: one
    query for the page, when a number names some (`named`, read by the search)."""
    links = search.links_to_named(named, [document.pk for document in documents])
    for document in documents:
        document.number_named = document.pk in (named or ())  # marked, as a text's number is
        document.named_links = [
            # Translators: a link from a result to a document a number names, "Triển khai thực
            # hiện 402/QĐ-TTg", "Được đưa tin bởi 1614/KH-UBND".
            gettext("%(relation)s %(number)s")
            % {"relation": _relation_label(relation, outgoing), "number": number}
            for relation, number, outgoing in links.get(document.pk, ())
            if relation in Relation.values  # a relation no longer known is not said
        ]


def _relation_label(relation, outgoing):
    """Return how a link reads from its source (outgoing) or from its target."""
    return Relation(relation).label if outgoing else REVERSE_LABELS[relation]


def attach_snippets(documents, query, known=None):
    """Give each shown document a highlighted title and snippet: one query for the page only.

    `known` holds snippets already computed ({pk: (title, snippet)}, the cached first page).
    """
    if query.is_empty or not documents:
        for document in documents:
            document.title_highlighted = document.title
            document.snippet = Truncator(document.excerpt).words(40)
        return
    snippets = dict(known or {})
    snippets |= search.headlines(query, [d.pk for d in documents if d.pk not in snippets])
    for document in documents:
        document.title_highlighted, document.snippet = snippets[document.pk]
