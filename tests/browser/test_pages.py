"""What people do in a browser: browse, search, narrow, page, open, go back; switch language."""

import re

import pytest

from archive.models import Plan

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_home_page_leads_through_the_implementation_chain(page, demo_site, screenshot):
    page.goto(demo_site.url + "/")
    assert page.locator("h1").inner_text() == "Lưu trữ chính sách di cư"
    assert page.locator("html").get_attribute("lang") == "vi"
    page.get_by_role("link", name=re.compile("Hội nghị sơ kết 5 năm")).first.click()
    page.locator("a", has_text="402/QĐ-TTg").first.click()
    assert "402/QĐ-TTg" in page.locator("h1").inner_text()
    assert page.get_by_role("heading", name="Được triển khai thực hiện bởi").is_visible()
    screenshot(page, "plan-402")
    page.locator("a", has_text="1614/KH-UBND").first.click()
    assert "1614/KH-UBND" in page.locator("h1").inner_text()
    assert page.get_by_role("heading", name="Triển khai thực hiện").is_visible()
    assert page.get_by_role("heading", name="Được đưa tin bởi").is_visible()


def test_home_search_box_shows_its_whole_hint_on_a_phone(page, demo_site):
    """The examples were the placeholder, cut off on a phone («Ví dụ: di cư, 402/QĐ-TT»): they
    are links below the box, each a search that finds something."""
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(demo_site.url + "/")
    box = page.locator("#q")
    overflow = box.evaluate(
        """input => {
            const style = getComputedStyle(input);
            const context = document.createElement("canvas").getContext("2d");
            context.font = style.font;
            const room = input.clientWidth - parseFloat(style.paddingLeft)
                - parseFloat(style.paddingRight);
            return context.measureText(input.placeholder).width - room;
        }"""
    )
    assert overflow <= 0, f"the placeholder is {overflow:.0f} px too wide"
    page.get_by_role("link", name="402/QĐ-TTg", exact=True).click()
    assert page.locator(".results-list .number").first.inner_text() == "402/QĐ-TTg"


def test_a_plans_citation_is_copied_for_a_report(page, demo_site):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.goto(demo_site.url + Plan.objects.get(number="402/QĐ-TTg").get_absolute_url())
    page.get_by_role("button", name="Sao chép").click()
    page.get_by_role("status").filter(has_text="Đã sao chép").wait_for()  # once written
    assert page.evaluate("navigator.clipboard.readText()") == (
        "Quyết định số 402/QĐ-TTg ngày 20/3/2020 của Thủ tướng Chính phủ ban hành Kế hoạch triển"
        " khai Thỏa thuận toàn cầu về Di cư hợp pháp, an toàn và trật tự của Liên hợp quốc"
    )


def test_a_searchs_feed_address_is_copied_from_its_page(page, demo_site):
    """«Theo dõi tài liệu mới» opened the feed, raw XML, in the browser."""
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.goto(demo_site.url + "/tim-kiem/?q=di+cư")
    page.get_by_role("link", name="Theo dõi tài liệu mới").click()
    assert page.locator("h1").inner_text() == "Theo dõi tài liệu mới"
    page.get_by_role("button", name="Sao chép").click()
    page.get_by_role("status").filter(has_text="Đã sao chép").wait_for()  # once written
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == demo_site.url + "/tim-kiem/atom/?q=di+c%C6%B0"
    assert page.request.get(copied).headers["content-type"].startswith("application/atom+xml")


def test_a_citation_is_selected_where_the_clipboard_is_refused(page, demo_site):
    """A page served over http at an intranet address has no clipboard API: the text is
    selected for Ctrl+C instead, and the status says so."""
    page.add_init_script("Object.defineProperty(navigator, 'clipboard', {value: undefined})")
    page.goto(demo_site.url + Plan.objects.get(number="1614/KH-UBND").get_absolute_url())
    page.get_by_role("button", name="Sao chép").click()
    page.get_by_role("status").filter(has_text="nhấn Ctrl+C").wait_for()
    selected = page.evaluate("window.getSelection().toString()")
    assert selected.startswith("Kế hoạch số 1614/KH-UBND ngày 30/7/2020 của Ủy ban nhân dân")


def test_search_narrow_page_open_and_come_back_to_the_same_state(page, demo_site, screenshot):
    page.goto(demo_site.url + "/tim-kiem/?page_size=5")
    page.get_by_label("Từ khóa, tiêu đề hoặc số, ký hiệu văn bản").fill("di cu")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"q=di\+cu"))
    # Only the fields that say something are sent: no "date_from=&date_to=&sort=".
    assert page.url.endswith("/tim-kiem/?q=di+cu&page_size=5"), page.url
    # The count is a heading, reached by a screen reader's heading keys.
    total = page.get_by_role("heading", name=re.compile("Tìm thấy")).inner_text()
    page.locator(".facet-value", has_text="Văn bản").click()
    page.wait_for_url(re.compile("kind=plan"))
    page.locator("#facet-year + ul .facet-value", has_text="2020").click()
    page.wait_for_url(re.compile("year=2020"))
    assert page.locator("#results-heading").inner_text() != total
    assert page.locator(".facet-value.selected").count() == 2
    page.get_by_role("link", name=re.compile("Trang sau")).click()
    page.wait_for_url(re.compile("page=2"))
    paged = page.url
    assert (
        "q=di+cu" in paged
        and "kind=plan" in paged
        and "year=2020" in paged
        and "page_size=5" in paged
    )
    first = page.locator(".results-list .doc-title").first
    title = first.inner_text()
    first.click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text().endswith(title.split("  ")[-1].strip()[-30:])
    page.go_back()
    assert page.url == paged
    assert page.locator(".facet-value.selected").count() == 2
    assert page.locator(".pagination .current").inner_text() == "Trang 2 / 2"
    assert page.locator(".results-list .doc-title").first.inner_text() == title
    assert page.get_by_label("Từ khóa, tiêu đề hoặc số, ký hiệu văn bản").input_value() == "di cu"
    screenshot(page, "search")


def test_suggestions_as_you_type_find_any_accents_and_open_a_document(page, demo_site, screenshot):
    """A <datalist> showed only options containing the text as typed: "thoa thuan" hid every
    "Thỏa thuận" the server had found."""
    page.goto(demo_site.url + "/tim-kiem/")
    box = page.get_by_role("combobox", name="Từ khóa, tiêu đề hoặc số, ký hiệu văn bản")
    box.press_sequentially("thoa thuan", delay=20)
    suggestions = page.get_by_role("listbox", name="Gợi ý")
    first = suggestions.get_by_role("option").first
    first.wait_for()
    assert re.search("Th[ỏo][aả] thuận", first.inner_text())
    assert box.get_attribute("aria-expanded") == "true"
    assert "gợi ý" in page.locator("#suggest-status").inner_text()
    screenshot(page, "suggestions")
    last = suggestions.get_by_role("option").last
    box.press("ArrowUp")  # from none, the last
    assert box.get_attribute("aria-activedescendant") == last.get_attribute("id")
    box.press("Escape")
    assert box.get_attribute("aria-expanded") == "false" and not first.is_visible()
    box.press("ArrowDown")  # opens them again, on the first
    box.press("End")
    box.type(" g")  # typing again lets the chosen one go: Enter would search the text
    assert box.get_attribute("aria-activedescendant") is None
    box.press("Backspace")
    box.press("Backspace")
    first.wait_for()
    box.press("ArrowDown")
    assert box.get_attribute("aria-activedescendant") == "suggestion-0"
    href = first.locator("a").get_attribute("href")
    box.press("Enter")
    page.wait_for_url(demo_site.url + href)
    # A number while it is typed, in the home page's box (it gave none); a click opens it too.
    page.goto(demo_site.url + "/")
    box.press_sequentially("1614/KH", delay=20)
    option = suggestions.get_by_role("option").filter(has_text="1614/KH-UBND").first
    option.wait_for()
    assert suggestions.get_by_role("option").count() == 1
    # Said as one, not "1 suggestions", and how to open it: Enter alone searches the words.
    status = "Một gợi ý: mũi tên xuống để chọn, Enter để mở"
    assert page.locator("#suggest-status").inner_text() == status
    option.click()
    page.wait_for_load_state()
    assert "1614/KH-UBND" in page.locator("h1").inner_text()


def test_paging_keeps_the_query(page, demo_site):
    page.goto(demo_site.url + "/tim-kiem/?sort=oldest")
    page.get_by_role("link", name=re.compile("Trang sau")).click()
    assert "page=2" in page.url and "sort=oldest" in page.url
    assert page.locator(".pagination .current").inner_text() == "Trang 2 / 2"
    # The next page opens at its results: a keyboard went back through the form and some
    # sixty filter links (171 Tabs to «Trang sau»), a phone to the form at the top.
    assert page.url.endswith("#results")
    assert abs(page.locator("#results").bounding_box()["y"]) < 5
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('#results') !== null")
    page.go_back()
    assert page.locator(".pagination .current").inner_text() == "Trang 1 / 2"


def test_a_keyboard_reaches_the_results_past_the_filters(page, demo_site):
    page.goto(demo_site.url + "/tim-kiem/?q=GCM")
    page.locator("#q").focus()
    page.keyboard.press("Tab")  # the search button
    page.keyboard.press("Tab")  # the date and order panel
    page.keyboard.press("Tab")
    skip = page.evaluate("document.activeElement.textContent")
    assert skip == "Đến danh sách kết quả"
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")  # the results' first link, past some sixty filter links
    assert page.evaluate("document.activeElement.closest('#results') !== null")


def test_language_switch(page, demo_site):
    page.goto(demo_site.url + "/tim-kiem/?q=GCM")
    page.get_by_role("button", name="English").click()  # one click, named in its language
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert "q=GCM" in page.url
    assert page.get_by_role("link", name="Search", exact=True).is_visible()
    # The archive's texts stay Vietnamese, and say so to a screen reader's voice.
    title = page.locator(".results .doc-title").first
    assert title.evaluate("a => a.closest('[lang]').lang") == "vi"
    page.get_by_role("button", name="Tiếng Việt").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "vi"


def test_hostile_text_is_shown_not_run(page, demo_site, screenshot):
    Plan.objects.create(
        title='<script>window.__ran = "script"</script> di cư',
        slug="doc-hai",
        number="13/KH-UBND",
        body="<img src=x onerror=\"window.__ran = 'img'\"> di cư &lt;b&gt; mẫu",
        status="published",
    )
    dialogs = []
    page.on("dialog", lambda dialog: dialogs.append(dialog.message))
    page.goto(demo_site.url + "/tim-kiem/?q=di+c%C6%B0&kind=plan")
    hostile = page.locator(".result", has_text="window.__ran")
    assert '<script>window.__ran = "script"</script> di cư' in hostile.inner_text()
    assert hostile.locator("mark").count() >= 2
    page.get_by_role("link", name=re.compile("window.__ran")).click()
    assert "<img src=x" in page.locator(".body").inner_text()
    assert page.evaluate("window.__ran") is None
    assert dialogs == []


def test_search_page_on_a_phone(page, demo_site, screenshot):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(demo_site.url + "/tim-kiem/?q=402/QD-TTg")
    assert page.locator(".results-list .number").first.inner_text() == "402/QĐ-TTg"
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, "the page scrolls sideways on a phone"
    screenshot(page, "search-phone")
    # The filters follow the results there: a link at the top leads to them.
    facets = page.locator("#facets")
    page.get_by_role("link", name="Bộ lọc").click()
    assert facets.bounding_box()["y"] < 844 / 2  # scrolled to it
    page.set_viewport_size({"width": 1280, "height": 900})
    assert not page.get_by_role("link", name="Bộ lọc").is_visible()  # beside the results
    # The menu's row scrolls sideways: the current item is brought into it, «Bản đồ» last.
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(demo_site.url + "/ban-do/")
    current = page.locator(".site-nav [aria-current]")
    box, nav = current.bounding_box(), page.locator(".site-nav").bounding_box()
    assert nav["x"] <= box["x"] and box["x"] + box["width"] <= nav["x"] + nav["width"] + 1


def test_nothing_found_takes_the_whole_width(page, demo_site):
    """With no facets the message stood in the right column beside 290 px of nothing."""
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(demo_site.url + "/tim-kiem/?q=xyzzyqwerty")
    results = page.locator("#results").bounding_box()
    form = page.locator("form.search-form").bounding_box()
    assert abs(results["x"] - form["x"]) <= 2 and results["width"] >= form["width"] - 4
    page.goto(demo_site.url + "/tim-kiem/?q=di+cư")  # found: the facets' column beside
    assert page.locator("#results").bounding_box()["x"] > form["x"] + 250


def test_printed_pages_keep_the_record_and_leave_the_controls(page, demo_site, screenshot):
    """On A4 (narrower than 800 pixels) the phone's rules printed a plan's objectives as bare
    numbers, and a search printed its form, filters and links; neither said its address."""
    page.set_viewport_size({"width": 718, "height": 1000})
    page.emulate_media(media="print")
    plan = Plan.objects.get(number="1614/KH-UBND")
    page.goto(demo_site.url + plan.get_absolute_url())
    assert page.locator(".facts .objective-title").first.bounding_box()["width"] > 100
    assert page.locator(".print-url").inner_text() == demo_site.url + plan.get_absolute_url()
    screenshot(page, "print-plan-1614")
    page.goto(demo_site.url + "/tim-kiem/?q=di+cu")
    for control in (".search-form", ".facets", ".export", ".to-facets", ".site-header"):
        assert not page.locator(control).first.is_visible(), control
    assert page.locator(".result").count() > 0 and page.locator(".active-filters").is_visible()
    # On a screen, the phone keeps its numbers in a row, and no address is printed.
    page.emulate_media(media="screen")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(demo_site.url + plan.get_absolute_url())
    assert page.locator(".facts .objective-title").first.bounding_box()["width"] <= 1
    assert not page.locator(".print-url").is_visible()
