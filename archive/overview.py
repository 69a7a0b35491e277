"""The whole picture: provinces across the 2025 merger, implementation chains, coverage, counts.

Everything here is a query over the archive's own tables; nothing is copied. Counts by province
and objective read the facet arrays the database keeps on each document (migration 0004):
`facet_units` holds each tagged unit and the unit it merged into, so one array answers both
"documents of Hậu Giang (before 2025)" and "documents of Cần Thơ, predecessors included",
exactly as the search page's province filter does. Counts over the whole archive are cached per
search generation (`cached`).
"""

import math
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db import connection
from django.db.models import Count, F, OuterRef, Q, Subquery
from django.db.models.expressions import Window
from django.db.models.functions import ExtractYear, RowNumber
from django.utils.translation import gettext_lazy as _

from . import periods, tilemap
from .filters import search_generation
from .models import (
    REVERSE_LABELS,
    Agency,
    Conference,
    Document,
    DocumentLink,
    Plan,
    Province,
    Relation,
)
from .text import vietnamese_key

# ---------------------------------------------------------------------------------------------
# Provinces and the merger
# ---------------------------------------------------------------------------------------------


def parse_era(value, default=Province.Era.FROM_2025):
    """Return the era a parameter names ("34" or "63"), or raise ValueError with a message."""
    if value in (None, ""):
        return default
    if value not in Province.Era.values:
        raise ValueError(
            _("Tham số era chỉ nhận «34» (34 tỉnh, thành phố từ 1/7/2025) hoặc «63» (trước đó).")
        )
    return value


def alphabetical(provinces):
    """Return provinces in Vietnamese alphabetical order (Cao Bằng before Cần Thơ, Đ after D)."""
    # The database's collation sorts Đ after every Latin letter and â beside a.
    return sorted(provinces, key=lambda province: vietnamese_key(province.name))


def predecessors_of(provinces):
    """Return {current unit id: [the old units merged into it]} for a list of provinces."""
    merged = defaultdict(list)
    for province in provinces:
        if province.merged_into_id:
            merged[province.merged_into_id].append(province)
    for units in merged.values():
        units[:] = alphabetical(units)
    return merged


def province_units(province):
    """Return the units whose documents belong on this unit's page: it and its predecessors."""
    if province.is_current:
        return [province, *alphabetical(province.predecessors.all())]
    return [province]


def unit_documents(documents, units):
    """Return the units' documents: tagged, or issued, organised, attended by their agencies."""
    ids = [unit.pk for unit in units]
    agencies = Agency.objects.filter(province__in=ids).values("pk")
    conferences = Conference.objects.filter(
        Q(organisers__in=agencies) | Q(participants__in=agencies)
    ).values("pk")
    return documents.filter(
        Q(facet_provinces__overlap=ids) | Q(plan__issuer__in=agencies) | Q(pk__in=conferences)
    )


def latest_per_kind(documents, limit):
    """Return {kind: [the newest `limit` documents of that kind]} in one query."""
    # A window numbers the rows within each kind, so one statement returns each list's head.
    rows = (
        documents.select_related("plan__issuer", "conference", "article")
        .annotate(
            row=Window(
                RowNumber(),
                partition_by=F("kind"),
                order_by=[F("date").desc(nulls_last=True), F("pk").desc()],
            )
        )
        .filter(row__lte=limit)
        .order_by(F("date").desc(nulls_last=True), "-pk")
    )
    by_kind = defaultdict(list)
    for document in rows:
        by_kind[document.kind].append(document)
    return by_kind


def mark_origin(documents, province, units):
    """Note on each document how it belongs to the unit: via a predecessor or via an agency."""
    names = {unit.pk: unit for unit in units}
    for document in documents:
        tagged = [names[pk] for pk in document.facet_provinces if pk in names]
        # An old unit that continues unchanged (Lạng Sơn) is this unit: no «qua …».
        document.via_units = [u for u in tagged if u.pk != province.pk and not u.continues]
        document.via_agency = not tagged


def kind_year_counts(documents):
    """Return (years newest first, {(year, kind): count}, {kind: total}) for a set of documents."""
    counts, totals, years = {}, defaultdict(int), set()
    rows = (
        documents.order_by()
        .annotate(year=ExtractYear("date"))
        .values_list("year", "kind")
        .annotate(n=Count("pk"))
    )
    for year, kind, n in rows:
        counts[(year, kind)] = n
        totals[kind] += n
        years.add(year)
    ordered = sorted((y for y in years if y), reverse=True) + ([None] if None in years else [])
    return ordered, counts, dict(totals)


# Counting over the whole archive reads every document row (0.3–0.7 s at 200,000 documents) and
# changes only when a document does. So the counts are cached as search results are
# (archive/filters.py): keyed by the search generation that every committed write to a document,
# a tag or a link moves (migrations 0006 and 0008), so an edit is counted at the next request.
# Bump the format when a cached value's shape changes, so new code never reads an old entry.
OVERVIEW_FORMAT = 2


def cached(name, user, compute):
    """Return compute(the documents this user may see), computed once per generation and scope."""
    # The scope mirrors DocumentQuerySet.visible_to: staff see drafts, everyone else does not.
    scope = "all" if user.is_staff else "published"
    key = f"overview:{OVERVIEW_FORMAT}:{search_generation()}:{scope}:{name}"
    value = cache.get(key)
    if value is None:
        value = compute(Document.objects.visible_to(user))
        cache.set(key, value)
    return value


def _grouped_counts(documents, select, arrays):
    """Run `SELECT select, count(*) FROM documents, unnest(array)...` and return its rows."""
    sql, params = _grouped(documents, select, arrays)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _grouped(documents, select, arrays):
    """Return the statement and parameters of _grouped_counts."""
    # Django has no lateral unnest; the visible documents' own SQL is the FROM clause, so the
    # counts compose with visible_to() and any other filter.
    sql, params = documents.order_by().values(*arrays).query.sql_with_params()
    joins = "".join(f", unnest(d.{array}) AS {alias}" for array, alias in arrays.items())
    group = ", ".join(str(n + 1) for n in range(len(arrays)))
    return f"SELECT {select}, count(*) FROM ({sql}) AS d{joins} GROUP BY {group}", params


def unit_counts(documents):
    """Return {province id: documents tagged with it or, for a current unit, its predecessors}."""
    return dict(_grouped_counts(documents, "unit", {"facet_units": "unit"}))


def agency_counts(documents):
    """Return {agency id: documents naming it}."""
    return dict(_grouped_counts(documents, "agency", {"facet_agencies": "agency"}))


def objective_counts(documents):
    """Return {objective id: documents addressing it}."""
    return dict(_grouped_counts(documents, "objective", {"facet_objectives": "objective"}))


def unit_objective_counts(documents):
    """Return ({(province id, objective id): documents}, {province id: documents}): the
    matrix's cells, and every document of each unit, those tagged with no objective too (a row
    of empty cells is then a unit whose documents name none, not one without documents).

    Both in one entry of the cache, which a page reads with one query, computed by one
    statement: the cells' grouping, then the units' (UNION ALL; 290 ms at 200,000 documents,
    against 160 for the cells alone and 400 for both as GROUPING SETS over the objectives LEFT
    JOINed, whose count(DISTINCT) sorts). count(*) counts documents: a facet array holds each
    id once (migration 0004's DISTINCT, the import's sets)."""
    arrays = {"facet_units": "unit", "facet_objectives": "objective"}
    by_objective, params = _grouped(documents, "unit, objective", arrays)
    by_unit, unit_params = _grouped(documents, "unit, NULL", {"facet_units": "unit"})
    with connection.cursor() as cursor:
        cursor.execute(f"{by_objective} UNION ALL {by_unit}", [*params, *unit_params])
        rows = cursor.fetchall()
    cells = {(unit, objective): n for unit, objective, n in rows if objective is not None}
    return cells, {unit: n for unit, objective, n in rows if objective is None}


# ---------------------------------------------------------------------------------------------
# The implementation chain of a document and its coverage across provinces
# ---------------------------------------------------------------------------------------------

# Documents below a plan: what implements it or is based on it, the conferences that reviewed
# any of them and the articles that reported any of those.
CHAIN_RELATIONS = [Relation.IMPLEMENTS, Relation.BASED_ON, Relation.REVIEWS, Relation.REPORTS]
# National decision → provincial plan → district plan → commune plan, then who reviewed and
# reported each; the bound also ends any cycle an editor might create.
CHAIN_DEPTH = 6
KIND_ORDER = {Document.Kind.PLAN: 0, Document.Kind.CONFERENCE: 1, Document.Kind.ARTICLE: 2}


@dataclass
class ChainNode:
    document: Document
    relation: str
    note: str
    children: list = field(default_factory=list)
    repeat: bool = False  # shown already under another parent; its branch is not repeated

    @property
    def relation_label(self):
        """Return how the parent stands to this node ("được triển khai thực hiện bởi" it): the
        tree reads down from the parent, as the parent's own page lists its links."""
        return REVERSE_LABELS[self.relation]


def chain_links(document, user):
    """Return every link below a document, breadth first: [(source, target, relation, note)]."""
    links = DocumentLink._meta.db_table
    documents = Document._meta.db_table
    sql = f"""
        WITH RECURSIVE chain(source_id, target_id, relation, note, depth) AS (
            SELECT l.source_id, l.target_id, l.relation, l.note, 1
              FROM {links} l JOIN {documents} d ON d.id = l.source_id
             WHERE l.target_id = %(root)s AND l.relation = ANY(%(relations)s)
               AND (%(everything)s OR d.status = %(published)s)
            UNION
            SELECT l.source_id, l.target_id, l.relation, l.note, c.depth + 1
              FROM chain c
              JOIN {links} l ON l.target_id = c.source_id
              JOIN {documents} d ON d.id = l.source_id
             WHERE c.depth < %(depth)s AND l.relation = ANY(%(relations)s)
               AND (%(everything)s OR d.status = %(published)s)
        )
        SELECT source_id, target_id, relation, note, min(depth) AS depth
          FROM chain WHERE source_id <> %(root)s
         GROUP BY source_id, target_id, relation, note
         ORDER BY depth
    """
    # A draft's branch is cut where the draft stands, so nothing leaks through it.
    params = {
        "root": document.pk,
        "relations": [str(relation) for relation in CHAIN_RELATIONS],
        "everything": bool(user.is_staff),
        "published": Document.Status.PUBLISHED,
        "depth": CHAIN_DEPTH,
    }
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def implementation_chain(document, user):
    """Return the tree of documents below a document, and every document in it."""
    links = chain_links(document, user)
    ids = {source for source, *_ in links}
    documents = {
        doc.pk: doc
        for doc in Document.objects.visible_to(user)
        .filter(pk__in=ids)
        .select_related("plan__issuer", "conference", "article")
    }
    below = defaultdict(list)
    for source, target, relation, note, _depth in links:
        if source in documents:
            below[target].append((documents[source], relation, note))
    for members in below.values():
        members.sort(
            key=lambda m: (KIND_ORDER[m[0].kind], m[0].date is None, m[0].date, m[0].title)
        )

    # Depth first, each document expanded once: a provincial plan based on both the national
    # decision and a ministry's letter is listed under both, its own branch only under the first.
    expanded = {document.pk}

    def grow(target_id):
        nodes = []
        for doc, relation, note in below.get(target_id, []):
            node = ChainNode(doc, relation, note, repeat=doc.pk in expanded)
            if not node.repeat:
                expanded.add(doc.pk)
                node.children = grow(doc.pk)
            nodes.append(node)
        return nodes

    return grow(document.pk), list(documents.values())


@dataclass
class CoverageRow:
    unit: Province
    plans: list  # [(plan document, the old units it came through: none for the unit's own)]
    missing: list  # predecessors without a plan, when only some have one

    @property
    def status(self):
        if not self.plans:
            return "none"
        return "partial" if self.missing else "full"


def coverage(chain_documents, provinces, era):
    """Return one row per unit of an era: the plans in a chain that belong to it."""
    by_id = {province.pk: province for province in provinces}
    # Today's unit → the old one it continues unchanged (Nghệ An, Lạng Sơn): the same province
    # in either era, whichever of its two names a plan was tagged with.
    continued = {unit.merged_into_id: unit for unit in provinces if unit.continues}
    # unit id → {plan id: the old units it came through, None among them for the unit's own}:
    # a plan tagged with Cần Thơ and with Sóc Trăng is Cần Thơ's own, whichever is read first.
    found = defaultdict(dict)
    documents = {doc.pk: doc for doc in chain_documents}
    for doc in sorted(chain_documents, key=lambda d: (d.date is None, d.date, d.pk)):
        if doc.kind != Document.Kind.PLAN:
            continue
        # A plan belongs to the units it is tagged with and to its issuer's unit.
        unit_ids = set(doc.facet_provinces)
        if doc.plan.issuer and doc.plan.issuer.province_id:
            unit_ids.add(doc.plan.issuer.province_id)
        for unit in filter(None, (by_id.get(pk) for pk in unit_ids)):
            if era == Province.Era.FROM_2025:
                # An old unit's plan counts for the unit it merged into, marked as such
                # unless the old unit continues unchanged as it (Lạng Sơn: its own plan).
                via = None if unit.is_current or unit.continues else unit
                target = unit if unit.is_current else unit.merged_into
            elif unit.is_current:
                # A plan of a unit made by the merger came after the 63 units ceased to exist.
                target, via = continued.get(unit.pk), None
            else:
                target, via = unit, None
            if target:
                found[target.pk].setdefault(doc.pk, set()).add(via)

    merged = predecessors_of(provinces)
    rows = []
    for unit in alphabetical(p for p in provinces if p.era == era):
        plans = [
            (documents[pk], [] if None in vias else alphabetical(vias))
            for pk, vias in found[unit.pk].items()
        ]
        missing = []
        if plans and all(vias for _, vias in plans):
            covered = {old.pk for _, vias in plans for old in vias}
            missing = [old for old in merged[unit.pk] if old.pk not in covered]
        rows.append(CoverageRow(unit, plans, missing))
    return rows


def most_implemented(user, limit=10):
    """Return the plans with the most documents implementing them directly, most first."""
    # Counting the links first and joining their targets' rows only for status and date costs a
    # tenth of grouping every plan row by its links (0.1 s instead of 0.3 s at 200,000).
    links = DocumentLink.objects.filter(relation=Relation.IMPLEMENTS)
    # As Document.objects.visible_to(user), at both ends of a link: a plan implemented by drafts
    # alone was offered to a visitor with a map of none.
    if not user.is_staff:
        published = Document.Status.PUBLISHED
        links = links.filter(source__status=published, target__status=published)
    top = (
        links.filter(target__kind=Document.Kind.PLAN)
        .values("target")
        .annotate(n=Count("pk"))
        .order_by("-n", F("target__date").desc(nulls_last=True))
        .values("target")[:limit]
    )
    counts = links.filter(target=OuterRef("pk")).order_by().values("target")
    return (
        Plan.objects.filter(pk__in=top)
        .annotate(implementing=Subquery(counts.annotate(n=Count("pk")).values("n")))
        .order_by("-implementing", F("date").desc(nulls_last=True))
    )


# ---------------------------------------------------------------------------------------------
# Timeline of one document
# ---------------------------------------------------------------------------------------------

TIMELINE_RELATIONS = [
    Relation.AMENDS,
    Relation.REPLACES,
    Relation.REPEALS,
    Relation.REVIEWS,
    Relation.REPORTS,
]


@dataclass
class Event:
    date: object
    label: str
    document: Document | None = None
    note: str = ""
    own: bool = False  # the document's own date rather than another document's
    precision: str = periods.Precision.DAY  # a document's date may be a month or a year

    @property
    def shown(self):
        return periods.shown(self.date, self.precision)

    @property
    def iso(self):
        """The date for <time datetime>: a month as 2026-05, a year as 2026."""
        return periods.iso(self.date, self.precision)


def own_events(document):
    """Return the dates a document carries itself: issued, in force, held, published."""
    specific, precision = document.specific, document.date_precision
    if document.kind == Document.Kind.PLAN:
        events = [Event(document.date, _("Ban hành"), own=True, precision=precision)]
        if specific.effective_date:
            events.append(Event(specific.effective_date, _("Có hiệu lực"), own=True))
        return events
    if document.kind == Document.Kind.CONFERENCE:
        events = [Event(document.date, _("Khai mạc"), own=True, precision=precision)]
        if specific.end_date and specific.end_date != document.date:
            events.append(Event(specific.end_date, _("Bế mạc"), own=True))
        return events
    return [Event(document.date, _("Đăng"), own=True, precision=precision)]


def timeline(document, incoming):
    """Return the events of a document's life in date order, undated ones last; none when
    they are only its own (its issue, coming into force, opening and closing), which its page
    says above (an undated workshop's timeline was «chưa rõ ngày — Khai mạc»).

    `incoming` are the links to the document its page already read (views.visible_links).
    """
    events = own_events(document) + [
        Event(
            link.source.date,
            REVERSE_LABELS[link.relation],
            link.source,
            link.note,
            precision=link.source.date_precision,
        )
        for link in incoming
        if link.relation in TIMELINE_RELATIONS
    ]
    if all(event.own for event in events):
        return []
    return sorted(events, key=lambda e: (e.date is None, e.date, not e.own))


# ---------------------------------------------------------------------------------------------
# The tile map
# ---------------------------------------------------------------------------------------------

COUNT_CLASSES = 5


def count_class(count, highest):
    """Return the colour class (0 for none, 1 to COUNT_CLASSES) of a count."""
    if not count or not highest:
        return 0
    return max(1, math.ceil(COUNT_CLASSES * count / highest))


def count_legend(highest):
    """Return [(css class, range of counts)] for the classes that can occur, none first."""
    legend = [("c0", "0")]
    for level in range(1, COUNT_CLASSES + 1):
        low = math.floor((level - 1) * highest / COUNT_CLASSES) + 1
        high = math.floor(level * highest / COUNT_CLASSES)
        if low <= high:
            legend.append((f"c{level}", str(low) if low == high else f"{low}–{high}"))
    return legend


@dataclass
class Tile:
    unit: Province
    x: int
    y: int
    lines: tuple
    css: str
    title: str
    value: str = ""

    @property
    def centre(self):
        return self.x + tilemap.TILE_WIDTH // 2

    @property
    def labels(self):
        """Return [(y, text)] of the name's lines, set high enough to leave room for the value."""
        top = self.y + (17 if len(self.lines) > 1 else 23)
        return [(top + 13 * n, line) for n, line in enumerate(self.lines)]

    @property
    def value_y(self):
        return self.y + tilemap.TILE_HEIGHT - 7


@dataclass
class TileMap:
    tiles: list
    legend: list  # [(css class, label)]
    width: int = tilemap.WIDTH
    height: int = tilemap.HEIGHT
    tile_width: int = tilemap.TILE_WIDTH
    tile_height: int = tilemap.TILE_HEIGHT


def tile_map(units, describe, legend):
    """Return a map with a tile per current unit; describe(unit) gives (css class, title, value)."""
    placed = []
    for unit in units:
        if unit.code not in tilemap.TILES or not unit.is_current:
            continue
        x, y = tilemap.tile_box(unit.code)
        css, title, value = describe(unit)
        placed.append(Tile(unit, x, y, tilemap.TILES[unit.code][2], css, title, value))
    # Row by row, north to south: the order the keyboard walks the tiles in, as the eye reads the
    # map (the units' own order is the database's collation, which put Đ after Z).
    placed.sort(key=lambda tile: (tile.y, tile.x))
    return TileMap(placed, legend)
