"""A search as an Atom feed: what enters the archive matching it, newest first.

Staff follow a province's plans or a word's news in their mail program or feed reader instead of
searching again every morning. The feed takes the search page's parameters; its entries are
ordered by when they entered the archive, not by the document's own date: a 2019 plan entered
today is news to its readers.
"""

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from . import periods
from .filters import chosen_labels
from .models import Document, plan_of

ENTRIES = 50
FEW = 5000  # matches read whole (items)
SUMMARY_WORDS = 60


class SearchFeed(Feed):
    feed_type = Atom1Feed

    def __init__(self, filterset):
        super().__init__()
        self.filterset = filterset

    def get_object(self, request, *args, **kwargs):
        return self.filterset

    def asked(self, filterset):
        """Return what the search asks, as its feed and its page name it ("" for none)."""
        asked = [f"«{filterset.parsed_query.shown}»"] if filterset.parsed_query.shown else []
        asked += [f"{group}: {label}" for group, label in chosen_labels(filterset)]
        period = filterset.form.cleaned_data
        asked += [
            f"{label} {period[name]:%d/%m/%Y}"
            for name, label in (("date_from", _("Từ ngày")), ("date_to", _("Đến ngày")))
            if period.get(name)
        ]
        return " · ".join(asked)

    def title(self, filterset):
        site = _("Lưu trữ chính sách di cư")
        if asked := self.asked(filterset):
            return f"{asked} – {site}"
        return _("Tài liệu mới – %(site)s") % {"site": site}

    def subtitle(self, filterset):
        return _("Tài liệu mới vào lưu trữ khớp với tìm kiếm này, mới nhất trước.")

    def author_name(self):
        return _("Lưu trữ chính sách di cư")

    def link(self, filterset):
        """Return the search page itself, as the feed's reader would open it."""
        return _with_parameters("archive:search", filterset)

    def feed_url(self, filterset):
        return _with_parameters("archive:search-feed", filterset)

    def items(self, filterset):
        matches = filterset.qs
        few = list(matches.order_by().values_list("pk", "created_at")[: FEW + 1])
        if len(few) <= FEW:
            # Matching few, the matches are read and the last entered kept. Walking the index
            # of when documents were entered, as for a word most documents hold, would read
            # most of the archive to find fifty; the planner cannot tell a text match's share.
            last = sorted(few, key=lambda row: (row[1], row[0]), reverse=True)[:ENTRIES]
            matches = Document.objects.filter(pk__in=[pk for pk, _entered in last])
        return (
            matches.newest_entered().select_related("plan").prefetch_related("provinces")[:ENTRIES]
        )

    def item_title(self, document):
        plan = plan_of(document)
        number = f"{plan.number}: " if plan and plan.number else ""
        # A staff member's feed holds drafts, which the reader must not take for published.
        draft = f"[{_('Bản nháp')}] " if document.status == Document.Status.DRAFT else ""
        return f"{draft}{number}{document.title}"

    def item_description(self, document):
        """Return the document's date, as its page gives it, and the start of its summary or
        text: a feed's entry is dated by when the document entered the archive. Escaped: a
        reader takes it as HTML, where a text's "<" would begin a tag."""
        words = Truncator(document.summary or document.body).words(SUMMARY_WORDS)
        if document.date:
            dated = periods.typed(document.date, document.date_precision)
            words = f"{dated}. {words}" if words else dated
        return escape(words)

    def item_pubdate(self, document):
        return document.created_at

    def item_updateddate(self, document):
        return document.updated_at

    def item_categories(self, document):
        provinces = document.provinces.all()
        return [document.get_kind_display(), *(province.shown for province in provinces)]


def _with_parameters(name, filterset):
    params = filterset.data.urlencode()
    return reverse(name) + (f"?{params}" if params else "")
