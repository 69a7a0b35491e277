"""Where a search's time goes: every statement of our search timed, per class of the query set.

    python -m bench.statements --documents 200000 [--classes rare,number] [--repeat 5] [--seed 1]

Runs what a results page computes (`measure.ours`, no cache; snapshots as the database holds
them) over the committed query set of bench/results/<N>.json, times each statement it sends,
named by what it does, and counts the rest of the time as Python. Prints each class's median.
A tool for finding the next lever, not a result: bench/README.md quotes what it printed.
"""

import argparse
import json
import os
import statistics
import sys
import time
from contextlib import contextmanager

from django.db import connection

# (name, a fragment of SQL only that statement holds), the first that matches naming it.
STATEMENTS = [
    ("facets", "WITH hits AS MATERIALIZED"),
    ("ranking", 'SELECT "archive_document"."id" AS "pk" FROM'),
    ("snippets", "ts_headline("),
    ("listing", '"archive_document"."slug"'),
    ("snapshot", "archive_search_snapshot"),
]
PARTS = ["total", "python", *(name for name, _fragment in STATEMENTS), "other"]


def name_of(sql):
    return next((name for name, fragment in STATEMENTS if fragment in sql), "other")


@contextmanager
def timed_statements(times):
    """Add each statement's milliseconds to times[its name] while the block runs."""

    def wrapper(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            name = name_of(sql)
            times[name] = times.get(name, 0.0) + (time.perf_counter() - started) * 1000

    with connection.execute_wrapper(wrapper):
        yield


def breakdown(q, filters, repeat):
    """Return {part: ms} of the run with the median total, after one run to warm up."""
    from . import measure

    measure.ours(q, filters)
    runs = []
    for _ in range(repeat):
        times = {}
        started = time.perf_counter()
        with timed_statements(times):
            measure.ours(q, filters)
        total = (time.perf_counter() - started) * 1000
        runs.append(times | {"total": total, "python": total - sum(times.values())})
    return sorted(runs, key=lambda run: run["total"])[len(runs) // 2]


def by_class(queries, repeat):
    """Return {class: {part: median ms over its queries}}."""
    from django.test import override_settings

    from .engines_run import NO_CACHE

    runs = {}
    with override_settings(CACHES=NO_CACHE):
        for klass, q, filters in queries:
            runs.setdefault(klass, []).append(breakdown(q, filters, repeat))
    return {
        klass: {part: statistics.median(run.get(part, 0.0) for run in found) for part in PARTS}
        for klass, found in runs.items()
    }


def table(medians):
    lines = ["class".ljust(18) + "".join(part.rjust(10) for part in PARTS)]
    for klass, parts in medians.items():
        lines.append(klass.ljust(18) + "".join(f"{parts[part]:10.1f}" for part in PARTS))
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--documents", type=int, required=True)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--classes", help="comma-separated classes (default: all)")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)

    from .run import RESULTS, database_url

    path = RESULTS / f"{args.documents}.json"
    previous = json.loads(path.read_text()) if path.exists() else {}
    os.environ["DATABASE_URL"] = database_url(args.documents)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "archive.settings")
    import django

    django.setup()
    from .engines_run import committed_queries

    queries = committed_queries(args, previous)
    if not queries:
        sys.exit(
            f"{path} holds no query set for seed {args.seed}: run `python -m bench.run "
            f"--documents {args.documents}` first."
        )
    if args.classes:
        queries = [query for query in queries if query[0] in args.classes.split(",")]
    print(f"median ms per class, {args.documents:,} documents:")
    print(table(by_class(queries, args.repeat)))


if __name__ == "__main__":
    main()
