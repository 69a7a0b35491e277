"""Build the snapshots of the searches everyone makes (archive/snapshots.py)."""

import os
import time

from django.core.management.base import BaseCommand

from archive import snapshots


class Command(BaseCommand):
    help = (
        "Compute and keep the answers of the common searches (common words, frequent title "
        "phrases, browsing by one facet, kind and year), exact across later writes. Run it "
        "again from time to time (nightly): a snapshot with more than "
        f"{snapshots.MAX_CHANGED} changed documents since it was built is no longer used."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--share",
            type=float,
            default=snapshots.COMMON_SHARE,
            help="a word in at least this share of documents is common (default %(default)s)",
        )
        parser.add_argument(
            "--phrases",
            type=int,
            default=snapshots.PHRASES,
            help="how many frequent title phrases (default %(default)s)",
        )
        parser.add_argument(
            "--jobs",
            type=int,
            default=min(os.cpu_count() or 1, 4),
            help="build in this many processes (default: the cores, at most 4)",
        )
        parser.add_argument(
            "--list", action="store_true", help="only list the searches it would build"
        )

    def handle(self, *args, share, phrases, jobs, list, **options):
        searches = snapshots.common_searches(share, phrases)
        if list:
            for parameters in searches:
                self.stdout.write(str(parameters))
            return

        def progress(parameters, seconds):
            if options["verbosity"] > 1:
                self.stdout.write(f"{seconds * 1000:8.0f} ms  {parameters}")

        started = time.perf_counter()
        pruned = snapshots.rebuild(searches, progress, jobs)
        self.stdout.write(
            f"{len(searches)} snapshots built in {time.perf_counter() - started:.1f} s; "
            f"{pruned} log entries pruned."
        )
