"""The search page and the JSON API under gunicorn: per-class latency, then a wrk load run."""

import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlencode

import psutil

from . import measure

ROOT = Path(__file__).resolve().parent.parent
LOAD_SECONDS, CONNECTIONS = 60, 16


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def path_for(endpoint, q, filters):
    params = [("q", q)] if q else []
    params += [(name, value) for name, values in filters.items() for value in values]
    return f"{endpoint}?{urlencode(params)}"


def start_gunicorn(port, **settings):
    env = (
        os.environ
        | settings
        | {
            "DEBUG": "0",
            "SECRET_KEY": secrets.token_urlsafe(40),
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "0",
            "LOG_LEVEL": "ERROR",
        }
    )
    workers = str(2 * (os.cpu_count() or 1) + 1)
    # Production settings serve hashed files from the manifest collectstatic writes.
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "archive.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            workers,
            "--log-level",
            "error",
        ],
        cwd=ROOT,
        env=env,
    )
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=1).read()
            return process
        except OSError:
            time.sleep(0.2)
    process.terminate()
    raise RuntimeError("gunicorn did not start")


def get(port, path):
    started = time.perf_counter()
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=30) as response:
        response.read()
        assert response.status == 200, (path, response.status)
    return (time.perf_counter() - started) * 1000


def per_class(port, queries, endpoint, repeat):
    timings = {}
    for klass, q, filters in queries:
        path = path_for(endpoint, q, filters)
        get(port, path)
        for _ in range(repeat):
            timings.setdefault(klass, []).append(get(port, path))
    return measure.summarise(timings)


def peak_rss(master, stop, peaks):
    """Record the largest resident set of any gunicorn worker until `stop` is set."""
    while not stop.is_set():
        for child in psutil.Process(master.pid).children():
            try:
                peaks.append(child.memory_info().rss)
            except psutil.Error:
                pass
        time.sleep(0.5)


def load(port, queries, master, seconds=LOAD_SECONDS):
    if not shutil.which("wrk"):
        return {"skipped": "wrk is not installed (apt-get install wrk)"}
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as paths:
        for index, (_klass, q, filters) in enumerate(queries):
            endpoint = "/api/search/" if index % 2 else "/tim-kiem/"  # the same mix every run
            paths.write(path_for(endpoint, q, filters) + "\n")
    stop, peaks = threading.Event(), []
    watcher = threading.Thread(target=peak_rss, args=(master, stop, peaks))
    watcher.start()
    output = subprocess.run(
        [
            "wrk",
            "-t2",
            f"-c{CONNECTIONS}",
            f"-d{seconds}s",
            "--timeout",
            "10s",
            "-s",
            str(ROOT / "bench/wrk.lua"),
            f"http://127.0.0.1:{port}",
        ],
        capture_output=True,
        text=True,
        env=os.environ | {"WRK_PATHS": paths.name},
        check=False,
    ).stdout
    stop.set()
    watcher.join()
    os.unlink(paths.name)
    found = dict(re.findall(r"(\w+)=(\d+)", output.split("BENCH", 1)[-1]))
    requests, duration = int(found["requests"]), int(found["duration_us"]) / 1e6
    return {
        "seconds": seconds,
        "connections": CONNECTIONS,
        "requests": requests,
        "requests_per_second": round(requests / duration, 1),
        "errors": int(found["errors"]),
        "p50_ms": int(found["p50_us"]) / 1000,
        "p95_ms": int(found["p95_us"]) / 1000,
        "p99_ms": int(found["p99_us"]) / 1000,
        "peak_worker_rss_mb": round(max(peaks, default=0) / 2**20, 1),
    }


def measure_http(queries, args, load_seconds=LOAD_SECONDS):
    """Time each class, then load the server twice: with the results cache, and without it.

    The per-class runs fill the cache (one request per query, then the timed ones), so the first
    load measures repeated searches; the second, with SEARCH_CACHE_SECONDS=0, computes every
    request (what a burst of new queries costs).
    """
    results = {}
    for name, settings in (("load", {}), ("load_uncached", {"SEARCH_CACHE_SECONDS": "0"})):
        port = free_port()
        master = start_gunicorn(port, **settings)
        try:
            if name == "load":
                results["page_ms"] = per_class(port, queries, "/tim-kiem/", min(args.repeat, 2))
                results["api_ms"] = per_class(port, queries, "/api/search/", min(args.repeat, 2))
            results[name] = load(port, queries, master, load_seconds)
        finally:
            master.terminate()
            master.wait(timeout=30)
    return results
