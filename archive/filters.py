"""The search form as a django-filter FilterSet: the query and the facets compose on one queryset.

Several values of one facet combine with OR, different facets with AND. Each M2M facet filters
through a subquery on its join table, so a document tagged twice is never counted twice.
"""

import django_filters
from django import forms
from django.db.models import Count, Q
from django.db.models.functions import Coalesce, ExtractYear
from django.utils.translation import gettext_lazy as _

from . import search
from .models import Agency, Document, DocumentType, GcmObjective, Province

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


class YearsField(forms.Field):
    """Several years from repeated parameters (year=2020&year=2025)."""

    widget = forms.MultipleHiddenInput
    default_error_messages = {"invalid": _("«%(value)s» không phải một năm (ví dụ 2020).")}

    def to_python(self, value):
        years = []
        for item in value or []:
            item = str(item).strip()
            if not item.isdigit() or not 1900 <= int(item) <= 2100:
                raise forms.ValidationError(
                    self.error_messages["invalid"], code="invalid", params={"value": item[:20]}
                )
            years.append(int(item))
        return sorted(set(years))


class YearsFilter(django_filters.Filter):
    field_class = YearsField

    def filter(self, queryset, value):
        return queryset.filter(date__year__in=value) if value else queryset


def through_filter(relation, column):
    """Return a filter method keeping documents linked (through `relation`) to any given value."""

    def method(queryset, name, value):
        if not value:
            return queryset
        through = getattr(Document, relation).through
        linked = through.objects.filter(**{f"{column}__in": value}).values("document_id")
        return queryset.filter(pk__in=linked)

    return method


class DocumentFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Tìm kiếm"), method="filter_q")
    kind = django_filters.MultipleChoiceFilter(
        label=_("Loại tài liệu"), choices=Document.Kind.choices, distinct=False
    )
    province = django_filters.ModelMultipleChoiceFilter(
        label=_("Tỉnh, thành phố"),
        queryset=Province.objects.all(),
        to_field_name="slug",
        method="filter_province",
    )
    exact_province = django_filters.BooleanFilter(
        label=_("Chỉ đúng đơn vị đã chọn"),
        method="keep",
        widget=forms.CheckboxInput,
    )
    agency = django_filters.ModelMultipleChoiceFilter(
        label=_("Cơ quan, tổ chức"),
        queryset=Agency.objects.all(),
        to_field_name="slug",
        method=through_filter("agencies", "agency"),
    )
    objective = django_filters.ModelMultipleChoiceFilter(
        label=_("Mục tiêu GCM"),
        queryset=GcmObjective.objects.all(),
        to_field_name="number",
        method=through_filter("objectives", "gcmobjective"),
    )
    doc_type = django_filters.ModelMultipleChoiceFilter(
        label=_("Loại văn bản"),
        queryset=DocumentType.objects.all(),
        to_field_name="slug",
        field_name="plan__document_type__slug",
        distinct=False,
    )
    year = YearsFilter(label=_("Năm"))
    date_from = django_filters.DateFilter(label=_("Từ ngày"), field_name="date", lookup_expr="gte")
    date_to = django_filters.DateFilter(label=_("Đến ngày"), field_name="date", lookup_expr="lte")
    sort = django_filters.ChoiceFilter(
        label=_("Sắp xếp"), choices=SORT_CHOICES, method="keep", empty_label=None
    )

    class Meta:
        model = Document
        fields = []

    def filter_q(self, queryset, name, value):
        return queryset.search(self.parsed_query)

    def filter_province(self, queryset, name, value):
        """Keep documents of the chosen units; a current unit brings the units merged into it."""
        if not value:
            return queryset
        units = Q(pk__in=[province.pk for province in value])
        if not self.form.cleaned_data.get("exact_province"):
            units |= Q(merged_into__in=[province.pk for province in value if province.is_current])
        through = Document.provinces.through
        linked = through.objects.filter(province__in=Province.objects.filter(units)).values(
            "document_id"
        )
        return queryset.filter(pk__in=linked)

    def queryset_without(self, name):
        """Return the documents matching every filter but `name`, to count that facet's values."""
        queryset = self.queryset.all()
        for filter_name, value in self.form.cleaned_data.items():
            if filter_name != name:
                queryset = self.filters[filter_name].filter(queryset, value)
        return queryset

    def keep(self, queryset, name, value):
        """Leave the queryset alone: the parameter is read elsewhere (sort, exact_province)."""
        return queryset

    @property
    def parsed_query(self):
        if not hasattr(self, "_parsed_query"):
            self._parsed_query = search.parse_query(self.form.cleaned_data.get("q", ""))
        return self._parsed_query

    @property
    def facet_counts(self):
        if not hasattr(self, "_facet_counts"):
            self._facet_counts = facet_counts(self)
        return self._facet_counts

    @property
    def chosen_sort(self):
        chosen = self.form.cleaned_data.get("sort")
        if chosen:
            return chosen
        return "newest" if self.parsed_query.is_empty else "relevance"

    def ordered_qs(self):
        """Return the filtered documents in the chosen order."""
        queryset = self.qs
        if self.chosen_sort == "relevance" and not self.parsed_query.is_empty:
            return queryset.by_relevance()
        if self.chosen_sort == "oldest":
            return queryset.oldest_first()
        return queryset.latest_first()


def facet_counts(filterset):
    """Return {facet: {value: count}}, each facet counted with every other filter but its own."""
    return {
        name: COUNTERS[name](filterset.queryset_without(name).order_by(), filterset)
        for name, _label in FACETS
    }


def _count_kinds(queryset, filterset):
    return dict(queryset.values_list("kind").annotate(n=Count("pk")))


def _count_provinces(queryset, filterset):
    """Count by unit; a current unit also counts the documents of the units merged into it."""
    tags = Document.provinces.through.objects.filter(document__in=queryset)
    exact = dict(tags.values_list("province__slug").annotate(n=Count("document_id")))
    if filterset.form.cleaned_data.get("exact_province"):
        return exact
    expanded = dict(
        tags.filter(
            Q(province__era=Province.Era.FROM_2025) | Q(province__merged_into__isnull=False)
        )
        .annotate(unit=Coalesce("province__merged_into__slug", "province__slug"))
        .values_list("unit")
        .annotate(n=Count("document_id", distinct=True))
    )
    return exact | expanded


def _through_counter(relation, key):
    def count(queryset, filterset):
        through = getattr(Document, relation).through
        return dict(
            through.objects.filter(document__in=queryset)
            .values_list(key)
            .annotate(n=Count("document_id"))
        )

    return count


def _count_years(queryset, filterset):
    years = queryset.filter(date__isnull=False).annotate(year=ExtractYear("date"))
    return {str(year): n for year, n in years.values_list("year").annotate(n=Count("pk"))}


def _count_doc_types(queryset, filterset):
    plans = queryset.filter(plan__document_type__isnull=False)
    return dict(plans.values_list("plan__document_type__slug").annotate(n=Count("pk")))


COUNTERS = {
    "kind": _count_kinds,
    "province": _count_provinces,
    "agency": _through_counter("agencies", "agency__slug"),
    "year": _count_years,
    "objective": _through_counter("objectives", "gcmobjective__number"),
    "doc_type": _count_doc_types,
}


FACET_LIMIT = 15


def _labels(name, values):
    """Return {value: label} for the facet values shown."""
    if name == "kind":
        return {
            value: Document.Kind(value).label for value in values if value in Document.Kind.values
        }
    if name == "year":
        return {value: value for value in values}
    if name == "province":
        return {p.slug: str(p) for p in Province.objects.filter(slug__in=values)}
    if name == "agency":
        return {
            a.slug: f"{a.name} ({a.abbreviation})" if a.abbreviation else a.name
            for a in Agency.objects.filter(slug__in=values)
        }
    if name == "objective":
        numbers = [int(value) for value in values if value.isdigit()]
        return {
            str(o.number): f"{o.number}. {o.title_vi}"
            for o in GcmObjective.objects.filter(number__in=numbers)
        }
    return {t.slug: t.name for t in DocumentType.objects.filter(slug__in=values)}


def _selected(filterset, name):
    value = filterset.form.cleaned_data.get(name) or []
    if name in {"province", "agency", "doc_type"}:
        return [item.slug for item in value]
    if name == "objective":
        return [str(item.number) for item in value]
    return [str(item) for item in value]


def _order(name, counts, labels):
    if name == "kind":
        return [value for value in Document.Kind.values if value in counts]
    if name == "year":
        return sorted(counts, reverse=True)
    if name == "objective":
        return sorted(counts, key=int)
    return sorted(counts, key=lambda value: (-counts[value], labels.get(value, value)))


def facet_groups(filterset):
    """Return the facets to show: [{"name", "label", "values": [{value, label, count, selected}]}].

    Values with no match are left out unless selected, so a choice can always be undone.
    """
    groups = []
    for name, label in FACETS:
        counts = {str(value): n for value, n in filterset.facet_counts[name].items() if n}
        selected = _selected(filterset, name)
        shown = [v for v in _order(name, counts, {}) if v not in selected][:FACET_LIMIT]
        values = selected + shown
        labels = _labels(name, values)
        groups.append(
            {
                "name": name,
                "label": label,
                "values": [
                    {
                        "value": value,
                        "label": labels.get(value, value),
                        "count": counts.get(value, 0),
                        "selected": value in selected,
                    }
                    for value in _order(name, {v: counts.get(v, 0) for v in values}, labels)
                ],
            }
        )
    return groups
