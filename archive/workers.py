"""Worker processes that each use a database connection of their own."""

import multiprocessing
import os
from contextlib import contextmanager
from functools import partial

from django.db import connections

# How many processes the commands start unless told: one per core, at most four (each holds a
# database connection, and the server needs cores of its own).
DEFAULT_JOBS = min(4, os.cpu_count() or 1)

_inherited = []


def _start(initializer):
    """Prepare a forked worker: never on the parent's connection, then run `initializer`."""
    for handle in connections.all(initialized_only=True):
        if handle.connection is not None:
            # A parent's socket, inherited through fork. close_all() in the parent closes only
            # its current context's connections (seen: one opened under Playwright's greenlets
            # survived it). Using it would interleave two processes' messages, closing it would
            # end the parent's session: keep it referenced, never finalised, and open our own.
            _inherited.append(handle.connection)
            handle.connection = None
    if initializer:
        initializer()


@contextmanager
def pool(jobs, initializer=None):
    """Yield a pool of `jobs` forked processes, each opening its own connection."""
    connections.close_all()
    context = multiprocessing.get_context("fork")
    with context.Pool(jobs, initializer=partial(_start, initializer)) as workers:
        yield workers


def start(target, *args):
    """Start `target(*args)` in a forked process that opens its own connection."""
    connections.close_all()
    process = multiprocessing.get_context("fork").Process(target=_run, args=(target, args))
    process.start()
    return process


def _run(target, args):
    _start(None)
    target(*args)
