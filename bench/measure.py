"""What `make bench` measures: a query set drawn from the corpus, engines timed on it, quality.

Runs inside Django (settings loaded, DATABASE_URL pointing at a database holding a corpus).
"""

import random
import statistics
import time

from django.db.models import Count
from django.http import QueryDict

from archive.filters import (
    UNKNOWN_YEAR,
    DocumentFilter,
    facet_counts_by_value,
    facet_groups,
    results_page,
)
from archive.models import Document, Plan
from archive.snapshots import term_frequencies, title_phrases
from archive.text import fold

CLASSES = [
    "rare",
    "medium",
    "common",
    "two_terms",
    "phrase",
    "no_diacritics",
    "number",
    "browse_facets",
    "query_two_facets",
]
PER_CLASS = 7


def query_set(seed=7, per_class=PER_CLASS):
    """Return [(class, q, filters)]: a class means the same share of documents at any size."""
    rng = random.Random(seed)
    frequencies = term_frequencies()
    accented = [(w, share) for w, share in frequencies if fold(w) != w]

    def pick(low, high, pool=frequencies, k=per_class):
        words = sorted(w for w, share in pool if low <= share <= high)
        return rng.sample(words, min(k, len(words)))

    rare = pick(0.0, 0.002)
    medium = pick(0.01, 0.05)
    common = pick(0.3, 1.0, accented) or pick(0.2, 1.0)
    queries = [("rare", w, {}) for w in rare]
    queries += [("medium", w, {}) for w in medium]
    queries += [("common", w, {}) for w in common]
    queries += [
        ("two_terms", f"{a} {b}", {}) for a, b in zip(pick(0.2, 1.0), pick(0.01, 0.2), strict=False)
    ]
    queries += [("phrase", f'"{p}"', {}) for p in common_phrases(rng, per_class)]
    queries += [("no_diacritics", fold(w), {}) for w in common]
    numbers = rng.sample(
        list(Plan.objects.order_by("pk").values_list("number", flat=True)[:5000]), per_class
    )
    queries += [("number", n, {}) for n in numbers]
    facet_choices = [
        {"kind": ["plan"]},
        {"kind": ["article"]},
        {"year": ["2020"]},
        {"year": ["2024"]},
        {"kind": ["conference"]},
        {"objective": ["10"]},
        {"kind": ["plan"], "year": ["2021"]},
    ]
    queries += [("browse_facets", "", facets) for facets in facet_choices[:per_class]]
    queries += [
        (
            "query_two_facets",
            w,
            {"kind": [rng.choice(["plan", "article"])], "year": [str(rng.randint(2016, 2025))]},
        )
        for w in common
    ]
    return queries


def common_phrases(rng, k):
    """Return frequent two-syllable words ("di cư", "hợp pháp"): adjacent pairs in titles."""
    frequent = title_phrases(k * 3)
    return rng.sample(frequent, min(k, len(frequent)))


def parameters(q, filters):
    """Return a query of the set as a search's parameters ({name: [values]})."""
    return ({"q": [q]} if q else {}) | filters


def as_querydict(q, filters):
    data = QueryDict(mutable=True)
    for name, values in parameters(q, filters).items():
        data.setlist(name, values)
    return data


def ours(q, filters, limit=20, all_counts=False):
    """Run the search page's own code: total count, top-N, the six facet groups and the snippets.

    With all_counts, also return every facet value's count (for the exactness check, untimed).
    """
    filterset = DocumentFilter(as_querydict(q, filters), queryset=Document.objects.published())
    assert filterset.is_valid(), filterset.errors
    page = results_page(filterset, 1, limit)
    groups = facet_groups(filterset)
    return {
        "count": page.paginator.count,
        "top": [d.pk for d in page.object_list],
        "facets": facet_counts_by_value(filterset) if all_counts else groups,
        "snippets": [d.snippet for d in page.object_list],
    }


def exact_top(q, filters, limit=20):
    """Return the true top-N by our own ranking function over every match (for recall@N)."""
    filterset = DocumentFilter(as_querydict(q, filters), queryset=Document.objects.published())
    filterset.is_valid()
    return list(filterset.ordered_qs().values_list("pk", flat=True)[:limit])


def time_engine(search, queries, repeat=5):
    """Return {class: [milliseconds...]} over warm repeated runs, and the last answers."""
    timings, answers = {}, {}
    for klass, q, filters in queries:
        search(q, filters)  # warm-up
        for _ in range(repeat):
            started = time.perf_counter()
            answers[klass, q, str(filters)] = search(q, filters)
            timings.setdefault(klass, []).append((time.perf_counter() - started) * 1000)
    return timings, answers


def percentiles(values):
    ordered = sorted(values)
    if len(ordered) == 1:
        return {"p50": ordered[0], "p95": ordered[0], "p99": ordered[0]}
    cuts = statistics.quantiles(ordered, n=100, method="inclusive")
    return {"p50": statistics.median(ordered), "p95": cuts[94], "p99": cuts[98]}


def summarise(timings):
    return {
        klass: {k: round(v, 2) for k, v in percentiles(values).items()}
        for klass, values in timings.items()
    }


def recall_at(queries, answers, limit=20):
    """Return the mean share of the true top-N that our top-N holds, per query class."""
    per_class = {}
    for klass, q, filters in queries:
        if klass == "browse_facets":
            continue
        truth = exact_top(q, filters, limit)
        got = answers[klass, q, str(filters)]["top"] if answers else ours(q, filters, limit)["top"]
        if truth:
            per_class.setdefault(klass, []).append(len(set(truth) & set(got)) / len(truth))
    return {klass: round(statistics.mean(values), 4) for klass, values in per_class.items()}


def recount(q, filters):
    """Count every facet again the slow, obviously right way: join tables, one query per facet.

    Same semantics as the page (each facet without its own filter, a current province with
    the units merged into it), none of its shortcuts (arrays kept by triggers, one statement).
    """
    filterset = DocumentFilter(as_querydict(q, filters), queryset=Document.objects.published())
    filterset.is_valid()
    counts = {}
    for name, lookup in RECOUNT_LOOKUPS.items():
        documents = filterset.queryset_without(name).order_by()
        rows = documents.values_list(lookup).annotate(n=Count("pk", distinct=True))
        counts[name] = {str(value): n for value, n in rows if value is not None}
    if undated := filterset.queryset_without("year").filter(date__isnull=True).count():
        counts["year"][UNKNOWN_YEAR] = undated
    # A province counts the documents tagged with it or with a unit merged into it. Gathered
    # from one read of the tag rows: a query per merged province (34 of them, each a DISTINCT
    # over whole rows) took an hour for the query set at a million documents.
    documents = filterset.queryset_without("province").order_by()
    tags = documents.values_list("pk", "provinces__slug", "provinces__merged_into__slug")
    units = {}
    for pk, slug, successor in tags.iterator(chunk_size=20_000):
        for unit in (slug, successor):
            if unit:
                units.setdefault(unit, set()).add(pk)
    counts["province"] = {slug: len(pks) for slug, pks in units.items()}
    return filterset.qs.count(), counts


RECOUNT_LOOKUPS = {
    "kind": "kind",
    "agency": "agencies__slug",
    "year": "date__year",
    "objective": "objectives__number",
    "doc_type": "plan__document_type__slug",
}


def facet_exactness(queries):
    """Return the share of queries whose total and six facets equal the slow recount."""
    exact = 0
    for _klass, q, filters in queries:
        total, counts = recount(q, filters)
        got = ours(q, filters, all_counts=True)
        exact += got["count"] == total and all(
            got["facets"][name] == counts[name] for name in counts
        )
    return round(exact / len(queries), 4) if queries else None
