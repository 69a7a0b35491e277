"""Writing an extraction as a draft document: one transaction each, duplicates found first."""

import hashlib
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from ..models import Article, Document, DocumentLink, Plan
from ..text import fold, squash_spaces, vn_slugify
from .decode import IngestError
from .extract import PLAN, extract

SLUG_MAX = 190

IMPORTED = "imported"
DUPLICATE = "duplicate"
DRY_RUN = "dry_run"


@dataclass
class ImportResult:
    status: str
    extraction: object
    document: Document | None = None
    message: str = ""
    notes: list = field(default_factory=list)


def content_hash(title, body):
    """Return the key two copies of one text share: title and body folded, spaces squashed."""
    normalized = squash_spaces(fold(f"{title}\n{body}"))
    return hashlib.sha256(normalized.encode("utf-8")).hexdigest()


def find_duplicate(extraction, digest):
    """Return the document this text was already imported as, or None."""
    query = Document.objects.filter(content_hash=digest)
    if extraction.source_url:
        query = query | Document.objects.filter(source_url=extraction.source_url)
    duplicate = query.order_by("pk").first()
    if duplicate is None and extraction.kind == PLAN and extraction.own_number:
        own = extraction.own_number
        duplicate = (
            Plan.objects.filter(
                number_normalized=own.normalized,
                number_year=own.year,
                issuer=extraction.issuer,
            )
            .order_by("pk")
            .first()
        )
    return duplicate


def unique_slug(title):
    """Return a slug for a title that no document has yet ("...-2" when it is taken)."""
    base = vn_slugify(title)[:SLUG_MAX].strip("-") or "tai-lieu"
    taken = set(Document.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    if base not in taken:
        return base
    suffix = 2
    while f"{base}-{suffix}" in taken:
        suffix += 1
    return f"{base}-{suffix}"


def _build(extraction, status, source_url, digest):
    common = {
        "title": extraction.title[:500],
        "slug": unique_slug(extraction.title),
        "summary": extraction.summary,
        "body": extraction.body_text,
        "date": extraction.date.date if extraction.date else None,
        "status": status,
        "source_url": (source_url or extraction.source_url)[:500],
        "content_hash": digest,
    }
    if extraction.kind == PLAN:
        if not extraction.own_number:
            raise IngestError(_("Văn bản không có số, ký hiệu (dòng «Số: ...»)."))
        return Plan(
            **common,
            number=extraction.own_number.number,
            document_type=extraction.document_type,
            issuer=extraction.issuer,
        )
    return Article(**common, author=extraction.author[:200], publication=extraction.publication)


def _save(document, extraction, links):
    document.full_clean(exclude=["slug"]) if document.kind == PLAN else None
    document.save()
    document.provinces.set(extraction.provinces)
    document.agencies.set(extraction.agencies)
    objectives = [
        extraction.catalogue_objectives[n]
        for n in extraction.objectives
        if n in extraction.catalogue_objectives
    ]
    document.objectives.set(objectives)
    DocumentLink.objects.bulk_create(
        [
            DocumentLink(
                source=document,
                relation=link.relation,
                target_id=link.target["id"],
                note=link.note[:300],
            )
            for link in links
            if link.target
        ],
        ignore_conflicts=True,
    )


def document_import(*, text, catalogue, source_url="", publish=False, dry_run=False, edits=None):
    """Import one NFC text as a draft (or published) document; return an ImportResult.

    `edits` (from the admin's review form) override what was extracted: title, kind, date,
    provinces, agencies, objectives and the chosen links. Raises IngestError for a text that
    cannot become a document.
    """
    extraction = extract(text, catalogue)
    if edits:
        _apply(extraction, edits)
    if not extraction.title.strip():
        raise IngestError(_("Không tìm thấy tiêu đề (dòng đầu tiên có chữ)."))
    if not extraction.body and extraction.kind != PLAN:
        raise IngestError(_("Văn bản chỉ có tiêu đề, không có nội dung."))
    extraction.catalogue_objectives = catalogue.objectives
    digest = content_hash(extraction.title, extraction.body_text)
    if source_url:
        extraction.source_url = source_url
    duplicate = find_duplicate(extraction, digest)
    if duplicate:
        return ImportResult(
            DUPLICATE,
            extraction,
            duplicate,
            _("Đã có trong lưu trữ: «%(title)s» (mã %(id)s); không nhập lại.")
            % {"title": duplicate.title, "id": duplicate.pk},
        )
    if dry_run:
        return ImportResult(DRY_RUN, extraction)
    status = Document.Status.PUBLISHED if publish else Document.Status.DRAFT
    try:
        with transaction.atomic():
            document = _build(extraction, status, source_url, digest)
            _save(document, extraction, extraction.links)
    except IntegrityError as error:
        raise IngestError(_("Không lưu được: %(error)s") % {"error": error}) from error
    catalogue.remember(document)
    return ImportResult(IMPORTED, extraction, document, _("Đã nhập thành bản nháp."))


def _apply(extraction, edits):
    """Replace extracted fields with an editor's corrections."""
    for name in ("title", "kind", "provinces", "agencies"):
        if name in edits:
            setattr(extraction, name, edits[name])
    if "date" in edits:
        extraction.date = edits["date"]
    if "objectives" in edits:
        extraction.objectives = {number: [] for number in edits["objectives"]}
    if "links" in edits:
        chosen = set(edits["links"])
        extraction.links = [link for link in extraction.links if link.key in chosen]
