"""Import raw Vietnamese texts (news articles, plans, decisions) as draft documents.

    python manage.py import_text PATH... [--dry-run] [--format json] [--publish]

Each file is read (UTF-8, UTF-16 or Windows-1258), cleaned and analysed by archive.ingest, and
saved in a transaction of its own, so one bad file never stops the batch or leaves half a
document. `--dry-run --format json` prints what would be imported and changes nothing.
"""

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils.translation import gettext as _
from tqdm import tqdm

from archive import workers
from archive.ingest import Catalogue, IngestError, decode_bytes, document_import
from archive.ingest.decode import MAX_BYTES
from archive.ingest.store import DRY_RUN, DUPLICATE, IMPORTED

PROGRESS_FROM = 20  # files; fewer import too fast for a bar to help
PARALLEL_FROM = 50  # files; below this, starting workers costs more than it saves
_worker = {}


def read_file(path):
    """Return (NFC text, notes) of a file, or raise IngestError."""
    if not path.is_file():
        raise IngestError(_("Không tìm thấy tệp."))
    if path.stat().st_size > MAX_BYTES:
        raise IngestError(
            _("Tệp quá lớn (%(size)s MB); giới hạn là 5 MB.")
            % {"size": f"{path.stat().st_size / 1024 / 1024:.1f}"}
        )
    return decode_bytes(path.read_bytes())


def _start_worker():
    """Prepare a process to import: its catalogue, and commits that do not wait for the disk.

    Each document commits on its own; waiting for the WAL flush of each would bound a batch by
    the disk, and a tail lost in a crash is simply imported again (duplicates are recognised).
    """
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO off")
    _worker["catalogue"] = Catalogue()


def _import_task(task):
    path, options = task
    return import_one(path, **options)


def import_one(path, *, dry_run, publish, as_json=True):
    """Import one file; return a record of what happened (never raises for bad input).

    The record holds the extraction as JSON only when it is asked for (--format json).
    """
    try:
        text, notes = read_file(path)
        result = document_import(
            text=text, catalogue=_worker["catalogue"], publish=publish, dry_run=dry_run
        )
    except IngestError as error:
        return {
            "outcome": "failed",
            "file": str(path),
            "message": str(error),
            "json": {"file": str(path), "error": str(error)},
        }
    data = None
    if as_json:
        data = result.extraction.as_json(str(path))
        if result.status == DUPLICATE:
            data["duplicate_of"] = result.document.slug
        if result.document and result.status == IMPORTED:
            data["id"] = result.document.pk
    return {
        "outcome": result.status,
        "file": str(path),
        "message": result.message,
        "notes": notes,
        "title": result.extraction.title,
        "json": data,
    }


class Command(BaseCommand):
    help = _("Nhập văn bản thô (bài báo, kế hoạch, quyết định) thành tài liệu nháp.")

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", type=Path, help=_("tệp văn bản (.txt)"))
        parser.add_argument(
            "--dry-run", action="store_true", help=_("chỉ phân tích, không ghi gì vào lưu trữ")
        )
        parser.add_argument("--format", choices=["text", "json"], default="text")
        parser.add_argument(
            "--publish", action="store_true", help=_("công bố ngay thay vì lưu bản nháp")
        )
        parser.add_argument(
            "--no-progress", action="store_true", help=_("không hiện thanh tiến độ")
        )
        parser.add_argument(
            "--jobs",
            type=int,
            default=workers.DEFAULT_JOBS,
            help=_("số tiến trình nhập song song (mặc định: số nhân, tối đa 4)"),
        )

    def handle(self, *args, paths, dry_run, format, publish, no_progress, jobs, **options):
        if dry_run and publish:
            raise CommandError(_("--dry-run và --publish không dùng cùng nhau."))
        outcomes = {IMPORTED: [], DUPLICATE: [], DRY_RUN: [], "failed": []}
        records = []
        options = {"dry_run": dry_run, "publish": publish, "as_json": format == "json"}
        bar = tqdm(
            total=len(paths),
            unit=_("tệp"),
            disable=no_progress or len(paths) < PROGRESS_FROM or format == "json",
            file=sys.stderr,
        )
        for record in self.import_all(paths, options, jobs):
            bar.update()
            outcomes[record["outcome"]].append(record)
            records.append(record)
            if format == "text":
                self.report_file(record)
        bar.close()
        if format == "json":
            self.stdout.write(
                json.dumps([r["json"] for r in records], ensure_ascii=False, indent=2)
            )
        self.summary(outcomes, to_stderr=format == "json")

    @staticmethod
    def import_all(paths, options, jobs):
        """Yield a record per file, in order; from worker processes for a large batch."""
        if jobs <= 1 or len(paths) < PARALLEL_FROM or connection.in_atomic_block:
            _start_worker()
            for path in paths:
                yield import_one(path, **options)
            return
        # Each worker opens its own connection; the parent's must not be shared across fork.
        with workers.pool(jobs, initializer=_start_worker) as pool:
            tasks = [(path, options) for path in paths]
            yield from pool.imap(_import_task, tasks, chunksize=8)

    def report_file(self, record):
        if record["outcome"] == "failed":
            self.stderr.write(_("LỖI %(file)s: %(message)s") % record)
        elif record["outcome"] == DUPLICATE:
            self.stdout.write(self.style.WARNING(_("TRÙNG %(file)s: %(message)s") % record))
        elif record["outcome"] == DRY_RUN:
            self.stdout.write(_("THỬ %(file)s: %(title)s") % record)
        else:
            self.stdout.write(_("NHẬP %(file)s: %(title)s") % record)
        if record["outcome"] != "failed" and record.get("notes"):
            self.stdout.write("  " + " ".join(record["notes"]))

    def summary(self, outcomes, *, to_stderr):
        out = self.stderr if to_stderr else self.stdout
        out.write(
            _(
                "Tổng kết: %(imported)d đã nhập, %(dry)d phân tích thử, %(duplicates)d trùng, "
                "%(failed)d lỗi."
            )
            % {
                "imported": len(outcomes[IMPORTED]),
                "dry": len(outcomes[DRY_RUN]),
                "duplicates": len(outcomes[DUPLICATE]),
                "failed": len(outcomes["failed"]),
            }
        )
        for record in outcomes["failed"]:
            out.write(_("  lỗi: %(file)s: %(message)s") % record)
