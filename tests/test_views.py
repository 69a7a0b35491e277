"""Public pages: the home page and the detail page of each kind, with links shown both ways."""

import datetime
import html
import re

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from archive.models import Document, DocumentLink, Plan, Relation

from .factories import (
    AgencyFactory,
    ArticleFactory,
    ConferenceFactory,
    PlanFactory,
    ProvinceFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def chain():
    """QĐ 1676 ← QĐ 402 ← KH 1614, reviewed by a conference that an article reports."""
    gcm = PlanFactory(
        title="Thông qua Thỏa thuận GCM", number="1676/QĐ-TTg", date=datetime.date(2018, 12, 3)
    )
    national = PlanFactory(
        title="Kế hoạch triển khai Thỏa thuận GCM",
        number="402/QĐ-TTg",
        date=datetime.date(2020, 3, 20),
    )
    provincial = PlanFactory(
        title="Kế hoạch của tỉnh Hậu Giang", number="1614/KH-UBND", date=datetime.date(2020, 7, 30)
    )
    conference = ConferenceFactory(
        title="Hội nghị sơ kết 5 năm", date=datetime.date(2025, 12, 19), place="Hà Nội"
    )
    article = ArticleFactory(title="Việt Nam sơ kết 5 năm", date=datetime.date(2025, 12, 19))
    DocumentLink.objects.create(source=national, relation=Relation.BASED_ON, target=gcm)
    DocumentLink.objects.create(
        source=provincial, relation=Relation.IMPLEMENTS, target=national, note="Thực hiện QĐ 402"
    )
    DocumentLink.objects.create(source=conference, relation=Relation.REVIEWS, target=national)
    DocumentLink.objects.create(source=article, relation=Relation.REPORTS, target=conference)
    return {
        "gcm": gcm,
        "national": national,
        "provincial": provincial,
        "conference": conference,
        "article": article,
    }


def test_home_lists_latest_published_documents_newest_first(client, chain):
    draft = PlanFactory(
        title="Dự thảo chưa công bố", status=Document.Status.DRAFT, date=datetime.date(2026, 1, 1)
    )
    response = client.get(reverse("archive:home"))
    titles = [doc.title for doc in response.context["latest"]]
    assert titles[:2] == ["Hội nghị sơ kết 5 năm", "Việt Nam sơ kết 5 năm"] or titles[:2] == [
        "Việt Nam sơ kết 5 năm",
        "Hội nghị sơ kết 5 năm",
    ]
    assert titles[-1] == "Thông qua Thỏa thuận GCM"
    assert draft.title not in response.content.decode()


def test_home_offers_example_searches_that_find_something(client, demo):
    response = client.get(reverse("archive:home"))
    examples = re.findall(r'class="search-examples">.*?</p>', response.content.decode(), re.S)
    links = re.findall(r'href="([^"]+)"', examples[0])
    assert len(links) == 3
    for link in links:
        assert client.get(html.unescape(link)).context["page"].paginator.count > 0, link


def test_home_of_an_empty_archive_offers_no_examples(client, db):
    assert b"search-examples" not in client.get(reverse("archive:home")).content


def test_the_menu_marks_where_the_reader_is(client, demo):
    """Nothing in the menu said which page or section was open."""
    nav = re.compile(r'<nav class="site-nav".*?</nav>', re.S)
    content = nav.search(client.get(reverse("archive:map")).content.decode())[0]
    assert '<a href="/ban-do/" aria-current="page">Bản đồ</a>' in content
    assert content.count("aria-current") == 1
    province = client.get(reverse("archive:province", args=["can-tho"])).content.decode()
    assert '<a href="/tinh-thanh/" aria-current="location">' in nav.search(province)[0]
    home = nav.search(client.get("/").content.decode())[0]
    assert '<a href="/" aria-current="page">' in home and home.count("aria-current") == 1


def test_home_shows_drafts_to_staff(staff_client, chain):
    PlanFactory(
        title="Dự thảo chưa công bố", status=Document.Status.DRAFT, date=datetime.date(2026, 1, 1)
    )
    response = staff_client.get(reverse("archive:home"))
    assert response.context["latest"][0].title == "Dự thảo chưa công bố"
    assert "Bản nháp" in response.content.decode()


def test_home_runs_a_bounded_number_of_queries(client, chain, django_assert_max_num_queries):
    for n in range(30):
        ArticleFactory(title=f"Bài {n}", provinces=[ProvinceFactory()])
    with django_assert_max_num_queries(4):
        client.get(reverse("archive:home"))


def test_a_document_page_gives_its_citation_in_vietnamese(client, chain):
    url = chain["national"].get_absolute_url()
    expected = f'<p id="citation-text" lang="vi">{chain["national"].citation()}</p>'
    assert expected in client.get(url).content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    content = client.get(url).content.decode()
    assert expected in content and "Citation (in Vietnamese)" in content
    for kind in ("conference", "article"):
        document = chain[kind]
        assert document.citation() in client.get(document.get_absolute_url()).content.decode()


def test_plan_page_shows_links_both_ways(client, chain):
    response = client.get(chain["national"].get_absolute_url())
    content = response.content.decode()
    assert response.status_code == 200
    outgoing = dict(response.context["outgoing"])
    incoming = dict(response.context["incoming"])
    assert [doc.title for doc, _ in outgoing["Căn cứ"]] == ["Thông qua Thỏa thuận GCM"]
    assert [doc.title for doc, _ in incoming["Được triển khai thực hiện bởi"]] == [
        "Kế hoạch của tỉnh Hậu Giang"
    ]
    assert [doc.title for doc, _ in incoming["Được rà soát, đánh giá tại"]] == [
        "Hội nghị sơ kết 5 năm"
    ]
    assert "402/QĐ-TTg" in content
    assert "20/03/2020" in content


def test_a_document_without_text_says_so(client, db):
    """Entered by its number and date alone, a plan's page showed an empty box."""
    bare = PlanFactory(number="77/KH-UBND", summary="", body="")
    said = "Lưu trữ chưa có toàn văn hay tóm tắt của tài liệu này."
    assert said in client.get(bare.get_absolute_url()).content.decode()
    for text in ({"summary": "Tóm tắt."}, {"body": "Toàn văn."}):
        plan = PlanFactory(**text)
        assert said not in client.get(plan.get_absolute_url()).content.decode()


def test_provincial_plan_page_names_the_national_plan_it_implements(client, chain):
    response = client.get(chain["provincial"].get_absolute_url())
    content = response.content.decode()
    assert "Triển khai thực hiện" in content
    assert chain["national"].get_absolute_url() in content
    assert "Thực hiện QĐ 402" in content
    # And the conferences that reviewed how it was carried out, two pages away before; a
    # draft one to staff only.
    national = response.context["outgoing"][0][1][0][0]
    assert [conference.pk for conference in national.reviewed_at] == [chain["conference"].pk]
    assert f'<a lang="vi" href="{chain["conference"].get_absolute_url()}">' in content
    draft = ConferenceFactory(title="Hội nghị chưa công bố", status=Document.Status.DRAFT)
    DocumentLink.objects.create(source=draft, relation=Relation.REVIEWS, target=chain["national"])
    assert (
        "Hội nghị chưa công bố"
        not in client.get(chain["provincial"].get_absolute_url()).content.decode()
    )
    # The tab names the number first: many plans share a title.
    plan = chain["provincial"]
    assert f"<title>{plan.number} · {plan.title} – " in content
    # Its text is Vietnamese on an English page too, for a screen reader's voice.
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(plan.get_absolute_url()).content.decode()
    assert '<html lang="en"' in english and '<h1 lang="vi">' in english


def test_a_summary_the_text_opens_with_is_shown_once(client, db):
    """An imported article's summary is its first paragraph: its page showed it twice."""
    lead = "Ngày 30/7/2020, tỉnh Hậu Giang ban hành Kế hoạch."
    article = ArticleFactory(title="Tin", summary=lead, body=f"{lead}\n\nĐoạn hai.")
    assert client.get(article.get_absolute_url()).content.decode().count(lead) == 1
    other = ArticleFactory(title="Tin khác", summary="Tóm tắt riêng.", body="Nội dung.")
    assert "Tóm tắt riêng." in client.get(other.get_absolute_url()).content.decode()
    # Condensed from the first paragraph, it says nothing the text does not (a conference's).
    condensed = "Ngày 19/12/2025, tại Hà Nội, Bộ Ngoại giao tổ chức Hội nghị sơ kết."
    opening = (
        "Ngày 19/12/2025, tại Hà Nội, Bộ Ngoại giao tổ chức Hội nghị sơ kết 5 năm thực hiện"
        " Kế hoạch.\n\nHội nghị gồm 4 phiên."
    )
    meeting = ArticleFactory(title="Hội nghị", summary=condensed, body=opening)
    assert condensed not in client.get(meeting.get_absolute_url()).content.decode()
    # A word of its own, from the second paragraph or nowhere, keeps it.
    for summary in ("Hội nghị gồm 4 phiên tại Hà Nội.", "Bộ Ngoại giao tổ chức ở Huế."):
        Document.objects.filter(pk=meeting.pk).update(summary=summary)
        assert summary in client.get(meeting.get_absolute_url()).content.decode()
    # Opening with the first paragraph, then more: only the more (Nghệ An's report said its
    # first sentence twice, one under the other).
    more = "Đoàn công tác tỉnh Nghệ An tham dự Hội nghị."
    first = opening.split("\n")[0]
    Document.objects.filter(pk=meeting.pk).update(summary=f"{first} {more}")
    content = client.get(meeting.get_absolute_url()).content.decode()
    assert content.count(first) == 1 and f'<p class="summary" lang="vi">{more}</p>' in content


def test_a_conference_lists_each_agency_once(client, db):
    """Its organisers and participants were listed again under "Cơ quan, tổ chức"."""
    host, guest, other = (
        AgencyFactory(name=name, abbreviation="", kind="ministry")
        for name in ("Bộ Chủ Trì", "Bộ Tham Dự", "Tổ Chức Khác")
    )
    conference = ConferenceFactory(title="Hội nghị")
    conference.organisers.set([host])
    conference.participants.set([guest])
    conference.agencies.set([host, guest, other])
    content = client.get(conference.get_absolute_url()).content.decode()
    assert [content.count(f">{agency.name}<") for agency in (host, guest, other)] == [1, 1, 1]
    # A plan's issuer, which the admin tags as an agency too.
    plan = PlanFactory(title="Kế hoạch", issuer=host, agencies=[host, other])
    content = client.get(plan.get_absolute_url()).content.decode()
    assert [content.count(f">{agency.name}<") for agency in (host, other)] == [1, 1]


def test_conference_and_article_pages(client, chain):
    conference = client.get(chain["conference"].get_absolute_url())
    assert (
        dict(conference.context["incoming"])["Được đưa tin bởi"][0][0].title
        == "Việt Nam sơ kết 5 năm"
    )
    article = client.get(chain["article"].get_absolute_url())
    assert dict(article.context["outgoing"])["Đưa tin về"][0][0].title == "Hội nghị sơ kết 5 năm"


def test_a_draft_is_hidden_from_anonymous_visitors_and_from_links(client, staff, chain):
    chain["provincial"].status = Document.Status.DRAFT
    chain["provincial"].save()
    assert client.get(chain["provincial"].get_absolute_url()).status_code == 404
    national = client.get(chain["national"].get_absolute_url())
    assert "Kế hoạch của tỉnh Hậu Giang" not in national.content.decode()
    client.force_login(staff)
    assert client.get(chain["provincial"].get_absolute_url()).status_code == 200
    assert (
        "Kế hoạch của tỉnh Hậu Giang"
        in client.get(chain["national"].get_absolute_url()).content.decode()
    )


def test_a_document_is_only_shown_under_its_own_kind(client, chain):
    """Under another kind's address it is sent to its own; a draft stays unknown there."""
    response = client.get(
        reverse("archive:conference", args=[chain["national"].slug]), {"era": "63"}
    )
    assert response.status_code == 301
    assert response["Location"] == chain["national"].get_absolute_url() + "?era=63"
    # A query past what Django lets a redirect carry (a traceback): left off.
    too_long = client.get(response.request["PATH_INFO"], {"x": "y" * 20000})
    assert too_long.status_code == 301
    assert too_long["Location"] == chain["national"].get_absolute_url()
    chain["provincial"].status = Document.Status.DRAFT
    chain["provincial"].save()
    assert (
        client.get(reverse("archive:article", args=[chain["provincial"].slug])).status_code == 404
    )


def test_a_missing_document_gets_the_sites_page_with_debug_on_too(client, db, settings):
    """`make run` serves the demo with DEBUG on, where Http404 showed Django's technical page."""
    settings.DEBUG = True
    response = client.get(reverse("archive:plan", args=["khong-co-van-ban-nay"]))
    assert response.status_code == 404
    content = response.content.decode()
    assert "Không có tài liệu nào ở địa chỉ này." in content
    assert '<a href="/tim-kiem/?q=khong%20co%20van%20ban%20nay">' in content
    # An address that is no slug: the same page, not Django's technical 404, nor a query of it.
    for address, words in [
        ("/van-ban/k%E1%BA%BF-ho%E1%BA%A1ch/", "kế hoạch"),
        ("/bai-viet/a%00b/", "ab"),
        ("/hoi-nghi/a.b/", "a.b"),
    ]:
        response = client.get(address)
        assert response.status_code == 404, address
        assert f"Tìm «{words}» trong lưu trữ" in response.content.decode(), address
    province = client.get("/tinh-thanh/ha-noi%C3%A1/")
    assert province.status_code == 404 and "«ha-noiá»" in province.content.decode()


def test_stored_text_is_escaped(client):
    plan = PlanFactory(
        title="<script>alert(1)</script>", body='<img src=x onerror="alert(2)"> &lt;b&gt;'
    )
    content = client.get(plan.get_absolute_url()).content.decode()
    assert "<script>alert(1)" not in content
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in content
    assert "<img src=x" not in content
    assert "&amp;lt;b&amp;gt;" in content


def test_login_required_setting_closes_the_whole_site(client, settings, chain):
    settings.MIDDLEWARE = [
        *settings.MIDDLEWARE,
        "django.contrib.auth.middleware.LoginRequiredMiddleware",
    ]
    response = client.get(reverse("archive:home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))
    assert client.get(reverse("admin:login")).status_code == 200


def test_home_counts_each_kind_in_the_pages_language(client, chain):
    ConferenceFactory(title="Hội nghị thứ hai")
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    content = client.get(reverse("archive:home")).content.decode()
    assert "<strong>2</strong> conferences</a>" in content  # two made above and by `chain`
    assert "<strong>1</strong> article</a>" in content
    # Lists are named in the plural in English; Vietnamese has one word for both.
    assert ">Provinces and cities</a>" in content and ">Agencies and organisations</a>" in content
    client.post(reverse("set_language"), {"language": "vi", "next": "/"})
    content = client.get(reverse("archive:home")).content.decode()
    assert "<strong>2</strong> hội nghị</a>" in content
    assert f'<a href="{reverse("archive:agencies")}">Cơ quan, tổ chức</a>' in content  # the nav


def test_an_unknown_address_gets_the_sites_own_404(client, db, settings):
    settings.DEBUG = False
    response = client.get("/khong-co-trang-nay/")
    assert response.status_code == 404
    content = response.content.decode()
    assert "Không có trang nào ở địa chỉ này" in content
    assert f'href="{reverse("archive:search")}"' in content  # a way on


@pytest.mark.parametrize("debug", [True, False])
def test_a_request_too_big_to_read_gets_the_sites_page_with_debug_on_too(
    client, db, settings, debug
):
    """With DEBUG on (`make run`), Django's technical page read the parameters again and failed:
    1,001 parameters on a search was a bare 500, a POST of as many a traceback."""
    settings.DEBUG = debug
    many = "&".join(f"p{n}=1" for n in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1))
    for url in (reverse("archive:search"), reverse("archive:search-feed"), "/"):
        response = client.get(f"{url}?{many}")
        assert response.status_code == 400, url
        assert "Yêu cầu có quá nhiều tham số" in response.content.decode(), url
    response = client.post(
        reverse("set_language"), many, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 400
    assert "Yêu cầu có quá nhiều tham số" in response.content.decode()
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    response = client.post(reverse("set_language"), {"body": "x" * 2048})
    assert response.status_code == 400 and "Dữ liệu gửi đi quá lớn" in response.content.decode()


@pytest.mark.parametrize("debug", [True, False])
def test_an_address_no_view_answers_gets_the_sites_page_with_debug_on_too(
    client, db, settings, debug
):
    """With DEBUG on (`make run`), Django's English technical page listed every route."""
    settings.DEBUG = debug
    for url in ("/khong-co-trang-nay/", "/muc-tieu/abc/", "/co-quan/Bộ-công-an/", "/van-ban/a/b/"):
        response = client.get(url)
        assert response.status_code == 404, url
        content = response.content.decode()
        assert "Không có trang nào ở địa chỉ này" in content and "URLconf" not in content, url
    assert client.get("/tim-kiem").url == "/tim-kiem/"  # a missing slash is still added
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert "Không có trang nào" not in client.get("/khong-co-trang-nay/").content.decode()


@pytest.mark.parametrize("kind", ["plan", "conference", "article"])
def test_a_kinds_folder_leads_to_its_search(client, db, kind):
    """A document's address cut back to its folder (/van-ban/), as people go up a level."""
    folder = reverse(f"archive:{kind}", args=["x"]).removesuffix("x/")
    response = client.get(folder)
    assert response.status_code == 302 and response.url == f"/tim-kiem/?kind={kind}"


def test_a_unit_the_merger_left_unchanged_is_named_as_today_everywhere(client, demo):
    """Lạng Sơn was «Lạng Sơn (trước 2025)» in exports, the feed and on agency pages, as if it
    no longer existed, and «Lạng Sơn» on every other page."""
    query = "?q=130/KH-UBND"
    csv = b"".join(client.get(reverse("archive:search-csv") + query).streaming_content)
    api = client.get(reverse("archive:api-search") + query).json()
    feed = client.get(reverse("archive:search-feed") + query).content.decode()
    agencies = client.get(reverse("archive:agencies")).content.decode()
    agency = client.get(reverse("archive:agency", args=["ubnd-tinh-lang-son"])).content.decode()
    assert "Lạng Sơn" in csv.decode() and api["results"][0]["provinces"] == ["Lạng Sơn"]
    assert 'term="Lạng Sơn"' in feed
    assert '<a href="/tinh-thanh/lang-son/">Lạng Sơn</a>' in agency
    for text in (csv.decode(), feed, agencies, agency):
        assert "Lạng Sơn (trước 2025)" not in text


def test_the_language_switch_of_a_refused_requests_page_works(db, settings):
    """The page's switch posted a token whose cookie was never set: a 403."""
    client = Client(enforce_csrf_checks=True)
    many = "&".join(f"p{n}=1" for n in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1))
    response = client.get(f"{reverse('archive:search')}?{many}")
    assert response.status_code == 400
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.content.decode())
    switched = client.post(
        reverse("set_language"),
        {"csrfmiddlewaretoken": token[1], "language": "en", "next": "/"},
    )
    assert switched.status_code == 302
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"


def test_refused_requests_get_the_sites_own_page_saying_nothing_was_saved(client, db, settings):
    """Django answered a request too big, too many parameters or an expired form in English."""
    settings.DEBUG = False
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
    response = client.post(reverse("set_language"), {"body": "x" * 2 * 1024 * 1024})
    assert response.status_code == 400
    content = response.content.decode()
    assert "Dữ liệu gửi đi quá lớn (tối đa 1 MB); không có gì được lưu." in content
    assert f'href="{reverse("archive:search")}"' in content  # the site's page, a way on
    query = "&".join(f"p{n}=1" for n in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1))
    response = client.post(
        reverse("set_language"), query, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 400
    assert "Yêu cầu có quá nhiều tham số" in response.content.decode()
    # A forged Host (scanners send them): Django's own 400, as the site's page would read the
    # host again to print its address, and fail.
    assert client.get("/", HTTP_HOST="evil.example").status_code == 400
    guarded = Client(enforce_csrf_checks=True)
    # No cookie sent: reloading would not help, allowing cookies does.
    response = guarded.post(reverse("admin:login"), {"username": "a", "password": "b"})
    assert response.status_code == 403
    assert "hãy cho phép cookie rồi gửi lại" in response.content.decode()
    # A token that no longer holds (another tab logged in again): reload and send again.
    guarded.get(reverse("admin:login"))
    response = guarded.post(
        reverse("admin:login"), {"username": "a", "password": "b", "csrfmiddlewaretoken": "x" * 64}
    )
    assert response.status_code == 403
    assert "Biểu mẫu đã hết hạn" in response.content.decode()


def test_language_switch_gives_english(client, chain):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"}, follow=True)
    content = response.content.decode()
    assert '<html lang="en">' in content
    assert "Migration policy archive" in content
    vietnamese = client.post(reverse("set_language"), {"language": "vi", "next": "/"}, follow=True)
    assert "Lưu trữ chính sách di cư" in vietnamese.content.decode()
    # A variant Django stores as chosen («en-us», «EN») was ignored: the page stayed Vietnamese.
    for variant in ("en-us", "EN"):
        client.post(reverse("set_language"), {"language": variant, "next": "/"})
        assert client.get("/")["Content-Language"] == "en", variant
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "xx"
    assert client.get("/")["Content-Language"] == "vi"


def test_working_translations_of_objectives_are_said_once(client, demo):
    """Each objective's name carried «(dịch không chính thức)», nine times a page."""
    plan = Plan.objects.get(number="1614/KH-UBND")
    unofficial = [o for o in plan.objectives.all() if not o.title_vi_official]
    assert len(unofficial) >= 2
    page = client.get(plan.get_absolute_url()).content.decode()
    assert page.count('class="unofficial-mark"') == len(unofficial)
    assert page.count("* Bản dịch làm việc, không chính thức") == 1
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    english = client.get(plan.get_absolute_url()).content.decode()  # the UN's own names
    assert 'class="unofficial-mark"' not in english and "working translation" not in english


def test_vietnamese_names_say_so_on_english_pages(client, demo):
    """An agency's official name and a link's note stay Vietnamese on English pages: without
    lang="vi" a screen reader read them with an English voice."""
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    plan = Plan.objects.get(number="1614/KH-UBND")
    page = client.get(plan.get_absolute_url()).content.decode()
    issuer = plan.issuer
    assert f'<a lang="vi" href="/co-quan/{issuer.slug}/">{issuer.name}</a>' in page
    note = plan.outgoing_links.exclude(note="").first().note
    assert f'<span class="note" lang="vi">{note}</span>' in page
    results = client.get(reverse("archive:search"), {"q": "1614"}).content.decode()
    assert '<a class="tag tag-agency" lang="vi"' in results
