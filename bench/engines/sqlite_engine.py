"""SQLite FTS5 as a comparison engine for the search benchmark.

It answers the project's queries (archive/search.py, archive/filters.py) on the same documents:

- Text is folded by the project's own archive.text.fold() (case, diacritics, tone placement,
  đ → d) before FTS5 sees it; the unicode61 tokenizer (remove_diacritics 2) then only splits it.
  The FTS5 table is an external-content table over a view that folds the stored original text
  on the fly: the folded text is never stored, and snippet() still works on it.
- A query reads like PostgreSQL's websearch_to_tsquery: words AND, "quoted phrases", OR, -word.
  Document numbers are found by the project's parse_query(); a number is one exact token of the
  "number" column (besides its parts), and, as in the project, a plan whose number the query
  names matches even if the other words do not, and ranks first.
- Ranking is FTS5's bm25() with column weights: title 4, number and summary 2, body 1.
- Facets: the matching documents go to a temporary table once per search; each facet is then a
  GROUP BY over it (joined to the facet's (doc_id, value) table for multi-valued facets).
- Snippets: FTS5's snippet() marks the folded text; the marks are mapped back onto the original
  text, so the accented words are shown and marked.
"""

import functools
import re
import shutil
import sqlite3
import tempfile
from pathlib import Path

from .common import _WORD, FACETS, clean_filters, fold_text, opening, parse, render

MULTI_VALUED = ("province", "agency", "objective")  # each in its own table doc_<facet>
WEIGHTS = "4.0, 2.0, 2.0, 1.0"  # bm25() weights of the columns title, number, summary, body
BODY_COLUMN, SUMMARY_COLUMN = 3, 2
# The project adds 100, 40 or 5 for a number asked for, which outranks any text rank.
NUMBER_EXACT, NUMBER_TYPE_ORDINAL, NUMBER_ORDINAL = 100.0, 40.0, 5.0
BATCH_SIZE = 5_000
SNIPPET_TOKENS = 32
START, STOP = "\x02", "\x03"  # marks from snippet(), turned into <mark> after escaping

SCHEMA = """
CREATE TABLE docs (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    year INTEGER,
    doc_type TEXT,
    number_normalized TEXT,
    title TEXT NOT NULL,
    summary TEXT NOT NULL,
    body TEXT NOT NULL
);
CREATE TABLE doc_province (doc_id INTEGER, value TEXT, PRIMARY KEY (doc_id, value)) WITHOUT ROWID;
CREATE TABLE doc_agency (doc_id INTEGER, value TEXT, PRIMARY KEY (doc_id, value)) WITHOUT ROWID;
CREATE TABLE doc_objective (doc_id INTEGER, value TEXT, PRIMARY KEY (doc_id, value)) WITHOUT ROWID;
-- What FTS5 indexes, computed from the originals; read back only for snippet().
CREATE VIEW docs_folded AS
    SELECT id, fold(title) AS title, number_text(number_normalized) AS number,
           fold(summary) AS summary, fold(body) AS body
    FROM docs;
CREATE VIRTUAL TABLE fts USING fts5(
    title, number, summary, body,
    content='docs_folded', content_rowid='id',
    tokenize='unicode61 remove_diacritics 2'
);
"""

# Created after the bulk load, which is faster than keeping them up to date row by row.
INDEXES = """
CREATE INDEX docs_facets ON docs (kind, year, doc_type);  -- covers the one-valued facets
CREATE INDEX docs_year ON docs (year);
CREATE INDEX docs_doc_type ON docs (doc_type);
CREATE INDEX docs_number ON docs (number_normalized) WHERE number_normalized IS NOT NULL;
CREATE INDEX doc_province_value ON doc_province (value, doc_id);
CREATE INDEX doc_agency_value ON doc_agency (value, doc_id);
CREATE INDEX doc_objective_value ON doc_objective (value, doc_id);
"""

DROP = """
DROP TABLE IF EXISTS fts;
DROP VIEW IF EXISTS docs_folded;
DROP TABLE IF EXISTS docs;
DROP TABLE IF EXISTS doc_province;
DROP TABLE IF EXISTS doc_agency;
DROP TABLE IF EXISTS doc_objective;
"""

# The documents matching the query, with what ranking and the one-valued facets need.
HITS = """
CREATE TEMP TABLE IF NOT EXISTS hits (
    id INTEGER PRIMARY KEY, score REAL NOT NULL, tier REAL NOT NULL,
    kind TEXT, year INTEGER, doc_type TEXT
);
"""


class SqliteEngine:
    """An FTS5 index of folded text plus plain tables of facet values, in one SQLite file."""

    name = "sqlite-fts5"

    def __init__(self, path=None):
        self._tmpdir = tempfile.mkdtemp(prefix="bench-sqlite-") if path is None else None
        self.path = Path(self._tmpdir, "index.sqlite") if path is None else Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._db = _connect(self.path)

    # Building

    def build(self, documents):
        """Load the documents as they stream in, replacing any earlier content, in batches."""
        self._db.executescript(DROP + SCHEMA)
        batch = []
        for document in documents:
            batch.append(document)
            if len(batch) == BATCH_SIZE:
                self._insert(batch)
                batch = []
        if batch:
            self._insert(batch)
        self._db.executescript(INDEXES)
        self._db.execute("INSERT INTO fts (fts) VALUES ('optimize')")  # one b-tree per term
        self._db.execute("ANALYZE")

    def _insert(self, batch):
        """Insert one batch in one transaction: originals, folded text, facet values."""
        docs, texts, values = [], [], {name: [] for name in MULTI_VALUED}
        for doc in batch:
            number = doc.get("number_normalized") or None
            docs.append(
                (
                    doc["id"],
                    doc["kind"],
                    doc.get("year"),
                    doc.get("doc_type") or None,
                    number,
                    doc.get("title") or "",
                    doc.get("summary") or "",
                    doc.get("body") or "",
                )
            )
            # Exactly what the view docs_folded gives, so snippet() offsets agree.
            texts.append(
                (
                    doc["id"],
                    fold_text(doc.get("title") or ""),
                    number_text(number),
                    fold_text(doc.get("summary") or ""),
                    fold_text(doc.get("body") or ""),
                )
            )
            for name, field in (
                ("province", "provinces"),
                ("agency", "agencies"),
                ("objective", "objectives"),
            ):
                values[name] += [(doc["id"], str(value)) for value in doc.get(field) or []]
        db = self._db
        db.execute("BEGIN")
        db.executemany("INSERT INTO docs VALUES (?, ?, ?, ?, ?, ?, ?, ?)", docs)
        db.executemany(
            "INSERT INTO fts (rowid, title, number, summary, body) VALUES (?, ?, ?, ?, ?)", texts
        )
        for name, rows in values.items():
            db.executemany(f"INSERT OR IGNORE INTO doc_{name} VALUES (?, ?)", rows)
        db.execute("COMMIT")

    # Searching

    def search(self, q, filters, limit=20):
        """Return {"count", "top", "facets", "snippets"} for q under the filters."""
        plan = parse(q)
        filters = clean_filters(filters)
        expression = None if plan.empty else match_expression(plan)
        base = "docs d" if plan.empty else self._collect_hits(plan, expression)
        where, params = _conditions(filters)
        (count,) = self._db.execute(
            f"SELECT count(*) FROM {base} {_where(where)}", params
        ).fetchone()
        order = "d.id DESC" if plan.empty else "d.tier DESC, d.score, d.id DESC"
        top = [
            row[0]
            for row in self._db.execute(
                f"SELECT d.id FROM {base} {_where(where)} ORDER BY {order} LIMIT ?",
                [*params, max(limit, 0)],
            )
        ]
        return {
            "count": count,
            "top": top,
            "facets": {name: self._facet(base, name, filters) for name in FACETS},
            "snippets": self._snippets(expression, top),
        }

    def close(self):
        """Close the database; remove it when it was a temporary one."""
        self._db.close()
        if self._tmpdir:
            shutil.rmtree(self._tmpdir, ignore_errors=True)

    def _collect_hits(self, plan, expression):
        """Fill the temporary table `hits` with the matching documents; return it as the base."""
        db = self._db
        db.execute("DELETE FROM hits")
        columns = "d.kind, d.year, d.doc_type"
        if expression and plan.groups:
            db.execute(
                f"INSERT INTO hits SELECT d.id, bm25(fts, {WEIGHTS}), 0, {columns} "
                "FROM fts JOIN docs d ON d.id = fts.rowid WHERE fts MATCH ?",
                [expression],
            )
        elif expression:  # only exclusions ("-lao"): every document without them
            db.execute(
                f"INSERT INTO hits SELECT d.id, 0, 0, {columns} FROM docs d "
                "WHERE d.id NOT IN (SELECT rowid FROM fts WHERE fts MATCH ?)",
                [expression],
            )
        for condition, params, tier in _number_conditions(plan):
            db.execute(
                f"INSERT INTO hits SELECT d.id, 0, ?, {columns} FROM docs d WHERE {condition} "
                "ON CONFLICT (id) DO UPDATE SET tier = max(tier, excluded.tier)",
                [tier, *params],
            )
        return "hits d"

    # Facets

    def _facet(self, base, name, filters):
        """Return {value: count} of one facet under every filter but its own."""
        where, params = _conditions(filters, without=name)
        if name in MULTI_VALUED:
            if base == "docs d" and not where:  # everything: the value table alone suffices
                sql = f"SELECT value, count(*) FROM doc_{name} GROUP BY value"
            else:
                sql = (
                    # CROSS JOIN keeps the (often far fewer) matching documents outermost.
                    f"SELECT f.value, count(*) FROM {base} "
                    f"CROSS JOIN doc_{name} f ON f.doc_id = d.id "
                    f"{_where(where)} GROUP BY f.value"
                )
        else:
            where = [*where, f"d.{name} IS NOT NULL"]
            sql = f"SELECT d.{name}, count(*) FROM {base} {_where(where)} GROUP BY d.{name}"
        return {str(value): n for value, n in self._db.execute(sql, params) if n}

    # Snippets

    def _snippets(self, expression, top):
        """Return one highlighted excerpt of the body (or summary) per id in `top`, in order."""
        if not top:
            return []
        marks = ", ".join("?" * len(top))
        originals = {
            row[0]: (row[1], row[2])
            for row in self._db.execute(
                f"SELECT id, summary, body FROM docs WHERE id IN ({marks})", top
            )
        }
        fragments = {}
        if expression:
            fragments = {
                row[0]: (row[1], row[2])
                for row in self._db.execute(
                    f"SELECT rowid, snippet(fts, {SUMMARY_COLUMN}, ?, ?, '', ?), "
                    f"snippet(fts, {BODY_COLUMN}, ?, ?, '', ?) "
                    f"FROM fts WHERE fts MATCH ? AND rowid IN ({marks})",
                    [START, STOP, SNIPPET_TOKENS, START, STOP, SNIPPET_TOKENS, expression, *top],
                )
            }
        snippets = []
        for doc_id in top:
            summary, body = originals[doc_id]
            fragment = fragments.get(doc_id, (None, None))[1 if body else 0]
            snippets.append(_snippet(body or summary, fragment))
        return snippets


# Connection and documents


def _connect(path):
    """Open the database with the functions the view needs and fast, unsafe bulk-load pragmas."""
    db = sqlite3.connect(path, isolation_level=None)  # transactions are explicit
    db.create_function("fold", 1, fold_text, deterministic=True)
    db.create_function("number_text", 1, number_text, deterministic=True)
    db.create_function("regexp", 2, _regexp, deterministic=True)
    db.executescript(
        """
        PRAGMA journal_mode = OFF;
        PRAGMA synchronous = OFF;
        PRAGMA temp_store = MEMORY;
        PRAGMA cache_size = -262144;
        PRAGMA mmap_size = 1073741824;
        """
        + HITS
    )
    return db


def number_text(number):
    """Return the number column's text: the whole number as one token, then its parts.

    unicode61 splits "402/qd-ttg" at "/" and "-", so the whole number is spelled as one
    alphanumeric token ("nr" + UTF-8 hex), which no ordinary word is.
    """
    return f"{number_token(number)} {number}" if number else ""


def number_token(number):
    return "nr" + number.encode().hex()


@functools.lru_cache(maxsize=256)
def _compiled(pattern):
    return re.compile(pattern)


def _regexp(pattern, value):
    return value is not None and _compiled(pattern).search(value) is not None


def _conditions(filters, without=None):
    """Return ([SQL conditions on d], params) for every filter but `without`.

    Values of one filter combine with OR (IN), filters with AND.
    """
    where, params = [], []
    for key, values in filters.items():
        if key == without:
            continue
        if key == "year":  # an integer column; a value that is no year matches nothing
            values = [int(value) if value.isdigit() else None for value in values]
        marks = ", ".join("?" * len(values))
        if key in MULTI_VALUED:
            where.append(f"d.id IN (SELECT doc_id FROM doc_{key} WHERE value IN ({marks}))")
        else:
            where.append(f"d.{key} IN ({marks})")
        params += values
    return where, params


def _where(conditions):
    return "WHERE " + " AND ".join(conditions) if conditions else ""


def _number_conditions(plan):
    """Yield (SQL condition on d, params, tier) for the numbers the query names.

    The same three tests as archive.search.number_condition(); the regular expressions run only
    on numbers starting with the ordinal or with a zero, found through the index on the number.
    """
    if plan.numbers:
        marks = ", ".join("?" * len(plan.numbers))
        yield f"d.number_normalized IN ({marks})", list(plan.numbers), NUMBER_EXACT
    patterns = [
        (ordinal, rf"^0*{ordinal}/(\d{{4}}/)?{re.escape(abbreviation)}-", NUMBER_TYPE_ORDINAL)
        for abbreviation, ordinal in plan.typed_ordinals
    ]
    patterns += [(ordinal, rf"^0*{ordinal}[/-]", NUMBER_ORDINAL) for ordinal in plan.ordinals]
    for ordinal, pattern, tier in patterns:
        after = ordinal[:-1] + chr(ord(ordinal[-1]) + 1)
        condition = (
            "(d.number_normalized >= ? AND d.number_normalized < ? "
            "OR d.number_normalized >= '0' AND d.number_normalized < '1') "
            "AND regexp(?, d.number_normalized)"
        )
        yield condition, [ordinal, after, pattern], tier


# Query plan (kept in step with tantivy_engine.py: each engine file stands alone)


def match_expression(plan):
    """Return the FTS5 MATCH expression of the plan's words, or None when it has none.

    Groups are ANDed, operands of a group ORed, exclusions follow NOT. A query of exclusions
    alone gives just their OR: the caller keeps the documents NOT matching it.
    """
    groups = [group for group in map(_any_of, plan.groups) if group]
    excluded = [operand for operand in map(_operand, plan.excluded) if operand]
    if not excluded:
        return " AND ".join(groups) or None
    if not groups:
        return " OR ".join(excluded)
    return f"({' AND '.join(groups)}) NOT ({' OR '.join(excluded)})"


def _any_of(operands):
    """Return a group as FTS5 syntax: its operands ORed; None when none has a word."""
    parts = [part for part in map(_operand, operands) if part]
    if len(parts) < 2:
        return parts[0] if parts else None
    return "(" + " OR ".join(parts) + ")"


def _operand(operand):
    """Return an operand as FTS5 syntax: a number token in its column, a word or a phrase."""
    kind, text = operand
    if kind == "number":
        return f'number : "{number_token(text)}"'
    words = _WORD.findall(text)
    return '"' + " ".join(words) + '"' if words else None  # words hold no quotes


# Snippets rendered on the original text


def _snippet(original, fragment):
    """Return the snippet: snippet()'s fragment shown on the original text, else its opening."""
    if not original or not fragment or START not in fragment:
        return opening(original)
    plain, marks = _unmark(fragment)
    folded = fold_text(original)
    start = folded.find(plain)  # snippet() copies a stretch of the column text as it is
    if start < 0:
        return opening(original)
    marks = [(start + mark_start, start + mark_end) for mark_start, mark_end in marks]
    return render(original, folded, start, start + len(plain), marks)


def _unmark(fragment):
    """Return the fragment without its marks and the marked (start, end) offsets in it."""
    plain, marks, mark_start = [], [], 0
    length = 0
    for piece in re.split(f"([{START}{STOP}])", fragment):
        if piece == START:
            mark_start = length
        elif piece == STOP:
            marks.append((mark_start, length))
        else:
            plain.append(piece)
            length += len(piece)
    return "".join(plain), marks
