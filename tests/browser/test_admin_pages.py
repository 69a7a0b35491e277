"""The admin in a browser: a slug filled in as the server spells it, lists that fit a laptop."""

import pytest
from django.urls import reverse

from archive.models import GcmObjective
from archive.text import vn_slugify

from ..factories import AgencyFactory, PlanFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLES = [
    "Kế hoạch thực hiện Quyết định 402/QĐ-TTg trên địa bàn tỉnh Đồng Tháp",
    "Hội nghị sơ kết: Hòa nhập, Thoả thuận GCM – Ủy ban nhân dân tỉnh Đắk Lắk (2025)",
]


@pytest.mark.parametrize(
    "admin_page, source",
    [("admin:archive_plan_add", "#id_title"), ("admin:archive_agency_add", "#id_name")],
)
def test_a_slug_is_filled_in_as_the_server_spells_it(page, live_server, log_in, admin_page, source):
    # A number's slash separates as its hyphen does: "402/QĐ-TTg" gave "402qd-ttg".
    expected = "ke-hoach-thuc-hien-quyet-dinh-402-qd-ttg-tren-dia-ban-tinh-dong-thap"
    assert vn_slugify(TITLES[0]) == expected
    log_in(page, live_server)
    page.goto(live_server.url + reverse(admin_page))
    for title in TITLES:
        page.fill(source, "")
        page.locator(source).press_sequentially(title)
        assert page.input_value("#id_slug") == vn_slugify(title), title


def test_a_list_of_plans_and_a_plans_page_fit_a_laptop(page, live_server, log_in):
    """At 1366 px, between the navigation and the filters, the title had ~70 px and the
    status was off screen (at 1280 px still, until the column names wrapped); a long name ran
    beneath the History button."""
    issuer = AgencyFactory(name="Ủy ban nhân dân tỉnh Bà Rịa - Vũng Tàu", abbreviation="UBND")
    title = "Kế hoạch triển khai Thỏa thuận toàn cầu về Di cư hợp pháp, an toàn và trật tự " * 2
    plan = PlanFactory(number="120/KH-UBND", title=title.strip(), issuer=issuer)
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, live_server)
    page.goto(live_server.url + reverse("admin:archive_plan_changelist"))
    assert page.locator("#result_list td.field-title").bounding_box()["width"] >= 200
    status = page.locator("#result_list th.column-status").bounding_box()
    filters = page.locator("#changelist-filter").bounding_box()
    assert status["x"] + status["width"] <= filters["x"]  # not under the filters
    page.goto(live_server.url + reverse("admin:archive_plan_change", args=[plan.pk]))
    # The name's text, not its box (which spans the page, the padding too).
    name = page.locator("#content > h2").evaluate(
        "h2 => { const r = document.createRange(); r.selectNodeContents(h2);"
        " const b = r.getBoundingClientRect(); return {right: b.right, bottom: b.bottom}; }"
    )
    tools = page.locator(".object-tools").bounding_box()
    assert name["right"] <= tools["x"] or tools["y"] >= name["bottom"]
    # A link row's document picker shows the label, not «9614/KH-UBND · tháng 7/2020 · …».
    picker = page.locator("#outgoing_links-0 td.field-target .select2-container").bounding_box()
    assert picker["width"] >= 350  # 260 before


def test_a_title_and_its_tags_can_be_read_in_the_form(page, live_server, log_in):
    """The title box showed 38 characters of a 120-character title, and each GCM objective's
    chip was cut («Mục tiêu 1: Thu thập, sử dụng dữ li…»), the clear-all cross over it."""
    title = "Kế hoạch triển khai Thỏa thuận toàn cầu về Di cư hợp pháp, an toàn và trật tự"
    plan = PlanFactory(number="121/KH-UBND", title=title)
    names = {
        1: "Thu thập, sử dụng dữ liệu chính xác và tổng hợp làm cơ sở cho việc xây dựng chính "
        "sách dựa trên bằng chứng",
        2: "Giảm thiểu các yếu tố bất lợi và nguyên nhân mang tính cơ cấu buộc người dân phải "
        "rời bỏ quốc gia gốc",
    }
    for number, name in names.items():
        plan.objectives.add(
            GcmObjective.objects.create(
                number=number, title_en="-", short_label_en="-", title_vi=name
            )
        )
    log_in(page, live_server)
    for width in (1280, 1024):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(live_server.url + reverse("admin:archive_plan_change", args=[plan.pk]))
        if width == 1280:  # the whole title; at 1024 the navigation beside it leaves less
            title_box = page.locator("#id_title")
            assert title_box.evaluate("input => input.scrollWidth <= input.clientWidth")
        chips = page.locator(".field-objectives .select2-selection__choice")
        assert chips.count() == 2
        for chip in chips.all():
            assert chip.evaluate("c => c.scrollWidth <= c.clientWidth"), width  # not cut
        picker = page.locator(".field-objectives .select2-container").bounding_box()
        assert picker["x"] + picker["width"] <= width  # on the page
        if width == 1280:  # the links' table (pickers of its own) keeps its delete column
            delete = page.locator(".inline-group th", has_text="XÓA").first.bounding_box()
            assert delete["x"] + delete["width"] <= width
