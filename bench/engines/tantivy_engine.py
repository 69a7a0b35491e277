"""tantivy, in-process, as a comparison engine for the search benchmark.

It answers the project's queries (archive/search.py, archive/filters.py) on the same documents:

- Text is folded by the project's own archive.text.fold() before tantivy sees it (case, diacritics,
  tone placement, đ → d); tantivy only splits it on non-alphanumerics. Query words are folded the
  same way and split by the very analyzer the index uses, so index and query always agree.
- A query reads like PostgreSQL's websearch_to_tsquery: words AND, "quoted phrases", OR, -word.
  Document numbers are found by the project's parse_query() and matched on an exact keyword field;
  as in the project, a plan whose number the query names matches even if the other words do not,
  and ranks first.
- Ranking is tantivy's BM25 per field with boosts: title 4, number and summary 2, body 1.
- Facets use tantivy's aggregation API: Searcher.aggregate() with a "terms" aggregation over fast
  string fields, one call per distinct set of filters. The counts are exact: the aggregation is
  asked for more buckets than any facet has, and its error bound and "other" count are checked.
- Snippets come from tantivy's SnippetGenerator over the folded body; its fragment and highlight
  ranges are mapped back onto the original text, so the accented words are shown and marked.
  (It marks every query word it finds, also the words of a phrase standing apart.)
"""

import shutil
import tempfile
from pathlib import Path

import tantivy
from tantivy import Occur, Query

from .common import FACETS, SNIPPET_CHARS, clean_filters, fold_text, opening, parse, render

TEXT_BOOSTS = {"title": 4.0, "number_parts": 2.0, "summary": 2.0, "body": 1.0}
NUMBER_BOOST = 2.0
# The project adds 100, 40 or 5 for a number asked for, which outranks any ts_rank; BM25 has no
# upper bound, so the tiers here are larger to outrank it just the same.
NUMBER_EXACT, NUMBER_TYPE_ORDINAL, NUMBER_ORDINAL = 1e6, 4e5, 5e4
HEAP_SIZE = 256_000_000
COMMIT_EVERY = 100_000
FACET_SIZE = 100_000  # buckets asked of each terms aggregation: more than any facet has values
ANALYZER = "folded"


class TantivyEngine:
    """A tantivy index of folded text, keyword fields for numbers and fast fields for facets."""

    name = "tantivy"

    def __init__(self, path=None):
        self._owned = path is None
        self.path = Path(tempfile.mkdtemp(prefix="bench-tantivy-") if path is None else path)
        self.path.mkdir(parents=True, exist_ok=True)
        self._schema = _schema()
        # reuse=True opens an index already built at `path`, so a benchmark can search it again.
        self._index = tantivy.Index(self._schema, path=str(self.path), reuse=True)
        # Text arrives folded, so splitting on non-alphanumerics is all the analysis left to do.
        self._analyzer = tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple()).build()
        self._index.register_tokenizer(ANALYZER, self._analyzer)

    # Building

    def build(self, documents):
        """Index the streamed documents, replacing any earlier content; commit in batches."""
        writer = self._index.writer(heap_size=HEAP_SIZE)
        writer.delete_all_documents()
        for n, document in enumerate(documents, 1):
            writer.add_document(_document(document))
            if n % COMMIT_EVERY == 0:
                writer.commit()
        writer.commit()
        writer.wait_merging_threads()  # fewer, larger segments make every search faster
        self._index.reload()

    # Searching

    def search(self, q, filters, limit=20):
        """Return {"count", "top", "facets", "snippets"} for q under the filters."""
        plan = parse(q)
        filters = clean_filters(filters)
        searcher = self._index.searcher()
        match = self._match_query(plan)
        count, top, addresses = self._top(searcher, self._filtered(match, filters), plan, limit)
        return {
            "count": count,
            "top": top,
            "facets": self._facets(searcher, match, filters),
            "snippets": self._snippets(searcher, plan, addresses),
        }

    def close(self):
        """Drop the index; remove its directory when it was a temporary one."""
        self._index = None
        if self._owned:
            shutil.rmtree(self.path, ignore_errors=True)

    def _top(self, searcher, query, plan, limit):
        """Return (exact count, best ids, their addresses): by score, or by id descending."""
        size = max(limit, 1)
        if plan.empty:
            result = searcher.search(
                query, size, count=True, order_by_field="id", order=tantivy.Order.Desc
            )
            hits = result.hits[:limit]
            return result.count, [key for key, _ in hits], [address for _, address in hits]
        result = searcher.search(query, size, count=True)
        addresses = [address for _, address in result.hits[:limit]]
        ids = searcher.fast_field_values("id", addresses) if addresses else []
        return result.count, ids, addresses

    # Queries

    def _match_query(self, plan):
        """Return what a document must match: the text, or (as in the project) its number."""
        if plan.empty:
            return Query.all_query()
        either = [query for query in (self._text_query(plan), self._number_query(plan)) if query]
        if not either:
            return Query.empty_query()  # like an empty tsquery in PostgreSQL: nothing matches
        if len(either) == 1:
            return either[0]
        return Query.boolean_query([(Occur.Should, query) for query in either])

    def _text_query(self, plan):
        """Return the words' query: every group must match, no excluded operand may; or None."""
        groups = [query for query in map(self._any_of, plan.groups) if query]
        excluded = [query for query in map(self._operand_query, plan.excluded) if query]
        if not groups and not excluded:
            return None
        clauses = [(Occur.Must, query) for query in groups] or [(Occur.Must, Query.all_query())]
        clauses += [(Occur.MustNot, query) for query in excluded]
        return clauses[0][1] if len(clauses) == 1 else Query.boolean_query(clauses)

    def _any_of(self, operands):
        """Return the query matching any of the operands (an OR group), or None if all are empty."""
        queries = [query for query in map(self._operand_query, operands) if query]
        if len(queries) < 2:
            return queries[0] if queries else None
        return Query.boolean_query([(Occur.Should, query) for query in queries])

    def _operand_query(self, operand):
        """Return the query for a number, or a word or phrase in any text field, boosted."""
        kind, text = operand
        if kind == "number":
            return Query.boost_query(self._number_term(text), NUMBER_BOOST)
        words = self._analyzer.analyze(text)
        if not words:
            return None
        clauses = []
        for field, boost in TEXT_BOOSTS.items():
            if len(words) == 1:
                query = Query.term_query(self._schema, field, words[0])
            else:
                query = Query.phrase_query(self._schema, field, words)
            clauses.append((Occur.Should, Query.boost_query(query, boost)))
        return Query.boolean_query(clauses)

    def _number_query(self, plan):
        """Return the plans whose number the query names, scored by how exactly; or None.

        The same three tests as archive.search.number_condition(), as regular expressions over
        the keyword field (tantivy matches them against the whole term, hence the trailing .*).
        """
        tiers = [(self._number_term(number), NUMBER_EXACT) for number in plan.numbers]
        tiers += [
            (
                self._number_regex(rf"0*{ordinal}/([0-9]{{4}}/)?{abbreviation}-.*"),
                NUMBER_TYPE_ORDINAL,
            )
            for abbreviation, ordinal in plan.typed_ordinals
        ]
        tiers += [
            (self._number_regex(rf"0*{ordinal}[/-].*"), NUMBER_ORDINAL) for ordinal in plan.ordinals
        ]
        if not tiers:
            return None
        # The best tier counts, not their sum, as with the project's CASE ... WHEN.
        return Query.disjunction_max_query(
            [Query.const_score_query(query, score) for query, score in tiers]
        )

    def _number_term(self, number):
        return Query.term_query(self._schema, "number", number)

    def _number_regex(self, pattern):
        return Query.regex_query(self._schema, "number", pattern)

    def _filtered(self, match, filters, without=None):
        """Return `match` restricted by every filter but `without`; filters never change scores."""
        clauses = [(Occur.Must, match)]
        for key, values in filters.items():
            if key != without:
                any_value = Query.term_set_query(self._schema, key, values)
                clauses.append((Occur.Must, Query.const_score_query(any_value, 0.0)))
        return match if len(clauses) == 1 else Query.boolean_query(clauses)

    # Facets

    def _facets(self, searcher, match, filters):
        """Return {facet: {value: count}}, each facet counted under every filter but its own.

        Facets without a filter of their own share one query, hence one aggregation call.
        """
        counts = {}
        shared = [name for name in FACETS if name not in filters]
        if shared:
            counts |= self._aggregate(searcher, self._filtered(match, filters), shared)
        for name in FACETS:
            if name in filters:
                query = self._filtered(match, filters, without=name)
                counts |= self._aggregate(searcher, query, [name])
        return {name: counts[name] for name in FACETS}

    def _aggregate(self, searcher, query, names):
        """Count the documents matching `query` per value of each facet with a terms aggregation."""
        request = {name: {"terms": {"field": name, "size": FACET_SIZE}} for name in names}
        result = searcher.aggregate(query, request)
        counts = {}
        for name in names:
            terms = result[name]
            if terms.get("sum_other_doc_count") or terms.get("doc_count_error_upper_bound"):
                raise RuntimeError(f"facet {name} has more than {FACET_SIZE} values: not exact")
            counts[name] = {
                str(bucket["key"]): bucket["doc_count"]
                for bucket in terms["buckets"]
                if bucket["doc_count"]
            }
        return counts

    # Snippets

    def _snippets(self, searcher, plan, addresses):
        """Return one highlighted excerpt of the body (or summary) per address, in order."""
        text_query = None if plan.empty else self._text_query(plan)
        generators = {}
        if text_query is not None:
            for field in ("body", "summary"):
                generator = tantivy.SnippetGenerator.create(
                    searcher, text_query, self._schema, field
                )
                generator.set_max_num_chars(SNIPPET_CHARS)
                generators[field] = generator
        snippets = []
        for address in addresses:
            stored = searcher.doc(address)
            body = _stored_text(stored, "body_text")
            field, original = (
                ("body", body) if body else ("summary", _stored_text(stored, "summary_text"))
            )
            snippets.append(_snippet(generators.get(field), field, original))
        return snippets


# Documents


def _schema():
    """Return the schema: folded text fields, the number as keyword, facets as fast strings."""
    builder = tantivy.SchemaBuilder()
    builder.add_integer_field("id", indexed=True, fast=True)
    for name in TEXT_BOOSTS:
        builder.add_text_field(name, tokenizer_name=ANALYZER)
    builder.add_text_field("number", tokenizer_name="raw", index_option="freq")
    for name in FACETS:
        builder.add_text_field(name, tokenizer_name="raw", fast=True, index_option="basic")
    # The original text, stored only, for snippets; bytes fields need not be indexed.
    for name in ("summary_text", "body_text"):
        builder.add_bytes_field(name, stored=True)
    return builder.build()


def _document(doc):
    """Return the tantivy document for one archive document: folded text, facets, originals."""
    document = tantivy.Document()
    document.add_integer("id", int(doc["id"]))
    for field in ("title", "summary", "body"):
        document.add_text(field, fold_text(doc.get(field) or ""))
    number = doc.get("number_normalized") or ""
    if number:
        document.add_text("number", number)  # "402/qd-ttg", one exact term
        document.add_text("number_parts", number)  # "402", "qd", "ttg"
    for name, values in facet_values(doc).items():
        for value in values:
            document.add_text(name, value)
    document.add_bytes("summary_text", (doc.get("summary") or "").encode())
    document.add_bytes("body_text", (doc.get("body") or "").encode())
    return document


def facet_values(doc):
    """Return {facet: [values]} of a document, each value once; missing values are left out."""
    year = doc.get("year")
    return {
        "kind": [doc["kind"]],
        "province": list(dict.fromkeys(doc.get("provinces") or [])),
        "agency": list(dict.fromkeys(doc.get("agencies") or [])),
        "year": [] if year is None else [str(year)],
        "objective": list(dict.fromkeys(str(value) for value in doc.get("objectives") or [])),
        "doc_type": [doc["doc_type"]] if doc.get("doc_type") else [],
    }


def _stored_text(stored, field):
    value = stored.get_first(field)
    return bytes(value).decode() if value else ""


# Query plan (kept in step with sqlite_engine.py: each engine file stands alone)


# Snippets rendered on the original text


def _snippet(generator, field, original):
    """Return the snippet of one text: tantivy's best fragment, or the opening when none matched."""
    if generator is None or not original:
        return opening(original)
    folded = fold_text(original)
    stripped = folded.strip()  # the generator trims the text it is given; offsets are into it
    lead = len(folded) - len(folded.lstrip())
    snippet = generator.snippet_from_doc(tantivy.Document(**{field: stripped}))
    if not snippet.highlighted():
        return opening(original)
    encoded = stripped.encode()
    fragment = snippet.fragment_range()
    start = lead + _char_offset(encoded, fragment.start)
    end = lead + _char_offset(encoded, fragment.end)
    marks = [
        (
            lead + _char_offset(encoded, fragment.start + mark.start),
            lead + _char_offset(encoded, fragment.start + mark.end),
        )
        for mark in snippet.highlighted()
    ]
    return render(original, folded, start, end, marks)


def _char_offset(encoded, byte_offset):
    """Return the character offset of a UTF-8 byte offset (tantivy counts bytes)."""
    return len(encoded[:byte_offset].decode("utf-8", errors="ignore"))
