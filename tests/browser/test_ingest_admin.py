"""An editor imports a news page in the admin: paste, review the marked text, correct, save."""

import re
from pathlib import Path

import pytest
from django.urls import reverse

from archive.models import Article, Plan

SEED_003 = Path(__file__).parents[1] / "data" / "ingest" / "seed_003_794bb8f233882032.txt"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_paste_review_correct_and_save_a_draft(page, demo_site, log_in, screenshot):
    log_in(page, demo_site)
    page.goto(demo_site.url + reverse("admin:archive_document_changelist"))
    page.locator("#ingest-link").click()
    page.wait_for_url(re.compile("nhap-tu-van-ban"))
    hostile = SEED_003.read_text(encoding="utf-8").replace(
        "Theo đó,", "<img src=x onerror=alert(1)> Theo đó,"
    )
    page.get_by_label("Văn bản").fill(hostile)
    page.get_by_role("button", name="Phân tích").click()

    text = page.locator("#ingest-text")
    text.wait_for()
    # The found spans are marked in the text, beside the fields.
    assert text.locator("mark.ingest-number", has_text="1614/KH-UBND").count() == 1
    assert text.locator("mark.ingest-province").first.inner_text() == "tỉnh Hậu Giang"
    assert text.locator("img").count() == 0  # the pasted markup is shown as text
    assert "<img src=x" in text.inner_text()
    text_box, form_box = text.bounding_box(), page.locator("#ingest-review-form").bounding_box()
    assert form_box["x"] > text_box["x"] + text_box["width"] / 2  # side by side
    assert page.locator("#ingest-numbers").inner_text().count("1614/KH-UBND") == 1
    screenshot(page, "ingest-review")

    # The tags found are chips of the document form's pickers (a plain multiple select hid
    # them below its fold, and a click without Ctrl dropped every other choice); one more is
    # added by typing its name.
    provinces = page.locator("#id_provinces + .select2")
    assert provinces.locator(".select2-selection__choice").all_inner_texts() == [
        "×Hậu Giang (trước 2025)"
    ]
    provinces.locator(".select2-search__field").fill("Cần")
    page.locator(".select2-results__option", has_text="Cần Thơ").first.click()
    assert provinces.locator(".select2-selection__choice").count() == 2

    page.get_by_label("Tiêu đề").fill("Hậu Giang triển khai Thỏa thuận GCM (bản nháp)")
    page.get_by_label(re.compile("Hội thảo về chính sách hỗ trợ phụ nữ")).uncheck()
    page.get_by_role("button", name="Lưu bản nháp").click()
    page.wait_for_url(re.compile(r"/admin/archive/article/\d+/change/"))
    assert "Đã lưu bản nháp" in page.locator(".messagelist").inner_text()

    article = Article.objects.get(title="Hậu Giang triển khai Thỏa thuận GCM (bản nháp)")
    assert article.status == "draft"
    assert list(article.outgoing_links.values_list("relation", flat=True)) == ["dua_tin"]
    assert sorted(map(str, article.provinces.all())) == ["Cần Thơ", "Hậu Giang (trước 2025)"]


def test_an_issuer_missing_from_the_catalogue_is_added_from_the_review(page, demo_site, log_in):
    """The review named Hòa Bình's committee as missing and offered no way to add it: Django's
    "+" opens the agency form filled in with the name read, and the agency saved is chosen."""
    log_in(page, demo_site)
    page.goto(demo_site.url + reverse("admin:archive_document_import"))
    page.get_by_label("Văn bản").fill(
        "ỦY BAN NHÂN DÂN\nTỈNH HOÀ BÌNH\nSố: 87/KH-UBND\nHoà Bình, ngày 12 tháng 6 năm 2020\n\n"
        "KẾ HOẠCH\nTriển khai Thỏa thuận toàn cầu về di cư\n\nCác sở, ngành thực hiện.\n"
    )
    page.get_by_role("button", name="Phân tích").click()
    page.locator("#ingest-text").wait_for()
    with page.expect_popup() as opened:
        page.locator("#add_id_issuer").click()
    popup = opened.value
    popup.wait_for_load_state()
    assert popup.input_value("#id_name") == "Ủy ban nhân dân tỉnh Hoà Bình"
    assert popup.input_value("#id_kind") == "provincial"
    popup.locator("input[name=_save]").click()
    page.wait_for_function("document.querySelector('#id_issuer').value !== ''")
    chosen = page.locator("#id_issuer option:checked").inner_text()
    assert chosen == "Ủy ban nhân dân tỉnh Hoà Bình"
    page.get_by_role("button", name="Lưu bản nháp").click()
    page.wait_for_url(re.compile(r"/admin/archive/plan/\d+/change/"))
    assert Plan.objects.get(number="87/KH-UBND").issuer.name == "Ủy ban nhân dân tỉnh Hoà Bình"
