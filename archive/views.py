"""Pages people read: the home page and one page per document kind, with links both ways."""
from itertools import groupby

from django.db.models import Count
from django.shortcuts import get_object_or_404, render

from .models import REVERSE_LABELS, Article, Conference, Document, DocumentLink, Plan, Relation

HOME_PAGE_SIZE = 20
KIND_MODELS = {
    Document.Kind.PLAN: Plan,
    Document.Kind.CONFERENCE: Conference,
    Document.Kind.ARTICLE: Article,
}


def home(request):
    documents = Document.objects.visible_to(request.user)
    latest = (
        documents.latest_first()
        .select_related("plan", "conference", "article")
        .prefetch_related("provinces")[:HOME_PAGE_SIZE]
    )
    counts = dict(documents.order_by().values_list("kind").annotate(n=Count("pk")))
    kinds = [(label, counts.get(value, 0)) for value, label in Document.Kind.choices]
    return render(request, "archive/home.html", {"latest": latest, "kinds": kinds})


def document_detail(request, slug, kind):
    model = KIND_MODELS[kind]
    queryset = model.objects.visible_to(request.user).prefetch_related(
        "provinces", "agencies", "objectives"
    )
    if kind == Document.Kind.PLAN:
        queryset = queryset.select_related("document_type", "issuer")
    elif kind == Document.Kind.CONFERENCE:
        queryset = queryset.prefetch_related("sessions", "organisers", "participants")
    document = get_object_or_404(queryset, slug=slug)
    return render(request, f"archive/{kind}_detail.html", {
        "document": document,
        "outgoing": grouped_links(document, request.user, outgoing=True),
        "incoming": grouped_links(document, request.user, outgoing=False),
    })


def grouped_links(document, user, *, outgoing):
    """Return [(label, [document, ...]), ...] for the links from (or to) this document.

    Only documents this user may see are listed, so a draft never leaks through a link.
    """
    own, other = ("source", "target") if outgoing else ("target", "source")
    visible = Document.objects.visible_to(user).select_related("plan", "conference", "article")
    links = (
        DocumentLink.objects.filter(**{own: document}, **{f"{other}__in": visible})
        .select_related(f"{other}__plan", f"{other}__conference", f"{other}__article")
        .order_by("relation", f"{other}__date")
    )
    order = list(Relation.values)
    links = sorted(links, key=lambda link: order.index(link.relation))
    groups = []
    for relation, members in groupby(links, key=lambda link: link.relation):
        label = Relation(relation).label if outgoing else REVERSE_LABELS[relation]
        groups.append((label, [(getattr(link, other), link.note) for link in members]))
    return groups
