"""The synthetic corpus and the facet arrays the database keeps: consistent, deterministic."""

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from archive.management.commands import generate_corpus
from archive.management.commands.bootstrap import FIXTURES
from archive.management.commands.generate_corpus import FACET_TRIGGER_TABLES
from archive.models import SEARCH_INDEX, Document, Plan, Province
from archive.numbers import parse_number

from .factories import AgencyFactory, PlanFactory, ProvinceFactory

pytestmark = pytest.mark.django_db

ARRAYS_FROM_JOIN_TABLES = """
SELECT d.id,
       d.facet_provinces = ARRAY(SELECT province_id FROM archive_document_provinces WHERE document_id = d.id ORDER BY 1),
       d.facet_agencies = ARRAY(SELECT agency_id FROM archive_document_agencies WHERE document_id = d.id ORDER BY 1),
       d.facet_objectives = ARRAY(SELECT gcmobjective_id FROM archive_document_objectives WHERE document_id = d.id ORDER BY 1),
       d.facet_doc_type IS NOT DISTINCT FROM (SELECT document_type_id FROM archive_plan WHERE document_ptr_id = d.id)
FROM archive_document d
"""


def arrays_match_join_tables():
    with connection.cursor() as cursor:
        cursor.execute(ARRAYS_FROM_JOIN_TABLES)
        return all(all(row[1:]) for row in cursor.fetchall())


def test_arrays_follow_every_tag_change():
    old = ProvinceFactory(era="63", code="93", name="Hậu Giang", slug="hau-giang-truoc-2025")
    new = ProvinceFactory(era="34", code="92", name="Cần Thơ", slug="can-tho")
    agency = AgencyFactory()
    plan = PlanFactory(provinces=[old], agencies=[agency])
    plan.refresh_from_db()
    assert (plan.facet_provinces, plan.facet_units, plan.facet_agencies) == (
        [old.pk],
        [old.pk],
        [agency.pk],
    )
    old.merged_into = new
    old.save()
    plan.refresh_from_db()
    assert plan.facet_units == sorted([old.pk, new.pk])
    plan.provinces.clear()
    plan.refresh_from_db()
    assert (plan.facet_provinces, plan.facet_units) == ([], [])
    assert arrays_match_join_tables()


def test_one_statement_refreshes_every_document_it_tags():
    """The refresh keeps one plan for any number of documents (migration 0010): a statement
    tagging many documents, and a merger reaching all of them, refresh each one."""
    old = ProvinceFactory(era="63", code="93", name="Hậu Giang", slug="hau-giang-truoc-2025")
    new = ProvinceFactory(era="34", code="92", name="Cần Thơ", slug="can-tho")
    plans = [PlanFactory(number=f"{n}/KH-UBND") for n in range(1, 13)]
    Tag = Document.provinces.through
    Tag.objects.bulk_create([Tag(document_id=plan.pk, province_id=old.pk) for plan in plans])
    old.merged_into = new
    old.save()
    refreshed = Document.objects.filter(pk__in=[plan.pk for plan in plans])
    assert {(tuple(d.facet_provinces), tuple(d.facet_units)) for d in refreshed} == {
        ((old.pk,), tuple(sorted([old.pk, new.pk])))
    }
    assert arrays_match_join_tables()


def test_saving_a_document_never_overwrites_its_arrays():
    agency = AgencyFactory()
    plan = PlanFactory(agencies=[agency])
    stale = Plan.objects.get(pk=plan.pk)
    stale.facet_agencies = []
    stale.title = "Đổi tiêu đề"
    stale.save()
    plan.refresh_from_db()
    assert (plan.title, plan.facet_agencies) == ("Đổi tiêu đề", [agency.pk])


def test_fixtures_reloaded_keep_the_arrays():
    call_command("loaddata", FIXTURES / "reference.json", FIXTURES / "demo.json", verbosity=0)
    call_command("loaddata", FIXTURES / "reference.json", FIXTURES / "demo.json", verbosity=0)
    assert (
        Document.objects.exclude(facet_agencies=[]).count()
        == Document.objects.filter(agencies__isnull=False).distinct().count()
    )
    assert arrays_match_join_tables()


@pytest.fixture
def corpus():
    call_command("loaddata", FIXTURES / "reference.json", FIXTURES / "demo.json", verbosity=0)
    call_command("generate_corpus", documents=120, seed=3, no_progress=True)


def test_generated_corpus_is_complete_and_consistent(corpus):
    assert Document.objects.count() == 23 + 120
    kinds = set(Document.objects.values_list("kind", flat=True))
    assert kinds == {"plan", "conference", "article"}
    assert arrays_match_join_tables()
    for plan in Plan.objects.all():
        assert parse_number(plan.number).normalized == plan.number_normalized == plan.search_number
    old_units = set(Province.objects.filter(era="63").values_list("pk", flat=True))
    for document in Document.objects.filter(date__gte="2025-07-01").exclude(facet_provinces=[]):
        assert not set(document.facet_provinces) & old_units  # after the merger, only the 34 units
    assert Document.objects.search("di cư").count() > 0


def test_same_seed_same_corpus(corpus):
    generated = Document.objects.filter(slug__regex=r"^(plan|conference|article)-[0-9]+$").order_by(
        "pk"
    )
    first = list(generated.values_list("title", "date", "kind", "body"))
    assert len(first) == 120
    generated.delete()
    call_command("generate_corpus", documents=120, seed=3, no_progress=True)
    assert list(generated.values_list("title", "date", "kind", "body")) == first


def generated_corpus():
    """Every generated document as its rows say it: text, tags, kind's row and links."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT d.id, d.kind, d.title, d.date, d.body, d.facet_provinces, d.facet_agencies,
                   d.facet_objectives, p.number, p.issuer_id,
                   ARRAY(SELECT province_id FROM archive_document_provinces
                         WHERE document_id = d.id ORDER BY 1),
                   ARRAY(SELECT relation || '>' || target_id FROM archive_documentlink
                         WHERE source_id = d.id ORDER BY 1)
            FROM archive_document d LEFT JOIN archive_plan p ON p.document_ptr_id = d.id
            WHERE d.slug ~ '^(plan|conference|article)-[0-9]+$' ORDER BY d.id
            """
        )
        return cursor.fetchall()


def bulk_load_undone():
    """True when the document's indexes and the facet triggers are as a load found them."""
    declared = {index.name for index in Document._meta.indexes}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_indexes WHERE tablename = 'archive_document'"
            " AND indexname = ANY(%s)",
            [list(declared)],
        )
        indexed = cursor.fetchone()[0] == len(declared)
        cursor.execute(
            "SELECT count(*) FROM pg_trigger WHERE tgenabled = 'D' AND tgrelid = ANY(%s::regclass[])",
            [FACET_TRIGGER_TABLES],
        )
        return indexed and cursor.fetchone()[0] == 0


@pytest.mark.django_db(transaction=True)
def test_several_processes_copy_the_same_corpus_as_one():
    call_command("loaddata", FIXTURES / "reference.json", FIXTURES / "demo.json", verbosity=0)
    call_command("generate_corpus", documents=120, seed=3, jobs=1, no_progress=True)
    one = generated_corpus()
    Document.objects.filter(pk__in=[row[0] for row in one]).delete()

    call_command("generate_corpus", documents=120, seed=3, jobs=2, no_progress=True)

    assert generated_corpus() == one
    assert len(one) == 120 and any(row[-1] for row in one)  # links were copied too
    assert arrays_match_join_tables() and bulk_load_undone()
    assert Document.objects.search("di cư").count() > 100


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("failing", ["copy", "finish"])
def test_a_failed_parallel_load_leaves_the_archive_as_it_was(failing, monkeypatch):
    """A copying process failing (its batch of documents rejected), or the last step after
    every process has committed: the command says so and the archive is what it was."""
    call_command("loaddata", FIXTURES / "reference.json", FIXTURES / "demo.json", verbosity=0)
    before = Document.objects.count()
    last = Document.objects.order_by("-pk").values_list("pk", flat=True).first()
    monkeypatch.setattr(generate_corpus, "BATCH", 30)
    if failing == "copy":
        copy_rows = generate_corpus.copy_rows

        def rejecting(cursor, rows):
            if any(row["id"] == last + 100 for row in rows):
                raise ValueError("lô tài liệu bị từ chối")
            return copy_rows(cursor, rows)

        monkeypatch.setattr(generate_corpus, "copy_rows", rejecting)
    else:

        def finish(links):
            raise ValueError("hết chỗ trên đĩa")

        monkeypatch.setattr(generate_corpus, "finish", finish)

    with pytest.raises((CommandError, ValueError), match="từ chối|hết chỗ"):
        call_command("generate_corpus", documents=120, seed=3, jobs=2, no_progress=True)

    assert Document.objects.count() == before
    assert not Document.provinces.through.objects.filter(document_id__gt=last).exists()
    assert bulk_load_undone()


def test_the_vectors_are_stored_without_trying_to_compress_them():
    """Migration 0015: pglz never compresses a tsvector but tried each one; bodies still are."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attname, attstorage FROM pg_attribute WHERE attrelid = 'archive_document'"
            "::regclass AND attname IN ('search_vector', 'search_vector_exact', 'body')"
        )
        assert dict(cursor.fetchall()) == {
            "search_vector": "e",
            "search_vector_exact": "e",
            "body": "x",
        }


def search_index_options():
    with connection.cursor() as cursor:
        cursor.execute("SELECT reloptions FROM pg_class WHERE relname = %s", [SEARCH_INDEX])
        return cursor.fetchone()[0]


def test_the_search_index_keeps_a_short_pending_list():
    """Migration 0016: every search reads the GIN index's pending list in full."""
    assert search_index_options() == ["gin_pending_list_limit=1024"]


def test_the_corpus_rebuilds_the_search_index_as_the_model_declares_it(corpus):
    assert search_index_options() == ["gin_pending_list_limit=1024"]
    assert bulk_load_undone()
