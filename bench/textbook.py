"""The textbook Django recipe as the baseline: rank every match, LIMIT 20, facets by GROUP BY."""

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.db.models import Count, F
from django.db.models.functions import ExtractYear

from archive.models import Document
from archive.search import CONFIG

FACET_JOINS = {
    "kind": "kind",
    "province": "provinces__slug",
    "agency": "agencies__slug",
    "objective": "objectives__number",
    "doc_type": "plan__document_type__slug",
}


def textbook_search(q, filters, limit=20):
    """Return count, top ids, facet counts and snippets the way most tutorials would."""
    documents = Document.objects.published()
    query = SearchQuery(q, config=CONFIG, search_type="websearch") if q else None
    if query is not None:
        documents = documents.filter(search_vector=query)
    for name, values in filters.items():
        documents = documents.filter(
            **{f"{FACET_JOINS.get(name, 'date__year')}__in": values}
        ).distinct()
    if query is not None:
        ranked = documents.annotate(rank=SearchRank(F("search_vector"), query)).order_by(
            "-rank", "-pk"
        )
    else:
        ranked = documents.order_by("-date", "-pk")
    top = list(ranked[:limit].values_list("pk", flat=True))
    facets = {}
    for name, lookup in FACET_JOINS.items():
        rows = documents.order_by().values_list(lookup).annotate(n=Count("pk", distinct=True))
        facets[name] = {str(value): n for value, n in rows if value is not None}
    years = (
        documents.order_by()
        .annotate(year=ExtractYear("date"))
        .values_list("year")
        .annotate(n=Count("pk"))
    )
    facets["year"] = {str(year): n for year, n in years if year}
    snippets = []
    if query is not None:
        snippets = list(
            Document.objects.filter(pk__in=top)
            .annotate(snippet=SearchHeadline("body", query, config=CONFIG))
            .values_list("snippet", flat=True)
        )
    return {"count": documents.count(), "top": top, "facets": facets, "snippets": snippets}
