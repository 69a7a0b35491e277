"""`make bench`: build a corpus of N documents, then time every engine on the same queries.

    python -m bench.run --documents 200000 [--seed 1] [--repeat 5] [--rebuild] [--skip-http]

Each size gets its own database (archive_bench_<N>) on the embedded server, or on the server of
DATABASE_URL with that database name. Results go to bench/results/<N>.json; `python -m
bench.report` turns them into the table in bench/README.md.
"""

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"


# The embedded server's defaults (128 MB of shared buffers) are for a laptop's dev run; the
# benchmark gives PostgreSQL memory the way one would on a server of this size (24 GiB).
BENCH_SERVER_SETTINGS = {"shared_buffers": "2GB"}


def database_url(documents):
    name = f"archive_bench_{documents}"
    if "DATABASE_URL" not in os.environ:
        from archive import devdb

        devdb.configure(**BENCH_SERVER_SETTINGS)
        return devdb.database_url(devdb.server(), name)
    parts = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(parts._replace(path=f"/{name}"))


def prepare(documents, seed, rebuild):
    """Migrate and fill the database once; return build timings (None when it was already there)."""
    from django.core.management import call_command

    from archive.models import Document

    call_command("migrate", verbosity=0)
    present = Document.objects.count()
    if present >= documents and not rebuild:
        return None
    if present:
        call_command("flush", "--no-input", verbosity=0)
    started = time.perf_counter()
    call_command(
        "loaddata", ROOT / "fixtures/reference.json", ROOT / "fixtures/demo.json", verbosity=0
    )
    loaddata_seconds = time.perf_counter() - started
    started = time.perf_counter()
    call_command("generate_corpus", documents=documents, seed=seed)
    return {
        "loaddata_seconds": round(loaddata_seconds, 2),
        "corpus_seconds": round(time.perf_counter() - started, 1),
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--documents", type=int, required=True)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--skip-http", action="store_true")
    # Recall and the join-table recount take long at a million documents.
    parser.add_argument("--skip-quality", action="store_true")
    parser.add_argument(
        "--engines",
        default="ours,ours_live,ours_after_writes,ours_cached,textbook,tantivy,sqlite",
    )
    parser.add_argument(
        "--snapshot-share",
        type=float,
        help="build snapshots of words in at least this share of documents "
        "(default: the command's)",
    )
    parser.add_argument(
        "--snapshots-of-queries",
        action="store_true",
        help="build only the snapshots the query set's searches read (a million documents)",
    )
    parser.add_argument(
        "--draw-queries",
        action="store_true",
        help="draw a new query set from the corpus instead of the committed results' one",
    )
    parser.add_argument("--note", help="what the tables should say about this run")
    args = parser.parse_args(argv)

    os.environ["DATABASE_URL"] = database_url(args.documents)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "archive.settings")
    os.environ.setdefault("DEBUG", "1")
    import django

    django.setup()
    from . import engines_run

    build = prepare(args.documents, args.seed, args.rebuild)
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"{args.documents}.json"
    # Read even after --rebuild: the same seed makes the same documents, and their committed
    # query set is kept (engines_run.committed_queries).
    previous = json.loads(path.read_text()) if path.exists() else {}

    def save(results):
        results["build"] = results.get("build") or previous.get("build")
        if getattr(args, "note", None):
            results["note"] = args.note
        results["machine"] = {"cores": os.cpu_count(), "python": platform.python_version()}
        path.write_text(json.dumps(results, ensure_ascii=False, indent=1))

    engines_run.run_all(args, build, previous, save)
    print(f"wrote {path}", file=sys.stderr)


if __name__ == "__main__":
    main()
