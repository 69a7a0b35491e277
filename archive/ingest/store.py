"""Writing an extraction as a draft document: one transaction each, duplicates found first."""

import functools
import hashlib
import os
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS, IntegrityError, connection, connections, transaction
from django.db.models.sql import InsertQuery
from django.utils.translation import gettext as _

from ..models import (
    Article,
    Document,
    DocumentLink,
    Plan,
    other_type_error,
    untyped_number_error,
)
from ..numbers import parse_number
from ..periods import Precision
from ..text import squash_spaces, vn_slugify
from .decode import IngestError
from .extract import PLAN, NumberFound, extract
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
    by_number: bool = False  # a duplicate found by the plan's number alone, not by its text


def content_hash(title, body):
    """Return the key two copies of one text share: title and body folded, spaces squashed."""
    normalized = squash_spaces(fold_in_place(f"{title}\n{body}"))
    return hashlib.sha256(normalized.encode("utf-8")).hexdigest()


# Whether a text is already in the archive, and which slugs its title's slug would clash with:
# one round trip (the importer asks it for every text).
_LOOKUP_SQL = """
SELECT
    (SELECT id FROM archive_document
     WHERE content_hash = %(digest)s OR (%(url)s <> '' AND source_url = %(url)s)
     ORDER BY id LIMIT 1),
    (SELECT p.document_ptr_id FROM archive_plan AS p JOIN archive_document AS d
       ON d.id = p.document_ptr_id
     WHERE p.number_normalized = %(number)s AND p.number_year IS NOT DISTINCT FROM %(year)s
       AND (p.issuer_id = %(issuer)s
            -- No issuer known: one plan if of the same provinces (87/KH-UBND of Hòa Bình is
            -- not Yên Bái's, whose issuers the catalogue may both lack); none read, not one.
            OR %(issuer)s IS NULL AND p.issuer_id IS NULL AND %(provinces)s::bigint[] <> '{}'
               AND d.facet_provinces @> %(provinces)s::bigint[]
               AND d.facet_provinces <@ %(provinces)s::bigint[])
     ORDER BY 1 LIMIT 1),
    ARRAY(SELECT slug FROM archive_document WHERE slug LIKE %(prefix)s)
"""


def _lookup(extraction, digest, slug=None):
    """Return (the document this text was already imported as, or None; whether it was found
    by the plan's number alone, not by the text or its address; the slugs taken that start
    with `slug`)."""
    own = extraction.own_number if extraction.kind == PLAN else None
    with connection.cursor() as cursor:
        cursor.execute(
            _LOOKUP_SQL,
            {
                "digest": digest,
                "url": extraction.source_url or "",
                "number": own.normalized if own else None,
                "year": own.year if own else None,
                "issuer": extraction.issuer.pk if own and extraction.issuer else None,
                "provinces": sorted({province.pk for province in extraction.provinces}),
                # "_" in a slug is a LIKE wildcard: a few more slugs may come back, which only
                # the exact comparison in unique_slug() decides about.
                "prefix": f"{slug}%" if slug else None,
            },
        )
        same_text, same_number, taken = cursor.fetchone()
    found = same_text or same_number
    # Only what the message and the links need: not the body nor the stored search vectors.
    duplicate = (
        Document.objects.only("id", "kind", "slug", "title").get(pk=found) if found else None
    )
    return duplicate, bool(same_number) and not same_text, set(taken)


def find_duplicate(extraction, digest):
    """Return (the document this text was already imported as, or None; whether it was found
    by the plan's number alone)."""
    return _lookup(extraction, digest)[:2]


def slug_for(title):
    return vn_slugify(title)[:SLUG_MAX].strip("-") or "tai-lieu"


def unique_slug(base, taken):
    """Return a slug no document has yet: the title's, or "...-2" when it is taken."""
    if base not in taken:
        return base
    suffix = 2
    while f"{base}-{suffix}" in taken:
        suffix += 1
    return f"{base}-{suffix}"


def _build(extraction, status, source_url, digest, slug):
    common = {
        "title": extraction.title[:500],
        "slug": slug,
        "summary": extraction.summary,
        "body": extraction.body_text,
        "date": extraction.date.date if extraction.date else None,
        "date_precision": extraction.date.precision if extraction.date else Precision.DAY,
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
            signer=extraction.signer[:200],
        )
    return Article(**common, author=extraction.author[:200], publication=extraction.publication)


# A document is written in two statements (instead of four to six): its tags and links, then
# its row and its kind's row, each part a data-modifying CTE. The tag tables' refresh trigger
# (migration 0004) fires at the end of the first, while the document row does not exist yet, and
# skips the refresh (migration 0011); the row is written complete, with the arrays the refresh
# would compute.
# Foreign keys are checked at commit.
_TAG_INSERTS = [
    f"INSERT INTO {table} (document_id, {column}) SELECT %s, unnest(%s::bigint[])"
    for table, column in (
        ("archive_document_provinces", "province_id"),
        ("archive_document_agencies", "agency_id"),
        ("archive_document_objectives", "gcmobjective_id"),
    )
]


def _insert(model, objects):
    """Return (sql, params) of the INSERT that save()/bulk_create() would run on model's table.

    Django's own compiler writes it from the model (columns, auto_now dates, value conversion),
    so the statement follows the model as save() does. A one-row statement (a document, its
    kind's row) is written once per model; each document then only converts its values, as the
    compiler does for a plain value.
    """
    fields = [
        field
        for field in model._meta.local_concrete_fields
        if not field.generated
        # An id still to be given by the sequence (a link's) is left out, as bulk_create does.
        and not (field is model._meta.auto_field and getattr(objects[0], field.attname) is None)
    ]
    if len(objects) > 1:  # several rows: the compiler sends them as column arrays (UNNEST)
        return _compiled_insert(model, fields, objects)
    sql = _one_row_insert_sql(model, tuple(fields))
    database = connections[DEFAULT_DB_ALIAS]
    # SQLInsertCompiler.prepare_value(field, pre_save_val(field, obj)) for a plain value.
    return sql, [
        field.get_db_prep_save(field.pre_save(objects[0], True), database) for field in fields
    ]


def _compiled_insert(model, fields, objects):
    query = InsertQuery(model)
    query.insert_values(fields, objects)
    [(sql, params)] = query.get_compiler(DEFAULT_DB_ALIAS).as_sql()
    return sql, list(params)


@functools.cache
def _one_row_insert_sql(model, fields):
    blank = model(**{field.attname: None for field in fields})
    query = InsertQuery(model)
    query.insert_values(list(fields), [blank], raw=True)  # raw: no auto_now on the blank row
    [(sql, _params)] = query.get_compiler(DEFAULT_DB_ALIAS).as_sql()
    return sql


def _one_statement(statements):
    """Return [(sql, params)...] as one statement: each a data-modifying CTE."""
    sql = ", ".join(f"write_{n} AS ({sql})" for n, (sql, _params) in enumerate(statements))
    return f"WITH {sql} SELECT 1", [param for _sql, params in statements for param in params]


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


def _apply_number(extraction, parsed, catalogue):
    """Make `parsed` the plan's own number, its type the number's (a number typed or corrected
    in the review form: the header read may have had none, or a wrong one)."""
    if extraction.own_number and extraction.own_number.normalized == parsed.normalized:
        return
    extraction.own_number = NumberFound(
        number=str(parsed),
        normalized=parsed.normalized,
        type=parsed.type_name or "",
        issuer=parsed.issuer,
        year=None,  # apply_edits gives it: the number's own, or its date's
        own=True,
    )
    # The number's type when it names one ("KH"); the header's type name otherwise.
    extraction.document_type = catalogue.document_type(parsed, None) or extraction.document_type


def _check_plan(plan):
    """Check what Plan.clean() would of a number, without its queries: that it parses (it was
    found in the text, and looked up by find_duplicate) and its type against the document
    type. Not the dates: a text read with a date in the future or of another year than its
    number's is still kept, as a draft, and its form in the admin refuses it until corrected."""
    parsed = plan.parsed_number
    if parsed is None:
        raise IngestError(_("Số, ký hiệu «%(number)s» không hợp lệ.") % {"number": plan.number})
    chosen = plan.document_type.abbreviation if plan.document_type else ""
    if chosen and parsed.form == parsed.OFFICIAL_LETTER:
        raise IngestError(untyped_number_error(parsed, plan.document_type))
    if chosen and parsed.type_abbreviation and chosen != parsed.type_abbreviation:
        raise IngestError(other_type_error(parsed, plan.document_type))


def _save(document, extraction, catalogue):
    """Write the document, its tags, its kind's row and its links (two statements)."""
    if document.kind == PLAN:
        _check_plan(document)
    held = catalogue.objectives
    provinces = list({p.pk: p for p in extraction.provinces}.values())
    agency_ids = list(dict.fromkeys(a.pk for a in extraction.agencies))
    objective_ids = list(dict.fromkeys(held[n].pk for n in extraction.objectives if n in held))
    document.id = document.document_ptr_id = _next_document_id()
    _set_facet_arrays(document, provinces, agency_ids, objective_ids)
    # What save() does before writing: NFC text, and a plan's canonical number.
    document.normalize_text()
    if document.kind == PLAN:
        document.derive_number_fields()
    tags_and_links = [
        (sql, [document.id, ids])
        for sql, ids in zip(
            _TAG_INSERTS, ([p.pk for p in provinces], agency_ids, objective_ids), strict=True
        )
    ]
    if links := _links(document, extraction):
        # No ON CONFLICT: the links' unique constraint is checked at commit (migration 0033),
        # which PostgreSQL does not take as an arbiter.
        tags_and_links.append(_insert(DocumentLink, links))
    with connection.cursor() as cursor:
        cursor.execute(*_one_statement(tags_and_links))
        cursor.execute(
            *_one_statement([_insert(Document, [document]), _insert(type(document), [document])])
        )
    document._state.adding = False


def _set_facet_arrays(document, provinces, agency_ids, objective_ids):
    """Give the row the arrays the tag tables' refresh would compute (migration 0004), as
    generate_corpus does with COPY: it is written once (a test checks they are equal)."""
    document.facet_provinces = sorted(p.pk for p in provinces)
    document.facet_units = sorted(
        {p.pk for p in provinces} | {p.merged_into_id for p in provinces if p.merged_into_id}
    )
    document.facet_agencies = sorted(agency_ids)
    document.facet_objectives = sorted(objective_ids)
    document.facet_doc_type = getattr(document, "document_type_id", None)


def _links(document, extraction):
    """Return the links the extraction proposes to documents the archive holds, each once (a
    new document has no link yet: the proposals' own repeats are all there is to leave out)."""
    links = {}
    for link in extraction.links:
        if link.target:
            links.setdefault((link.relation, link.target["id"]), link)
    return [
        DocumentLink(
            source_id=document.id, relation=relation, target_id=target, note=link.note[:300]
        )
        for (relation, target), link in links.items()
    ]


def _duplicate(extraction, duplicate, by_number):
    # Named by its title: its id meant nothing to an editor, whose review links to it.
    named = {"title": duplicate.title}
    if by_number and extraction.issuer:
        # Another text: the number may be mistyped (the admin's review says so).
        message = _(
            "Số, ký hiệu %(number)s của cơ quan ban hành này, cùng năm, đã có trong lưu trữ: "
            "«%(title)s»; không nhập lại."
        ) % {**named, "number": extraction.own_number.number}
    elif by_number:  # no issuer known: a plan of the same provinces (_LOOKUP_SQL)
        message = _(
            "Số, ký hiệu %(number)s, cùng năm và cùng tỉnh, thành phố, đã có trong lưu trữ: "
            "«%(title)s»; không nhập lại."
        ) % {**named, "number": extraction.own_number.number}
    else:
        message = _("Đã có trong lưu trữ: «%(title)s»; không nhập lại.") % named
    return ImportResult(DUPLICATE, extraction, duplicate, message, by_number=by_number)


def document_import(*, text, catalogue, source_url="", publish=False, dry_run=False, edits=None):
    """Import one NFC text as a draft (or published) document; return an ImportResult.

    `edits` (from the admin's review form) override what was extracted: title, kind, a plan's
    number and issuer, date, provinces, agencies, objectives and the chosen links. Raises
    IngestError for a text that cannot become a document.
    """
    extraction = extract(text, catalogue)
    # The text's, as read: an editor's corrected title gave a second import of the same text
    # another hash, and a second draft (the review looks the text up as read).
    digest = content_hash(extraction.title, extraction.body_text)
    if edits:
        apply_edits(extraction, edits, catalogue)
    if not extraction.title.strip():
        raise IngestError(_("Không tìm thấy tiêu đề (dòng đầu tiên có chữ)."))
    if not extraction.body and extraction.kind != PLAN:
        raise IngestError(_("Văn bản chỉ có tiêu đề, không có nội dung."))
    if source_url:
        extraction.source_url = source_url
    if dry_run:
        duplicate, by_number, _taken = _lookup(extraction, digest)
        if duplicate:
            return _duplicate(extraction, duplicate, by_number)
        return ImportResult(DRY_RUN, extraction)
    status = Document.Status.PUBLISHED if publish else Document.Status.DRAFT
    try:
        with transaction.atomic():
            # Two imports of one text at once (parallel workers, two editors) must not both
            # find no duplicate, nor two texts of one title both take its next free slug
            # ("...-3"): the second waits here until the first commits.
            slug = slug_for(extraction.title)
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pg_advisory_xact_lock(hashtextextended(%s, 0)),"
                    " pg_advisory_xact_lock(hashtextextended(%s, 0))",
                    [digest, f"slug:{slug}"],
                )
            duplicate, by_number, taken = _lookup(extraction, digest, slug)
            if duplicate:
                return _duplicate(extraction, duplicate, by_number)
            document = _build(extraction, status, source_url, digest, unique_slug(slug, taken))
            _save(document, extraction, catalogue)
    except ValidationError as error:
        raise IngestError(" ".join(error.messages)) from error
    except IntegrityError as error:
        raise IngestError(_("Không lưu được: %(error)s") % {"error": error}) from error
    catalogue.remember(document)
    return ImportResult(IMPORTED, extraction, document, _("Đã nhập thành bản nháp."))


def apply_edits(extraction, edits, catalogue):
    """Replace extracted fields with an editor's corrections (those `edits` holds)."""
    for name in ("title", "kind", "provinces", "agencies", "author", "publication", "signer"):
        if name in edits:
            setattr(extraction, name, edits[name])
    if "summary" in edits:
        extraction.summary_edited = edits["summary"]
    if "date" in edits:  # first: a number's year follows its date
        extraction.date = edits["date"]
    if edits.get("number"):
        _apply_number(extraction, parse_number(edits["number"]), catalogue)
    if extraction.own_number:
        # The year the duplicate lookup and the unique constraint read: the number's own, or
        # its date's, as Plan.derive_number_fields() stores it (the date may just be edited).
        parsed = parse_number(extraction.own_number.number)
        extraction.own_number.year = parsed.year or (
            extraction.date.year if extraction.date else None
        )
    if "issuer" in edits:
        extraction.issuer = edits["issuer"]
        if extraction.own_number:
            extraction.own_number.issuer_agency = edits["issuer"]
        if edits["issuer"] and edits["issuer"] not in extraction.agencies:
            extraction.agencies.insert(0, edits["issuer"])
    if "objectives" in edits:
        extraction.objectives = {number: [] for number in edits["objectives"]}
    if "links" in edits:
        chosen = set(edits["links"])
        extraction.links = [link for link in extraction.links if link.key in chosen]
