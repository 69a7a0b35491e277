"""An editor imports a news page in the admin: paste, review the marked text, correct, save."""

import re
from pathlib import Path

import pytest
from django.urls import reverse

from archive.models import Article

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

    page.get_by_label("Tiêu đề").fill("Hậu Giang triển khai Thỏa thuận GCM (bản nháp)")
    page.get_by_label(re.compile("Hội thảo về chính sách hỗ trợ phụ nữ")).uncheck()
    page.get_by_role("button", name="Lưu bản nháp").click()
    page.wait_for_url(re.compile(r"/admin/archive/article/\d+/change/"))
    assert "Đã lưu bản nháp" in page.locator(".messagelist").inner_text()

    article = Article.objects.get(title="Hậu Giang triển khai Thỏa thuận GCM (bản nháp)")
    assert article.status == "draft"
    assert list(article.outgoing_links.values_list("relation", flat=True)) == ["dua_tin"]
