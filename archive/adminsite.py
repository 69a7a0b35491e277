"""The admin site: Django's, with link pickers that tell look-alike documents apart.

Installed as the default site by `apps.ArchiveAdminConfig` (Django's documented way to
replace `admin.site`), so `archive/admin.py` registers on it as usual.
"""

from django.contrib import admin
from django.contrib.admin import widgets
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.db.models import Case, F, When

from .models import FOLDED_TITLE, Document, plan_of
from .search import clean_query
from .text import fold


def document_label(document):
    """Name a document by what tells look-alikes apart, before its title: a plan's number or
    another document's kind, and its date ("402/QĐ-TTg · 20/03/2020 · Kế hoạch triển khai…").
    Many provinces' plans share a title but for its last words, which a picker cuts off."""
    plan = plan_of(document)
    parts = [
        plan.number if plan and plan.number else document.get_kind_display(),
        document.date_shown,  # «tháng 5/2026» for a date known by its month alone
        document.title,
    ]
    return " · ".join(str(part) for part in parts if part)


class DocumentAutocomplete(AutocompleteJsonView):
    def get_queryset(self):
        """Return what a picker lists: a number's own documents first (DocumentQuerySet.find),
        then the titles beginning with what was typed, then those holding it, the newest first
        in each, each with its plan's number at hand. An editor types a title's beginning: in
        date order 402/QĐ-TTg's own title listed it 7th of 8, below what cites it."""
        found = super().get_queryset()
        if found.model is not Document:
            return found
        order = [F("date").desc(nulls_last=True), "-pk"]
        if typed := fold(clean_query(self.term)[0]):  # its spaces squashed already
            found = found.alias(folded_title=FOLDED_TITLE).alias(
                title_match=Case(
                    When(folded_title__startswith=typed, then=2),
                    When(folded_title__contains=typed, then=1),
                    default=0,
                )
            )
            order.insert(0, F("title_match").desc())
        if "number_first" in found.query.annotations:
            order.insert(0, F("number_first").desc())
        return found.select_related("plan").order_by(*order)

    def serialize_result(self, obj, to_field_name):
        result = super().serialize_result(obj, to_field_name)
        if isinstance(obj, Document):
            result["text"] = document_label(obj)
        return result


class ArchiveAdminSite(admin.AdminSite):
    def autocomplete_view(self, request):
        return DocumentAutocomplete.as_view(admin_site=self)(request)


def can_be_id(value):
    """Return whether a value sent for a row can be its id: from an address or a form edited
    by hand ("?parent=abc", 5,000 digits) Django looked it up, a 500 (int() refused it, or
    PostgreSQL's bigint did)."""
    return str(value).isdecimal() and len(str(value)) <= 18


def _ids(value):
    """Return the values of a picker that can be ids, the ones Django's widget looks up; the
    form itself still refuses the others as no choice."""
    return [item for item in value if can_be_id(item)]


class IdPicker(widgets.AutocompleteSelect):
    def optgroups(self, name, value, attr=None):
        return super().optgroups(name, _ids(value), attr)


class IdsPicker(widgets.AutocompleteSelectMultiple):
    def optgroups(self, name, value, attr=None):
        return super().optgroups(name, _ids(value), attr)
