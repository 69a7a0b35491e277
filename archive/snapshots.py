"""Search snapshots: the answer to a costly search, kept exact across writes.

Counting and ranking every match of a common word or a broad browse takes PostgreSQL most of a
second at 200,000 documents (bench/README.md), and the results cache is lost at every write.
A snapshot keeps a search's answer (total, facet counts, first ids, first snippets) with the
database snapshot it was computed in; migration 0012 logs every document row changed since.
An answer is then exact at any later moment:

- counts: the snapshot's, minus the changed documents' counts in their state then (their old
  rows from the log, read under archive_document's own name so the very same facet statement
  counts them), plus their counts now;
- first ids: the snapshot's ids of unchanged documents, ranked again with the changed documents
  that match now, kept up to the last snapshot id (any document beyond it may be one the
  snapshot never listed);
- snippets of the changed documents computed again.

A snapshot keeps its counts and first ids per cell of kind and year (CUBE_SQL), so it answers
its search narrowed to any kinds and years as well: the counts are the sums of the cells the
narrowing keeps (each facet over the cells its own filter does not exclude), the first ids those
of the kept cells merged by their places in the one ranking of every match, the snippets those
kept for each cell's first page (a column of their own, migration 0013).

`manage.py build_search_snapshots` builds them for the searches everyone makes
(`common_searches`); beyond MAX_CHANGED changed documents a snapshot is left aside for the
computed answer until it is built again. The key holds filters.RESULTS_FORMAT: bump it when
what a search answers changes. The log keeps old rows as JSON by column name, so a migration
that renames or retypes a column of archive_document must delete the snapshots.
"""

import heapq
import json
import time
from collections import Counter

from django.db import connection, transaction
from django.db.models import F, Q, Window
from django.db.models.functions import ExtractYear, RowNumber
from django.http import QueryDict

from . import filters, search, workers
from .models import Document, DocumentType, GcmObjective, Province, SlowSearch
from .text import fold

# Past this many changed documents a correction costs about what computing does.
MAX_CHANGED = 2000

# A log entry is "after" a snapshot when its transaction is not visible in the snapshot. A
# snapshot built inside a transaction that had itself written (a test) sees that transaction's
# entries up to the last one it had; its own transaction's visibility in its own snapshot says
# nothing (the transaction is missing from the running list, yet below xmax when a later one
# started), so those entries are told by their place in the log alone.
AFTER = """
CASE WHEN c.xid = {builder}::xid8 THEN c.seq > {last_seq}
     ELSE NOT pg_visible_in_snapshot(c.xid, {taken}::pg_snapshot) END
"""


def _after(taken="%(taken)s", builder="%(builder)s", last_seq="%(last_seq)s"):
    """Return AFTER for a snapshot given as parameters (named by default) or columns."""
    return AFTER.format(taken=taken, builder=builder, last_seq=last_seq)


# The changed documents as the snapshot saw them: the old state of each one's first change
# after it (none for a document inserted since). Only the documents the correction read as
# changed: one changed by a writer committing meanwhile is neither taken out nor put in. Named
# like the table, this CTE stands in for it in the facet statement (a CTE's name hides a
# table's in the statement it begins). The record is expanded in a LATERAL: `(f(x)).*` in a
# select list calls f once per column.
PAST_ROWS = """
archive_document AS (
    SELECT {columns}, first.old_vector AS search_vector FROM (
        SELECT DISTINCT ON (c.document_id) c.old, c.old_vector FROM archive_search_change c
        WHERE c.document_id = ANY(%s) AND {after}
        ORDER BY c.document_id, c.seq) AS first,
    LATERAL jsonb_populate_record(NULL::archive_document, first.old) AS past
    WHERE first.old IS NOT NULL),
"""


# The facet statement (filters.FACET_SQL) counted per cell of kind and year: a search with kind
# or year filters added is then answered by adding the cells it keeps. Its rows are kind, year,
# facet, value and count; a cell's "total" row counts its rows passing every filter.
CUBE_SQL = """
WITH {rows}hits AS MATERIALIZED (
    SELECT *, date_part('year', date)::int AS year FROM (
        SELECT matches.*{flags} FROM ({base}) AS matches) AS flagged
    WHERE {at_most_one_failing})
SELECT kind, year, 'total', '', count(*) FROM hits WHERE {passing_all} GROUP BY kind, year
UNION ALL SELECT kind, year, 'province', unit::text, count(*) FROM (
    SELECT kind, year, unnest({province_column}) AS unit FROM hits WHERE {without_province})
    AS units GROUP BY kind, year, unit
UNION ALL SELECT kind, year, 'agency', agency::text, count(*) FROM (
    SELECT kind, year, unnest(facet_agencies) AS agency FROM hits WHERE {without_agency})
    AS agencies GROUP BY kind, year, agency
UNION ALL SELECT kind, year, 'objective', objective::text, count(*) FROM (
    SELECT kind, year, unnest(facet_objectives) AS objective FROM hits
    WHERE {without_objective}) AS objectives GROUP BY kind, year, objective
UNION ALL SELECT kind, year, 'doc_type', facet_doc_type::text, count(*) FROM hits
    WHERE facet_doc_type IS NOT NULL AND {without_doc_type} GROUP BY kind, year, facet_doc_type
"""
# Each cell keeps its first ids: enough for the first pages of a search narrowed to it.
CELL_IDS = 40
CELL_FILTERS = ("kind", "year")


def key_of(filterset):
    """Return the key of a search's snapshot: the search but for its kind and year."""
    return filters.search_key(filterset, without=CELL_FILTERS)


def key_for(parameters):
    """Return the snapshot key of a reader's search given by its parameters."""
    return key_of(filterset_for(parameters))


def build(filterset, wait=600):
    """Compute a search's answer and keep it with the database snapshot it saw; return its key.

    Run alone, it reads in one REPEATABLE READ snapshot, so the counts, the ranking and the
    recorded snapshot agree; builders and `prune` exclude each other (an advisory lock).
    """
    if any(filterset.form.cleaned_data.get(name) for name in CELL_FILTERS):
        raise ValueError("a snapshot is built without kind and year: its cells answer them")
    started = time.perf_counter()
    outermost = not connection.in_atomic_block
    start_logging(wait)
    with transaction.atomic(), connection.cursor() as cursor:
        if outermost:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        cursor.execute("SELECT pg_advisory_xact_lock_shared(hashtext('archive_search_snapshot'))")
        with search.tuned():
            stored = _compute(filterset)
        cursor.execute(
            "SELECT pg_current_snapshot(), pg_current_xact_id_if_assigned(), "
            "(SELECT COALESCE(max(seq), 0) FROM archive_search_change)"
        )
        taken, builder, last_seq = cursor.fetchone()
        key = key_of(filterset)
        cell_snippets = stored.pop("cell_snippets")
        cursor.execute(
            "INSERT INTO archive_search_snapshot "
            "(key, taken, builder, last_seq, results, cell_snippets, seconds) "
            "VALUES (%s, %s, %s, %s, %s, %s, %s) "
            "ON CONFLICT (key) DO UPDATE SET taken = excluded.taken, builder = excluded.builder, "
            "last_seq = excluded.last_seq, results = excluded.results, "
            "cell_snippets = excluded.cell_snippets, built_at = now(), seconds = excluded.seconds",
            [
                key,
                str(taken),
                builder,
                last_seq,
                json.dumps(stored),
                json.dumps(cell_snippets),
                time.perf_counter() - started,
            ],
        )
    # A snapshot keeps the logging on from now: the row that turned it on may go. Not in the
    # REPEATABLE READ transaction: a second builder that deleted the row first (two first
    # builds at once) would make this one fail to serialise.
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM archive_search_snapshot WHERE key = %s", [LOGGING])
    return key


# The key of the row that turns logging on before the first snapshot is taken; a real key is
# "<format>:<digest>", so no search ever reads it.
LOGGING = "logging"


class WritersStillRunning(Exception):
    pass


# The transactions of a snapshot still running in this database. A snapshot lists those of
# every database of the server (another application's long import among them): the ones here
# are those a backend connected to this database runs (its 32-bit id is the 64-bit one's low
# half).
RUNNING_HERE = """
SELECT count(*) FROM pg_snapshot_xip(%s::pg_snapshot) AS x
WHERE pg_xact_status(x) = 'in progress' AND (x::text::bigint %% 4294967296)::text::xid IN (
    SELECT backend_xid FROM pg_stat_activity WHERE datname = current_database())
"""


def start_logging(wait=600):
    """Make sure every document change is logged before a first snapshot is taken.

    The log triggers write nothing while no snapshot exists. A writer that looked before this
    row was committed and commits after a snapshot is taken would be missing from the log: so
    wait until every transaction of this database running once it is committed has ended (a
    later statement of a writer looks again and sees it); again at each call until a snapshot
    exists. Inside a transaction (a test) the row is enough.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT EXISTS (SELECT FROM archive_search_snapshot WHERE key <> %s)", [LOGGING]
        )
        if cursor.fetchone()[0]:
            return
        with transaction.atomic():
            cursor.execute(
                "INSERT INTO archive_search_snapshot (key, taken, last_seq, results, seconds) "
                "VALUES (%s, pg_current_snapshot(), 0, '{}', 0) ON CONFLICT DO NOTHING",
                [LOGGING],
            )
        if connection.in_atomic_block:
            return
        cursor.execute("SELECT pg_current_snapshot()::text")
        running_then = cursor.fetchone()[0]
        deadline = time.monotonic() + wait
        while True:
            cursor.execute(RUNNING_HERE, [running_then])
            if not cursor.fetchone()[0]:
                return
            if time.monotonic() > deadline:
                raise WritersStillRunning(running_then)
            time.sleep(0.05)


def _compute(filterset):
    """Return what a snapshot keeps: per cell of kind and year its total, its facet counts
    and its first ids; the first ids of all and the snippets of the first page; the snippets
    of each cell's first page ("cell_snippets", kept apart)."""
    cells = {}
    with connection.cursor() as cursor:
        cursor.execute(*filters.facet_statement(filterset, CUBE_SQL))
        for kind, year, name, value, n in cursor.fetchall():
            cell = cells.setdefault(
                (kind, year), {"total": 0, "counts": {}, "ids": [], "places": []}
            )
            if name == "total":
                cell["total"] = n
            else:
                cell["counts"].setdefault(name, {})[value] = n
    ids = []
    for pk, kind, year, place, cell_place in _ranked(filterset):
        if place <= filters.CACHED_IDS:
            ids.append(pk)
        if cell_place <= CELL_IDS:
            cells[kind, year]["ids"].append(pk)
            cells[kind, year]["places"].append(place)
    # The first page of all is made of cells' first pages (a cell keeps the order of all).
    firsts = [pk for cell in cells.values() for pk in cell["ids"][: filters.CACHED_SNIPPETS]]
    cell_snippets = search.headlines(filterset.parsed_query, firsts)
    snippets = {
        pk: cell_snippets[pk] for pk in ids[: filters.CACHED_SNIPPETS] if pk in cell_snippets
    }
    cells = [[kind, year, *cell.values()] for (kind, year), cell in cells.items()]
    return {
        # The search itself, not narrowed (the commonest case), summed once here.
        "counts": _cells_kept(cells, set(), set())[0],
        "ids": ids,
        "every_match_listed": len(ids) == sum(cell[2] for cell in cells),
        "snippets": list(snippets.items()),
        "cells": cells,
        "cell_snippets": cell_snippets,
    }


def _ranked(filterset):
    """Return (pk, kind, year, place overall, place in its cell) of the first documents
    overall and in each cell, in one ranking of every match."""
    documents = filterset.ordered_qs()
    order = list(documents.query.order_by)
    year = ExtractYear("date")
    return (
        documents.annotate(
            cell_year=year,
            place=Window(RowNumber(), order_by=order),
            cell_place=Window(RowNumber(), partition_by=[F("kind"), year], order_by=order),
        )
        .filter(Q(place__lte=filters.CACHED_IDS) | Q(cell_place__lte=CELL_IDS))
        .order_by("place")
        .values_list("pk", "kind", "cell_year", "place", "cell_place")
    )


def answer(filterset):
    """Return the search's answer from its snapshot, corrected; None without a usable one.

    A search following links (naming a number, or an ordinal among words) has none: the
    change log, of document rows, does not see a link added or its document published."""
    if filterset.parsed_query.follows_links:
        return None
    data = filterset.form.cleaned_data
    kinds, years = set(data.get("kind") or ()), set(data.get("year") or ())
    # The cells, most of what is stored, are read only for a narrowed search.
    stored_part = "results" if kinds or years else "results - 'cells'"
    key = key_of(filterset)
    with connection.cursor() as cursor:
        # prune() must not delete the log entries of the changed documents between the reading
        # of their ids and of their past rows: their present counts would be added and their
        # past ones never taken away. Not waited for: a prune waiting for a builder would hold
        # every search behind it; the search is computed instead. Taken only when the search
        # has a snapshot (NULL else), and before its row is read: a statement sees what was
        # committed when it began, which may be before the prune holding the lock committed.
        cursor.execute(
            "SELECT CASE WHEN EXISTS (SELECT FROM archive_search_snapshot WHERE key = %s) "
            "THEN pg_try_advisory_xact_lock_shared(hashtext('archive_search_snapshot')) END",
            [key],
        )
        if not cursor.fetchone()[0]:
            return None
        cursor.execute(
            f"SELECT taken::text, builder, last_seq, {stored_part} "
            "FROM archive_search_snapshot WHERE key = %s",
            [key],
        )
        row = cursor.fetchone()
        if row is None:
            return None
        since = dict(zip(("taken", "builder", "last_seq"), row[:3], strict=True))
        cursor.execute(
            f"SELECT DISTINCT c.document_id FROM archive_search_change c WHERE {_after()} "
            f"LIMIT {MAX_CHANGED + 1}",
            since,
        )
        changed = [document_id for (document_id,) in cursor.fetchall()]
    if len(changed) > MAX_CHANGED:
        return None
    stored = json.loads(row[3])  # Django's cursor leaves jsonb as text
    if kinds or years:
        counts, lists = _cells_kept(stored["cells"], kinds, years)
    else:
        ids = stored["ids"]
        counts, lists = (
            stored["counts"],
            [(ids, range(1, len(ids) + 1), not stored["every_match_listed"])],
        )
    if changed:
        counts = _corrected(
            counts,
            present=filters.facet_counts(filterset, among=changed),
            past=filters.facet_counts(filterset, rows=_past_rows(since, changed)),
        )
    ids = _first_ids(filterset, lists, set(changed))
    shown = ids[: filters.CACHED_SNIPPETS]
    snippets = {pk: tuple(s) for pk, s in stored["snippets"] if pk in shown and pk not in changed}
    if kinds or years:
        snippets |= _cell_snippets(
            key,
            filterset.parsed_query,
            [pk for pk in shown if pk not in changed and pk not in snippets],
        )
    snippets |= search.headlines(filterset.parsed_query, [pk for pk in shown if pk not in snippets])
    return {
        "total": filters.total(filterset, counts),
        "counts": counts,
        "ids": ids,
        "snippets": snippets,
        # No number is named here (answer's first test), but an ordinal among words may be.
        "named": search.named_documents(filterset.parsed_query),
    }


def _cell_snippets(key, query, ids):
    """Return {pk: (title, snippet)} of these documents from the snapshot's cells (one
    decompression of the column, the entries picked in the statement)."""
    if query.is_empty or not ids:
        return {}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT entry.key::bigint, entry.value FROM archive_search_snapshot AS snapshot, "
            "jsonb_each(snapshot.cell_snippets) AS entry "
            "WHERE snapshot.key = %s AND entry.key = ANY(%s)",
            [key, [str(pk) for pk in ids]],
        )
        return {pk: tuple(json.loads(value)) for pk, value in cursor.fetchall()}


def _cells_kept(cells, kinds, years):
    """Return the counts of the cells kept by the kinds and years chosen (none: every cell),
    each facet over the cells its own filter does not exclude, as filters.FACET_SQL counts;
    and the kept cells' lists of first ids: [(ids, their places in the whole search's order,
    whether the list leaves out matches)]."""
    counts = {name: Counter() for name in filters.FACET_NAMES}
    lists = []
    for kind, year, total, cell_counts, ids, places in cells:
        kind_kept, year_kept = not kinds or kind in kinds, not years or year in years
        if year_kept and total:
            counts["kind"][kind] += total
        if kind_kept and total:
            counts["year"][filters.UNKNOWN_YEAR if year is None else str(year)] += total
        if kind_kept and year_kept:
            for name, values in cell_counts.items():
                counts[name].update(values)
            lists.append((ids, places, total > len(ids)))
    return {name: dict(values) for name, values in counts.items()}, lists


def _corrected(counts, present, past):
    """Return the counts with the changed documents' present put in and their past taken out
    (a value left with none is dropped, as the facet statement leaves it out)."""
    return {
        name: dict(Counter(values) + Counter(present[name]) - Counter(past[name]))
        for name, values in counts.items()
    }


def _past_rows(since, changed):
    """Return the PAST_ROWS CTE with positional parameters (the facet statement's style)."""
    columns = [
        f"past.{field.column}"
        for field in Document._meta.concrete_fields
        if field.column != "search_vector"
    ]
    sql = PAST_ROWS.format(columns=", ".join(columns), after=_after("%s", "%s", "%s"))
    # The parameters in the order they appear: the ids, then AFTER's.
    return sql, [changed, since["builder"], since["last_seq"], since["taken"]]


def _first_ids(filterset, lists, changed):
    """Return the first ids: the listed unchanged ones in the search's order (their places in
    the snapshot's one ranking; ranked again with the changed documents that match, if any).

    A list that leaves out matches vouches for the merged order down to its last unchanged id
    (any unlisted document of its cell ranks below it), or entirely when the merged order's
    first CACHED_IDS push some of its ids out; a list of every match vouches for all.
    """
    if len(lists) == 1 and not changed:
        return lists[0][0]
    if changed:
        listed = [pk for ids, _places, _partial in lists for pk in ids if pk not in changed]
        candidates = filterset.ordered_qs().filter(pk__in=[*listed, *changed])
        merged = list(candidates.values_list("pk", flat=True)[: filters.CACHED_IDS])
    else:
        # The lists are cut from one ranking of every match: their places order them.
        placed = sorted(
            (place, pk) for ids, places, _ in lists for pk, place in zip(ids, places, strict=True)
        )
        merged = [pk for _place, pk in placed[: filters.CACHED_IDS]]
    position = {pk: place for place, pk in enumerate(merged)}
    cut = len(merged)
    for ids, _places, partial in lists:
        kept = [pk for pk in ids if pk not in changed]
        if not partial or any(pk not in position for pk in kept):
            continue
        cut = min(cut, max((position[pk] + 1 for pk in kept), default=0))
    return merged[:cut]


def prune():
    """Delete the log entries every snapshot already saw, and those with no snapshot at all."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext('archive_search_snapshot'))")
        cursor.execute(
            "DELETE FROM archive_search_change c WHERE NOT EXISTS ("
            " SELECT FROM archive_search_snapshot s WHERE "
            + _after("s.taken", "s.builder", "s.last_seq")
            + ")"
        )
        return cursor.rowcount


# What `build_search_snapshots` builds: the searches whose answer costs most and which many
# people make. A word in at least COMMON_SHARE of the documents (1,000 of 200,000: a rarer word
# is counted and ranked in tens of milliseconds), typed with its most frequent accents and
# without any; the PHRASES most frequent two-syllable phrases of titles, quoted and unquoted
# ("di cư" is the commonest search of all); browsing with no filter, or with one objective,
# document type or current province. Each of them also answers itself narrowed by kind and
# year (its cells).
COMMON_SHARE = 0.005
PHRASES = 30


def sample_percent(rows_wanted):
    """Return the TABLESAMPLE percentage that reads about `rows_wanted` documents."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = 'archive_document'")
        estimate = max(cursor.fetchone()[0], Document.objects.count(), 1)
    return min(100.0, round(100.0 * rows_wanted / estimate, 3))


def term_frequencies():
    """Return [(word, share of documents it matches)] from a sample of the archive.

    The share is the folded word's (what a search matches: "loi" finds lối, lợi, lỗi...); the
    word is its most frequent accented spelling, the one a user would type.
    """
    percent = sample_percent(10_000)
    sample = f"TABLESAMPLE SYSTEM ({percent}) REPEATABLE (7)"
    stat = "SELECT word, ndoc FROM ts_stat($$SELECT {} FROM archive_document " + sample + "$$)"
    with connection.cursor() as cursor:
        cursor.execute(stat.format("search_vector"))
        folded = dict(cursor.fetchall())
        cursor.execute(stat.format("search_vector_exact"))
        spellings = {}
        for word, _ndoc in sorted(cursor.fetchall(), key=lambda row: -row[1]):
            spellings.setdefault(fold(word), word)
        cursor.execute(f"SELECT count(*) FROM archive_document {sample}")
        sampled = cursor.fetchone()[0] or 1
    return [
        (spellings[lexeme], ndoc / sampled)
        for lexeme, ndoc in folded.items()
        if lexeme in spellings and lexeme.isalpha() and len(lexeme) > 1
    ]


def title_phrases(limit):
    """Return the most frequent two-syllable phrases of titles ("di cư", "hợp pháp").

    Counted over every title, in chunks: a sample of pages depends on the order rows lie on
    disk, and the same archive copied in another order lost a phrase near the list's end
    ("ban hành", 25th of 200,000 titles, missing from a 2,000-title sample).
    """
    pairs = Counter()
    titles = Document.objects.order_by().values_list("title", flat=True)
    for title in titles.iterator(chunk_size=10_000):
        words = [w for w in title.lower().split() if w.isalpha()]
        pairs.update(f"{a} {b}" for a, b in zip(words, words[1:], strict=False))
    # Ties go by the phrase, not by the order the titles were read in.
    return [pair for pair, _n in heapq.nsmallest(limit, pairs.items(), key=lambda i: (-i[1], i[0]))]


def common_searches(share=COMMON_SHARE, phrases=PHRASES):
    """Return [{parameter: [values]}]: the searches to keep snapshots of."""
    words = sorted(word for word, part in term_frequencies() if part >= share)
    searches = [{"q": [spelling]} for word in words for spelling in sorted({word, fold(word)})]
    for phrase in title_phrases(phrases):
        # Quoted, and as most people type it: unquoted, with its accents or without.
        searches.append({"q": [f'"{phrase}"']})
        searches += [{"q": [spelling]} for spelling in sorted({phrase, fold(phrase)})]
    browse = {
        "objective": [str(n) for n in GcmObjective.objects.values_list("number", flat=True)],
        "doc_type": list(DocumentType.objects.values_list("slug", flat=True)),
        "province": list(
            Province.objects.filter(era=Province.Era.FROM_2025).values_list("slug", flat=True)
        ),
    }
    searches.append({})
    searches += [{name: [value]} for name, values in browse.items() for value in values]
    return searches


# A search computed slower than this is noted (SlowSearch); the SLOW_SEARCHES made most often are
# built besides the common searches. Everything else a results page needs takes tens of ms.
SLOW_SECONDS = 0.3
SLOW_SEARCHES = 100
NOTE_SLOW = """
INSERT INTO archive_slowsearch (key, query, parameters, count, seconds, last_searched)
VALUES (%s, %s, %s, 1, %s, now())
ON CONFLICT (key) DO UPDATE SET count = archive_slowsearch.count + 1,
    seconds = excluded.seconds, last_searched = excluded.last_searched
"""


def note_slow(filterset, seconds):
    """Count a search computed in `seconds` if that was slow, under the key of its snapshot
    (its kind and year left out: the snapshot's cells answer them)."""
    if seconds < SLOW_SECONDS or filterset.parsed_query.follows_links:  # see answer()
        return
    data = filterset.data
    parameters = {
        name: values
        for name in filterset.filters
        if name not in CELL_FILTERS and (values := [v for v in data.getlist(name) if v])
    }
    with connection.cursor() as cursor:
        cursor.execute(
            NOTE_SLOW,
            [key_of(filterset), filterset.parsed_query.shown, json.dumps(parameters), seconds],
        )


def with_slow_searches(searches, limit=SLOW_SEARCHES):
    """Return the searches, then those of the `limit` slow searches made most often that are
    not among them; one no longer valid (a province since removed) is left out."""
    keys = {key_for(parameters) for parameters in searches}
    added = []
    for parameters in SlowSearch.objects.values_list("parameters", flat=True)[:limit]:
        try:
            filterset = filterset_for(parameters)
        except ValueError:
            continue
        key = key_of(filterset)
        # One noted before such searches were left to be computed (answer()) would be built
        # each night for nothing, in the place of one a snapshot answers.
        if key not in keys and not filterset.parsed_query.follows_links:
            keys.add(key)
            added.append(parameters)
    return searches + added


def filterset_for(parameters):
    """Return the search page's filter for a reader (published documents) with these parameters."""
    data = QueryDict(mutable=True)
    for name, values in parameters.items():
        data.setlist(name, values)
    filterset = filters.DocumentFilter(data, queryset=Document.objects.published())
    if not filterset.is_valid():
        raise ValueError(f"invalid search {parameters}: {filterset.errors.as_json()}")
    return filterset


def _build_task(parameters):
    started = time.perf_counter()
    key = build(filterset_for(parameters))
    return parameters, key, time.perf_counter() - started


def rebuild(searches, progress=lambda parameters, seconds: None, jobs=1):
    """Build a snapshot of each search, drop those of other searches, prune the log.

    With jobs > 1, in that many processes: a build ranks in one process (its window sorts
    run after the gather), so two builders use two cores.
    """
    keys = []

    def record(built):
        for parameters, key, seconds in built:
            keys.append(key)
            progress(parameters, seconds)

    if jobs > 1 and not connection.in_atomic_block:
        with workers.pool(jobs) as pool:
            record(pool.imap_unordered(_build_task, searches))
    else:
        record(map(_build_task, searches))
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM archive_search_snapshot WHERE NOT (key = ANY(%s))", [keys])
    return prune()
