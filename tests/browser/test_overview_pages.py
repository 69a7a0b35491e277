"""The overview pages in a real browser: province, agency, objective, matrix, map, plan chain.

Each test looks at what a person sees (and that nothing scrolls sideways on a phone) and saves a
screenshot to test-artifacts/ for a human to look at.
"""

import datetime
import re

import pytest

from archive.models import Document, DocumentLink, Plan, Province, Relation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PLAN_402 = "/van-ban/quyet-dinh-402-qd-ttg-ban-hanh-ke-hoach-trien-khai-thoa-thuan-gcm/"
PLAN_1614 = "/van-ban/ke-hoach-1614-kh-ubnd-trien-khai-thoa-thuan-gcm-tinh-hau-giang/"


def scroll_width(page):
    return page.evaluate("document.documentElement.scrollWidth")


def test_province_index_and_the_merger_both_ways(page, demo_site, screenshot):
    page.goto(demo_site.url + "/")
    page.get_by_role("navigation", name="Điều hướng chính").get_by_role(
        "link", name="Tỉnh, thành phố"
    ).click()
    assert page.locator("h1").inner_text() == "Tỉnh, thành phố"
    assert (
        page.locator(".provinces-table tbody tr").count()
        == Province.objects.filter(era="34").count()
    )
    assert page.locator(".tilemap svg a").count() == 34
    screenshot(page, "overview-provinces")
    page.locator(".provinces-table th").get_by_role("link", name="Cần Thơ", exact=True).click()
    assert page.locator("h1").inner_text() == "Thành phố Cần Thơ"
    marked = page.locator(".doc-item", has_text="1614/KH-UBND")
    assert "qua Hậu Giang (trước 2025)" in marked.inner_text()
    screenshot(page, "overview-province-can-tho")
    page.locator(".merger").get_by_role("link", name="Tỉnh Hậu Giang").click()
    assert "trước 1/7/2025" in page.locator("h1").inner_text()
    page.locator(".merger").get_by_role("link", name="Thành phố Cần Thơ").click()
    assert page.locator("h1").inner_text() == "Thành phố Cần Thơ"


def test_plan_page_chain_coverage_and_timeline(page, demo_site, screenshot):
    page.goto(demo_site.url + PLAN_402)
    chain = page.locator(".chain")
    assert chain.get_by_role("link", name="1614/KH-UBND").is_visible()
    reviewed = chain.locator(".chain-node", has_text="Hội nghị sơ kết 5 năm").first
    assert reviewed.locator(".chain-node", has_text="Việt Nam sơ kết 5 năm").count() == 1
    row = page.locator(".coverage-table tr", has_text="Cần Thơ")
    assert "1614/KH-UBND" in row.inner_text() and "Một phần" in row.inner_text()
    dates = page.locator(".timeline time").all_inner_texts()
    assert dates[0] == "20/03/2020"
    screenshot(page, "overview-plan-402")
    page.get_by_role("link", name="63 tỉnh, thành phố (trước 1/7/2025)").click()
    page.wait_for_url(re.compile("era=63"))
    # A row for each old unit with a plan, the others named below the table: 63 in all.
    rows = page.locator(".coverage-table tbody tr").count()
    assert rows + page.locator(".coverage-none a").count() == 63 and rows > 1
    row = page.locator(".coverage-table tr", has_text="Hậu Giang")
    assert "Đã ban hành" in row.inner_text()
    # The coverage map is a map of links: the Cần Thơ tile opens Cần Thơ's page.
    page.locator(".coverage svg a[href='/tinh-thanh/can-tho/']").click()
    assert page.locator("h1").inner_text() == "Thành phố Cần Thơ"


def test_matrix_cell_opens_the_matching_search(page, demo_site, screenshot):
    page.goto(demo_site.url + "/ma-tran/")
    cell = page.locator(".matrix tr", has_text="Nghệ An").locator("td a").first
    count = int(cell.inner_text())
    screenshot(page, "overview-matrix")
    cell.click()
    page.wait_for_url(re.compile(r"/tim-kiem/\?province=nghe-an&objective=\d+"))
    assert re.search(rf"\b{count}\b", page.locator("#results-heading").inner_text())


def test_the_matrix_keeps_its_objectives_in_view_when_scrolled(page, demo_site):
    """The header row was sticky inside a box scrolling sideways only: it went off the page
    with the 63 provinces below it."""
    page.set_viewport_size({"width": 1280, "height": 700})
    page.goto(demo_site.url + "/ma-tran/?era=63")
    box = page.locator(".matrix-scroll")
    assert box.bounding_box()["height"] < 700  # scrolled within itself, its header in view
    box.evaluate("box => { box.scrollTop = 600; }")
    header = page.locator(".matrix thead th").nth(1).bounding_box()
    assert abs(header["y"] - box.bounding_box()["y"]) < 4  # at the box's top, not scrolled away


def test_the_matrix_says_on_a_phone_that_it_scrolls_sideways(page, demo_site):
    """On a phone it showed objectives 1-4 and nothing said there were 19 more."""
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(demo_site.url + "/ma-tran/")
    assert page.locator(".scroll-hint").is_visible()
    box = page.locator(".matrix-scroll")
    assert box.evaluate("box => box.scrollWidth > box.clientWidth")
    page.set_viewport_size({"width": 1280, "height": 900})
    assert not page.locator(".scroll-hint").is_visible()


def test_map_agency_and_objective_pages(page, demo_site, screenshot):
    page.goto(demo_site.url + "/ban-do/")
    tiles = page.locator(".tilemap svg a")
    assert tiles.count() == 34
    assert page.locator(".tilemap svg a title").first.text_content()
    screenshot(page, "overview-map")
    page.get_by_role("link", name="Văn bản triển khai 402/QĐ-TTg").click()
    assert page.locator(".tile.cov-full, .tile.cov-partial").count() > 0
    screenshot(page, "overview-map-coverage")
    page.goto(demo_site.url + "/co-quan/bo-ngoai-giao/")
    assert page.get_by_role("link", name="Cục Lãnh sự").is_visible()
    assert page.locator("#section-organised + ul .doc-item").count() == (
        Document.objects.filter(conference__organisers__slug="bo-ngoai-giao").count()
    )
    screenshot(page, "overview-agency")
    page.goto(demo_site.url + "/muc-tieu/10/")
    assert page.locator("h1 .objective-no").inner_text() == "10"
    screenshot(page, "overview-objective")


@pytest.mark.parametrize(
    "path",
    [
        "/tinh-thanh/",
        "/tinh-thanh/can-tho/",
        PLAN_402,
        "/ma-tran/",
        "/ban-do/",
        "/muc-tieu/10/",
        "/tim-kiem/?q=" + "x" * 300,  # a word longer than the line, in its chip and message
    ],
)
def test_overview_pages_fit_a_phone(page, demo_site, screenshot, path):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(demo_site.url + path)
    assert scroll_width(page) <= 390, f"{path} scrolls sideways on a phone"
    name = path.strip("/").split("/")[0] or "home"
    if path == PLAN_402:
        name = "plan-402"
    elif path == "/tinh-thanh/can-tho/":
        name = "province-can-tho"
    screenshot(page, f"overview-phone-{name}")


@pytest.mark.parametrize("path", ["/tinh-thanh/hau-giang-truoc-2025/", "/co-quan/", "/muc-tieu/"])
def test_overview_pages_fit_a_phone_in_english(page, demo_site, screenshot, path):
    """English headings run longer: a province's counts table widened its page past a phone."""
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": demo_site.url}])
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(demo_site.url + path)
    assert page.locator("html").get_attribute("lang") == "en"
    assert scroll_width(page) <= 390, f"{path} scrolls sideways on a phone in English"
    screenshot(page, "overview-phone-en-" + path.strip("/").replace("/", "-"))


def test_a_long_number_breaks_inside_its_box_and_a_short_one_stays_whole(
    page, demo_site, screenshot
):
    """A joint plan's number (1234/KH-BCĐ138/CP-SNgV-SLĐTBXH) ran past a phone's edge: its
    page, its row in 402/QĐ-TTg's coverage and its search result scrolled sideways."""
    joint = Plan.objects.create(
        title="Kế hoạch liên tịch về phối hợp quản lý di cư",
        slug="ke-hoach-lien-tich",
        number="1234/KH-BCĐ138/CP-SNgV-SLĐTBXH",
        date=datetime.date(2020, 9, 1),
        status=Document.Status.PUBLISHED,
    )
    joint.provinces.set([Province.objects.get(slug="hau-giang-truoc-2025")])
    national = Plan.objects.get(number="402/QĐ-TTg")
    DocumentLink.objects.create(source=joint, relation=Relation.IMPLEMENTS, target=national)
    page.set_viewport_size({"width": 390, "height": 844})
    for path in (joint.get_absolute_url(), PLAN_402, "/tim-kiem/?q=1234"):
        page.goto(demo_site.url + path)
        assert scroll_width(page) <= 390, f"{path} scrolls sideways on a phone"
    screenshot(page, "overview-phone-long-number")
    # A number that fits its box stays whole, moved to the next line rather than cut at a
    # hyphen: in the coverage's narrow column on a phone, and anywhere on a wide screen.
    for width, numbers in ((390, ["1614/KH-UBND"]), (1280, ["1614/KH-UBND", joint.number])):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(demo_site.url + PLAN_402)
        for number in numbers:
            shown = page.locator(".coverage-table .number", has_text=number)
            line = shown.evaluate("n => parseFloat(getComputedStyle(n).lineHeight)")
            assert shown.bounding_box()["height"] < 1.5 * line, f"{number} broken at {width}"


def test_a_documents_key_facts_come_before_its_text_on_a_phone(page, demo_site, screenshot):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(demo_site.url + PLAN_402)
    facts, body = page.locator(".facts").bounding_box(), page.locator(".body").bounding_box()
    assert facts["y"] < body["y"]
    # The links still follow the text.
    assert body["y"] < page.locator("#links-heading").bounding_box()["y"]
    screenshot(page, "overview-phone-plan-402-facts")
    # A keyboard goes as the eye does: from the breadcrumb to the issuer in the facts, not down
    # to the links under the text and back up (the facts were moved up by CSS alone).
    page.locator(".breadcrumb a").last.focus()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('.facts') !== null")
    timeline = page.locator(".timeline-box").bounding_box()
    assert timeline["y"] > page.locator("#links-heading").bounding_box()["y"]
    # Nine objectives are their numbers in a row there (their titles put the text 1,400 pixels
    # down): each link keeps its title as its name.
    page.goto(demo_site.url + PLAN_1614)
    objectives = page.locator(".facts .objectives a")
    assert objectives.count() == 9
    rows = {round(objectives.nth(n).bounding_box()["y"]) for n in range(9)}
    assert len(rows) <= 2
    assert page.locator(".document-main").bounding_box()["y"] < 1000
    name = objectives.first.evaluate("a => a.textContent")
    assert name.startswith("1 Thu thập, sử dụng dữ liệu chính xác")
    page.set_viewport_size({"width": 1280, "height": 900})
    assert objectives.first.bounding_box()["width"] > 250  # a title beside each number
    page.goto(demo_site.url + PLAN_402)
    facts, body = page.locator(".facts").bounding_box(), page.locator(".body").bounding_box()
    assert facts["x"] > body["x"]  # beside the text on a wide screen
    timeline = page.locator(".timeline-box").bounding_box()
    assert timeline["x"] == facts["x"] and 0 < timeline["y"] - (facts["y"] + facts["height"]) < 40
    # The links under the text, in the wide column (in the narrow one, a national decision's
    # dozens of links left a blank column beside them as long as the text).
    assert page.locator("#links-heading").bounding_box()["x"] < facts["x"]


def test_overview_pages_work_without_javascript(browser, demo_site, screenshot):
    context = browser.new_context(locale="vi-VN", java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(demo_site.url + "/ban-do/")
        page.locator(".tilemap svg a[href='/tinh-thanh/nghe-an/']").click()
        page.wait_for_url(re.compile("/tinh-thanh/nghe-an/$"))
        assert page.locator("h1").inner_text() == "Tỉnh Nghệ An"
        page.goto(demo_site.url + PLAN_402)
        page.get_by_role("link", name="63 tỉnh, thành phố (trước 1/7/2025)").click()
        page.wait_for_url(re.compile("era=63"))
        assert page.locator(".coverage-none a").count() > 50
        page.goto(demo_site.url + "/ma-tran/")
        page.locator("details.objective-key summary").click()
        assert page.locator("details.objective-key li").first.is_visible()
        screenshot(page, "overview-matrix-no-js")
    finally:
        context.close()


def test_agency_index_leads_to_an_agency(page, demo_site, screenshot):
    page.goto(demo_site.url + "/tinh-thanh/")
    page.locator(".map-panel").get_by_role("link", name="Cơ quan, tổ chức").click()
    assert page.locator("h1").inner_text() == "Cơ quan, tổ chức"
    screenshot(page, "overview-agencies")
    page.get_by_role("link", name="Bộ Công an", exact=True).click()
    assert page.locator("h1").inner_text().startswith("Bộ Công an")
    assert page.locator("#section-attended + ul .doc-item").count() > 0


def test_the_header_is_one_row_on_a_phone(page, demo_site):
    """Its links wrapped to three lines, the header a third of every screen (290 px)."""
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(demo_site.url + "/tim-kiem/?q=di+cư")
    assert page.locator(".site-header").bounding_box()["height"] <= 120
    assert scroll_width(page) <= 390  # the row scrolls, not the page
    nav = page.get_by_role("navigation", name="Điều hướng chính")
    assert nav.evaluate("nav => nav.scrollWidth > nav.clientWidth")
    # The language switch beside the name, in sight: at the row's end it was out of sight
    # (x ≈ 805), and nothing said the row scrolled.
    language = page.get_by_role("button", name="English")
    box = language.bounding_box()
    assert 0 <= box["x"] and box["x"] + box["width"] <= 390
    assert box["y"] < nav.bounding_box()["y"]
    language.click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
