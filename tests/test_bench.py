"""A tiny `make bench`: the benchmark code runs on 100 documents so it cannot rot. Nothing is timed."""

import pytest
from django.core.management import call_command

from archive.management.commands.bootstrap import FIXTURES
from archive.models import SlowSearch
from bench import engines_run, measure, statements

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_corpus():
    call_command("loaddata", FIXTURES / "reference.json", FIXTURES / "demo.json", verbosity=0)
    call_command("generate_corpus", documents=100, seed=5, no_progress=True)


def test_bench_runs_every_engine_and_measures_quality(small_corpus, tmp_path, monkeypatch):
    from archive import snapshots

    monkeypatch.setattr(snapshots, "SLOW_SECONDS", 0)  # every search computed is noted
    queries = measure.query_set(per_class=2)
    classes = {klass for klass, _q, _f in queries}
    assert {"common", "number", "browse_facets", "query_two_facets", "phrase"} <= classes

    every_engine = {"ours", "ours_live", "ours_after_writes", "ours_cached", "textbook"}
    every_engine |= {"tantivy", "sqlite"}

    class Args:
        documents, repeat, skip_http = 100, 1, True
        engines = ",".join(sorted(every_engine))
        snapshot_share = 0.8  # a few dozen snapshots on 100 documents

    results = engines_run.run_all(Args, build=None)
    assert set(results["latency_ms"]) == every_engine
    assert results["snapshots"]["count"] > 30
    assert set(results["latency_ms"]["ours"]) == classes
    assert results["recall_at_20"] and all(
        0 <= value <= 1 for value in results["recall_at_20"].values()
    )
    assert results["facet_exactness"] == 1.0
    assert results["after_writes"]["facet_exactness"] == 1.0
    assert all(value == 1.0 for value in results["after_writes"]["recall_at_20"].values())
    assert results["ratios_p95"]["common"]["ours_vs_tantivy"] > 0
    assert not SlowSearch.objects.exists()  # its own searches noted as slow are forgotten


def test_the_snapshots_of_the_queries_alone_are_those_a_full_build_holds_for_them(small_corpus):
    from django.db import connection

    from archive import snapshots

    queries = measure.query_set(per_class=2)
    built = engines_run.ensure_snapshots(0.8, queries)

    asked = {snapshots.key_for(measure.parameters(q, f)) for _klass, q, f in queries}
    every = {snapshots.key_for(s) for s in snapshots.common_searches(0.8)}
    with connection.cursor() as cursor:
        cursor.execute("SELECT key FROM archive_search_snapshot")
        kept = {key for (key,) in cursor.fetchall()}
    assert kept == asked & every
    assert 0 < built["count"] == len(kept) < len(every)


def test_a_number_query_puts_a_plan_with_that_number_first(small_corpus):
    from archive.models import Plan

    plan = Plan.objects.filter(slug__startswith="plan-").first()
    first = Plan.objects.get(pk=measure.ours(plan.number, {})["top"][0])
    assert first.number_normalized == plan.number_normalized


def test_comparison_engines_agree_with_a_plain_python_reference():
    """The engines' own self-check: counts, facets, folding and numbers on 30 documents."""
    from bench.engines import check_engines

    check_engines.main()


def test_a_later_run_times_the_committed_query_set():
    """The query set is drawn once per archive and kept: a page sample (TABLESAMPLE) of the
    same documents copied in another order would draw another set."""
    committed = {
        "seed": 1,
        "queries": [["rare", "hỉu", {}], ["browse_facets", "", {"year": ["2020"]}]],
    }

    class Args:
        seed, draw_queries = 1, False

    assert engines_run.committed_queries(Args, committed) == [
        ("rare", "hỉu", {}),
        ("browse_facets", "", {"year": ["2020"]}),
    ]
    Args.draw_queries = True
    assert engines_run.committed_queries(Args, committed) is None
    Args.seed, Args.draw_queries = 2, False
    assert engines_run.committed_queries(Args, committed) is None
    assert engines_run.committed_queries(Args, {}) is None


def test_the_statement_breakdown_names_each_statement_of_a_search(small_corpus):
    queries = [q for q in measure.query_set(per_class=1) if q[0] in ("number", "browse_facets")]
    medians = statements.by_class(queries, repeat=1)
    number, browse = medians["number"], medians["browse_facets"]
    # A number's search counts, ranks, highlights and lists; browsing has nothing to highlight.
    parts = ("facets", "ranking", "snippets", "listing", "python")
    assert all(number[part] > 0 for part in parts)
    assert browse["snippets"] == 0 and browse["listing"] > 0
    named = sum(number[part] for part in statements.PARTS if part not in ("total", "python"))
    assert number["python"] + named == pytest.approx(number["total"])
