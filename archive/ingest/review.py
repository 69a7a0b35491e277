"""The admin's "Nhập từ văn bản" page: paste or upload a text, review what was found, save a draft.

Two steps on one URL: the text form ("Phân tích") shows the extraction beside the text with the
found spans marked; the review form ("Lưu bản nháp") takes the editor's corrections and saves
through document_import, as the command does.
"""

import copy

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import RelatedFieldWidgetWrapper
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import escape, format_html
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from .. import periods
from ..adminsite import IdPicker, IdsPicker
from ..models import (
    BY_NAME,
    Agency,
    Document,
    GcmObjective,
    Plan,
    Province,
    Relation,
    date_range_error,
    future_date_error,
    number_year_error,
    title_error,
    untold_twin_error,
)
from ..numbers import DocumentNumberError, parse_number
from ..text import strip_controls, vn_slugify
from .agencies import PROVINCIAL_HEADS
from .catalogue import Catalogue
from .dates import FoundDate
from .decode import MAX_BYTES, IngestError, decode_bytes, normalize_text
from .extract import ARTICLE, CONFERENCE_REPORT, PLAN, extract
from .store import (
    DUPLICATE,
    apply_edits,
    content_hash,
    document_import,
    find_duplicate,
    slug_for,
)

TEMPLATE = "admin/archive/document/import_text.html"
KINDS = [
    (ARTICLE, gettext_lazy("Bài viết")),
    (CONFERENCE_REPORT, gettext_lazy("Bài viết về hội nghị")),
    (PLAN, gettext_lazy("Văn bản (kế hoạch, quyết định...)")),
]
SPAN_LABELS = {
    "number": gettext_lazy("số, ký hiệu"),
    "province": gettext_lazy("tỉnh, thành phố"),
    "agency": gettext_lazy("cơ quan"),
    "objective": gettext_lazy("mục tiêu GCM"),
}


class SeenText(forms.CharField):
    """Text as it will be stored (text.strip_controls): a title of invisible characters only is
    empty, and refused as such, not saved as one no page can show."""

    def to_python(self, value):
        return super().to_python(strip_controls(value) if isinstance(value, str) else value)


def read_text(label, help_text):
    """Return the field of a short text read from the document (a signer, a newspaper, an
    author), as long as the documents' own fields of it hold (200 characters)."""
    return SeenText(label=label, required=False, max_length=200, help_text=help_text)


class TextForm(forms.Form):
    text = SeenText(  # a NUL pasted with it read "Null characters are not allowed."
        label=pgettext_lazy("ô dán văn bản để nhập", "Văn bản"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 16, "cols": 90}),
        help_text=gettext_lazy("Dán nội dung bài viết hoặc văn bản, kể cả phần thừa của trang."),
    )
    upload = forms.FileField(
        label=gettext_lazy("hoặc tải tệp lên"),
        required=False,
        help_text=gettext_lazy("Tệp .txt, UTF-8, UTF-16 hoặc Windows-1258, tối đa 5 MB."),
    )
    source_url = forms.URLField(
        label=gettext_lazy("Địa chỉ nguồn"), required=False, assume_scheme="https"
    )

    def clean(self):
        data = super().clean()
        upload, text = data.get("upload"), data.get("text") or ""
        notes = []
        try:
            if upload:
                if upload.size > MAX_BYTES:
                    raise IngestError(_("Tệp quá lớn; giới hạn là 5 MB."))
                data["text"], notes = decode_bytes(upload.read())
            elif text.strip():
                data["text"] = normalize_text(text, notes)
            else:
                raise IngestError(_("Hãy dán văn bản hoặc chọn một tệp."))
        except IngestError as error:
            raise forms.ValidationError(str(error)) from error
        data["notes"] = notes
        return data


class SourceAddress(forms.URLField):
    """The address a text's «Nguồn:» line gave, which the review carries in a hidden field: one
    a URLField refuses ("tin_tuc.camau.gov.vn") is left out, not refused where the editor can
    neither see nor mend it (the save was refused with no word, each time)."""

    def clean(self, value):
        try:
            return super().clean(value)
        except forms.ValidationError:
            return ""


class ReviewForm(forms.Form):
    # Hidden: as the text form stored them (a NUL or a control character left out, SeenText).
    text = SeenText(widget=forms.HiddenInput, strip=False)
    source_url = SourceAddress(required=False, widget=forms.HiddenInput, assume_scheme="https")
    title = SeenText(label=gettext_lazy("Tiêu đề"), max_length=500)
    kind = forms.ChoiceField(label=gettext_lazy("Loại"), choices=KINDS)
    # A plan's own number and issuer, as read from its header: the editor corrects or types
    # them here (a text without a "Số: ..." line could otherwise never be saved as a plan).
    number = forms.CharField(
        label=gettext_lazy("Số, ký hiệu"),
        required=False,
        max_length=100,
        help_text=gettext_lazy("Của văn bản, ví dụ 1614/KH-UBND; bài viết không cần."),
    )
    issuer = forms.ModelChoiceField(
        Agency.objects.order_by(*BY_NAME),
        label=gettext_lazy("Cơ quan ban hành"),
        required=False,
        help_text=gettext_lazy("Của văn bản; bài viết không cần."),
    )
    # Written as staff write dates, not a browser's date box, which follows the browser's
    # language (an English one showed 03/12/2021 for 12 March); a month or a year alone when
    # only that is known (05/2026), as in the document's own form.
    date = periods.PartialDateField(
        label=gettext_lazy("Ngày"),
        required=False,
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        widget=forms.DateInput(
            attrs={"placeholder": "dd/mm/yyyy, mm/yyyy, yyyy", "size": 10}, format="%d/%m/%Y"
        ),
        help_text=gettext_lazy("Nếu chỉ biết tháng hoặc năm, hãy nhập 05/2026 hoặc 2026."),
    )
    # Read from the text and saved with it, where the editor could not see them: a plan's
    # summary was the national motto when its header was misread.
    summary = SeenText(
        label=gettext_lazy("Tóm tắt"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Mặc định là đoạn đầu của văn bản."),
    )
    signer = read_text(gettext_lazy("Người ký"), gettext_lazy("Của văn bản; bài viết không cần."))
    publication = read_text(gettext_lazy("Báo, trang tin"), gettext_lazy("Của bài viết."))
    author = read_text(gettext_lazy("Tác giả"), gettext_lazy("Của bài viết."))
    provinces = forms.ModelMultipleChoiceField(
        Province.objects.order_by("era", *BY_NAME),  # the 34 units of today first
        label=gettext_lazy("Tỉnh, thành phố"),
        required=False,
    )
    agencies = forms.ModelMultipleChoiceField(
        Agency.objects.order_by(*BY_NAME),
        label=gettext_lazy("Cơ quan, tổ chức"),
        required=False,
    )
    objectives = forms.ModelMultipleChoiceField(
        GcmObjective.objects.all(),
        label=gettext_lazy("Mục tiêu GCM"),
        required=False,
    )
    links = forms.MultipleChoiceField(
        label=gettext_lazy("Liên kết đề xuất"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, extraction=None, **kwargs):
        super().__init__(*args, **kwargs)
        if extraction is not None:
            self.fields["links"].choices = [
                (link.key, link_label(link)) for link in extraction.links if link.target
            ]

    def clean_number(self):
        text = self.cleaned_data["number"].strip()
        if text:
            try:
                parse_number(text)
            except DocumentNumberError as error:
                raise forms.ValidationError(str(error)) from error
        return text

    def clean_title(self):
        if error := title_error(self.cleaned_data["title"]):
            raise forms.ValidationError(error)
        return self.cleaned_data["title"]

    def clean(self):
        data = super().clean()
        if data.get("kind") == PLAN and not data.get("number") and "number" not in self.errors:
            self.add_error("number", _("Văn bản cần số, ký hiệu (dòng «Số: ...» của nó)."))
        self._check_date(data.get("date"), data.get("number") if data.get("kind") == PLAN else "")
        if data.get("kind") == PLAN and data.get("number") and not data.get("issuer"):
            # As the plan's own form refuses it (admin.PlanForm): saved, every later edit of
            # the draft was refused until an issuer or its provinces were chosen.
            provinces = data.get("provinces", [])
            if error := untold_twin_error(data["number"], data.get("date"), provinces):
                self.add_error("issuer", error)
        return data

    def _check_date(self, date, number):
        """Refuse the dates the document's own form would (Document.clean, Plan.clean): the
        draft was saved, and its form then refused any edit until the date was corrected. A
        batch import keeps such a text as a draft; here the editor is at hand to correct it.
        No import makes a conference, the one kind whose date may be ahead."""
        if not date:
            return
        try:
            parsed = parse_number(number) if number else None
        except DocumentNumberError:
            parsed = None  # said on the number's field
        error = (
            date_range_error(date)
            or future_date_error(date, date.precision)
            or (parsed and number_year_error(parsed, date))
        )
        if error:
            self.add_error("date", error)


def link_label(link):
    """Return how a proposed link reads for the editor."""
    target = link.target["title"] if link.target else ""
    number = f"{link.number} – " if link.number else ""
    return f"{Relation(link.relation).label} → {number}{target}"


def highlighted(extraction):
    """Return the analysed text as HTML: every piece escaped, found spans in <mark>."""
    text, position, pieces = extraction.text, 0, []
    for start, end, category, label in sorted(extraction.spans):
        if start < position:  # inside a span already marked
            continue
        pieces.append(escape(text[position:start]))
        pieces.append(
            format_html(
                '<mark class="ingest-{}" title="{}: {}">{}</mark>',
                category,
                SPAN_LABELS[category],
                label,
                text[start:end],
            )
        )
        position = end
    pieces.append(escape(text[position:]))
    # Each piece above is escaped or built by format_html; joining them adds no markup.
    return mark_safe("".join(pieces))


def review_initial(extraction, text, source_url):
    return {
        "text": text,
        "source_url": source_url or extraction.source_url,
        "title": extraction.title,
        "kind": extraction.kind,
        "number": extraction.own_number.number if extraction.own_number else "",
        "issuer": extraction.issuer.pk if extraction.issuer else None,
        "summary": extraction.summary,
        "signer": extraction.signer,
        "publication": extraction.publication,
        "author": extraction.author,
        # As known: «10/2021» for a plan dated by its month, not the first day of it.
        "date": (
            periods.PartialDate.of(extraction.date.date, extraction.date.precision)
            if extraction.date and extraction.date.date
            else None
        ),
        "provinces": [p.pk for p in extraction.provinces],
        "agencies": [a.pk for a in extraction.agencies],
        "objectives": [objective.pk for _n, objective in held_objectives(extraction)],
        "links": [link.key for link in extraction.links if link.target],
    }


def conference_to_create(create):
    """Return the address of the conference form filled with what a report says of the
    conference it reports (title, place, date): the editor retyped them."""
    params = {"title": create["title"], "slug": slug_for(create["title"])}  # as an import's
    if create.get("place"):
        params["place"] = create["place"]
    if create.get("date"):
        params["date"] = periods.typed(create["date"])
    if create.get("is_abroad"):
        params["is_abroad"] = "1"
    return f"{reverse('admin:archive_conference_add')}?{urlencode(params)}"


def held_objectives(extraction):
    """Return (number, GcmObjective) for the objectives the extraction suggests."""
    held = {o.number: o for o in GcmObjective.objects.filter(number__in=extraction.objectives)}
    return [(number, held[number]) for number in sorted(extraction.objectives) if number in held]


class _AddNamed(RelatedFieldWidgetWrapper):
    """Django's "+" beside a list (a pop-up adding an agency that lands in the list chosen), the
    pop-up's name and address filled in with the name read from the text."""

    def __init__(self, *args, named="", **kwargs):
        super().__init__(*args, **kwargs)
        self.named = named

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        if self.named:
            initial = {"name": self.named, "slug": vn_slugify(self.named)}
            if self.named.startswith(tuple(PROVINCIAL_HEADS.values())):  # "Ủy ban nhân dân tỉnh…"
                initial["kind"] = Agency.Kind.PROVINCIAL
            context["url_params"] += f"&{urlencode(initial)}"
        return context


def _issuer_addable(review, request, extraction):
    """Let an editor who may add agencies add the issuer the catalogue lacks from the review:
    the page named it and offered no way to use it (saving without one, or leaving the page)."""
    if not request.user.has_perm("archive.add_agency"):
        return
    field = review.fields["issuer"]
    field.widget = _AddNamed(
        field.widget,
        Plan._meta.get_field("issuer").remote_field,
        admin.site,
        can_add_related=True,
        named=extraction.issuer_named,
    )


def _tag_pickers(review):
    """Give the issuer, provinces, agencies and objectives the pickers of the document's own
    form: in a plain multiple select (97 provinces) what the extraction chose lay out of
    sight, and one click without Ctrl silently dropped every other choice."""
    pickers = {"issuer": (IdPicker, Plan)}
    for name in ("provinces", "agencies", "objectives"):
        pickers[name] = (IdsPicker, Document)
    for name, (widget, model) in pickers.items():
        field = review.fields[name]
        field.widget = widget(model._meta.get_field(name), admin.site)
        field.widget.choices = field.choices


def import_view(model_admin, request):
    """Show the text form, the review of an extraction, or save the reviewed draft."""
    if not (
        request.user.has_perm("archive.add_article") and request.user.has_perm("archive.add_plan")
    ):
        raise PermissionDenied
    context = {
        **model_admin.admin_site.each_context(request),
        "title": _("Nhập từ văn bản"),
        "opts": model_admin.model._meta,
        "media": model_admin.media,  # the "+" pop-up's scripts (RelatedObjectLookups)
    }
    if request.method == "POST" and "save" in request.POST:
        return _save(model_admin, request, context)
    form = TextForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        return _review(request, context, form.cleaned_data)
    return TemplateResponse(request, TEMPLATE, {**context, "text_form": form})


def _review(request, context, data, review=None):
    catalogue = Catalogue()
    text = data["text"]
    extraction = extract(text, catalogue)
    if review is None:
        review = ReviewForm(
            initial=review_initial(extraction, text, data.get("source_url")),
            extraction=extraction,
        )
    _tag_pickers(review)
    _issuer_addable(review, request, extraction)  # around the issuer's picker
    context = {**context, "media": context["media"] + review.media}
    digest = content_hash(extraction.title, extraction.body_text)
    duplicate, by_number = find_duplicate(_looked_up(extraction, review, catalogue), digest)
    return TemplateResponse(
        request,
        TEMPLATE,
        {
            **context,
            "review": review,
            "extraction": extraction,
            "highlighted": highlighted(extraction),
            "notes": data.get("notes", []),
            "objectives": [
                (objective, extraction.objectives[number])
                for number, objective in held_objectives(extraction)
            ],
            "proposals": [
                (link, conference_to_create(link.create))
                for link in extraction.links
                if link.create
            ],
            "duplicate": duplicate,
            "duplicate_by_number": by_number,
        },
    )


def _edits(data):
    """Return the importer's edits (store.apply_edits) of a review's cleaned fields: all of
    them once valid, those that were of a review refused."""
    named = ("title", "kind", "number", "issuer", "summary", "signer", "publication", "author")
    edits = {name: data[name] for name in named if name in data}
    if "date" in data:
        date = data["date"]
        edits["date"] = (
            FoundDate(date.day, date.month, date.year, 0, 0, precision=date.precision)
            if date
            else None
        )
    edits |= {name: list(data[name]) for name in ("provinces", "agencies") if name in data}
    if "objectives" in data:
        edits["objectives"] = [objective.number for objective in data["objectives"]]
    if "links" in data:
        edits["links"] = data["links"]
    return edits


# What the duplicate lookup reads: whether it is a plan, its number, and the issuer, year and
# provinces that tell one plan of a number from another.
LOOKUP_FIELDS = ("kind", "number", "issuer", "date", "provinces")


def _looked_up(extraction, review, catalogue):
    """Return the extraction as a refused review corrected it, for the duplicate lookup: the
    banner «already held» stayed under a number the editor had put right. A copy: the page
    still shows what was read and proposed."""
    edits = _edits(review.cleaned_data) if review.is_bound else {}
    edits = {name: edits[name] for name in LOOKUP_FIELDS if name in edits}
    if not edits:
        return extraction
    corrected = copy.deepcopy(extraction)
    apply_edits(corrected, edits, catalogue)
    return corrected


def _save(model_admin, request, context):
    try:
        # The text comes back in a hidden field: as the text form left it unless edited by
        # hand, when one of spaces saved an empty draft and a decomposed one was stored so.
        text = normalize_text(strip_controls(request.POST.get("text", "")), [])
    except IngestError:
        messages.error(request, _("Hãy dán văn bản hoặc chọn một tệp."))
        return redirect(request.path)
    extraction = extract(text, Catalogue())
    review = ReviewForm(request.POST, extraction=extraction)
    if not review.is_valid():
        return _review(request, context, {"text": text}, review)
    data = review.cleaned_data
    edits = _edits(data)
    try:
        result = document_import(
            text=text, catalogue=Catalogue(), source_url=data["source_url"], edits=edits
        )
    except IngestError as error:
        review.add_error(None, str(error))
        return _review(request, context, {"text": text}, review)
    if result.status == DUPLICATE and result.by_number:
        # Another text under a number the archive holds: most likely mistyped. The review stays
        # on screen with what the editor corrected, for the number to be put right.
        review.add_error("number", result.message)
        return _review(request, context, {"text": text}, review)
    document = result.document
    url = reverse(f"admin:archive_{document.kind}_change", args=[document.pk])
    if result.status == DUPLICATE:
        messages.warning(request, result.message)
    else:
        # In its history and the admin's recent actions, as one added by its form.
        model_admin.log_addition(request, document, [{"added": {}}])
        messages.success(request, _("Đã lưu bản nháp «%(title)s».") % {"title": document.title})
    return redirect(url)
