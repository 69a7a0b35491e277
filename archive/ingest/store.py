"""Writing an extraction as a draft document: one transaction each, duplicates found first."""

import hashlib
import os
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils.translation import gettext as _

from ..models import Article, Document, DocumentLink, Plan
from ..text import squash_spaces, vn_slugify
from .decode import IngestError
from .extract import PLAN, extract
from .spelling import fold_in_place

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
    normalized = squash_spaces(fold_in_place(f"{title}\n{body}"))
    return hashlib.sha256(normalized.encode("utf-8")).hexdigest()


def find_duplicate(extraction, digest):
    """Return the document this text was already imported as, or None."""
    query = Document.objects.filter(content_hash=digest)
    if extraction.source_url:
        query = query | Document.objects.filter(source_url=extraction.source_url)
    # Only what the message and the links need: not the body nor the stored search vectors.
    duplicate = query.only("id", "kind", "slug", "title").order_by("pk").first()
    if duplicate is None and extraction.kind == PLAN and extraction.own_number:
        own = extraction.own_number
        duplicate = (
            Plan.objects.filter(
                number_normalized=own.normalized,
                number_year=own.year,
                issuer=extraction.issuer,
            )
            .only("id", "kind", "slug", "title")
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


# The three tag tables in one statement: one round trip, and each table's refresh trigger
# finds no document row yet (see _save).
_TAGS_SQL = """
WITH provinces AS (
    INSERT INTO archive_document_provinces (document_id, province_id)
    SELECT %s, unnest(%s::bigint[])
), agencies AS (
    INSERT INTO archive_document_agencies (document_id, agency_id)
    SELECT %s, unnest(%s::bigint[])
)
INSERT INTO archive_document_objectives (document_id, gcmobjective_id)
SELECT %s, unnest(%s::bigint[])
"""
ID_BATCH = 64
_spare_ids = []
_spare_owner = [None]


def _next_document_id():
    """Return a new document id, taken from the sequence a batch at a time (gaps are fine)."""
    # A forked worker inherits its parent's spare ids: they are the parent's, never its own.
    owner = (os.getpid(), connection.settings_dict["NAME"])
    if _spare_owner[0] != owner:
        _spare_ids.clear()
        _spare_owner[0] = owner
    if not _spare_ids:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence('archive_document', 'id')) "
                "FROM generate_series(1, %s)",
                [ID_BATCH],
            )
            _spare_ids.extend(row[0] for row in reversed(cursor.fetchall()))
    return _spare_ids.pop()


def _check_plan(plan):
    """Check what Plan.clean() would, without its queries: the number (already parsed from the
    text, and looked up by find_duplicate) and its type against the document type."""
    parsed = plan.parsed_number
    if parsed is None:
        raise IngestError(_("Số, ký hiệu «%(number)s» không hợp lệ.") % {"number": plan.number})
    chosen = plan.document_type.abbreviation if plan.document_type else ""
    if chosen and parsed.type_abbreviation and chosen != parsed.type_abbreviation:
        raise IngestError(
            _("Ký hiệu %(number)s là của %(type)s, không phải %(chosen)s.")
            % {"number": parsed, "type": parsed.type_name, "chosen": plan.document_type.name}
        )


def _save(document, extraction, catalogue):
    """Write the document row once, complete, after its tags (see below), then its links."""
    if document.kind == PLAN:
        _check_plan(document)
    held = catalogue.objectives
    provinces = list({p.pk: p for p in extraction.provinces}.values())
    agency_ids = list(dict.fromkeys(a.pk for a in extraction.agencies))
    objective_ids = list(dict.fromkeys(held[n].pk for n in extraction.objectives if n in held))
    # Each statement on a tag table refreshes the facet arrays with an UPDATE of the document
    # row (migration 0004), which rewrites the row, its search vectors and every index entry.
    # Tag rows written before the document row (foreign keys are checked at commit) find no
    # row to refresh, and the row is written once with the arrays the refresh would compute:
    # what generate_corpus does with COPY, one document at a time.
    document.id = _next_document_id()
    with connection.cursor() as cursor:
        cursor.execute(
            _TAGS_SQL,
            [
                document.id,
                [p.pk for p in provinces],
                document.id,
                agency_ids,
                document.id,
                objective_ids,
            ],
        )
    document.facet_provinces = sorted(p.pk for p in provinces)
    document.facet_units = sorted(
        {p.pk for p in provinces} | {p.merged_into_id for p in provinces if p.merged_into_id}
    )
    document.facet_agencies = sorted(agency_ids)
    document.facet_objectives = sorted(objective_ids)
    document.facet_doc_type = getattr(document, "document_type_id", None)
    document.save(force_insert=(Document,))
    DocumentLink.objects.bulk_create(
        [
            DocumentLink(
                source_id=document.id,
                relation=link.relation,
                target_id=link.target["id"],
                note=link.note[:300],
            )
            for link in extraction.links
            if link.target
        ],
        ignore_conflicts=True,
    )


def _duplicate(extraction, duplicate):
    return ImportResult(
        DUPLICATE,
        extraction,
        duplicate,
        _("Đã có trong lưu trữ: «%(title)s» (mã %(id)s); không nhập lại.")
        % {"title": duplicate.title, "id": duplicate.pk},
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
    digest = content_hash(extraction.title, extraction.body_text)
    if source_url:
        extraction.source_url = source_url
    if dry_run:
        duplicate = find_duplicate(extraction, digest)
        if duplicate:
            return _duplicate(extraction, duplicate)
        return ImportResult(DRY_RUN, extraction)
    status = Document.Status.PUBLISHED if publish else Document.Status.DRAFT
    try:
        with transaction.atomic():
            # Two imports of one text at once (parallel workers, two editors) must not both
            # find no duplicate: the second waits here until the first commits.
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", [digest])
            duplicate = find_duplicate(extraction, digest)
            if duplicate:
                return _duplicate(extraction, duplicate)
            document = _build(extraction, status, source_url, digest)
            _save(document, extraction, catalogue)
    except ValidationError as error:
        raise IngestError(" ".join(error.messages)) from error
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
