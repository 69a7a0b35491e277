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

`manage.py build_search_snapshots` builds them for the searches everyone makes
(`common_searches`); beyond MAX_CHANGED changed documents a snapshot is left aside for the
computed answer until it is built again. The key holds filters.RESULTS_FORMAT: bump it when
what a search answers changes. The log keeps old rows as JSON by column name, so a migration
that renames or retypes a column of archive_document must delete the snapshots.
"""

import json
import time
from collections import Counter

from django.db import connection, transaction
from django.http import QueryDict

from . import filters, search
from .models import Document, DocumentType, GcmObjective, Province
from .text import fold

# Past this many changed documents a correction costs about what computing does.
MAX_CHANGED = 2000

# A log entry is "after" a snapshot when its transaction is not visible in the snapshot. A
# snapshot built inside a transaction that had itself written (a test) sees that transaction's
# entries up to the last one it had.
AFTER = """
NOT (pg_visible_in_snapshot(c.xid, %(taken)s::pg_snapshot)
     OR COALESCE(c.xid = %(builder)s::xid8 AND c.seq <= %(last_seq)s, FALSE))
"""

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
        WHERE c.document_id = ANY(%(changed)s) AND {after}
        ORDER BY c.document_id, c.seq) AS first,
    LATERAL jsonb_populate_record(NULL::archive_document, first.old) AS past
    WHERE first.old IS NOT NULL),
"""


def build(filterset):
    """Compute a search's answer and keep it with the database snapshot it saw.

    Run alone, it reads in one REPEATABLE READ snapshot, so the counts, the ranking and the
    recorded snapshot agree; builders and `prune` exclude each other (an advisory lock).
    """
    started = time.perf_counter()
    outermost = not connection.in_atomic_block
    with transaction.atomic(), connection.cursor() as cursor:
        if outermost:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        cursor.execute("SELECT pg_advisory_xact_lock_shared(hashtext('archive_search_snapshot'))")
        with search.tuned():
            results = filters.compute_results(filterset)
        cursor.execute(
            "SELECT pg_current_snapshot(), pg_current_xact_id_if_assigned(), "
            "(SELECT COALESCE(max(seq), 0) FROM archive_search_change)"
        )
        taken, builder, last_seq = cursor.fetchone()
        stored = results | {"snippets": list(results["snippets"].items())}
        cursor.execute(
            "INSERT INTO archive_search_snapshot "
            "(key, taken, builder, last_seq, results, seconds) VALUES (%s, %s, %s, %s, %s, %s) "
            "ON CONFLICT (key) DO UPDATE SET taken = excluded.taken, builder = excluded.builder, "
            "last_seq = excluded.last_seq, results = excluded.results, "
            "built_at = now(), seconds = excluded.seconds",
            [
                filters.search_key(filterset),
                str(taken),
                builder,
                last_seq,
                json.dumps(stored),
                time.perf_counter() - started,
            ],
        )
    return results


def answer(filterset):
    """Return the search's answer from its snapshot, corrected; None without a usable one."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT taken::text, builder, last_seq, results FROM archive_search_snapshot "
            "WHERE key = %s",
            [filters.search_key(filterset)],
        )
        row = cursor.fetchone()
        if row is None:
            return None
        since = dict(zip(("taken", "builder", "last_seq"), row[:3], strict=True))
        cursor.execute(
            f"SELECT DISTINCT c.document_id FROM archive_search_change c WHERE {AFTER} "
            f"LIMIT {MAX_CHANGED + 1}",
            since,
        )
        changed = [document_id for (document_id,) in cursor.fetchall()]
    if len(changed) > MAX_CHANGED:
        return None
    results = json.loads(row[3])  # Django's cursor leaves jsonb as text
    results["snippets"] = {pk: tuple(snippet) for pk, snippet in results["snippets"]}
    return corrected(filterset, results, changed, since) if changed else results


def corrected(filterset, results, changed, since):
    """Return the snapshot's answer with the changed documents' past taken out and present
    put in."""
    past = filters.facet_counts(filterset, rows=_past_rows(since, changed))
    present = filters.facet_counts(filterset, among=changed)
    counts = {}
    for name, values in results["counts"].items():
        merged = dict(values)
        for value, n in present[name].items():
            merged[value] = merged.get(value, 0) + n
        for value, n in past[name].items():
            merged[value] = merged.get(value, 0) - n
        counts[name] = {value: n for value, n in merged.items() if n}
    ids = _first_ids(filterset, results, set(changed))
    known = {pk: s for pk, s in results["snippets"].items() if pk not in changed}
    shown = ids[: filters.CACHED_SNIPPETS]
    known |= filters.highlighted(filterset.parsed_query, [pk for pk in shown if pk not in known])
    snippets = {pk: known[pk] for pk in shown if pk in known}
    return {
        "total": filters.total(filterset, counts),
        "counts": counts,
        "ids": ids,
        "snippets": snippets,
    }


def _past_rows(since, changed):
    """Return the PAST_ROWS CTE with positional parameters (the facet statement's style)."""
    values = since | {"changed": changed}
    names = ("changed", "taken", "builder", "last_seq")  # in the order they appear
    columns = [
        f"past.{field.column}"
        for field in Document._meta.concrete_fields
        if field.column != "search_vector"
    ]
    sql = PAST_ROWS.format(columns=", ".join(columns), after=AFTER)
    for name in names:
        sql = sql.replace(f"%({name})s", "%s")
    return sql, [values[name] for name in names]


def _first_ids(filterset, results, changed):
    """Return the first ids: the snapshot's unchanged ones ranked with the changed that match.

    Every unlisted unchanged document ranks below the snapshot's last id, so the merged order
    is exact up to the last snapshot id it holds (or entirely, if the snapshot listed every
    match, or the changed documents push snapshot ids out of the first CACHED_IDS).
    """
    listed = results["ids"]
    kept = [pk for pk in listed if pk not in changed]
    candidates = filterset.ordered_qs().filter(pk__in=[*kept, *changed])
    merged = list(candidates.values_list("pk", flat=True)[: filters.CACHED_IDS])
    every_match_listed = len(listed) == results["total"]
    if every_match_listed or not set(kept) <= set(merged):
        return merged
    if not kept:
        return []
    return merged[: max(merged.index(pk) for pk in kept) + 1]


def prune():
    """Delete the log entries every snapshot already saw, and those with no snapshot at all."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext('archive_search_snapshot'))")
        cursor.execute(
            "DELETE FROM archive_search_change c WHERE NOT EXISTS ("
            " SELECT FROM archive_search_snapshot s WHERE "
            + AFTER.replace("%(taken)s", "s.taken")
            .replace("%(builder)s", "s.builder")
            .replace("%(last_seq)s", "s.last_seq")
            + ")"
        )
        return cursor.rowcount


# What `build_search_snapshots` builds: the searches whose answer costs most and which many
# people make. A word in at least COMMON_SHARE of the documents, typed with its most frequent
# accents and without any; the PHRASES most frequent two-syllable phrases of titles, quoted;
# browsing with no filter, with one kind, year, objective, document type or current province,
# and with a kind and a year together.
COMMON_SHARE = 0.3
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
    """Return the most frequent two-syllable phrases of titles ("di cư", "hợp pháp")."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT title FROM archive_document "
            f"TABLESAMPLE SYSTEM ({sample_percent(2000)}) REPEATABLE (3)"
        )
        titles = [row[0].lower() for row in cursor.fetchall()]
    pairs = Counter()
    for title in titles:
        words = [w for w in title.split() if w.isalpha()]
        pairs.update(f"{a} {b}" for a, b in zip(words, words[1:], strict=False))
    return [pair for pair, _n in pairs.most_common(limit)]


def common_searches(share=COMMON_SHARE, phrases=PHRASES):
    """Return [{parameter: [values]}]: the searches to keep snapshots of."""
    words = sorted(word for word, part in term_frequencies() if part >= share)
    searches = [{"q": [spelling]} for word in words for spelling in sorted({word, fold(word)})]
    searches += [{"q": [f'"{phrase}"']} for phrase in title_phrases(phrases)]
    kinds = list(Document.Kind.values)
    years = [str(day.year) for day in Document.objects.published().dates("date", "year")]
    browse = {
        "kind": kinds,
        "year": years,
        "objective": [str(n) for n in GcmObjective.objects.values_list("number", flat=True)],
        "doc_type": list(DocumentType.objects.values_list("slug", flat=True)),
        "province": list(
            Province.objects.filter(era=Province.Era.FROM_2025).values_list("slug", flat=True)
        ),
    }
    searches.append({})
    searches += [{name: [value]} for name, values in browse.items() for value in values]
    searches += [{"kind": [kind], "year": [year]} for kind in kinds for year in years]
    return searches


def filterset_for(parameters):
    """Return the search page's filter for a reader (published documents) with these parameters."""
    data = QueryDict(mutable=True)
    for name, values in parameters.items():
        data.setlist(name, values)
    filterset = filters.DocumentFilter(data, queryset=Document.objects.published())
    if not filterset.is_valid():
        raise ValueError(f"invalid search {parameters}: {filterset.errors.as_json()}")
    return filterset


def rebuild(searches, progress=lambda parameters, seconds: None):
    """Build a snapshot of each search, drop those of other searches, prune the log."""
    keys = []
    for parameters in searches:
        filterset = filterset_for(parameters)
        started = time.perf_counter()
        build(filterset)
        keys.append(filters.search_key(filterset))
        progress(parameters, time.perf_counter() - started)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM archive_search_snapshot WHERE NOT (key = ANY(%s))", [keys])
    return prune()
