"""An editor types a Vietnamese title in the admin: the address fills in as the server spells it."""

import re

import pytest
from django.urls import reverse

from archive.text import vn_slugify

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLES = [
    "Kế hoạch thực hiện Quyết định 402/QĐ-TTg trên địa bàn tỉnh Đồng Tháp",
    "Hội nghị sơ kết: Hòa nhập, Thoả thuận GCM – Ủy ban nhân dân tỉnh Đắk Lắk (2025)",
]


@pytest.mark.parametrize(
    "admin_page, source",
    [("admin:archive_plan_add", "#id_title"), ("admin:archive_agency_add", "#id_name")],
)
def test_a_slug_is_filled_in_as_the_server_spells_it(
    page, live_server, django_user_model, admin_page, source
):
    django_user_model.objects.create_superuser("bientap", password="mat-khau-thu-2")
    page.goto(live_server.url + reverse("admin:login"))
    page.fill("#id_username", "bientap")
    page.fill("#id_password", "mat-khau-thu-2")
    page.locator("input[type=submit]").click()
    page.wait_for_url(re.compile("/admin/$"))
    page.goto(live_server.url + reverse(admin_page))
    for title in TITLES:
        page.fill(source, "")
        page.locator(source).press_sequentially(title)
        assert page.input_value("#id_slug") == vn_slugify(title), title
