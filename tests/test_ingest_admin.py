"""The admin's "Nhập từ văn bản" page: analyse, review with highlights, save a draft."""

import datetime
import re
import unicodedata
from html import unescape as html_unescape
from pathlib import Path

import pytest
from django.contrib.admin.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from archive.models import Agency, Article, Document, Plan
from archive.text import vn_slugify

DATA = Path(__file__).parent / "data" / "ingest"
SEED_003 = (DATA / "seed_003_794bb8f233882032.txt").read_text(encoding="utf-8")
URL = reverse("admin:archive_document_import")

pytestmark = pytest.mark.django_db


def analyse(client, **data):
    return client.post(URL, {"analyse": "1", **data})


def review_data(response):
    """Return the review form's values as the browser would post them."""
    form = response.context["review"]
    data = {"save": "1"}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if isinstance(value, list):
            data[name] = [str(v) for v in value]
        elif value is not None:
            data[name] = str(value)
    return data


def test_page_is_linked_from_the_document_list_and_needs_staff(staff_client):
    from django.test import Client

    assert Client().get(URL).status_code == 302  # to the login
    for kind in ("document", "article", "plan"):
        listing = staff_client.get(reverse(f"admin:archive_{kind}_changelist"))
        assert 'id="ingest-link"' in listing.content.decode(), kind
    # Not a button of the conferences' list, which it cannot make; in every page's header,
    # the index's where editors start, as it was not.
    conferences = staff_client.get(reverse("admin:archive_conference_changelist")).content
    assert 'id="ingest-link"' not in conferences.decode()
    index = staff_client.get(reverse("admin:index")).content.decode()
    assert f'<a class="ingest-global" href="{URL}">Nhập từ văn bản</a>' in index
    page = staff_client.get(URL)
    assert page.status_code == 200 and "Phân tích" in page.content.decode()


def test_analysis_shows_fields_and_marks_spans_beside_the_text(demo, staff_client):
    response = analyse(staff_client, text=SEED_003)
    html = response.content.decode()
    assert response.status_code == 200
    assert (
        '<mark class="ingest-number" title="số, ký hiệu: 1614/KH-UBND">1614/KH-UBND</mark>' in html
    )
    assert re.search(r'<mark class="ingest-province"[^>]*>tỉnh Hậu Giang</mark>', html)
    assert 'value="Triển khai Thỏa thuận toàn cầu' in html
    review = response.context["review"]
    assert review.initial["date"].isoformat() == "2020-07-31"
    assert 'name="date" value="31/07/2020"' in html  # as staff write it, in any browser
    assert len(review.initial["links"]) == 2  # the plan reported, the workshop in the caption


def test_hostile_text_is_escaped(demo, staff_client):
    text = "Tiêu đề <b>in đậm</b>\n\n<script>alert(1)</script> Kế hoạch số 1614/KH-UBND & tỉnh Hậu Giang."
    html = analyse(staff_client, text=text).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&amp; tỉnh" in html


def test_save_makes_a_draft_with_the_editors_corrections(demo, staff_client):
    response = analyse(staff_client, text=SEED_003, source_url="https://haugiang.gov.vn/bai-1")
    data = review_data(response)
    data["title"] = "Hậu Giang triển khai Thỏa thuận GCM"
    data["objectives"] = data["objectives"][:2]
    data["links"] = data["links"][:1]
    data["date"] = "12/03/2021"  # day first
    saved = staff_client.post(URL, data)
    article = Article.objects.get(title="Hậu Giang triển khai Thỏa thuận GCM")
    assert saved.status_code == 302
    assert saved.url == reverse("admin:archive_article_change", args=[article.pk])
    assert article.status == Document.Status.DRAFT
    assert article.source_url == "https://haugiang.gov.vn/bai-1"
    assert article.objectives.count() == 2
    assert article.date == datetime.date(2021, 3, 12)
    assert article.outgoing_links.count() == 1
    # In its history and the admin's recent actions, as one added by its form.
    entry = LogEntry.objects.get(object_id=str(article.pk))
    assert entry.is_addition() and entry.user.is_staff
    assert entry.content_type.model_class() is Article


@pytest.mark.parametrize("title", [None, "Hậu Giang triển khai Thỏa thuận GCM"])
def test_saving_the_same_text_again_says_it_is_held(demo, staff_client, title):
    """Whatever title the first import was given: a corrected one gave a second draft."""
    data = review_data(analyse(staff_client, text=SEED_003))
    staff_client.post(URL, data | ({"title": title} if title else {}))
    again = analyse(staff_client, text=SEED_003)
    assert "đã có trong lưu trữ" in again.content.decode()
    response = staff_client.post(URL, data, follow=True)
    assert "không nhập lại" in response.content.decode()
    assert Article.objects.exclude(content_hash="").count() == 1


def test_upload_in_utf16_and_bad_uploads(demo, staff_client):
    upload = SimpleUploadedFile("bai.txt", SEED_003.encode("utf-16"))
    page = analyse(staff_client, upload=upload).content.decode()
    assert "1614/KH-UBND" in page
    assert "Đã đọc theo bảng mã utf-16" in page  # the editor is told how it was read
    # A header pasted with an invisible space in its number is read as it shows.
    pasted = (
        "ỦY BAN NHÂN DÂN\nTỈNH QUẢNG TRỊ\nSố: 77/KH\u200b-UBND\nKẾ HOẠCH\nVề di cư\n\nNội dung."
    )
    assert review_data(analyse(staff_client, text=pasted))["number"] == "77/KH-UBND"
    # So is a number it cites with a no-break hyphen: the link to it is proposed.
    cited = pasted.replace("Nội dung.", "Thực hiện Quyết định số 402/QĐ\u2011TTg của Thủ tướng.")
    links = analyse(staff_client, text=cited).context["extraction"].links
    assert [link.number for link in links if link.target] == ["402/QĐ-TTg"]
    binary = SimpleUploadedFile("anh.png", b"\x89PNG\x00\x00\x00IHDR")
    response = analyse(staff_client, upload=binary)
    assert response.status_code == 200 and "nhị phân" in response.content.decode()
    assert "Hãy dán văn bản" in analyse(staff_client, text="   ").content.decode()


def test_a_plan_without_a_number_asks_for_one(demo, staff_client):
    data = review_data(analyse(staff_client, text=SEED_003))
    assert data.get("number", "") == ""  # a news article: no number of its own
    data["kind"] = "plan"
    response = staff_client.post(URL, data)
    assert response.status_code == 200
    assert response.context["review"].errors["number"] == [
        "Văn bản cần số, ký hiệu (dòng «Số: ...» của nó)."
    ]
    assert not Document.objects.exclude(content_hash="").exists()
    data["number"] = "25/KH"  # not a number
    response = staff_client.post(URL, data)
    assert "number" in response.context["review"].errors
    assert not Document.objects.exclude(content_hash="").exists()


def test_a_title_of_invisible_characters_only_is_refused(demo, staff_client):
    data = review_data(analyse(staff_client, text=SEED_003))
    response = staff_client.post(URL, data | {"title": "\u200b \u2060"})
    assert response.context["review"].errors["title"] == ["Trường này là bắt buộc."]
    response = staff_client.post(URL, data | {"title": "\u0301\u0301", "date": "01/01/0001"})
    assert response.context["review"].errors["title"] == ["Tiêu đề cần có chữ hoặc số."]
    assert response.context["review"].errors["date"] == [
        "Năm 1 nằm ngoài khoảng 1945–2100 của lưu trữ."
    ]
    assert not Document.objects.exclude(content_hash="").exists()


def test_a_nul_pasted_with_a_text_is_left_out(demo, staff_client):
    """It read "Null characters are not allowed.", with «Hãy dán văn bản…» beside it."""
    response = analyse(staff_client, text=SEED_003.replace("\n", "\x00\n", 1))
    assert response.status_code == 200 and "review" in response.context
    assert "\x00" not in response.context["review"].initial["text"]


def test_the_reviews_hidden_fields_never_refuse_a_save_without_a_word(demo, staff_client):
    """From the robustness probe: a «Nguồn:» address a URLField refuses, or a NUL in the text,
    failed a hidden field, and «Lưu bản nháp» showed the review again with no message, each
    time; a text of control characters alone saved an empty draft."""
    cited = SEED_003 + "\nNguồn: https://tin_tuc.haugiang.gov.vn/bai-1\n"
    data = review_data(analyse(staff_client, text=cited))
    assert data.get("source_url", "") == ""  # not carried
    assert staff_client.post(URL, data | {"source_url": "javascript:alert(1)"}).status_code == 302
    article = Document.objects.exclude(content_hash="").get()
    assert article.source_url == ""
    article.delete()
    response = staff_client.post(URL, data | {"text": cited.replace("\n", "\x00\n", 1)})
    assert response.status_code == 302
    assert "\x00" not in Document.objects.exclude(content_hash="").get().body
    Document.objects.exclude(content_hash="").delete()
    response = staff_client.post(URL, data | {"text": "\x01\x02\x1f"}, follow=True)
    assert response.redirect_chain == [(URL, 302)]
    assert not Document.objects.exclude(content_hash="").exists()


def test_the_review_refuses_a_plan_its_own_form_would(demo, staff_client):
    """Saved without an issuer beside a plan of its number, year and provinces, the draft's form
    then refused every edit (admin.PlanForm, models.untold_twin)."""
    held = Plan.objects.get(number="1614/KH-UBND")
    data = review_data(analyse(staff_client, text=SEED_003))
    data |= {
        "kind": "plan",
        "number": "1614/KH-UBND",
        "issuer": "",
        "provinces": [str(p.pk) for p in held.provinces.all()],
        "date": "30/07/2020",
    }
    response = staff_client.post(URL, data)
    assert response.context["review"].errors["issuer"] == [
        f"Đã có văn bản số 1614/KH-UBND trong cùng năm: «{held.title}». Nếu đây là một văn bản "
        "khác, hãy chọn cơ quan ban hành hoặc tỉnh, thành phố của nó."
    ]
    assert not Document.objects.exclude(content_hash="").exists()


def test_the_review_refuses_a_picker_value_that_cannot_be_an_id(demo, staff_client):
    data = review_data(analyse(staff_client, text=SEED_003))
    response = staff_client.post(URL, data | {"provinces": ["abc"], "issuer": "9" * 5000})
    assert response.status_code == 200 and "provinces" in response.context["review"].errors
    assert not Document.objects.exclude(content_hash="").exists()


def test_the_review_refuses_the_dates_the_documents_form_would(demo, staff_client):
    """A date in the future was saved as a draft, whose admin form then refused every edit
    until the date was corrected."""
    data = review_data(analyse(staff_client, text=SEED_003))
    ahead = datetime.date.today() + datetime.timedelta(days=400)
    response = staff_client.post(URL, data | {"date": ahead.isoformat()})
    assert response.status_code == 200
    (error,) = response.context["review"].errors["date"]
    assert error.endswith("chưa đến: chỉ hội nghị mới được ghi ngày sắp tới.")
    # Under its field's label, not under the help of the field above, as if of that one.
    content = response.content.decode()
    shown = content.index("chưa đến: chỉ hội nghị")
    assert content.index('<label for="id_date"') < shown < content.index('name="date"')
    slip = staff_client.post(URL, data | {"date": "13/2020"}).context["review"].errors["date"]
    assert slip[0].startswith("Hãy nhập một ngày dạng ngày/tháng/năm")
    assert "tháng/năm (05/2026) hoặc năm (2026)" in slip[0]  # what else may be typed
    # A number holding its year, and a date of another year.
    plan = {"kind": "plan", "number": "25/2020/QĐ-UBND", "date": "2021-03-01"}
    response = staff_client.post(URL, data | plan)
    assert response.context["review"].errors["date"] == [
        "Số, ký hiệu 25/2020/QĐ-UBND ghi năm 2020, còn ngày ban hành ở năm 2021: năm trong số là"
        " năm ban hành."
    ]
    assert not Document.objects.exclude(content_hash="").exists()
    assert staff_client.post(URL, data | plan | {"date": "2020-03-01"}).status_code == 302


def test_the_review_takes_a_month_or_a_year_when_only_that_is_known(demo, staff_client):
    """A text dated «tháng 7/2020» was saved undated: the review took days only."""
    data = review_data(analyse(staff_client, text=SEED_003))
    ahead = datetime.date.today() + datetime.timedelta(days=400)
    response = staff_client.post(URL, data | {"date": f"{ahead:%m/%Y}"})
    assert response.context["review"].errors["date"] == [
        f"«tháng {ahead.month}/{ahead.year}» chưa đến: chỉ hội nghị mới được ghi ngày sắp tới."
    ]
    assert f'name="date" value="{ahead:%m/%Y}"' in response.content.decode()  # as typed
    assert not Document.objects.exclude(content_hash="").exists()
    assert staff_client.post(URL, data | {"date": "07/2020"}).status_code == 302
    article = Article.objects.get(content_hash__gt="")
    assert (article.date, article.date_precision) == (datetime.date(2020, 7, 1), "month")
    assert article.date_shown == "tháng 7/2020"
    article.delete()
    assert staff_client.post(URL, data | {"date": "2020"}).status_code == 302
    article = Article.objects.get(content_hash__gt="")
    assert (article.date, article.date_precision) == (datetime.date(2020, 1, 1), "year")


def test_a_plan_dated_by_its_month_is_reviewed_and_saved_so(demo, staff_client):
    """«Sơn La, tháng 10 năm 2021»: the title was the date line, the date a cited decision's."""
    text = (
        "ỦY BAN NHÂN DÂN\nTỈNH SƠN LA\nSố: 77 /KH-UBND\nSơn La, tháng 10 năm 2021\nKẾ HOẠCH\n"
        "Triển khai Chương trình phòng, chống mua bán người\n\n"
        "Căn cứ Quyết định số 193/QĐ-TTg ngày 09/02/2021 của Thủ tướng Chính phủ.\n\n"
        "I. MỤC ĐÍCH, YÊU CẦU\n\nTổ chức triển khai có hiệu quả trên địa bàn tỉnh."
    )
    html = analyse(staff_client, text=text).content.decode()
    assert 'name="date" value="10/2021"' in html and 'name="number" value="77/KH-UBND"' in html
    assert 'value="Kế hoạch triển khai Chương trình phòng, chống mua bán người"' in html


def test_a_number_typed_in_the_review_makes_the_plan(demo, staff_client):
    """A text whose header was not read (no "Số: ..." line) can still be saved as a plan: the
    editor types its number and picks its issuer; its type follows the number."""
    data = review_data(analyse(staff_client, text=SEED_003))
    issuer = Agency.objects.get(slug="ubnd-tinh-hau-giang")
    data |= {"kind": "plan", "number": "25/QĐ-UBND", "issuer": str(issuer.pk), "agencies": []}
    response = staff_client.post(URL, data)
    assert response.status_code == 302
    plan = Plan.objects.get(number="25/QĐ-UBND")
    assert plan.status == Document.Status.DRAFT
    assert plan.issuer == issuer and issuer in plan.agencies.all()
    assert plan.document_type.abbreviation == "QĐ"


def test_the_review_shows_a_plans_number_and_issuer_to_correct(demo, staff_client):
    text = (DATA / "plan_ca_mau_65.txt").read_text(encoding="utf-8")
    response = analyse(staff_client, text=text)
    data = review_data(response)
    assert data["number"] == "65/KH-UBND"
    assert Agency.objects.get(pk=data["issuer"]).slug == "ubnd-tinh-ca-mau"
    data["number"] = "66/KH-UBND"  # misread, corrected
    assert staff_client.post(URL, data).status_code == 302
    plan = Plan.objects.get(content_hash__gt="")
    assert plan.number == "66/KH-UBND" and plan.document_type.abbreviation == "KH"


def test_the_review_shows_the_header_it_read_the_number_and_date_from(demo, staff_client):
    """The analysed text left out a plan's header lines: the editor could not see where the
    number, issuer and date were read from."""
    text = (DATA / "plan_ca_mau_65.txt").read_text(encoding="utf-8")
    html = analyse(staff_client, text=text).content.decode()
    header = re.search(r'<dl class="ingest-header" id="ingest-header">(.*?)</dl>', html, re.S)[1]
    assert re.search(r"<dt>Số, ký hiệu</dt><dd>65/KH-UBND</dd>", header)
    assert "CÀ MAU" in header and "năm 2020" in header
    article = analyse(staff_client, text=SEED_003).content.decode()  # a news page: none
    assert 'id="ingest-header"' not in article


def test_a_number_typed_that_the_archive_holds_is_a_duplicate(demo, staff_client):
    """The duplicate lookup read the typed number's year as none (1614/KH-UBND names none), so
    the insert met the unique constraint and the editor read PostgreSQL's message."""
    data = review_data(analyse(staff_client, text=SEED_003))  # dated 31/07/2020
    issuer = Agency.objects.get(slug="ubnd-tinh-hau-giang")
    data |= {"kind": "plan", "number": "1614/KH-UBND", "issuer": str(issuer.pk)}
    data["title"] = "Kế hoạch đã sửa tiêu đề"
    response = staff_client.post(URL, data)
    assert "duplicate key" not in response.content.decode()
    assert not Document.objects.exclude(content_hash="").exists()
    # Another text under a number the archive holds: the review stays, with what the editor
    # corrected, and says so on the number, which may be mistyped.
    review = response.context["review"]
    assert review.errors["number"] == [
        "Số, ký hiệu 1614/KH-UBND của cơ quan ban hành này, cùng năm, đã có trong lưu trữ: "
        f"«{Plan.objects.get(number='1614/KH-UBND').title}»; không nhập lại."
    ]  # named by its title, not by an id that meant nothing to an editor
    assert review["title"].value() == "Kế hoạch đã sửa tiêu đề"
    # Analysed, another text under a number the archive holds says so before it is saved.
    other = (
        "ỦY BAN NHÂN DÂN\nTỈNH HẬU GIANG\nSố: 1614/KH-UBND\n"
        "Hậu Giang, ngày 30 tháng 7 năm 2020\nKẾ HOẠCH\nVề một việc khác\n\nNội dung khác hẳn."
    )
    analysed = analyse(staff_client, text=other)
    assert analysed.context["duplicate_by_number"] is True
    assert "Số, ký hiệu của văn bản này đã có trong lưu trữ" in analysed.content.decode()
    # The number put right, the review refused for another field: the banner said the number
    # was still held.
    corrected = review_data(analysed) | {"number": "1617/KH-UBND", "date": "05/10/2099"}
    refused = staff_client.post(URL, corrected)
    assert "date" in refused.context["review"].errors
    assert refused.context["duplicate"] is None
    assert "Số, ký hiệu của văn bản này đã có trong lưu trữ" not in refused.content.decode()
    refused = staff_client.post(URL, corrected | {"number": "1614/KH-UBND"})  # still held
    assert refused.context["duplicate_by_number"] is True
    # Made an article, which no number of a plan can clash with.
    refused = staff_client.post(URL, corrected | {"number": "1614/KH-UBND", "kind": "article"})
    assert refused.context["duplicate"] is None
    assert analyse(staff_client, text=SEED_003).context["duplicate"] is None
    # The same text again is the document already imported: its page, no review.
    data["number"] = "1615/KH-UBND"
    saved = staff_client.post(URL, data)
    assert saved.status_code == 302
    data["number"] = "1616/KH-UBND"
    again = staff_client.post(URL, data, follow=True)
    assert "không nhập lại" in again.content.decode()
    assert again.redirect_chain[-1][0] == saved.url


def test_an_issuer_the_catalogue_lacks_can_be_added_from_the_review(demo, staff_client):
    """Found by a review: the page listed Hòa Bình's committee as missing from the catalogue
    (as «Ủy ban nhân dân Hòa Bình»: «tỉnh» dropped) and offered no way to add it."""
    text = (
        "ỦY BAN NHÂN DÂN\nTỈNH HOÀ BÌNH\nSố: 87/KH-UBND\nHoà Bình, ngày 12 tháng 6 năm 2020\n\n"
        "KẾ HOẠCH\nTriển khai Thỏa thuận toàn cầu về di cư\n\nCác sở, ngành thực hiện.\n"
    )
    response = analyse(staff_client, text=text)
    assert response.context["review"]["issuer"].value() is None
    html = response.content.decode()
    assert "admin/js/admin/RelatedObjectLookups.js" in html  # the pop-up's scripts
    link = re.search(
        r'id="add_id_issuer"[^>]*href="([^"]+)"|href="([^"]+)"[^>]*id="add_id_issuer"', html
    )
    address = [part for part in link.groups() if part][0].replace("&amp;", "&")
    assert address.startswith(reverse("admin:archive_agency_add") + "?_to_field=id&_popup=1&")
    form = staff_client.get(address).context["adminform"].form
    assert form.initial["name"] == "Ủy ban nhân dân tỉnh Hoà Bình"
    assert form.initial["slug"] == "uy-ban-nhan-dan-tinh-hoa-binh"


def test_a_text_edited_in_the_hidden_field_is_read_as_the_text_form_would(demo, staff_client):
    """The review sends its text back in a hidden field: one of spaces saved an empty draft,
    a decomposed one was stored decomposed."""
    data = review_data(analyse(staff_client, text=SEED_003))
    response = staff_client.post(URL, data | {"text": " \u200b\n "}, follow=True)
    assert response.redirect_chain == [(URL, 302)]
    assert "Hãy dán văn bản hoặc chọn một tệp." in response.content.decode()
    assert not Document.objects.exclude(content_hash="").exists()
    decomposed = unicodedata.normalize("NFD", SEED_003)
    staff_client.post(URL, data | {"text": decomposed})
    document = Document.objects.exclude(content_hash="").get()
    assert document.body and unicodedata.is_normalized("NFC", document.body)


def test_a_conference_reported_and_not_held_is_created_from_a_filled_form(demo, staff_client):
    """«hãy tạo hội nghị này rồi liên kết» gave no way to: its title, date and place retyped."""
    text = (DATA / "article_tphcm_2023.txt").read_text(encoding="utf-8")
    html = analyse(staff_client, text=text).content.decode()
    (url,) = re.findall(r'<a href="(/admin/archive/conference/add/\?[^"]+)"', html)
    form = staff_client.get(html_unescape(url)).context["adminform"].form
    assert form.initial["date"] == "13/12/2023" and form.initial["place"] == "TP. Hồ Chí Minh"
    assert form.initial["title"] and form.initial["slug"] == vn_slugify(form.initial["title"])


PLAN_SIGNED = (
    "ỦY BAN NHÂN DÂN\nTỈNH SƠN LA\nSố: 78/KH-UBND\nSơn La, ngày 5 tháng 10 năm 2021\nKẾ HOẠCH\n"
    "Triển khai Chương trình phòng, chống mua bán người\n\n"
    "Căn cứ Quyết định số 193/QĐ-TTg ngày 09/02/2021 của Thủ tướng Chính phủ.\n\n"
    "Tổ chức triển khai có hiệu quả trên địa bàn tỉnh.\n\n"
    "TM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\n\nNguyễn Văn Chương"
)


def test_the_review_shows_what_was_saved_unseen_and_saves_its_corrections(demo, staff_client):
    """Summary, signer, newspaper and author were saved as read, and never shown: a plan's
    summary was the motto, its signer and an article's newspaper empty."""
    response = analyse(staff_client, text=PLAN_SIGNED)
    html = response.content.decode()
    assert 'name="signer" value="Nguyễn Văn Chương"' in html
    summary = "Căn cứ Quyết định số 193/QĐ-TTg ngày 09/02/2021 của Thủ tướng Chính phủ."
    assert f'id="id_summary">\n{summary}</textarea>' in html
    data = review_data(response) | {"summary": "Kế hoạch phòng, chống mua bán người năm 2021."}
    data["issuer"] = str(Agency.objects.first().pk)
    assert staff_client.post(URL, data).status_code == 302
    plan = Plan.objects.get(number="78/KH-UBND")
    assert (plan.signer, plan.summary) == (
        "Nguyễn Văn Chương",
        "Kế hoạch phòng, chống mua bán người năm 2021.",
    )
    response = analyse(staff_client, text=SEED_003)
    data = review_data(response) | {"publication": "Báo Hậu Giang", "author": "Minh Anh"}
    assert staff_client.post(URL, data).status_code == 302
    article = Article.objects.get(publication="Báo Hậu Giang")
    assert article.author == "Minh Anh"
