"""`make bench`, ingest: import N raw texts with `manage.py import_text` and time it.

    python -m bench.ingest [--documents 1000] [--repeat 3]

The texts are the labelled set's (tests/data/ingest/: the four seed pages with their site noise,
plans with a state header, a letter, news reports), each copy given its own headline and, for a
plan, its own number, so every one is a new document. They are written to a temporary folder
and imported into a database of their own (archive_bench_ingest) holding the reference data and
the demo archive, so links are looked up and made. Each run starts from that state. Results go
to bench/results/ingest.json.
"""

import argparse
import json
import os
import platform
import re
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
TEXTS = ROOT / "tests" / "data" / "ingest"
DATABASE = "archive_bench_ingest"


def database_url():
    if "DATABASE_URL" not in os.environ:
        from archive import devdb

        return devdb.database_url(devdb.server(), DATABASE)
    parts = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(parts._replace(path=f"/{DATABASE}"))


def templates():
    """Return the labelled texts, the material every generated text is a copy of."""
    return [path.read_text(encoding="utf-8") for path in sorted(TEXTS.glob("*.txt"))]


def variant(template, index):
    """Return a copy of a text with its own headline (and own number, for a plan)."""
    lines = template.split("\n")
    own_number = re.search(r"^Số:\s*(\d+)/", template, re.MULTILINE)
    if own_number:
        template = template.replace(f"Số: {own_number.group(1)}/", f"Số: {50000 + index}/", 1)
        return template.replace("\n\n", f"\n\nBản sao số {index} để đo tốc độ nhập.\n", 1)
    # The headline is the first line with more than four words (the first may be a category).
    for position, line in enumerate(lines):
        if len(line.split()) > 4:
            lines[position] = f"{line} (bản {index})"
            break
    return "\n".join(lines)


def write_texts(folder, documents):
    """Write N generated texts into a folder; return their paths."""
    material = templates()
    paths = []
    for index in range(documents):
        path = Path(folder) / f"text_{index:05d}.txt"
        path.write_text(variant(material[index % len(material)], index), encoding="utf-8")
        paths.append(path)
    return paths


def reset():
    """Bring the database to the reference data and the demo archive, nothing imported."""
    from django.core.management import call_command
    from django.db import connection

    from archive.models import Document

    call_command("migrate", verbosity=0)
    Document.objects.exclude(content_hash="").delete()
    if not Document.objects.filter(plan__number="402/QĐ-TTg").exists():
        call_command(
            "loaddata", ROOT / "fixtures/reference.json", ROOT / "fixtures/demo.json", verbosity=0
        )
    # The previous run's rows are cleaned away now, not by autovacuum during the next run
    # (not inside a test's transaction, where VACUUM cannot run).
    if not connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")


def _cpu_seconds():
    """Return the CPU time of this process and its finished children (the import workers)."""
    own, children = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def run_once(paths, *, dry_run=False):
    """Import the texts once; return seconds and the outcome counts."""
    from io import StringIO

    from django.core.management import call_command

    from archive.models import Document

    reset()
    before = Document.objects.count()
    out, err = StringIO(), StringIO()
    cpu_before = _cpu_seconds()
    started = time.perf_counter()
    call_command(
        "import_text", *map(str, paths), dry_run=dry_run, no_progress=True, stdout=out, stderr=err
    )
    seconds = time.perf_counter() - started
    cpu = _cpu_seconds() - cpu_before
    summary = (out.getvalue() + err.getvalue()).strip().splitlines()
    return {
        "seconds": seconds,
        "python_cpu_ms_per_doc": cpu * 1000 / len(paths),
        "created": Document.objects.count() - before,
        "summary": next((line for line in summary if line.startswith("Tổng kết")), ""),
    }


def measure(documents, repeat):
    """Return the benchmark's results for N texts, `repeat` timed runs each."""
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as folder:
        paths = write_texts(folder, documents)
        size = sum(path.stat().st_size for path in paths)
        imports = [run_once(paths) for _ in range(repeat)]
        dry_runs = [run_once(paths, dry_run=True) for _ in range(repeat)]
    best = min(imports, key=lambda run: run["seconds"])
    return {
        "documents": documents,
        "mean_text_kb": round(size / documents / 1024, 1),
        "import": {
            "seconds_median": round(statistics.median(r["seconds"] for r in imports), 2),
            "docs_per_second_median": round(
                documents / statistics.median(r["seconds"] for r in imports), 1
            ),
            "docs_per_second_best": round(documents / best["seconds"], 1),
            "docs_per_second_runs": [round(documents / r["seconds"], 1) for r in imports],
            "created": best["created"],
            # The importer's own CPU per document (PostgreSQL's is not counted): what bounds the
            # rate on an idle machine together with the server's.
            "python_cpu_ms_per_doc_median": round(
                statistics.median(r["python_cpu_ms_per_doc"] for r in imports), 1
            ),
            "summary": best["summary"],
        },
        "dry_run": {
            "docs_per_second_runs": [round(documents / r["seconds"], 1) for r in dry_runs],
            "docs_per_second_median": round(
                documents / statistics.median(r["seconds"] for r in dry_runs), 1
            ),
            "python_cpu_ms_per_doc_median": round(
                statistics.median(r["python_cpu_ms_per_doc"] for r in dry_runs), 1
            ),
        },
        "runs": repeat,
        # Other work on the machine takes cores from the workers and from PostgreSQL alike.
        "load_average_1min": {"before": load_before, "after": os.getloadavg()[0]},
        "machine": {"cores": os.cpu_count(), "python": platform.python_version()},
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    os.environ["DATABASE_URL"] = database_url()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "archive.settings")
    # As a deployment imports: with DEBUG on, Django's cursor times and keeps every statement.
    os.environ["DEBUG"] = "0"
    os.environ.setdefault("SECRET_KEY", "bench-ingest-only")
    import django

    django.setup()
    results = measure(args.documents, args.repeat)
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / "ingest.json"
    path.write_text(json.dumps(results, ensure_ascii=False, indent=1) + "\n")
    print(json.dumps(results, ensure_ascii=False, indent=1))
    print(f"wrote {path}", file=sys.stderr)


if __name__ == "__main__":
    main()
