"""The admin in a browser: a slug filled in as the server spells it, lists that fit a laptop."""

import pytest
from django.urls import reverse

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
