"""Pages people read: the home page and one page per document kind, with links both ways."""

import csv
import datetime
import functools
import hashlib
import json
import re
from itertools import groupby

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import (
    DisallowedHost,
    RequestDataTooBig,
    TooManyFieldsSent,
    TooManyFilesSent,
    ValidationError,
)
from django.core.paginator import Paginator
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Count, F, Prefetch
from django.http import (
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponsePermanentRedirect,
    JsonResponse,
    StreamingHttpResponse,
)
from django.middleware.csrf import REASON_NO_CSRF_COOKIE
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.translation import (
    get_language,
    gettext_lazy,
    ngettext,
    npgettext,
    pgettext_lazy,
)
from django.utils.translation import gettext as _
from django.views import csrf, defaults

from . import overview, periods, reference, search
from .feeds import SearchFeed
from .filters import (
    FACET_NAMES,
    SORT_CHOICES,
    UNKNOWN_YEAR,
    DocumentFilter,
    chosen_values,
    facet_groups,
    first_page_below_one,
    results_key,
    results_page,
    search_generation,
)
from .models import (
    REVERSE_LABELS,
    Agency,
    Article,
    Conference,
    Document,
    DocumentLink,
    GcmObjective,
    Plan,
    Province,
    Relation,
    plan_of,
)
from .numbers import YEARS
from .templatetags.archive_tags import highlight, query_with
from .text import ascii_digits, digits_value, strip_controls, vietnamese_key

HOME_PAGE_SIZE = 20
KIND_MODELS = {
    Document.Kind.PLAN: Plan,
    Document.Kind.CONFERENCE: Conference,
    Document.Kind.ARTICLE: Article,
}


# Searches the home page offers as examples: a word, a number, a province (the archive's own
# words, in Vietnamese in either language of the interface).
HOME_EXAMPLES = ["di cư", "402/QĐ-TTg", "Hậu Giang"]


def home(request):
    documents = Document.objects.visible_to(request.user)
    latest = (
        documents.latest_first()
        .select_related("plan", "conference", "article")
        .prefetch_related("provinces")[:HOME_PAGE_SIZE]
    )
    counts = dict(documents.order_by().values_list("kind").annotate(n=Count("pk")))
    kinds = []
    for kind in Document.Kind.values:
        n = counts.get(kind, 0)
        kinds.append((kind, n, kind_noun(kind, n)))
    examples = HOME_EXAMPLES if counts else []  # an empty archive has nothing to show by them
    return render(
        request, "archive/home.html", {"latest": latest, "kinds": kinds, "examples": examples}
    )


def kind_noun(kind, n):
    """Return the noun counting n documents of a kind: "bài viết" ("articles", "article")."""
    if kind == Document.Kind.PLAN:
        return npgettext("đếm", "văn bản", "văn bản", n)
    if kind == Document.Kind.CONFERENCE:
        return npgettext("đếm", "hội nghị", "hội nghị", n)
    return npgettext("đếm", "bài viết", "bài viết", n)


def kind_index(request, kind):
    """Send a kind's folder (/van-ban/) to the search of that kind."""
    return redirect(f"{reverse('archive:search')}?kind={kind}")


def document_detail(request, slug, kind):
    model = KIND_MODELS[kind]
    queryset = model.objects.visible_to(request.user).prefetch_related(
        "provinces", "agencies", "objectives"
    )
    if kind == Document.Kind.PLAN:
        queryset = queryset.select_related("document_type", "issuer")
    elif kind == Document.Kind.CONFERENCE:
        queryset = queryset.prefetch_related("sessions", "organisers", "participants")
    document = queryset.filter(slug=slug).first() if SLUG.fullmatch(slug) else None
    if document is None:
        return missing_document(request, slug)
    incoming = visible_links(document, request.user, outgoing=False)
    outgoing = visible_links(document, request.user, outgoing=True)
    attach_reviews(outgoing, request.user)
    context = {
        "document": document,
        "outgoing": grouped_links(outgoing, outgoing=True),
        "incoming": grouped_links(incoming, outgoing=False),
        "timeline": overview.timeline(document, incoming),
    }
    if kind == Document.Kind.PLAN:
        try:
            era = overview.parse_era(request.GET.get("era"))
        except ValueError as error:
            return message_page(request, error, status=400)
        context.update(plan_chain_context(document, request.user, era))
    return render(request, f"archive/{kind}_detail.html", context)


def visible_links(document, user, *, outgoing):
    """Return the links from (or to) this document, with the documents at their other end.

    Only documents this user may see are listed, so a draft never leaks through a link.
    """
    own, other = ("source", "target") if outgoing else ("target", "source")
    links = DocumentLink.objects.filter(**{own: document})
    if not user.is_staff:
        links = links.filter(**{f"{other}__status": Document.Status.PUBLISHED})
    links = links.select_related(
        f"{other}__plan", f"{other}__conference", f"{other}__article"
    ).order_by(f"{other}__date")
    return list(links)


def attach_reviews(outgoing, user):
    """Give each document this one carries out the conferences that reviewed it (`reviewed_at`):
    a provincial plan's page named 402/QĐ-TTg and not the conferences reviewing how it was
    carried out, a question its readers ask; they were two pages away. One query."""
    implemented = {
        link.target_id: link.target for link in outgoing if link.relation == Relation.IMPLEMENTS
    }
    for target in implemented.values():
        target.reviewed_at = []
    if not implemented:
        return
    reviews = DocumentLink.objects.filter(target__in=implemented, relation=Relation.REVIEWS)
    if not user.is_staff:
        reviews = reviews.filter(source__status=Document.Status.PUBLISHED)
    for link in reviews.select_related("source").order_by("source__date", "source_id"):
        implemented[link.target_id].reviewed_at.append(link.source)


def grouped_links(links, *, outgoing):
    """Return [(label, [(document, note), ...]), ...] for links, in the relations' order."""
    other = "target" if outgoing else "source"
    order = list(Relation.values)
    links = sorted(links, key=lambda link: order.index(link.relation))
    groups = []
    for relation, members in groupby(links, key=lambda link: link.relation):
        label = Relation(relation).label if outgoing else REVERSE_LABELS[relation]
        groups.append((label, [(getattr(link, other), link.note) for link in members]))
    return groups


# ---------------------------------------------------------------------------------------------
# Search: the page, the JSON API, the CSV export and the suggestions share one FilterSet.
# ---------------------------------------------------------------------------------------------

PAGE_SIZE, MAX_PAGE_SIZE = 20, 100


def bind_search(request):
    """Return the FilterSet bound to the request's parameters, with NUL bytes dropped and empty
    values left out: "province=" (an emptied select, a hand-edited link) asks for no filter,
    where the form would refuse it as a choice that does not exist."""
    params = request.GET.copy()
    for key in list(params):
        values = [value.replace("\x00", "") for value in params.getlist(key)]
        if values := [value for value in values if value.strip()]:
            params.setlist(key, values)
        else:
            del params[key]
    return DocumentFilter(
        params, queryset=Document.objects.visible_to(request.user), request=request
    )


def sort_menu(filterset):
    """Return the page's order menu. Its first entry leaves the order to the search, named for
    what it is: the most relevant first when words are typed, else the newest (words typed on
    a page browsing newest first are then ranked). «Mặc định» beside «Liên quan nhất» offered
    one order twice."""
    own, labels = filterset.own_sort, dict(SORT_CHOICES)
    others = [item for item in SORT_CHOICES if item[0] not in (own, "relevance")]
    return [("", labels[own]), *others]


def asked_sort(filterset):
    """Return the order asked for when it is not the search's own, else ""."""
    chosen = filterset.chosen_sort
    return "" if chosen == filterset.own_sort else chosen


def search_page(request):
    filterset = bind_search(request)
    valid = filterset.is_valid()
    context = {
        "filterset": filterset,
        # The form keeps what was valid of a refused search, so the user mends only the rest.
        "query": filterset.parsed_query,
        "sort": asked_sort(filterset),
        "sort_choices": sort_menu(filterset),
        "chosen": chosen_values(filterset),
        "wordless": wordless(filterset.parsed_query),  # no feed offered in the page's head
    }
    if not valid:
        context["errors"] = [
            (*error, without_refused(request.GET, filterset.form, error[0]))
            for error in form_errors(filterset.form)
        ]
        return render(request, "archive/search.html", context, status=400)
    context["results_html"] = results_html(request, filterset)
    return render(request, "archive/search.html", context)


def without_refused(params, form, name):
    """Return "?..." of the search without what its form refused of a parameter: the values its
    field refuses alone when it holds several (province=can-tho&province=typo keeps Cần Thơ),
    else the parameter; None for an error of no parameter sent."""
    if name not in params:
        return None
    values, field = params.getlist(name), form.fields.get(name)
    several = len(values) > 1 and getattr(field.widget, "allow_multiple_selected", False)
    kept = [value for value in values if _accepts(field, value)] if several else []
    return query_with(params, {name: kept})


def _accepts(field, value):
    try:
        field.clean([value])
    except ValidationError:
        return False
    return True


# A refused value is quoted in its message; a message is cut to this length, so a parameter of
# ten thousand characters is not sent back whole.
ERROR_CHARS = 300


def form_errors(form):
    """Return [(parameter, label, message)] of a form's errors, the label as the page names the
    field (None for an error of the whole form)."""
    return [
        (
            name,
            form.fields[name].label if name in form.fields else None,
            Truncator(" ".join(messages)).chars(ERROR_CHARS),
        )
        for name, messages in form.errors.items()
    ]


# What a repeated search costs is rendering its results: a hundred facet links and twenty
# results are two thirds of its time once the counts come from the cache. So what is rendered
# (the page's facets, count, results and pages; the API's JSON) is cached too, per address and
# language, under the same key as the counts (filters.results_key): the archive's generation,
# which every write to any table shown here moves, and the user's scope. An edit is seen at
# once, as for the counts.
def rendered(request, filterset, form, render):
    """Return render()'s text for this search, from the cache when it was rendered before."""
    address = hashlib.sha256(request.build_absolute_uri().encode()).hexdigest()
    key = f"{form}:{code_version()}:{results_key(filterset)}:{get_language()}:{address}"
    text = cache.get(key)
    if text is None:
        text = render()
        cache.set(key, text)
    return text


# What shapes a rendered page besides the data: the templates, the translations and the app's
# code. Part of the key, so a deploy that changes any of them never serves what the previous
# code rendered (entries in the cache live a day).
CODE = [("templates", "**/*.html"), ("locale", "**/*.mo"), ("archive", "**/*.py")]


@functools.cache
def code_version():
    digest = hashlib.sha256()
    for folder, pattern in CODE:
        for path in sorted((settings.BASE_DIR / folder).glob(pattern)):
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def results_html(request, filterset):
    """Return the results part of the search page (facets, count, results, pages)."""

    def render():
        try:
            size = positive_int(request.GET, "page_size", PAGE_SIZE, MAX_PAGE_SIZE)
        except ValueError:
            size = PAGE_SIZE  # the page forgives what the API refuses
        page = results_page(filterset, request.GET.get("page"), size)
        context = {
            "filterset": filterset,
            "query": filterset.parsed_query,
            "page": page,
            # The groups with values to show: none at all, and no empty box is drawn.
            "facets": [group for group in facet_groups(filterset) if group["values"]],
            "year_hint": year_hint(request, filterset),
            "place_hints": (hints := place_hints(request, filterset)),
            "agency_hints": agency_hints(request, filterset),
            "equivalent_hints": equivalent_hints(request, filterset),
            "undated_in_period": undated_in_period(filterset),
            # An order asked for is listed with the conditions in force, which can remove it:
            # nothing else on the page said the list was oldest first.
            "sort_chosen": dict(SORT_CHOICES).get(asked_sort(filterset)),
            "past_last": past_last(request, page),
            # Punctuation alone ("???", "…"): nothing to match, and no condition to take away.
            "wordless": wordless(filterset.parsed_query),
            "narrowed": narrowed(filterset),
        }
        if not page.paginator.count and not _only_places(filterset.parsed_query, hints):
            # A name alone that found nothing has its page offered, not titles like it.
            context["suggestions"] = closest(filterset.parsed_query, request.user)
        return render_to_string("archive/_search_results.html", context, request)

    return mark_safe(rendered(request, filterset, "html", render))  # noqa: S308 (our template)


NARROWING = [*FACET_NAMES, "date_from", "date_to"]


def narrowed(filterset):
    """Return whether a search is narrowed by a filter or a period, not by its words alone: a
    search of words that found nothing said to take away «a condition above», when none was."""
    data = filterset.form.cleaned_data
    return any(data.get(name) for name in NARROWING)


def wordless(query):
    """Return whether a query is punctuation alone ("???", "…", "___"): nothing to match, no
    condition to take away, nothing new to follow."""
    return bool(query.text) and not any(char.isalnum() for char in query.text)


def past_last(request, page):
    """Return the page number asked for when it is past the last page shown instead, or None:
    the page said nothing, though its address still read page=999. Read as the page is chosen
    (filters.first_page_below_one: int(), which takes "+5" and "٣" too)."""
    raw = request.GET.get("page", "")
    try:
        asked = int(raw) if len(raw) <= PAGE_DIGITS else None
    except ValueError:
        return None
    return asked if asked and page.paginator.count and asked > page.number else None


PAGE_DIGITS = 18


def undated_in_period(filterset):
    """Return whether the undated documents are chosen with a period, which holds none of them:
    the page says so, or «Chưa rõ năm» would count 0 with nothing to tell why."""
    data = filterset.form.cleaned_data
    return None in (data.get("year") or ()) and bool(data.get("date_from") or data.get("date_to"))


def year_hint(request, filterset):
    """Return (a year typed among the words, the address of the same search filtered to that
    year instead) when no year is chosen, or None: "2018" or "kế hoạch 2020" finds the word
    in texts, a few of the year's documents; the year filter finds them all."""
    if filterset.form.cleaned_data.get("year"):
        return None
    # A word of the text searched: not a year inside a number ("30 2020 NĐ CP" is 30/2020/NĐ-CP).
    words = filterset.parsed_query.text.split()
    year = next(
        (word for word in words if word.isascii() and word.isdecimal() and int(word) in YEARS), None
    )
    if year is None:
        return None
    rest = " ".join(word for word in filterset.parsed_query.shown.split() if word != year)
    return year, _search_instead(request, rest, "year", year)


def _search_instead(request, q, name=None, value=None):
    """Return the address of the same search with these words, filtered to this value of a
    facet instead (if given), from its first page."""
    params = request.GET.copy()
    params["q"] = q
    if name:
        params.setlist(name, [value])
    params.pop("page", None)
    return f"{reverse('archive:search')}?{params.urlencode()}"


def place_hints(request, filterset):
    """Return [(a province's name as typed, its unit, the address of the same search filtered
    to that unit instead, (the unit it merged into, the same for it) or None)] for the names
    among the words that no filter holds: "Sóc Trăng" finds the texts naming it; its page and
    its filter hold every document tagged with it; Cần Thơ's, what it is part of today (Sóc
    Trăng's own link found nothing in the demo, and said nothing of Cần Thơ)."""
    query = filterset.parsed_query
    chosen = {province.pk for province in filterset.form.cleaned_data.get("province") or ()}
    provinces, hints = filterset.references.provinces, {}
    for typed, ids, _at in query.places:
        unit = unit_named(ids, provinces)
        if unit is None or chosen & set(ids) or unit in hints:
            continue
        rest = _without_name(query.shown, typed)
        url = _search_instead(request, rest, "province", unit.slug)
        successor = provinces.get(unit.merged_into_id) if not unit.continues else None
        today = None  # what it is part of today, unless chosen already
        if successor and successor.pk not in chosen:
            today = (successor, _search_instead(request, rest, "province", successor.slug))
        hints[unit] = (typed, unit, url, today)
    return list(hints.values())


def _without_name(text, name):
    """Return the text without a name's words, however they are separated ("Bà Rịa - Vũng
    Tàu" for "Bà Rịa Vũng Tàu") or cased."""
    rest = _name_pattern(name).sub(" ", text)
    return " ".join(rest.split()).strip(" ,;:")


def _name_pattern(name):
    words = r"[\s,;:()\-–]*".join(map(re.escape, name.split()))
    return re.compile(rf"(?<!\w){words}(?!\w)", flags=re.IGNORECASE)


def equivalent_hints(request, filterset):
    """Return [(a term as typed, its other names searched too, the address of the search for
    the term as typed only)]: "buôn bán người" finds "mua bán người" too (synonyms), and says
    so; in quotes it is a phrase, searched as typed."""
    query, hints = filterset.parsed_query, []
    for typed, others in query.equivalents:
        quoted = _name_pattern(typed).sub(lambda match: f'"{match[0]}"', query.shown, count=1)
        hints.append((typed, others, _search_instead(request, quoted)))
    return hints


def agency_hints(request, filterset):
    """Return [(an abbreviation as typed, its agency, the address of the same search filtered
    to that agency instead)] for the abbreviations among the words naming one agency that no
    filter holds: "IOM" finds the texts writing it; the filter, every document tagged IOM."""
    query, abbreviated = filterset.parsed_query, filterset.references.abbreviated
    if query.uses_operators:  # as a province's name: quotes, OR or "-" say how words are read
        return []
    chosen = {agency.pk for agency in filterset.form.cleaned_data.get("agency") or ()}
    # The search's own words: a number's issuers are the number's (5165/TTr-BNG-LS, typed
    # "5165 TTr BNG LS").
    words, hints = dict.fromkeys(w.strip(search.PUNCTUATION) for w in query.text.split()), []
    for typed in words:
        agency = abbreviated.get(typed)
        if agency is None or agency.pk in chosen:
            continue
        url = _search_instead(request, _without_name(query.shown, typed), "agency", agency.slug)
        hints.append((typed, agency, url))
    return hints


def unit_named(ids, provinces):
    """Return the unit of today a province's name names (Cần Thơ, Khánh Hòa), else its unit
    before 2025 (Sóc Trăng), given the ids of the units so named; None if none is held."""
    units = [provinces[pk] for pk in ids if pk in provinces]
    return next((unit for unit in units if unit.is_current), units[0] if units else None)


def _only_places(query, hints):
    """Return whether the query's words are only the province names of its hints."""
    rest = query.shown
    for typed, *_found in hints:
        rest = _without_name(rest, typed)
    return bool(hints) and not any(char.isalnum() for char in rest)


def closest(query, user, limit=5):
    """Return the titles and numbers closest to a query that found nothing (pg_trgm)."""
    if query.is_empty:
        return []
    with search.similar():
        documents = Document.objects.visible_to(user).close_to(query.text)
        return list(documents.select_related("plan")[:limit])


def api_error(parameter, message, status=400):
    return JsonResponse(
        {"error": str(message), "parameter": parameter},
        status=status,
        json_dumps_params={"ensure_ascii": False},
    )


def positive_int(params, name, default, maximum=None):
    """Return a positive integer parameter, or raise ValueError with a message for the user."""
    raw = params.get(name)
    if raw in (None, ""):
        return default
    if not ascii_digits(raw) or not raw.strip("0"):
        raise ValueError(_("«%(value)s» không phải số nguyên dương.") % {"value": raw[:20]})
    value = digits_value(raw, 18) or 10**18  # past any page
    if maximum and value > maximum:
        raise ValueError(_("Tối đa %(maximum)s.") % {"maximum": maximum})
    return value


def api_search(request):
    filterset = bind_search(request)
    if not filterset.is_valid():
        name, _label, message = form_errors(filterset.form)[0]
        return api_error(name, message)
    try:
        size = positive_int(request.GET, "page_size", PAGE_SIZE, MAX_PAGE_SIZE)
    except ValueError as error:
        return api_error("page_size", error)
    try:
        number = positive_int(request.GET, "page", 1)
    except ValueError as error:
        return api_error("page", error)
    try:
        body = rendered(
            request, filterset, "json", lambda: results_json(request, filterset, number, size)
        )
    except NoSuchPage as missing:
        return api_error(
            "page",
            _("Trang %(page)s không tồn tại: chỉ có %(pages)s trang.")
            % {"page": number, "pages": missing.pages},
        )
    return HttpResponse(body, content_type="application/json")


class NoSuchPage(Exception):
    """The page asked for is past the last one (`pages`)."""

    def __init__(self, pages):
        super().__init__(pages)
        self.pages = pages


def results_json(request, filterset, number, size):
    """Return the API's JSON for one page of results: count, results and facets."""
    page = results_page(filterset, number, size)
    if page.number != number:
        raise NoSuchPage(page.paginator.num_pages)  # nothing is cached
    payload = {
        "count": page.paginator.count,
        "page": page.number,
        "pages": page.paginator.num_pages,
        "results": [result_json(request, document) for document in page.object_list],
        "facets": {
            group["name"]: [
                {k: item[k] for k in ("value", "label", "count", "selected")}
                for item in group["values"]
            ]
            for group in facet_groups(filterset)
        },
    }
    if equivalents := filterset.parsed_query.equivalents:  # what was searched besides the words
        payload["also_searched"] = [{"typed": name, "also": others} for name, others in equivalents]
    if filterset.parsed_query.truncated:
        payload["warnings"] = [
            str(
                _("Câu tìm kiếm dài quá %(limit)s ký tự nên đã được cắt bớt.")
                % {"limit": search.MAX_QUERY_LENGTH}
            )
        ]
    return json.dumps(payload, ensure_ascii=False, cls=DjangoJSONEncoder)


def result_json(request, document):
    return {
        "kind": document.kind,
        "id": document.pk,
        "title": document.title,
        "url": request.build_absolute_uri(document.get_absolute_url()),
        "number": document.listed_number,
        "date": document.date.isoformat() if document.date else None,
        # A month or a year known alone is dated its first day: "month", "year" or "day".
        "date_precision": document.date_precision,
        "snippet": str(highlight(document.snippet)),
        # Which link to a document the query's number names found it ("Triển khai thực hiện
        # 402/QĐ-TTg"), as the page says.
        "links": document.named_links,
        "provinces": [province.shown for province in document.listed_provinces],
        "agencies": [agency.name for agency in document.listed_agencies],
        "status": document.status,  # "draft" in staff's searches
    }


CSV_COLUMNS = [
    gettext_lazy("Loại tài liệu"),  # as the search's facet: Văn bản, Hội nghị, Bài báo
    gettext_lazy("Loại văn bản"),  # a plan's: Kế hoạch, Quyết định, Công văn
    gettext_lazy("Số, ký hiệu"),
    gettext_lazy("Tiêu đề"),
    gettext_lazy("Ngày"),
    # The same date as a spreadsheet in any language reads it: Excel set to English read
    # 09/02/2021 as 2 September and left 19/12/2025 as text.
    gettext_lazy("Ngày (năm-tháng-ngày)"),
    pgettext_lazy("danh sách", "Tỉnh, thành phố"),  # each cell lists them all
    pgettext_lazy("danh sách", "Cơ quan, tổ chức"),
    gettext_lazy("Địa chỉ"),
    # Staff's exports hold drafts, which a forwarded file would otherwise pass off as published.
    gettext_lazy("Trạng thái"),
]

# A cell a spreadsheet reads as a formula ("=HYPERLINK(…)", a title imported from a web page)
# is quoted as text with a leading apostrophe (OWASP's advice on CSV injection).
FORMULA_STARTS = tuple("=+-@\t\r")


def as_text(cell):
    return f"'{cell}" if cell.startswith(FORMULA_STARTS) else cell


class Echo:
    """A file-like object whose write() returns the line, for streaming csv.writer output."""

    def write(self, value):
        return value


def refusal(filterset):
    """Return what a search refused was refused for: its first error, named as the form names
    the field."""
    _name, label, message = form_errors(filterset.form)[0]
    return f"{label}: {message}" if label else message


def refused(filterset):
    """Return the 400 of a search a file or feed cannot be made of, saying what was refused."""
    return HttpResponseBadRequest(refusal(filterset), content_type="text/plain; charset=utf-8")


def search_feed(request):
    filterset = bind_search(request)
    if not filterset.is_valid():
        return refused(filterset)
    feed = SearchFeed(filterset)
    # A feed reader asks again every hour or so, for an answer that changes only with the
    # archive: cached as the page's results are, by the search generation.
    body = rendered(request, filterset, "atom", lambda: feed(request).content.decode())
    return HttpResponse(body, content_type=feed.feed_type.content_type)


FOLLOW_SHOWN = 10


def search_follow(request):
    """Explain a search's feed to whoever opens it: a browser showed the feed as raw XML. Its
    address to copy into a mail program or feed reader, and what it would hold now."""
    filterset = bind_search(request)
    if not filterset.is_valid():  # a page for people: the site's, not the feed's plain text
        return message_page(request, refusal(filterset), 400)
    feed = SearchFeed(filterset)
    context = {
        "title": feed.title(filterset),
        "asked": feed.asked(filterset),
        "address": request.build_absolute_uri(feed.feed_url(filterset)),
        "search": feed.link(filterset),
        "latest": feed.items(filterset)[:FOLLOW_SHOWN],
    }
    return render(request, "archive/follow.html", context)


def search_csv(request):
    filterset = bind_search(request)
    if not filterset.is_valid():
        return refused(filterset)
    documents = (
        filterset.ordered_qs()
        .select_related("plan__document_type")
        .prefetch_related("provinces", "agencies")
        .iterator(chunk_size=1000)
    )
    writer = csv.writer(Echo())

    language = get_language()

    def rows():
        # Streamed after the view has returned: in the request's language, whatever the thread
        # holds by then.
        with translation.override(language):
            yield from csv_rows(documents, request, writer)

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    # Dated: staff keep one export beside another.
    day = timezone.localdate().isoformat()
    # In the page's language, as its columns are; a file name in ASCII.
    stem = _("tim-kiem-luu-tru-di-cu")
    response["Content-Disposition"] = f'attachment; filename="{stem}-{day}.csv"'
    return response


def csv_rows(documents, request, writer):
    """Yield the export's lines: its header, then a line per document."""
    # A byte-order mark first, so Excel opens the Vietnamese text as UTF-8.
    yield "\ufeff" + writer.writerow([str(column) for column in CSV_COLUMNS])
    for document in documents:
        plan = plan_of(document)
        cells = [
            document.get_kind_display(),
            plan.document_type.label if plan and plan.document_type_id else "",
            plan.number if plan else "",
            document.title,
            periods.typed(document.date, document.date_precision) if document.date else "",
            document.date.isoformat() if document.date else "",
            "; ".join(province.shown for province in document.provinces.all()),
            "; ".join(agency.name for agency in document.agencies.all()),
            request.build_absolute_uri(document.get_absolute_url()),
            document.get_status_display(),
        ]
        yield writer.writerow([as_text(str(cell)) for cell in cells])


SUGGESTION_LIMIT = 8
NAMED_FIRST = 3  # suggestions given to the documents of a number named, before the titles


def _dated(document):
    """Return a key ordering documents as newest_first does (undated last) when reversed."""
    return (document.date is not None, document.date or datetime.date.min, document.pk)


PLACES_SUGGESTED = 3  # a query naming more is a list of places, not one being looked for


def api_suggest(request):
    """Return titles and numbers close to what the user is typing (pg_trgm), as JSON."""
    references = reference.references(search_generation())
    query = search.parse_query(request.GET.get("q", "").replace("\x00", ""), references.places)
    if len(query.text) < 2:
        return JsonResponse({"suggestions": []})
    # A province's name typed ("Cần Thơ"): its page first, then its newest documents; titles
    # like it were unrelated (the Tokyo forum, newest, came first).
    units = {unit_named(ids, references.provinces): None for _typed, ids, _at in query.places}
    units = [unit for unit in units if unit is not None][:PLACES_SUGGESTED]
    visible = (
        Document.objects.visible_to(request.user)
        .select_related("plan")
        .only("kind", "title", "slug", "date", "plan__number")  # not a body nor its vectors
    )
    # Titles and numbers asked apart, each of its index (an OR of the two read every row); the
    # documents of a number named as the search reads it first ("CV 1378", "Quyết định 402").
    sources = [visible.titled(query.shown)]
    if begun := search.number_begun(query.shown):
        sources.append(visible.filter(begun))
    newest = F("date").desc(nulls_last=True)
    found = {d.pk: d for qs in sources for d in qs.order_by(newest, "-pk")[:SUGGESTION_LIMIT]}
    named = search.number_condition(query)
    # A few: an ordinal still being typed ("Kế hoạch 1") names every province's 01/KH-UBND.
    named = list(visible.filter(named).order_by(newest, "-pk")[:NAMED_FIRST]) if named else []
    shown = {document.pk for document in named}
    others = sorted((d for d in found.values() if d.pk not in shown), key=_dated, reverse=True)
    documents = [*named, *others][: SUGGESTION_LIMIT - len(units)]
    if units and not documents:
        tagged = visible.filter(facet_units__overlap=[unit.pk for unit in units])
        documents = list(tagged.order_by(newest, "-pk")[: SUGGESTION_LIMIT - len(units)])
    documents = documents or ([] if units else closest(query, request.user, SUGGESTION_LIMIT))
    if request.get_preferred_type(["application/json", "text/html"]) == "text/html":
        # Opened in a browser (no script): the same suggestions as a page of links.
        context = {"query": query, "documents": documents, "units": units}
        return render(request, "archive/suggestions.html", context)
    places = [
        {"title": str(unit), "label": _("Tỉnh, thành phố"), "url": unit.page_url} for unit in units
    ]
    suggestions = places + [
        {
            "title": d.title,
            "number": d.plan.number if d.kind == Document.Kind.PLAN else None,
            # An article and the conference it reports have near the same title.
            "kind": d.get_kind_display(),
            "date": d.date_shown,
            "url": d.get_absolute_url(),
        }
        for d in documents
    ]
    return JsonResponse({"suggestions": suggestions}, json_dumps_params={"ensure_ascii": False})


# ---------------------------------------------------------------------------------------------
# The whole picture: provinces, agencies, objectives, the matrix, the map, implementation chains.
# The queries live in overview.py; these views pick them and render.
# ---------------------------------------------------------------------------------------------

LIST_LIMIT = 20
SLUG = re.compile(r"[-a-zA-Z0-9_]{1,200}")
# Overview pages list the legal texts first, then the meetings about them, then the news.
PAGE_KIND_ORDER = [Document.Kind.PLAN, Document.Kind.CONFERENCE, Document.Kind.ARTICLE]


def not_found(request, exception):
    """Django's 404 for any address no view answers, in the site's own page."""
    return message_page(
        request,
        _("Không có trang nào ở địa chỉ này. Tài liệu có thể đã bị gỡ, hoặc địa chỉ bị gõ sai."),
        404,
    )


def bad_request(request, exception):
    """Django's 400 (a request too big, too many parameters) in the site's page."""
    if isinstance(exception, DisallowedHost):
        # Scanners' forged Host: the site's page would read the host again (its printed
        # address) and fail, a 500. Django's bare page, which does not.
        return defaults.bad_request(request, exception)
    if isinstance(exception, RequestDataTooBig):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE // (1024 * 1024)
        message = _("Dữ liệu gửi đi quá lớn (tối đa %(limit)s MB); không có gì được lưu.")
        message %= {"limit": limit}
    elif isinstance(exception, TooManyFieldsSent | TooManyFilesSent):
        message = _("Yêu cầu có quá nhiều tham số; không có gì được lưu.")
    else:
        message = _("Yêu cầu không hợp lệ.")
    return message_page(request, message, 400)


def forbidden(request, exception):
    return message_page(request, _("Bạn không có quyền xem trang này."), 403)


def csrf_failure(request, reason=""):
    """A form refused by Django's CSRF check: nothing was saved; say how to send it again."""
    if settings.DEBUG:
        return csrf.csrf_failure(request, reason)  # Django's page names the reason
    if reason == REASON_NO_CSRF_COOKIE:  # reloading would not help: the cookie is refused
        message = _("Trình duyệt không gửi cookie của trang: hãy cho phép cookie rồi gửi lại.")
    else:
        message = _(
            "Biểu mẫu đã hết hạn (phiên làm việc đã đổi, chẳng hạn sau khi đăng nhập lại ở thẻ "
            "khác); không có gì được lưu. Hãy quay lại, tải lại trang rồi gửi lại."
        )
    return message_page(request, message, 403)


def message_page(request, message, status, search=None):
    """Render a page that says what went wrong (unknown name, bad parameter), with a status,
    offering to search for `search` (the words of an address that named nothing)."""
    context = {"message": message, "status": status, "search": search}
    return render(request, "archive/message.html", context, status=status)


def missing_document(request, slug):
    """Answer a document address that names no document of its kind: the document's own address
    when it is of another kind (/hoi-nghi/ for a plan), else the site's 404 offering to search
    the address's words. A view's own page, not Http404: Django shows its technical page for
    that with DEBUG on, as `make run` serves the demo."""
    documents = Document.objects.visible_to(request.user)
    elsewhere = documents.filter(slug=slug).first() if SLUG.fullmatch(slug) else None
    if elsewhere:
        query = request.GET.urlencode()
        # Kept unless longer than Django lets a redirect be (16 kB; a traceback past it).
        query = f"?{query}" if query and len(query) <= REDIRECT_QUERY_CHARS else ""
        return HttpResponsePermanentRedirect(elsewhere.get_absolute_url() + query)
    return message_page(
        request,
        _("Không có tài liệu nào ở địa chỉ này. Tài liệu có thể đã bị gỡ, hoặc địa chỉ bị gõ sai."),
        404,
        search=strip_controls(slug.replace("-", " ")).strip()[:SEARCH_CHARS],
    )


SEARCH_CHARS = 100  # of an address's words offered as a search
REDIRECT_QUERY_CHARS = 2000


def plan_chain_context(plan, user, era, *, always_cover=False):
    """Return the implementation chain below a plan and its coverage of one era's units."""
    chain, members = overview.implementation_chain(plan, user)
    if not always_cover and not any(doc.kind == Document.Kind.PLAN for doc in members):
        return {"chain": chain}  # nothing implements it: a coverage table would be all blanks
    provinces = list(Province.objects.select_related("merged_into"))
    rows = overview.coverage(members, provinces, era)
    # The map always shows the 34 current units: reuse the table's rows when they are those.
    if era != Province.Era.FROM_2025:
        rows_34 = overview.coverage(members, provinces, Province.Era.FROM_2025)
    else:
        rows_34 = rows
    covered = {row.unit.pk: row for row in rows_34}
    return {
        "chain": chain,
        "coverage": rows,
        "coverage_era": era,
        "coverage_done": sum(1 for row in rows if row.plans),
        # Named in one line below the table, not a row each: most units have none, and 27 (56 of
        # the 63) rows saying so pushed the rows with plans apart down a page twice the screen.
        "coverage_none": [row.unit for row in rows if not row.plans],
        "map": overview.tile_map(
            provinces, lambda unit: coverage_tile(covered[unit.pk]), COVERAGE_LEGEND
        ),
    }


COVERAGE_LEGEND = [
    ("cov-full", gettext_lazy("Đã ban hành")),
    ("cov-partial", gettext_lazy("Một phần đơn vị cũ đã ban hành")),
    ("cov-none", gettext_lazy("Chưa có trong lưu trữ")),
]


def coverage_tile(row):
    """Return a coverage row's (css class, title, shown value) on the map."""
    if row.status == "full":
        title = _("%(unit)s: đã ban hành (%(numbers)s)")
    elif row.status == "partial":
        title = _("%(unit)s: một phần đơn vị cũ đã ban hành (%(numbers)s)")
    else:
        title = _("%(unit)s: chưa có văn bản triển khai trong lưu trữ")
    numbers = ", ".join(plan.plan.number for plan, _vias in row.plans)
    return f"cov-{row.status}", title % {"unit": row.unit.name, "numbers": numbers}, ""


def count_map(provinces, counts):
    """Return the map with each current unit coloured by its count of documents."""
    current = [p for p in provinces if p.is_current]
    highest = max((counts.get(p.pk, 0) for p in current), default=0)

    def describe(unit):
        n = counts.get(unit.pk, 0)
        title = ngettext("%(unit)s: %(count)s tài liệu", "%(unit)s: %(count)s tài liệu", n) % {
            "unit": unit.name,
            "count": n,
        }
        return f"c{overview.count_class(n, highest)}", title, str(n)

    return overview.tile_map(current, describe, overview.count_legend(highest))


def ranked_units(provinces, counts):
    """Return [(current unit, count)] of the units with documents, most first."""
    units = (p for p in overview.alphabetical(provinces) if p.is_current and counts.get(p.pk))
    return sorted(((unit, counts[unit.pk]) for unit in units), key=lambda pair: -pair[1])


def province_index(request):
    provinces = overview.alphabetical(Province.objects.select_related("merged_into"))
    counts = overview.cached("units", request.user, overview.unit_counts)
    merged = overview.predecessors_of(provinces)
    current = [
        (unit, merged[unit.pk], counts.get(unit.pk, 0)) for unit in provinces if unit.is_current
    ]
    old = [(unit, counts.get(unit.pk, 0)) for unit in provinces if not unit.is_current]
    return render(
        request,
        "archive/province_index.html",
        {"current": current, "old": old, "map": count_map(provinces, counts)},
    )


def locator_map(province):
    """Return a small map marking the unit (an old unit's successor) among the 34."""
    here = province.pk if province.is_current else province.merged_into_id
    current = Province.objects.filter(era=Province.Era.FROM_2025)
    # Named: an old unit's map showed a square captioned «Đơn vị kế thừa» and nothing else.
    if province.is_current:
        legend = [("here", _("Đơn vị này: %(name)s") % {"name": province.name})]
    elif successor := province.merged_into:
        legend = [("here", _("Đơn vị kế thừa: %(name)s") % {"name": successor.name})]
    else:  # an old unit whose successor was never entered: nothing is marked
        legend = []

    def describe(unit):
        return ("here" if unit.pk == here else "c0"), unit.name, ""

    return overview.tile_map(current, describe, legend)


def _province(slug):
    """Return the unit of an address, or None: what is no slug ("ha-noiá") is not asked."""
    if not SLUG.fullmatch(slug):
        return None
    return Province.objects.select_related("merged_into").filter(slug=slug).first()


def province_detail(request, slug):
    province = _province(slug)
    if province is None and (before := _province(f"{slug}-truoc-2025")):
        # «hoa-binh», as people write it, for a unit merged away: its page before 2025.
        return HttpResponsePermanentRedirect(reverse("archive:province", args=[before.slug]))
    if province is None:
        return message_page(
            request,
            _("Không có tỉnh, thành phố nào có đường dẫn «%(slug)s».")
            % {"slug": strip_controls(slug)[:SEARCH_CHARS]},
            404,
        )
    units = overview.province_units(province)
    documents = Document.objects.visible_to(request.user)
    years, counts, totals = overview.kind_year_counts(
        documents.filter(facet_units__overlap=[province.pk])
    )
    belonging = overview.unit_documents(documents, units)
    lists = overview.latest_per_kind(belonging, LIST_LIMIT)
    overview.mark_origin([doc for docs in lists.values() for doc in docs], province, units)
    sizes = dict(belonging.order_by().values_list("kind").annotate(n=Count("pk")))
    kinds = [(kind, Document.Kind(kind).label) for kind in PAGE_KIND_ORDER]
    sections = [(kind, label, lists.get(kind, []), sizes.get(kind, 0)) for kind, label in kinds]
    table = [
        (year, [(kind, counts.get((year, kind), 0)) for kind, _label in kinds]) for year in years
    ]
    siblings = (
        overview.alphabetical(province.merged_into.predecessors.exclude(pk=province.pk))
        if province.merged_into
        else []
    )
    return render(
        request,
        "archive/province_detail.html",
        {
            "province": province,
            "map": locator_map(province),
            "predecessors": units[1:],
            "siblings": siblings,
            "agencies": Agency.objects.filter(province__in=units).order_by("name"),
            "kinds": kinds,
            "table": table,
            "totals": [(kind, totals.get(kind, 0)) for kind, _label in kinds],
            "tagged_total": sum(totals.values()),
            "sections": sections,
            "unknown_year": UNKNOWN_YEAR,  # the year filter's value for the undated row
        },
    )


# An agency's province read through its manager, which tells an old unit that continues
# unchanged (Lạng Sơn): named and linked as today's, not «Lạng Sơn (trước 2025)». A
# select_related does not go through it.
UNIT_NAMED = Prefetch("province", queryset=Province.objects.all())


def agency_index(request):
    counts = overview.cached("agencies", request.user, overview.agency_counts)
    agencies = Agency.objects.prefetch_related(UNIT_NAMED)
    groups = {kind: [] for kind in Agency.Kind.values}
    for agency in sorted(agencies, key=lambda agency: vietnamese_key(agency.name)):
        groups[agency.kind].append((agency, counts.get(agency.pk, 0)))
    return render(
        request,
        "archive/agency_index.html",
        {
            "groups": [
                (Agency.Kind(kind).label, members) for kind, members in groups.items() if members
            ]
        },
    )


def agency_detail(request, slug):
    agency = (
        Agency.objects.select_related("parent")
        .prefetch_related(UNIT_NAMED)
        .filter(slug=slug)
        .first()
    )
    if agency is None:
        return message_page(
            request,
            _("Không có cơ quan, tổ chức nào có đường dẫn «%(slug)s».") % {"slug": slug},
            404,
        )
    documents = Document.objects.visible_to(request.user).select_related(
        "plan__issuer", "conference", "article"
    )
    issued = documents.filter(plan__issuer=agency)
    organised = documents.filter(conference__organisers=agency)
    attended = documents.filter(conference__participants=agency)
    # Everything else that names the agency: reported on, mentioned, tagged.
    mentioned = (
        documents.filter(facet_agencies__contains=[agency.pk])
        .exclude(pk__in=issued.values("pk"))
        .exclude(pk__in=organised.values("pk"))
        .exclude(pk__in=attended.values("pk"))
    )
    sections = [
        ("issued", _("Văn bản ban hành"), issued),
        ("organised", _("Hội nghị tổ chức"), organised),
        ("attended", _("Hội nghị tham dự"), attended),
        ("mentioned", _("Tài liệu khác nhắc đến"), mentioned),
    ]
    return render(
        request,
        "archive/agency_detail.html",
        {
            "agency": agency,
            "children": list(agency.children.order_by("name")),
            "sections": [
                (name, label, list(qs.latest_first()[: LIST_LIMIT + 1]))
                for name, label, qs in sections
            ],
            "limit": LIST_LIMIT,
        },
    )


def objective_index(request):
    counts = overview.cached("objectives", request.user, overview.objective_counts)
    objectives = [(o, counts.get(o.pk, 0)) for o in GcmObjective.objects.all()]
    return render(request, "archive/objective_index.html", {"objectives": objectives})


def objective_detail(request, number):
    objective = GcmObjective.objects.filter(number=number).first()
    if objective is None:
        return message_page(
            request,
            _("Không có mục tiêu GCM số %(number)s: các mục tiêu được đánh số từ 1 đến 23.")
            % {"number": number},
            404,
        )
    canonical = reverse("archive:objective", args=[objective.number])
    if request.path != canonical:  # "/muc-tieu/01/" is objective 1: one address for one page
        query = request.GET.urlencode()
        return HttpResponsePermanentRedirect(f"{canonical}?{query}" if query else canonical)
    documents = Document.objects.visible_to(request.user).filter(
        facet_objectives__contains=[objective.pk]
    )
    page = first_page_below_one(
        Paginator(
            documents.latest_first().select_related("plan__issuer", "conference", "article"),
            LIST_LIMIT,
            orphans=3,
        ),
        request.GET.get("page"),
    )
    provinces = list(Province.objects.select_related("merged_into"))
    counts = overview.unit_counts(documents)
    ranked = ranked_units(provinces, counts)
    return render(
        request,
        "archive/objective_detail.html",
        {
            "objective": objective,
            "page": page,
            "map": count_map(provinces, counts),
            "ranked": ranked,
        },
    )


def matrix(request):
    try:
        era = overview.parse_era(request.GET.get("era"))
    except ValueError as error:
        return message_page(request, error, status=400)
    cells, totals = overview.cached(
        "units-objectives", request.user, overview.unit_objective_counts
    )
    objectives = list(GcmObjective.objects.all())
    units = overview.alphabetical(Province.objects.filter(era=era))
    for unit in units:
        unit.document_count = totals.get(unit.pk, 0)
    counts = [(unit, [(o, cells.get((unit.pk, o.pk), 0)) for o in objectives]) for unit in units]
    # The era's own highest: today's units count their old ones' documents too, and set the
    # scale of the 63 to a count their table never shows.
    highest = max((n for _unit, row in counts for _o, n in row), default=0)
    rows = [
        (unit, [(o, n, overview.count_class(n, highest)) for o, n in row]) for unit, row in counts
    ]
    return render(
        request,
        "archive/matrix.html",
        {
            "era": era,
            "objectives": objectives,
            "rows": rows,
            "legend": overview.count_legend(highest),
        },
    )


def province_map(request):
    provinces = list(Province.objects.select_related("merged_into"))
    slug = request.GET.get("plan")
    # Plans with implementing plans below them: the coverage maps worth offering.
    context = {"plans": overview.most_implemented(request.user)}
    if slug:
        # Only a slug can name a plan; anything else (a NUL byte included) never reaches SQL.
        plan = (
            Plan.objects.visible_to(request.user).filter(slug=slug).first()
            if SLUG.fullmatch(slug)
            else None
        )
        if plan is None:
            return message_page(
                request,
                _("Không có văn bản nào có đường dẫn «%(slug)s».")
                % {"slug": slug[:100].replace("\x00", "")},
                400,
            )
        context.update(
            plan_chain_context(plan, request.user, Province.Era.FROM_2025, always_cover=True),
            plan=plan,
        )
    else:
        counts = overview.cached("units", request.user, overview.unit_counts)
        context["map"] = count_map(provinces, counts)
        context["ranked"] = ranked_units(provinces, counts)
    return render(request, "archive/map.html", context)
