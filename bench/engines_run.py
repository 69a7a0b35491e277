"""Run every engine on the corpus's query set and gather timings, ratios and quality."""

import tempfile
import time
from contextlib import contextmanager, nullcontext
from unittest import mock

from django.db import connection, transaction
from django.test import override_settings

from archive import snapshots, workers
from archive.models import SEARCH_INDEX, SlowSearch

from . import http, measure
from .textbook import textbook_search

DOCUMENTS_SQL = """
SELECT d.id, d.kind, d.title, coalesce(p.number, ''), d.search_number, d.summary, d.body,
       extract(year FROM d.date)::int,
       ARRAY(SELECT pr.slug FROM archive_document_provinces dp
             JOIN archive_province pr ON pr.id = dp.province_id
             WHERE dp.document_id = d.id),
       ARRAY(SELECT a.slug FROM archive_document_agencies da
             JOIN archive_agency a ON a.id = da.agency_id
             WHERE da.document_id = d.id),
       ARRAY(SELECT o.number::text FROM archive_document_objectives do_ JOIN archive_gcmobjective o
             ON o.id = do_.gcmobjective_id WHERE do_.document_id = d.id),
       coalesce(t.slug, '')
FROM archive_document d
LEFT JOIN archive_plan p ON p.document_ptr_id = d.id
LEFT JOIN archive_documenttype t ON t.id = p.document_type_id
WHERE d.status = 'published'
ORDER BY d.id
"""
FIELDS = [
    "id",
    "kind",
    "title",
    "number",
    "number_normalized",
    "summary",
    "body",
    "year",
    "provinces",
    "agencies",
    "objectives",
    "doc_type",
]


def documents():
    """Stream every published document as the dict the comparison engines index."""
    # A server-side cursor lives in a transaction.
    with transaction.atomic(), connection.connection.cursor(name="bench_documents") as cursor:
        cursor.itersize = 5000
        cursor.execute(DOCUMENTS_SQL)
        for row in cursor:
            yield dict(zip(FIELDS, row, strict=True))


# `ours` is timed cold, with no results cache, as a deployment runs it: the common searches
# answered from their snapshots (archive/snapshots.py, built once like an index), every other
# search counted and ranked. `ours_live` switches the snapshots off (every search computed);
# `ours_after_writes` times `ours` after CHANGED documents were rewritten since the snapshots,
# in a transaction rolled back afterwards. `ours_cached` times the page answered from the
# results cache, as a repeated search is in production.
NO_CACHE = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
OURS = ("ours", "ours_live", "ours_after_writes", "ours_cached")
CHANGED = 1000


@contextmanager
def without_snapshots():
    with mock.patch.object(snapshots, "answer", lambda filterset: None):
        yield


@contextmanager
def changed_since_snapshots(documents=CHANGED):
    """Rewrite the title and move the date a year of `documents` published documents (a fixed
    draw), in a transaction rolled back at the end."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            # A year, not 366 days: a date known by its month stays its month's first day.
            "UPDATE archive_document SET title = title || ' (sửa đổi)', "
            "date = (date + interval '1 year')::date "
            "WHERE id IN (SELECT id FROM archive_document WHERE status = 'published' "
            "ORDER BY md5(id::text) LIMIT %s)",
            [documents],
        )
        yield
        transaction.set_rollback(True)
    # The rewritten rows' lexemes stay queued in the search index's pending list, rolled back or
    # not, and every later search would read them (migration 0016): merge them, so the engines
    # and runs after this one find the archive as it was built.
    with connection.cursor() as cursor:
        cursor.execute("SELECT gin_clean_pending_list(%s)", [SEARCH_INDEX])


def ensure_snapshots(share, queries=None):
    """Build the snapshots of the common searches unless they are there (in as many processes
    as the command starts); return how many there are and the wall time their builds took.

    With queries, only the common searches among them: a search's answer reads its own
    snapshot alone, so they are timed as with every snapshot built (at a million documents the
    full build takes hours).
    """
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM archive_search_snapshot")
        built = cursor.fetchone()[0]
    if not built:
        searches = snapshots.common_searches(share)
        if queries is not None:
            asked = {snapshots.key_for(measure.parameters(q, f)) for _klass, q, f in queries}
            searches = [s for s in searches if snapshots.key_for(s) in asked]
        # Not inside the cursor's block: the worker pool closes this process's connection.
        snapshots.rebuild(searches, jobs=workers.DEFAULT_JOBS)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*), extract(epoch FROM max(built_at + seconds * interval '1 second')"
            " - min(built_at)) FROM archive_search_snapshot"
        )
        count, seconds = cursor.fetchone()
    return {"count": count, "seconds": round(float(seconds), 1)}


def comparison_engine(name, directory):
    if name == "tantivy":
        from .engines.tantivy_engine import TantivyEngine

        return TantivyEngine(directory)
    from .engines.sqlite_engine import SqliteEngine

    return SqliteEngine(f"{directory}/fts5.sqlite")


def run_all(args, build, previous=None, save=lambda results: None):
    """Measure the engines named in args.engines; keep what `previous` measured of the others.

    `save` is called after each step, so a long run that fails keeps what it measured.
    """
    queries = committed_queries(args, previous) or measure.query_set()
    engines = [name for name in args.engines.split(",") if name]
    results = {
        "documents": args.documents,
        "seed": getattr(args, "seed", 1),
        "queries": [[k, q, f] for k, q, f in queries],
        "build": build,
        "latency_ms": {},
        "engine_build_seconds": {},
    }
    if previous and previous.get("queries") == results["queries"]:
        results["latency_ms"] = previous.get("latency_ms", {})
        results["engine_build_seconds"] = previous.get("engine_build_seconds", {})
        for key in ("recall_at_20", "facet_exactness", "after_writes", "http"):
            if key in previous:
                results[key] = previous[key]
    share = getattr(args, "snapshot_share", None) or snapshots.COMMON_SHARE
    only_asked = getattr(args, "snapshots_of_queries", False)
    results["snapshots"] = ensure_snapshots(share, queries if only_asked else None)
    results["snapshots"]["only_of_the_queries"] = only_asked
    answers = {}
    with tempfile.TemporaryDirectory(prefix="bench-") as directory:
        for name in engines:
            cold = nullcontext()
            if name in OURS:
                search = measure.ours
                cold = ours_context(name)
            elif name == "textbook":
                search = textbook_search
            else:
                engine = comparison_engine(name, directory)
                started = time.perf_counter()
                engine.build(documents())
                results["engine_build_seconds"][name] = round(time.perf_counter() - started, 1)
                search = engine.search
            with cold:
                timings, answers[name] = measure.time_engine(search, queries, args.repeat)
            results["latency_ms"][name] = measure.summarise(timings)
            print(f"{name}: {results['latency_ms'][name]}", flush=True)
            save(results)
    measure_quality = not getattr(args, "skip_quality", False)
    if measure_quality and ("ours" in engines or "recall_at_20" not in results):
        # Measured on cold answers (and the recount on a cold page), never on cached ones:
        # as the archive is, and with documents changed since the snapshots.
        results["recall_at_20"] = measure.recall_at(queries, answers.get("ours"))
        with override_settings(CACHES=NO_CACHE):
            results["facet_exactness"] = measure.facet_exactness(queries)
            with changed_since_snapshots():
                results["after_writes"] = {
                    "changed": CHANGED,
                    "recall_at_20": measure.recall_at(queries, None),
                    "facet_exactness": measure.facet_exactness(queries),
                }
        save(results)
    results["ratios_p95"] = ratios(results["latency_ms"])
    save(results)
    if not args.skip_http:
        results["http"] = http.measure_http(queries, args)
        save(results)
    # The benchmark's searches are not readers': none of them is built as a slow search.
    SlowSearch.objects.all().delete()
    return results


def committed_queries(args, previous):
    """Return the query set of the previous results for this archive, if any.

    The set is drawn once from the corpus (measure.query_set) and kept, so every later run, on
    any machine, times the same queries as the committed results: the draw samples pages
    (TABLESAMPLE), and the parallel copy lays the same documents out in a different order on
    each build. --draw-queries draws a new set.
    """
    if not previous or getattr(args, "draw_queries", False):
        return None
    if previous.get("seed", 1) != getattr(args, "seed", 1):
        return None
    return [tuple(query) for query in previous.get("queries", [])] or None


@contextmanager
def ours_context(name):
    """Set up what an engine of ours runs with (see OURS)."""
    if name == "ours_cached":
        yield
        return
    with override_settings(CACHES=NO_CACHE):
        if name == "ours_live":
            with without_snapshots():
                yield
        elif name == "ours_after_writes":
            with changed_since_snapshots():
                yield
        else:
            yield


def ratios(latency):
    """Return ours ÷ tantivy and textbook ÷ ours at p95, per class."""
    ours = latency.get("ours", {})
    out = {}
    for klass, values in ours.items():
        row = {}
        if "tantivy" in latency and klass in latency["tantivy"]:
            row["ours_vs_tantivy"] = round(
                values["p95"] / max(latency["tantivy"][klass]["p95"], 0.01), 2
            )
        if "textbook" in latency and klass in latency["textbook"]:
            row["textbook_vs_ours"] = round(
                latency["textbook"][klass]["p95"] / max(values["p95"], 0.01), 2
            )
        out[klass] = row
    return out
