# The README's two commands: `make run` and `make test`. Both set up everything they need on a
# fresh machine with Python 3.11 and make: the virtualenv, the packages and, when DATABASE_URL is
# unset, an embedded PostgreSQL server whose data lives in .pgdata/ (git-ignored).

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
export DEBUG ?= 1

# The server named by DATABASE_URL, or the embedded one started on demand.
WITH_DB = DATABASE_URL="$${DATABASE_URL:-$$($(PY) -m archive.devdb url)}"

.PHONY: run test setup db-url stop-db bench

# `make bench` builds each corpus once (kept in archive_bench_<N>) and measures every engine.
BENCH_SIZES ?= 200000 1000000
BENCH_REPEAT ?= 3

run: setup
	$(WITH_DB) $(PY) manage.py runserver 127.0.0.1:$(PORT)

test: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	@export $(WITH_DB) && $(PY) manage.py check --fail-level WARNING && \
		$(PY) manage.py makemigrations --check --dry-run > /dev/null && \
		$(PY) -m pytest $(PYTEST_ARGS)

# Migrate and, on the first run only, load the demo archive and create the admin account.
setup: $(VENV)/.installed
	@export $(WITH_DB) && $(PY) manage.py migrate --no-input && $(PY) manage.py bootstrap

bench: $(VENV)/.installed
	for size in $(BENCH_SIZES); do $(PY) -m bench.run --documents $$size --repeat $(BENCH_REPEAT) || exit 1; done
	$(PY) -m bench.ingest --documents 1000 --repeat $(BENCH_REPEAT)
	$(PY) -m bench.report

db-url: $(VENV)/.installed
	@$(PY) -m archive.devdb url

stop-db: $(VENV)/.installed
	$(PY) -m archive.devdb stop

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $@
