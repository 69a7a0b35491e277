"""Data entry in the Django admin, in Vietnamese: a whole plan with its links in one form."""

import functools
import re

from django import forms
from django.apps import apps
from django.contrib import admin, messages
from django.contrib.admin import helpers, widgets
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ORDER_VAR
from django.db import DataError, IntegrityError, models, transaction
from django.db.models import F, Func, IntegerField, Max, Value
from django.db.models.functions import Cast
from django.forms.models import BaseInlineFormSet
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import number_format
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop, ngettext

from . import periods, reference, search
from .adminsite import IdPicker, IdsPicker, can_be_id, document_label
from .filters import DocumentFilter, search_generation
from .models import (
    BY_NAME,
    DATE_INVALID,
    DIRECTED,
    RELATION_KINDS,
    Agency,
    Article,
    Conference,
    ConferenceSession,
    Document,
    DocumentLink,
    DocumentType,
    GcmObjective,
    Plan,
    Province,
    Relation,
    SlowSearch,
    issuer_mismatch,
    linked_name,
    untold_twin_error,
)
from .overview import alphabetical
from .text import fold, line_ends

admin.site.site_header = _("Lưu trữ chính sách di cư – Quản trị")
admin.site.site_title = _("Quản trị lưu trữ")
admin.site.index_title = _("Nhập và quản lý dữ liệu")
admin.site.site_url = "/"


class TextWithLineEnds(forms.CharField):
    """A text area's text with its lines ended as a save stores them (text.line_ends): a browser
    sends "\r\n", so every save of a document said it had changed its text ("Đã thay đổi nội
    dung.") and rewrote it. (The widget is named again: an override replaces the admin's.)"""

    def to_python(self, value):
        value = super().to_python(value)
        return line_ends(value) if value else value


@functools.cache  # the models do not change while the process runs
def _field_names():
    """Return {label Django logs: the field's verbose name} of every field of the archive."""
    with translation.override(None):
        return {
            str(capfirst(field.verbose_name)): str(field.verbose_name)
            for model in apps.get_app_config("archive").get_models()
            for field in model._meta.get_fields()
            if getattr(field, "verbose_name", None)
        }


class IdPickers:
    """The pickers Django gives autocomplete_fields, but for values that cannot be ids
    (adminsite.IdPicker), in a ModelAdmin or an inline."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = IdPicker(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = IdsPicker(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_manytomany(db_field, request, **kwargs)


ROW_GONE = _("Một dòng vừa bị xóa ở nơi khác từ khi trang được mở: hãy tải lại trang rồi sửa lại.")
SAVED_TWICE = _(
    "Không lưu được: cùng lúc đó một lần lưu khác đã ghi đúng các giá trị này (có thể do nhấn "
    "«Lưu» hai lần). Hãy xem lại: bản đã lưu ở đây."
)


class GuardedLookups(IdPickers, admin.ModelAdmin):
    """A ModelAdmin whose list answers a hand-edited address without a 500: the address's own
    lookups (?title__regex=(, ?kind=%00) and searches (a NUL byte, which PostgreSQL refuses in
    text) that the database refuses give the whole list, as Django's own bad lookups do; so do
    the values Django cannot make a query of (?date__year=0, a year of 23 digits)."""

    def get_changelist_instance(self, request):
        try:
            # The list's count and filters are read here; its rows later, as it renders (a
            # lookup the database refuses fails in the count first).
            with transaction.atomic():
                return super().get_changelist_instance(request)
        except (DataError, ValueError, OverflowError) as error:
            raise IncorrectLookupParameters(error) from error

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except IntegrityError:
            # Two saves of one form at once (a double click, a retry): the first is saved, the
            # other meets a unique constraint past the form's checks (a 500; nothing written,
            # its transaction rolled back). Where the first one's work can be seen.
            self.message_user(request, SAVED_TWICE, messages.ERROR)
            if object_id:
                return redirect(request.path)
            return redirect(
                reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist")
            )

    def response_action(self, request, queryset):
        # A list's action on rows that cannot be ids (a form edited by hand): Django's filter
        # raised before the action ran, a 500.
        selected = request.POST.getlist(helpers.ACTION_CHECKBOX_NAME)
        if not all(map(can_be_id, selected)):
            self.message_user(
                request, _("Lựa chọn không hợp lệ; không có gì thay đổi."), messages.WARNING
            )
            return None  # the list again, as Django answers an action without a choice
        return super().response_action(request, queryset)

    def get_search_results(self, request, queryset, search_term):
        # The link pickers' search too (Django's autocomplete view asks this). Capped as the
        # site's search is: a 16 kB term took a province's picker 6 s (an OR a word).
        term = search_term.replace("\x00", "")[: search.MAX_QUERY_LENGTH]
        return super().get_search_results(request, queryset, term)


class HistoryNames(GuardedLookups):
    """A ModelAdmin whose history names a changed field by its verbose name, which both
    languages translate. Django logs a form's label, capfirst(verbose_name) untranslated
    ("Trạng thái"), and translates it as the history is read: a msgid of ours is the verbose
    name, "trạng thái", so the English history said "Changed Trạng thái".

    Its date fields say what a date is typed as, and what to do with one known only by its
    month (models.DATE_INVALID), where Django's said «Nhập một ngày hợp lệ.»."""

    # Merged into Django's defaults for a DateField (its calendar widget stays).
    formfield_overrides = {models.DateField: {"error_messages": {"invalid": DATE_INVALID}}}

    def construct_change_message(self, request, form, formsets, add=False):
        message = super().construct_change_message(request, form, formsets, add)
        for entry in message:
            if changed := entry.get("changed"):
                changed["fields"] = [_field_names().get(f, f) for f in changed["fields"]]
        return message


class VietnameseSlugs(HistoryNames):
    """A ModelAdmin whose slugs, filled from a name as it is typed, spell Vietnamese as
    archive.text.vn_slugify does ("Đồng Tháp" gives dong-thap), not as Django's URLify."""

    class Media:
        # Listed after what it replaces, so the media merge keeps that order.
        js = ["admin/js/urlify.js", "archive/admin/vn_urlify.js"]


# What Province.__str__ adds to an old unit's name, in either language, and the words of it
# typed without its brackets ("Nghệ An trước").
ERA_SUFFIXES = ("truoc 2025", "truoc 1/7/2025", "before 2025")
ERA_WORDS = re.compile(r"\b(?:trước|truoc|before)\b(?:\s*(?:1/7/)?2025)?", re.I)


def era_typed(term):
    """Return (the name typed, whether the units before 2025 are asked for) of a picker's
    term: «Nghệ An (trư», as the picker lists «Nghệ An (trước 2025)», while it is typed."""
    name, bracket, rest = term.partition("(")
    if bracket:
        typed = " ".join(fold(rest).replace(")", " ").split())
        if any(suffix.startswith(typed) for suffix in ERA_SUFFIXES):
            return name, bool(typed)  # "(" alone asks nothing yet
    name, before = ERA_WORDS.subn(" ", term)
    return name, bool(before)


@admin.register(Province)
class ProvinceAdmin(VietnameseSlugs):
    ordering = ["era", *BY_NAME]  # the 34 units of today first
    list_display = ["name", "code", "era", "unit_type", "merged_into"]
    list_filter = ["era", "unit_type"]
    search_fields = ["name__unaccent", "full_name__unaccent", "code"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["merged_into"]
    list_select_related = ["merged_into"]

    def get_search_results(self, request, queryset, search_term):
        """Find a unit by its name as the pickers show it: «Nghệ An (trước 2025)» found
        nothing, the era's words being no part of a name; they choose the 63 units."""
        name, before = era_typed(search_term)
        if before:
            queryset = queryset.filter(era=Province.Era.BEFORE_2025)
        return super().get_search_results(request, queryset, " ".join(name.split()))


@admin.register(Agency)
class AgencyAdmin(VietnameseSlugs):
    ordering = BY_NAME
    list_display = ["name", "abbreviation", "kind", "parent", "province"]
    list_filter = ["kind"]
    search_fields = ["name__unaccent", "name_en", "abbreviation__unaccent"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["parent", "province"]
    list_select_related = ["parent", "province"]


@admin.register(GcmObjective)
class GcmObjectiveAdmin(HistoryNames):
    list_display = ["number", "title_vi", "short_label_en", "title_vi_official"]
    list_display_links = ["number", "title_vi"]
    list_filter = ["title_vi_official"]
    search_fields = ["number__exact", "title_vi__unaccent", "title_en", "short_label_en"]


@admin.register(DocumentType)
class DocumentTypeAdmin(VietnameseSlugs):
    ordering = BY_NAME
    list_display = ["name", "abbreviation", "group"]
    list_filter = ["group"]
    search_fields = ["name__unaccent", "abbreviation__unaccent"]
    prepopulated_fields = {"slug": ["name"]}


class VerboseUniqueFormSet(BaseInlineFormSet):
    """An inline formset naming a duplicated field by its label ("thứ tự"), not its name
    ("position"), when two rows repeat what must be unique; and a row gone meanwhile where the
    editor sees it."""

    def clean(self):
        super().clean()
        if any("id" in form.errors for form in self.forms):
            # A row deleted by another editor since the page was opened: its hidden id is
            # refused, and the admin draws no row for it («Hãy sửa các lỗi…», nothing below).
            # Said above the rows, as the formset's own error.
            raise forms.ValidationError(ROW_GONE)

    def get_unique_error_message(self, unique_check):
        fields = [
            str(self.model._meta.get_field(name).verbose_name)
            for name in unique_check
            if name != self.fk.name  # the parent, the same in every row
        ]
        return super().get_unique_error_message(fields)


class LinkFormSet(VerboseUniqueFormSet):
    """A document's incoming links, checked against the outgoing rows sent with them: an
    outgoing «Triển khai thực hiện» to 9614/KH-UBND and an incoming one from it, in one save,
    made a loop that the model's check of each row against the database never saw (both
    were new), and every later save of either document was refused."""

    OUTGOING = "outgoing_links"  # the outgoing inline's prefix, its rows in the same POST

    def clean(self):
        super().clean()
        if self.fk.name != "target":
            return  # the incoming rows say it, once
        outgoing = self._outgoing_rows()
        for form in self.forms:
            data = getattr(form, "cleaned_data", None) or {}
            relation, other = data.get("relation"), data.get("source")
            if data.get("DELETE") or relation not in DIRECTED or other is None:
                continue
            if (str(other.pk), relation) in outgoing:
                form.add_error(
                    "relation",
                    _(
                        "Phần liên kết đến tài liệu khác cũng ghi «%(relation)s» %(other)s: hai "
                        "chiều ngược nhau; hãy bỏ một trong hai."
                    )
                    % {"relation": Relation(relation).label, "other": linked_name(other)},
                )

    def _outgoing_rows(self):
        """Return {(target id, relation)} of the outgoing rows sent, but those deleted."""
        try:
            total = min(int(self.data.get(f"{self.OUTGOING}-TOTAL_FORMS", 0)), 1000)
        except ValueError:
            return set()  # that formset says its own management data is wrong
        rows = (f"{self.OUTGOING}-{n}-" for n in range(total))
        return {
            (self.data.get(row + "target", ""), self.data.get(row + "relation", ""))
            for row in rows
            if not self.data.get(row + "DELETE")
        }


class LinkInline(IdPickers, admin.TabularInline):
    """A document's links, the documents at their other end named by number and date."""

    model = DocumentLink
    formset = LinkFormSet

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        """Offer only the relations this kind of document can hold on this side: an article's
        outgoing links offered «Căn cứ» and «Bãi bỏ», refused only once saved."""
        field = super().formfield_for_choice_field(db_field, request, **kwargs)
        kind = getattr(self.parent_model, "KIND", None)
        if db_field.name == "relation" and kind:
            side = 0 if self.fk_name == "source" else 1
            field.choices = [
                (value, label)
                for value, label in field.choices
                if not value or kind in RELATION_KINDS[value][side]
            ]
        return field

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name in ("source", "target"):
            field.queryset = field.queryset.select_related("plan")
            field.label_from_instance = document_label
        return field


class OutgoingLinkInline(LinkInline):
    fk_name = "source"
    extra = 1
    autocomplete_fields = ["target"]
    fields = ["relation", "target", "note"]
    verbose_name = _("liên kết đến tài liệu khác")
    verbose_name_plural = _(
        "Tài liệu này liên kết đến (căn cứ, triển khai, sửa đổi, rà soát, đưa tin...)"
    )


class IncomingLinkInline(LinkInline):
    fk_name = "target"
    extra = 0
    autocomplete_fields = ["source"]
    fields = ["source", "relation", "note"]
    verbose_name = _("liên kết từ tài liệu khác")
    verbose_name_plural = _("Tài liệu khác liên kết đến tài liệu này")


def set_status(modeladmin, request, queryset, *, status, message):
    """Give the selected documents a status and say how many changed, or that none needed to."""
    with transaction.atomic():
        pks = list(queryset.exclude(status=status).values_list("pk", flat=True))
        if pks:
            _write_status(request, pks, status)
    if not pks:
        modeladmin.message_user(
            request,
            _("Không có gì thay đổi: các tài liệu đã chọn đều đã ở trạng thái này."),
            messages.INFO,
        )
        return
    modeladmin.message_user(request, message(len(pks)) % len(pks), messages.SUCCESS)


STATUS_CHANGES = {
    Document.Status.PUBLISHED: gettext_noop("trạng thái (đã công bố)"),
    Document.Status.DRAFT: gettext_noop("trạng thái (về bản nháp)"),
}


def _write_status(request, pks, status):
    """Set the status of these documents and note it in each one's history."""
    Document.objects.filter(pk__in=pks).update(status=status, updated_at=timezone.now())
    # Untranslated, as a form's changes are logged (HistoryNames): the history translates
    # each name. The status it took is named with it: a publish and an unpublish read alike.
    field = STATUS_CHANGES[status]
    # In the history of each one's own kind, which its change page reads (an action on the
    # list of every kind gives the shared Document rows); only what a log names.
    for model, named in (
        (Plan, ["title", "number"]),
        (Conference, ["title"]),
        (Article, ["title"]),
    ):
        LogEntry.objects.log_actions(
            user_id=request.user.pk,
            queryset=model.objects.filter(pk__in=pks).only(*named),
            action_flag=CHANGE,
            change_message=[{"changed": {"fields": [field]}}],
        )


@admin.action(description=_("Công bố các tài liệu đã chọn"), permissions=["change"])
def publish(modeladmin, request, queryset):
    set_status(
        modeladmin,
        request,
        queryset,
        status=Document.Status.PUBLISHED,
        message=lambda n: ngettext("Đã công bố %d tài liệu.", "Đã công bố %d tài liệu.", n),
    )


@admin.action(description=_("Chuyển các tài liệu đã chọn về bản nháp"), permissions=["change"])
def unpublish(modeladmin, request, queryset):
    set_status(
        modeladmin,
        request,
        queryset,
        status=Document.Status.DRAFT,
        message=lambda n: ngettext(
            "Đã chuyển %d tài liệu về bản nháp.", "Đã chuyển %d tài liệu về bản nháp.", n
        ),
    )


@functools.cache  # the models do not change while the process runs
def _join_rows():
    """Return the labels Django gives the rows of the many-to-many join tables ("Document-
    province relationship"), English and meaningless to an editor."""
    tables = [
        model for model in apps.get_models(include_auto_created=True) if model._meta.auto_created
    ]
    return {f"{capfirst(model._meta.verbose_name)}: " for model in tables}, {
        str(model._meta.verbose_name_plural) for model in tables
    }


def _without(items, prefixes):
    """Return a nested list of what a deletion takes, without the items of these labels; what
    was listed under such an item takes its place (Django nests an item's own under it)."""
    kept, lifted = [], False
    for item in items:
        if isinstance(item, list):
            nested = _without(item, prefixes)
            if lifted:
                kept.extend(nested)
            elif nested:
                kept.append(nested)
            lifted = False
        elif str(item).startswith(tuple(prefixes)):
            lifted = True
        else:
            kept.append(item)
            lifted = False
    return kept


class DocumentLists:
    """What the admins listing documents share.

    The search box, and the link pickers, find as the site's search does (any accents and
    tone placement, a number in any spelling: "402/QD-TTg"), the last word as the start of
    one while it is typed; the search index answers it. A deletion lists what goes with a
    document but for the join rows of its tags, which Django names in English.
    """

    search_help_text = _("Gõ từ có dấu hoặc không dấu, hoặc số, ký hiệu (402/QĐ-TTg).")
    # Columns outside the text, searched too, in any accents: an article's newspaper, author;
    # a plan's signer; a conference's place.
    also_searched = []

    # A list counts its matches once (the search's), not the whole table again besides.
    show_full_result_count = False

    def get_search_results(self, request, queryset, search_term):
        term = search.clean_query(search_term)[0]  # NFC, no control characters, capped
        if not term:
            return queryset, False
        places = reference.references(search_generation()).places  # as the site's search
        found = queryset.find(term, places=places)
        number_first = found.query.annotations.get("number_first")
        if self.also_searched:
            lookups = [(f"{name}__unaccent__icontains", term) for name in self.also_searched]
            either = queryset.filter(models.Q.create(lookups, connector=models.Q.OR))
            # A union of ids: one OR across both would scan every row, reading its vector.
            found = queryset.filter(pk__in=found.values("pk").union(either.values("pk")))
            if number_first is not None:
                found = found.alias(number_first=number_first)
        if number_first is not None and ORDER_VAR not in request.GET:
            # A number's own documents first, as the link pickers list them (in date order
            # "402/QĐ-TTg" showed the decision 6th of 7), then the list's order (set before).
            found = found.order_by("-number_first", *found.query.order_by)
        return found, False

    def get_deleted_objects(self, objs, request):
        deleted, counts, perms, protected = super().get_deleted_objects(objs, request)
        prefixes, names = map(set, _join_rows())  # copies: _join_rows is cached
        # A plan's own Document row (multi-table inheritance) is the plan, not a second thing
        # deleted: "Văn bản: 1" and "Tài liệu (mọi loại): 1" read as two. From the list of
        # every kind the Document row is what is deleted, its kind's row the second (124
        # documents were listed and counted as 248).
        doubles = [Plan, Conference, Article] if self.model is Document else [Document]
        prefixes |= {f"{capfirst(model._meta.verbose_name)}: " for model in doubles}
        names |= {str(model._meta.verbose_name_plural) for model in doubles}
        counts = {name: n for name, n in counts.items() if str(name) not in names}
        return _without(deleted, prefixes), counts, perms, protected


class ProvinceFilter(admin.SimpleListFilter):
    """The 34 provinces and cities of today, each with the documents of the units it took in
    (the site's province filter: facet_units): a list of all 97 units of both eras was long, and
    Cần Thơ left out the plans tagged Hậu Giang (trước 2025)."""

    title = _("tỉnh, thành phố")
    parameter_name = "tinh"

    def lookups(self, request, model_admin):
        current = Province.objects.filter(era=Province.Era.FROM_2025)
        return [(str(unit.pk), unit.name) for unit in alphabetical(current)]

    def queryset(self, request, queryset):
        if self.value() not in {value for value, _name in self.lookup_choices}:
            return queryset  # none chosen, or an address edited by hand: the whole list
        return queryset.filter(facet_units__contains=[int(self.value())])


class YearFilter(admin.SimpleListFilter):
    """The documents of a year, or those of no known date. Django's date hierarchy filed a
    document known by its year alone under «Tháng 1» and its first day, as it is stored
    (periods): the list itself says «năm 2020»."""

    title = _("năm")
    parameter_name = "nam"
    UNDATED = "chua-ro"

    def lookups(self, request, model_admin):
        years = model_admin.get_queryset(request).dates("date", "year", order="DESC")
        return [(str(day.year), str(day.year)) for day in years] + [
            (self.UNDATED, _("chưa rõ ngày"))
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if value == self.UNDATED:
            return queryset.filter(date__isnull=True)
        if value and value.isascii() and value.isdigit() and int(value) in periods.YEARS:
            return queryset.filter(date__year=int(value))
        return queryset  # none chosen, or an address edited by hand: the whole list


class PartiallyDatedForm(forms.ModelForm):
    """A document's form whose date may be a month or a year alone (periods.PartialDateField):
    shown as it was typed (05/2026), and saved with what of it is known."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.date and "date" in self.fields:
            self.initial["date"] = periods.PartialDate.of(
                self.instance.date, self.instance.date_precision
            )

    def clean(self):
        data = super().clean()
        if "date" in data:  # a date refused is not there: nothing to keep
            precision = getattr(data["date"], "precision", periods.Precision.DAY)
            self.instance.date_precision = precision
        return data


class PlanForm(PartiallyDatedForm):
    def clean(self):
        data = super().clean()
        # Plan.clean refuses a number its issuer has used that year; without an issuer, a twin
        # nothing tells apart (entered twice, «1614/kh-ubnd» beside 1614/KH-UBND) was saved.
        if data.get("number") and not data.get("issuer") and "provinces" in data:
            number, date, provinces = data["number"], data.get("date"), data["provinces"]
            if error := untold_twin_error(number, date, provinces, exclude=self.instance.pk):
                self.add_error("issuer", error)
        return data


def _as_known(field):
    return "date_as_known" if field == "date" else field


PARTIAL_DATE_HELP = _("Nếu chỉ biết tháng hoặc năm, hãy nhập 05/2026 hoặc 2026.")


class DocumentKindAdmin(DocumentLists, VietnameseSlugs):
    """What the admins of plans, conferences and articles share."""

    form = PartiallyDatedForm

    # The label of the shared `date` field for this kind ("Ngày ban hành" for a plan).
    date_label = _("Ngày")
    list_filter = ["status", YearFilter, ProvinceFilter, "agencies", "objectives"]
    search_fields = ["title"]  # shows the box; DocumentLists searches
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["provinces", "agencies", "objectives"]
    inlines = [OutgoingLinkInline, IncomingLinkInline]
    actions = [publish, unpublish]
    # The fields naming the agencies a document involves: its issuer, organisers, participants.
    involved_fields = []
    # Says that save_related tags those: an editor read the list as asking for them twice.
    agencies_help = None
    readonly_fields = ["created_at", "updated_at"]
    save_on_top = True
    # Django 6's default now: a source URL typed without a scheme is taken as https.
    formfield_overrides = {
        **HistoryNames.formfield_overrides,
        models.URLField: {"assume_scheme": "https"},
        models.TextField: {"form_class": TextWithLineEnds, "widget": widgets.AdminTextareaWidget},
    }

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "date":  # a month or a year when only that is known
            kwargs.update(form_class=periods.PartialDateField, error_messages={})
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The date as a viewer reads it (get_fieldsets): «tháng 5/2026», under the kind's label.
        self.date_as_known = admin.display(description=self.date_label)(
            lambda document: self.dated(document) or self.get_empty_value_display()
        )

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if "date" in form.base_fields:
            form.base_fields["date"].label = self.date_label
            # The kind's own label names the date: the model's help named all three.
            form.base_fields["date"].help_text = PARTIAL_DATE_HELP
        if self.agencies_help and "agencies" in form.base_fields:
            form.base_fields["agencies"].help_text = self.agencies_help
        return form

    def get_fieldsets(self, request, obj=None):
        """A page only to read (the viewers' group) shows a month or a year as known: Django
        would show the stored first day («01/05/2026»)."""
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or self.has_change_permission(request, obj):
            return fieldsets
        return [
            (name, {**options, "fields": [_as_known(field) for field in options["fields"]]})
            for name, options in fieldsets
        ]

    @admin.display(description=_("ngày"), ordering="date")
    def dated(self, document):
        return document.date_shown

    def save_related(self, request, form, formsets, change):
        """Keep the involved agencies in the agency facet (Document.agencies), so an editor
        need not tag them twice; take out those that no longer are, unless just ticked."""
        super().save_related(request, form, formsets, change)
        document = form.instance
        before = agency_ids(form.initial, self.involved_fields)
        after = agency_ids(form.cleaned_data, self.involved_fields)
        shown = agency_ids(form.initial, ["agencies"])
        ticked = agency_ids(form.cleaned_data, ["agencies"]) - shown
        tagged = set(document.agencies.values_list("pk", flat=True))
        if left := ((before - after) & tagged) - ticked:
            document.agencies.remove(*left)
            self.say(request, left, _("Đã bỏ khỏi «%(field)s» vì không còn tham gia: %(names)s."))
        if missing := after - tagged:
            document.agencies.add(*missing)
            if untagged := missing & shown:
                self.say(request, untagged, _("Vẫn giữ ở «%(field)s» vì còn tham gia: %(names)s."))

    def say(self, request, ids, message):
        field = capfirst(Document._meta.get_field("agencies").verbose_name)
        names = ", ".join(map(str, Agency.objects.filter(pk__in=ids).order_by(*BY_NAME)))
        self.message_user(request, message % {"field": field, "names": names}, messages.INFO)


def agency_ids(values, fields):
    """Return the ids of the agencies that a form's values (initial or cleaned) name in these
    fields: an id or an instance for a foreign key, a list or queryset for many."""
    ids = set()
    for name in fields:
        value = values.get(name)
        items = value if isinstance(value, (list, tuple, models.QuerySet)) else [value]
        ids |= {getattr(item, "pk", item) for item in items if item is not None}
    return ids


# A number's ordinal, the digits it starts with (Nghị định 30/2020/NĐ-CP), as an integer.
NUMBER_ORDINAL = Cast(
    Func(F("number"), Value("^[0-9]+"), function="substring"), output_field=IntegerField()
)


@admin.register(Plan)
class PlanAdmin(DocumentKindAdmin):
    form = PlanForm
    date_label = _("Ngày ban hành")
    # Narrow enough for a laptop's screen beside the two sidebars: the number says the type,
    # the issuer is named short ("UBND Hậu Giang"); both, and the validity, are filters.
    list_display = ["numbered", "title", "issued_by", "dated", "status"]
    list_display_links = ["numbered", "title"]
    list_filter = ["status", YearFilter, "document_type", "validity", ProvinceFilter, "issuer"]
    list_select_related = ["issuer__province"]
    also_searched = ["signer"]
    autocomplete_fields = [*DocumentKindAdmin.autocomplete_fields, "document_type", "issuer"]
    fieldsets = [
        (
            None,
            {"fields": ["number", "document_type", "title", "slug", "issuer", "signer", "status"]},
        ),
        (_("Ngày và hiệu lực"), {"fields": ["date", "effective_date", "validity"]}),
        (_("Nội dung"), {"fields": ["summary", "body", "source_url"]}),
        (_("Phân loại"), {"fields": ["provinces", "agencies", "objectives"]}),
        (_("Lịch sử"), {"fields": ["created_at", "updated_at"], "classes": ["collapse"]}),
    ]

    involved_fields = ["issuer"]
    agencies_help = _(
        "Mọi cơ quan liên quan. Cơ quan ban hành được tự thêm vào đây khi lưu: chỉ cần thêm các "
        "cơ quan khác được nhắc đến."
    )

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # Said, not refused (models.issuer_mismatch): the editor may know better.
        if obj.issuer_id and (parsed := obj.parsed_number):
            if warning := issuer_mismatch(parsed, obj.issuer):
                self.message_user(request, warning, messages.WARNING)

    # Sorted by its ordinal as a number: as text, "1614/KH-UBND" came before "402/QĐ-TTg".
    @admin.display(description=_("số, ký hiệu"), ordering=NUMBER_ORDINAL)
    def numbered(self, plan):
        return plan.number

    @admin.display(description=_("cơ quan ban hành"), ordering="issuer__name")
    def issued_by(self, plan):
        return plan.issuer.short_name if plan.issuer else ""


class ConferenceSessionInline(admin.TabularInline):
    model = ConferenceSession
    formset = VerboseUniqueFormSet
    extra = 1
    fields = ["position", "title"]


@admin.register(Conference)
class ConferenceAdmin(DocumentKindAdmin):
    date_label = _("Ngày bắt đầu")
    list_display = ["title", "dated", "end_date", "place", "is_abroad", "status"]
    list_filter = ["status", YearFilter, "is_abroad", ProvinceFilter, "organisers"]
    also_searched = ["place"]
    autocomplete_fields = [*DocumentKindAdmin.autocomplete_fields, "organisers", "participants"]
    inlines = [ConferenceSessionInline, OutgoingLinkInline, IncomingLinkInline]
    fieldsets = [
        (None, {"fields": ["title", "slug", "status"]}),
        (_("Thời gian và địa điểm"), {"fields": ["date", "end_date", "place", "is_abroad"]}),
        (_("Thành phần"), {"fields": ["organisers", "participants", "participant_note"]}),
        (_("Nội dung"), {"fields": ["summary", "body", "source_url"]}),
        (_("Phân loại"), {"fields": ["provinces", "agencies", "objectives"]}),
        (_("Lịch sử"), {"fields": ["created_at", "updated_at"], "classes": ["collapse"]}),
    ]

    involved_fields = ["organisers", "participants"]
    agencies_help = _(
        "Mọi cơ quan liên quan. Cơ quan tổ chức và cơ quan tham dự được tự thêm vào đây khi lưu: "
        "chỉ cần thêm các cơ quan khác được nhắc đến."
    )

    def get_formset_kwargs(self, request, obj, inline, prefix):
        """Number a new session row after the last: every number was typed by hand."""
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        if isinstance(inline, ConferenceSessionInline) and request.method != "POST":
            last = obj.sessions.aggregate(last=Max("position"))["last"] if obj and obj.pk else None
            kwargs["initial"] = [{"position": (last or 0) + 1}]
        return kwargs


@admin.register(Article)
class ArticleAdmin(DocumentKindAdmin):
    date_label = _("Ngày đăng")
    list_display = ["title", "publication", "author", "dated", "status"]
    list_filter = ["status", YearFilter, "publication", ProvinceFilter, "agencies"]
    also_searched = ["publication", "author"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "status"]}),
        (_("Nguồn"), {"fields": ["publication", "author", "date", "source_url"]}),
        (_("Nội dung"), {"fields": ["summary", "body"]}),
        (_("Phân loại"), {"fields": ["provinces", "agencies", "objectives"]}),
        (_("Lịch sử"), {"fields": ["created_at", "updated_at"], "classes": ["collapse"]}),
    ]


@admin.register(Document)
class DocumentAdmin(DocumentLists, GuardedLookups):
    """Every document in one list, for the autocomplete of links; edits go to the kind's admin."""

    list_display = ["title", "kind", "dated", "status"]
    list_filter = ["kind", "status", YearFilter]
    dated = DocumentKindAdmin.dated  # «tháng 5/2026», as the kinds' lists
    search_fields = ["title"]  # shows the box; DocumentLists searches
    actions = [publish, unpublish]

    def has_add_permission(self, request):
        return False

    def get_urls(self):
        from django.urls import path

        from .ingest.review import import_view

        view = self.admin_site.admin_view(lambda request: import_view(self, request))
        return [path("nhap-tu-van-ban/", view, name="archive_document_import"), *super().get_urls()]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        document = self.get_object(request, object_id)
        if document is None:
            return super().change_view(request, object_id, form_url, extra_context)
        return redirect(reverse(f"admin:archive_{document.kind}_change", args=[document.pk]))


@admin.register(SlowSearch)
class SlowSearchAdmin(GuardedLookups):
    """What was slow to search, most often first: the nightly build keeps the top ones fast."""

    list_display = ["search", "chosen_filters", "count", "time", "last_searched"]
    fields = ["query", "chosen_filters", "count", "time", "last_searched"]
    readonly_fields = fields
    search_fields = ["query"]
    date_hierarchy = "last_searched"

    @admin.display(description=_("tìm kiếm"), ordering="query")
    def search(self, slow):
        return str(slow)

    @admin.display(description=_("bộ lọc"))
    def chosen_filters(self, slow):
        return "; ".join(
            f"{DocumentFilter.base_filters[name].label}: {', '.join(values)}"
            for name, values in slow.parameters.items()
            if name != "q" and name in DocumentFilter.base_filters
        )

    @admin.display(description=_("thời gian tính lần cuối"), ordering="seconds")
    def time(self, slow):
        return _("%(seconds)s giây") % {"seconds": number_format(slow.seconds, 2)}

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
