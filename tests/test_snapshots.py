"""Search snapshots (archive/snapshots.py): an answer kept with its database snapshot and
corrected by the documents changed since is the answer computed now."""

import datetime
import json
import threading

import psycopg
import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from archive import filters, snapshots
from archive.models import Document, Province, SlowSearch

from .factories import ArticleFactory, ConferenceFactory, PlanFactory
from .test_search import corpus  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db

SEARCHES = [
    {"q": ["di cư"]},
    {"q": ["di cu"]},
    {"q": ['"mua bán"']},
    {"q": ["kế hoạch"], "agency": ["ubnd-hau-giang"]},
    {"q": ["di cư"], "province": ["can-tho"], "exact_province": ["true"]},
    {},
    {"province": ["can-tho"]},
    {"objective": ["10"], "sort": ["oldest"]},
]
# A snapshot of each search above also answers it narrowed by kind and year (its cells).
NARROWED = [
    {"kind": ["article"]},
    {"kind": ["plan"], "year": ["2020"]},
    {"kind": ["plan", "article"], "year": ["2020", "2024"]},
    {"year": ["2021"]},
    {"year": ["khong-ro"]},  # the undated documents (filters.UNKNOWN_YEAR)
    {"kind": ["conference", "article"], "year": ["2024", "khong-ro"]},
]


def agree(parameters):
    """Assert the snapshot's corrected answer is the answer computed now; return it."""
    filterset = snapshots.filterset_for(parameters)
    got = snapshots.answer(filterset)
    assert got is not None, "the snapshot was not used"
    expected = filters.compute_results(snapshots.filterset_for(parameters))
    assert (got["total"], got["counts"]) == (expected["total"], expected["counts"]), parameters
    # The ids the snapshot vouches for are the first ones of the computed order.
    assert got["ids"] == expected["ids"][: len(got["ids"])], parameters
    shown = got["ids"][: filters.CACHED_SNIPPETS]
    assert got["snippets"] == {pk: s for pk, s in expected["snippets"].items() if pk in shown}
    return got


def write_everything(docs):
    """Change the archive every way an editor or an importer does."""
    can_tho = Province.objects.get(slug="can-tho")
    PlanFactory(
        title="Kế hoạch mới về di cư an toàn",
        number="77/KH-UBND",
        date=datetime.date(2024, 2, 2),
        provinces=[can_tho],
        status=Document.Status.PUBLISHED,
    )
    ArticleFactory(
        title="Tin mới: mua bán người", date=datetime.date(2020, 1, 1), provinces=[can_tho]
    )
    ConferenceFactory(title="Hội thảo về di cư, chưa rõ ngày", date=None, provinces=[can_tho])
    retitled = docs["kh402"]
    retitled.title = "Kế hoạch phòng, chống di cư trái phép"
    retitled.save()  # now matches "di cư"
    docs["di_cu"].provinces.set([can_tho])  # the facet refresh rewrites the row's arrays
    docs["phrase"].delete()
    docs["draft"].status = Document.Status.PUBLISHED
    docs["draft"].save()
    docs["hoa_binh"].status = Document.Status.DRAFT
    docs["hoa_binh"].save()


def another_transaction_commits():
    """Let a later transaction than this test's own commit: this test's transaction is then
    below the xmax of its own snapshots, yet missing from their list of running ones."""
    with psycopg.connect(**connection.get_connection_params(), autocommit=True) as other:
        other.execute("SELECT pg_current_xact_id()")


def test_every_kind_of_write_is_corrected_exactly(corpus):  # noqa: F811
    another_transaction_commits()
    ConferenceFactory(title="Diễn đàn di cư quốc tế", date=None, place="New York")  # no year
    for parameters in SEARCHES:
        snapshots.build(snapshots.filterset_for(parameters))
    for parameters in SEARCHES:
        assert agree(parameters) == filters.compute_results(snapshots.filterset_for(parameters))
        for narrowed in NARROWED:
            agree(parameters | narrowed)
    write_everything(corpus)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(DISTINCT document_id) FROM archive_search_change")
        assert cursor.fetchone()[0] >= 7
    for parameters in SEARCHES:
        for narrowed in [{}, *NARROWED]:
            agree(parameters | narrowed)


def test_a_snapshot_is_built_without_kind_and_year(corpus):  # noqa: F811
    with pytest.raises(ValueError):
        snapshots.build(snapshots.filterset_for({"q": ["di cư"], "year": ["2020"]}))


def test_the_first_ids_stop_where_the_snapshot_no_longer_vouches(corpus, monkeypatch):  # noqa: F811
    # Snapshots listing the first 2 of all documents and the first 1 of each kind and year.
    monkeypatch.setattr(filters, "CACHED_IDS", 2)
    monkeypatch.setattr(snapshots, "CELL_IDS", 1)
    snapshots.build(snapshots.filterset_for({}))
    newest = snapshots.filterset_for({}).qs.latest_first()[0]
    assert newest.kind == "article"
    newest.date = datetime.date(2001, 1, 1)
    newest.save()  # the first of both lists becomes the oldest
    # What follows a list's last unchanged document is not known: the answer stops there.
    assert len(agree({})["ids"]) == 1
    assert agree({"kind": ["article"]})["ids"] == []
    corpus["kh402"].date = datetime.date(2026, 1, 1)
    corpus["kh402"].save()  # now the newest: placed before the listed one
    assert agree({})["ids"][0] == corpus["kh402"].pk
    assert len(agree({})["ids"]) == 2


def test_a_narrowed_search_is_read_from_the_cells(corpus, monkeypatch):  # noqa: F811
    # Each cell lists its first document only: a search narrowed to several cells is the
    # cells' first documents in the order of the whole search (their places), as far as they
    # vouch for it. The first page is one document: a narrowed search shows another document
    # than the whole search, its snippet kept with its cell.
    monkeypatch.setattr(snapshots, "CELL_IDS", 1)
    monkeypatch.setattr(filters, "CACHED_SNIPPETS", 1)
    for parameters in SEARCHES:
        snapshots.build(snapshots.filterset_for(parameters))
    for parameters in SEARCHES:
        for narrowed in [{"kind": ["plan", "article"]}, {"year": ["2020", "2024", "2025"]}]:
            filterset = snapshots.filterset_for(parameters | narrowed)
            with CaptureQueriesContext(connection) as statements:
                snapshots.answer(filterset)
            # Read from the snapshot: nothing ranked or highlighted.
            assert not any(
                "ts_rank" in query["sql"] or "ts_headline" in query["sql"]
                for query in statements.captured_queries
            )
            agree(parameters | narrowed)
    # Two cells' only matches, the later one's first (by pk they would come the other way).
    assert len(agree({"q": ['"mua bán"'], "kind": ["plan", "article"]})["ids"]) == 2


def test_a_snapshot_with_too_many_changes_is_left_aside(corpus, monkeypatch):  # noqa: F811
    another_transaction_commits()
    filterset = snapshots.filterset_for({"q": ["di cư"]})
    snapshots.build(filterset)
    monkeypatch.setattr(snapshots, "MAX_CHANGED", 1)
    ArticleFactory(title="Di cư 1", status="published")
    assert snapshots.answer(filterset) is not None
    ArticleFactory(title="Di cư 2", status="published")
    assert snapshots.answer(filterset) is None


def test_the_log_keeps_what_a_snapshot_has_not_seen(corpus):  # noqa: F811
    def logged():
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM archive_search_change")
            return cursor.fetchone()[0]

    assert logged() == 0  # no snapshot: nothing is logged
    snapshots.build(snapshots.filterset_for({}))
    Document.objects.filter(pk=corpus["kh402"].pk).update(title=F("title"))  # the same row
    assert logged() == 0
    write_everything(corpus)
    kept = logged()
    assert kept > 0 and snapshots.prune() == 0 and logged() == kept
    snapshots.build(snapshots.filterset_for({}))  # built again: it has seen them all
    assert snapshots.prune() == kept and logged() == 0
    agree({})


PRUNING = "hashtext('archive_search_snapshot')"  # the lock prune() takes alone


@pytest.mark.django_db(transaction=True)
def test_an_answer_and_a_prune_do_not_overlap(corpus):  # noqa: F811
    """prune() deletes log entries: run between an answer's reading of the changed ids and of
    their past rows, it left their present counts added and their past ones not taken away
    (4 documents found of 3, cached until the next write)."""
    filterset = snapshots.filterset_for({"q": ["di cư"]})
    snapshots.build(filterset)
    with psycopg.connect(**connection.get_connection_params(), autocommit=True) as other:
        other.execute(f"SELECT pg_advisory_lock({PRUNING})")  # a prune under way
        with transaction.atomic():
            assert snapshots.answer(filterset) is None  # computed instead, not waited for
        other.execute(f"SELECT pg_advisory_unlock({PRUNING})")
        with transaction.atomic():
            assert snapshots.answer(filterset) is not None
            # Until the search's transaction ends, a prune waits.
            (pruned,) = other.execute(f"SELECT pg_try_advisory_lock({PRUNING})").fetchone()
            assert not pruned


def test_the_command_builds_the_common_searches_and_the_page_reads_them(client, corpus):  # noqa: F811
    call_command("build_search_snapshots", "--share", "0.3", "--phrases", "3", verbosity=0)
    searches = snapshots.common_searches(0.3, 3)
    assert {"province": ["can-tho"]} in searches and {} in searches
    assert {"q": ['"di cư"']} in searches  # the commonest phrase of the titles
    assert {"q": ["di cư"]} in searches and {"q": ["di cu"]} in searches  # as people type it
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM archive_search_snapshot")
        assert cursor.fetchone()[0] == len(searches)
        # The page answers from the snapshot: a cell's total changed there is what it shows.
        key = snapshots.key_for({"kind": ["plan"]})
        cursor.execute("SELECT results FROM archive_search_snapshot WHERE key = %s", [key])
        cells = json.loads(cursor.fetchone()[0])["cells"]
        place, (kind, year) = next((i, c[:2]) for i, c in enumerate(cells) if c[1])
        cursor.execute(
            "UPDATE archive_search_snapshot "
            "SET results = jsonb_set(results, %s, '999') WHERE key = %s",
            [f"{{cells,{place},2}}", key],
        )
    narrowed = client.get(reverse("archive:api-search"), {"kind": kind, "year": year})
    assert narrowed.json()["count"] == 999
    # Every search a snapshot was built for answers as it is computed, narrowed or not.
    for parameters in searches:
        if parameters:
            agree(parameters)
            agree(parameters | {"kind": ["plan"], "year": ["2020"]})


def test_title_phrases_count_every_title_and_break_ties_by_the_phrase():
    # Written so that the order the rows lie in favours the wrong answer: the tied phrase
    # read first is the later one alphabetically, and the commonest is read last.
    titles = ["Xuất cảnh trái phép", "Hồi hương tự nguyện", "Xuất cảnh trái phép"]
    for n, title in enumerate(titles + ["Mua bán người"] * 3):
        ArticleFactory(title=title, slug=f"bai-{n}")
    assert snapshots.title_phrases(3) == ["bán người", "mua bán", "cảnh trái"]
    assert snapshots.title_phrases(5)[3:] == ["trái phép", "xuất cảnh"]


def test_a_slow_search_is_noted_and_built_with_the_common_ones(client, corpus, monkeypatch):  # noqa: F811
    search = {"q": "người di cư", "province": "can-tho", "kind": "plan", "year": "2020"}
    client.get(reverse("archive:search"), search)
    assert not SlowSearch.objects.exists()  # fast: no write

    monkeypatch.setattr(snapshots, "SLOW_SECONDS", 0)
    client.get(reverse("archive:search"), search | {"page": "2"})  # cached: not computed
    client.get(reverse("archive:search"), search | {"year": "2021"})
    client.get(reverse("archive:api-search"), search | {"kind": "article"})
    slow = SlowSearch.objects.get()  # one search, but for its kind and year (the cells')
    parameters = {"q": ["người di cư"], "province": ["can-tho"]}
    assert (slow.parameters, slow.query, slow.count) == (parameters, "người di cư", 2)
    gone = SlowSearch.objects.create(
        key="gone",
        parameters={"province": ["no-longer"]},
        seconds=1,
        last_searched=slow.last_searched,
    )

    call_command("build_search_snapshots", "--share", "1.1", "--phrases", "0", verbosity=0)
    agree(parameters)
    agree(parameters | {"kind": ["article"], "year": ["2024"]})
    assert gone.parameters not in snapshots.with_slow_searches([])  # left out, not an error
    call_command(
        "build_search_snapshots", "--share", "1.1", "--phrases", "0", "--slow", "0", verbosity=0
    )
    assert snapshots.answer(snapshots.filterset_for(parameters)) is None


def test_a_search_naming_a_number_is_never_a_snapshot(client, corpus, monkeypatch):  # noqa: F811
    """It follows links (search._found_tiers), which the log of document rows does not see."""
    monkeypatch.setattr(snapshots, "SLOW_SECONDS", 0)
    for q in ("402/QĐ-TTg di cư", "QĐ 402 di cư", "1614", "402 người"):
        client.get(reverse("archive:search"), {"q": q})
        assert not SlowSearch.objects.exists(), q
        filterset = snapshots.filterset_for({"q": [q]})
        snapshots.build(filterset)
        assert snapshots.answer(filterset) is None, q
    assert snapshots.answer(snapshots.filterset_for({"q": ["di cư"]})) is None  # none built
    # Noted before such searches were left to be computed: not built each night for nothing.
    noted = {"q": ["402 người"]}
    SlowSearch.objects.create(key="k", parameters=noted, seconds=1, last_searched=timezone.now())
    assert snapshots.with_slow_searches([]) == []
    snapshots.build(snapshots.filterset_for({"q": ["di cư"]}))
    assert snapshots.answer(snapshots.filterset_for({"q": ["di cư"]})) is not None


def test_slow_searches_are_listed_in_the_admin(admin_client, corpus):  # noqa: F811
    when = "2026-11-01T08:00:00Z"
    made = {"q": ["người di cư"], "province": ["can-tho"]}
    SlowSearch.objects.create(
        key="a", query="người di cư", parameters=made, seconds=1.2, count=3, last_searched=when
    )
    SlowSearch.objects.create(
        key="b", parameters={"objective": ["10"]}, seconds=0.5, last_searched=when
    )
    page = admin_client.get(reverse("admin:archive_slowsearch_changelist")).content.decode()
    assert page.index("người di cư") < page.index("(duyệt, không từ khoá)")  # most often first
    assert "Tỉnh, thành phố: can-tho" in page and "Mục tiêu GCM: 10" in page and "1,20 giây" in page
    opened = admin_client.get(SlowSearch.objects.get(key="a").get_absolute_url())
    assert opened.status_code == 200
    assert opened.context["filterset"].form.cleaned_data["q"] == "người di cư"
    assert [p.slug for p in opened.context["filterset"].form.cleaned_data["province"]] == [
        "can-tho"
    ]


@pytest.mark.django_db(transaction=True)
def test_a_writer_still_running_when_the_snapshot_is_taken_is_corrected_for(corpus):  # noqa: F811
    snapshots.build(snapshots.filterset_for({}))  # logging is on from the first snapshot
    parameters = {"q": ["di cư"]}
    with psycopg.connect(**connection.get_connection_params()) as other:
        other.execute(
            "UPDATE archive_document SET title = 'Kế hoạch chống di cư trái phép' WHERE id = %s",
            [corpus["kh402"].pk],
        )
        # Built alone, in a REPEATABLE READ snapshot that does not see the running writer...
        snapshots.build(snapshots.filterset_for(parameters))
        other.commit()
    # ...which commits afterwards: its change is after the snapshot.
    got = agree(parameters)
    assert corpus["kh402"].pk in got["ids"]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT results FROM archive_search_snapshot WHERE key = %s",
            [snapshots.key_for(parameters)],
        )
        cells = json.loads(cursor.fetchone()[0])["cells"]
        assert sum(total for _kind, _year, total, *_rest in cells) == got["total"] - 1


@pytest.mark.django_db(transaction=True)
def test_the_first_snapshot_waits_for_writers_that_did_not_log(corpus):  # noqa: F811
    with psycopg.connect(**connection.get_connection_params()) as other:
        # No snapshot yet: this change is not logged, and its writer is still running.
        other.execute(
            "UPDATE archive_document SET title = 'Kế hoạch chống di cư trái phép' WHERE id = %s",
            [corpus["kh402"].pk],
        )
        with pytest.raises(snapshots.WritersStillRunning):
            snapshots.start_logging(wait=0.3)
        with pytest.raises(snapshots.WritersStillRunning):  # not once the row is there either
            snapshots.build(snapshots.filterset_for({"q": ["di cư"]}), wait=0.3)
        other.commit()
    snapshots.build(snapshots.filterset_for({"q": ["di cư"]}))
    assert corpus["kh402"].pk in agree({"q": ["di cư"]})["ids"]


@pytest.mark.django_db(transaction=True)
def test_the_first_snapshot_does_not_wait_for_other_databases(corpus):  # noqa: F811
    elsewhere = connection.get_connection_params() | {"dbname": "postgres"}
    with psycopg.connect(**elsewhere) as other:
        other.execute("SELECT pg_current_xact_id()")  # a transaction with an id, left running
        snapshots.start_logging(wait=0.3)  # no WritersStillRunning: it writes elsewhere
    with psycopg.connect(**connection.get_connection_params()) as here:
        here.execute("SELECT pg_current_xact_id()")
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM archive_search_snapshot")  # no snapshot yet again
        with pytest.raises(snapshots.WritersStillRunning):
            snapshots.start_logging(wait=0.3)


@pytest.mark.django_db(transaction=True)
def test_two_first_builds_at_once_both_keep_their_snapshot(corpus, monkeypatch):  # noqa: F811
    """`build_search_snapshots --jobs 2` on an archive without snapshots: two builders each
    turned the logging on, and the one committing second must not fail on the marker row."""
    computed, go_on = threading.Event(), threading.Event()
    compute = snapshots._compute

    def first_waits(filterset):
        answer = compute(filterset)
        if threading.current_thread() is not threading.main_thread():
            computed.set()
            go_on.wait(10)
        return answer

    monkeypatch.setattr(snapshots, "_compute", first_waits)
    errors = []

    def first():
        try:
            snapshots.build(snapshots.filterset_for({"q": ["di cư"]}))
        except Exception as error:  # noqa: BLE001 (reported by the assertion below)
            errors.append(error)
        finally:
            connection.close()

    thread = threading.Thread(target=first)
    thread.start()
    assert computed.wait(10)
    snapshots.build(snapshots.filterset_for({}))  # the second builder, done while the first runs
    go_on.set()
    thread.join()
    assert errors == []
    agree({"q": ["di cư"]})
    agree({})
