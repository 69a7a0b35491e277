import re
from urllib.parse import urlencode

from django import template
from django.template.defaultfilters import truncatewords
from django.utils.formats import localize
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from archive.search import START_MARK, STOP_MARK

register = template.Library()


@register.filter
def highlight(text):
    """Escape a headline, then (and only then) turn its sentinels into <mark> tags."""
    if not text:
        return ""
    # Marks touching, or a hyphen or slash apart, are one: a number as a text writes it is
    # marked in pieces ("402/Q", "Đ", "TTg": the parser's tokens of "402/QĐ-TTg").
    escaped = _TOUCHING_MARKS.sub(r"\1", escape(text))
    # A number's mark ends where the parser's token does, at its first Đ: it goes on to the
    # number's end ("402/Q" of "402/QĐ-TTg"; search.cited_as_written).
    escaped = _CUT_NUMBER.sub(rf"\1\2{STOP_MARK}", escaped)
    return mark_safe(escaped.replace(START_MARK, "<mark>").replace(STOP_MARK, "</mark>"))  # noqa: S308


_TOUCHING_MARKS = re.compile(f"{STOP_MARK}([-/]?){START_MARK}")
_CUT_NUMBER = re.compile(f"({START_MARK}[^{STOP_MARK}]*/[^{STOP_MARK}]*){STOP_MARK}([Đđ][\\w/-]*)")


def query_with(params, replaced):
    """Return "?..." of the request's parameters with some replaced ({name: [values]}), no page.

    Built from the parameters' lists, not a QueryDict copy (a deep copy each): a results page
    asks this for each of its hundred facet values.
    """
    pairs = []
    for key, values in [*params.lists(), *((k, []) for k in replaced if k not in params)]:
        if key != "page":
            pairs += [(key, value) for value in replaced.get(key, values)]
    return "?" + urlencode(pairs)


@register.simple_tag(takes_context=True)
def current(context, url):
    """Return the aria-current attribute of a menu link: «page» on its own page, «location»
    on a page under it (a province's under «Tỉnh, thành phố»); nothing elsewhere."""
    request = context.get("request")
    path = request.path if request else ""
    if path == url:
        return mark_safe(' aria-current="page"')  # noqa: S308 (a constant)
    if url != "/" and path.startswith(url):
        return mark_safe(' aria-current="location"')  # noqa: S308 (a constant)
    return ""


@register.simple_tag(takes_context=True)
def toggle_url(context, name, value):
    """Return the current search URL with one facet value switched on or off, back on page 1."""
    params = context["request"].GET
    values = params.getlist(name)
    chosen = [v for v in values if v != value] if value in values else [*values, value]
    return query_with(params, {name: chosen})


@register.simple_tag(takes_context=True)
def without_url(context, *names):
    """Return the current search URL without the named parameters, back on page 1."""
    return query_with(context["request"].GET, dict.fromkeys(names, []))


@register.simple_tag(takes_context=True)
def facet_values(context, name, items):
    """Return one facet's values as a list of links, each switching its value on or off.

    Written in Python, not as an included template: a page lists up to 250 values (each
    facet's next 100 folded under "Xem thêm"), and the template engine took 11-13 ms to render
    them, a third of a page computed afresh (bench/README.md, session 15).
    """
    rows = []
    # A screen reader is told which values are chosen in words: aria-pressed, which it
    # announces on a button, it ignores on a link, and the tick is a picture.
    chosen = escape(gettext("đã chọn"))  # outside the f-string, where makemessages finds it
    chosen = f'<span class="visually-hidden"> ({chosen})</span>'
    for item in items:
        selected, label = item["selected"], str(item["label"])
        short = truncatewords(label, 9) if label.count(" ") >= 9 else label
        rows.append(
            f'<li><a class="facet-value{" selected" if selected else ""}"'
            f' href="{escape(toggle_url(context, name, item["value"]))}" rel="nofollow">'
            f'<span class="box" aria-hidden="true">{"✓" if selected else ""}</span>'
            f' <span class="facet-label" title="{escape(label)}">{escape(short)}</span>'
            f' <span class="count">{escape(localize(item["count"]))}</span>'
            f"{chosen if selected else ''}</a></li>"
        )
    return mark_safe("<ul>" + "".join(rows) + "</ul>")  # noqa: S308 (every value escaped)
