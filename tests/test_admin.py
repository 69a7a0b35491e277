"""The admin: every page renders, and an editor enters a whole plan with its links in one form."""

import datetime
import json
import re
import unicodedata

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from archive.admin import ProvinceFilter
from archive.models import Conference, Document, DocumentLink, GcmObjective, Plan, Relation

from .factories import (
    AgencyFactory,
    ArticleFactory,
    ConferenceFactory,
    DocumentTypeFactory,
    PlanFactory,
    ProvinceFactory,
)

pytestmark = pytest.mark.django_db

MODELS = ["province", "agency", "gcmobjective", "documenttype", "plan", "conference", "article"]


def inline_management(prefix, total=0, initial=0):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def document_form(**fields):
    data = {
        "status": "published",
        "summary": "",
        "body": "",
        "source_url": "",
        "date": "",
        "_save": "Lưu",
    }
    data |= inline_management("outgoing_links") | inline_management("incoming_links")
    data.update(fields)
    return data


@pytest.fixture
def objects():
    province = ProvinceFactory(era="63", code="93", name="Hậu Giang", slug="hau-giang-truoc-2025")
    agency = AgencyFactory(name="UBND tỉnh Hậu Giang", abbreviation="UBND", kind="provincial")
    objective = GcmObjective.objects.create(
        number=10, title_en="Trafficking", short_label_en="Trafficking", title_vi="Mua bán người"
    )
    return {
        "province": province,
        "agency": agency,
        "gcmobjective": objective,
        "documenttype": DocumentTypeFactory(),
        "plan": PlanFactory(),
        "conference": ConferenceFactory(),
        "article": ArticleFactory(),
    }


@pytest.mark.parametrize("model", MODELS)
def test_add_changelist_and_change_pages_render(staff_client, objects, model):
    for url in [
        reverse(f"admin:archive_{model}_add"),
        reverse(f"admin:archive_{model}_changelist"),
        reverse(f"admin:archive_{model}_changelist") + "?q=h%E1%BA%ADu",
        reverse(f"admin:archive_{model}_change", args=[objects[model].pk]),
    ]:
        response = staff_client.get(url)
        assert response.status_code == 200, url


def test_admin_speaks_vietnamese(staff_client, objects):
    response = staff_client.get(reverse("admin:archive_plan_add"))
    content = response.content.decode()
    assert "Số, ký hiệu" in content
    assert "Ngày ban hành" in content
    assert "Tài liệu này liên kết đến" in content


def test_django_admin_strings_read_as_vietnamese(staff_client, objects):
    """Django's own Vietnamese lacks some admin strings and mistranslates others (locale/vi)."""
    changelist = staff_client.get(reverse("admin:archive_plan_changelist")).content.decode()
    assert "Hiện số lượng" in changelist and "Show counts" not in changelist
    assert "Thêm văn bản (kế hoạch, quyết định...)" in changelist  # not "Thêm vào"
    documents = staff_client.get(reverse("admin:archive_document_changelist")).content.decode()
    assert "Xóa tài liệu (mọi loại) đã chọn" in documents
    change = reverse("admin:archive_plan_change", args=[objects["plan"].pk])
    assert "Lịch sử" in staff_client.get(change).content.decode()
    assert "Chọn mục này để thực hiện thao tác" in changelist  # read by screen readers
    assert "Loại dữ liệu" in staff_client.get(reverse("admin:index")).content.decode()
    refused = staff_client.post(reverse("admin:archive_agency_add"), {"name": "X", "slug": "x y"})
    assert "Hãy nhập đường dẫn hợp lệ" in refused.content.decode()
    taken = {"name": "Uỷ ban X", "slug": objects["agency"].slug}  # the other tone placement
    taken = staff_client.post(reverse("admin:archive_agency_add"), taken).content.decode()
    assert "có thể cơ quan này đã có trong danh mục" in taken
    assert "Theo trạng thái" in changelist and "Bởi " not in changelist  # a filter's heading
    staff_client.post(
        reverse("admin:archive_plan_changelist"),
        {"action": "unpublish", "_selected_action": [objects["plan"].pk], "index": 0},
    )
    history = reverse("admin:archive_plan_history", args=[objects["plan"].pk])
    assert "1 mục" in staff_client.get(history).content.decode()  # not "1 entry"
    refused = staff_client.post(reverse("admin:archive_plan_add"), document_form(number="x"))
    content = refused.content.decode()
    assert "Hãy sửa các lỗi được nêu bên dưới." in content and "Please correct" not in content
    nothing = staff_client.post(
        reverse("admin:archive_plan_changelist"), {"action": "publish", "index": 0}, follow=True
    )
    assert "Hãy chọn ít nhất một mục trước khi thực hiện thao tác." in nothing.content.decode()
    delete = reverse("admin:archive_plan_delete", args=[objects["plan"].pk])
    assert f"{objects['plan'].title}»? Mọi dữ liệu" in staff_client.get(delete).content.decode()
    # The list's counter, in the admin's JavaScript catalog: « 0  của 100 được chọn».
    catalog = staff_client.get(reverse("admin:jsi18n")).content.decode()
    assert json.dumps("Đã chọn %(sel)s trên %(cnt)s") in catalog
    # A form edited by hand: a picker's value that is no id, a NUL byte, lost counters.
    data = document_form(number="41/KH-UBND", title="Kế hoạch", slug="kh-41", provinces=["abc"])
    content = staff_client.post(reverse("admin:archive_plan_add"), data).content.decode()
    assert "«abc» không phải giá trị hợp lệ." in content
    nul = {"name": "Sở\x00", "slug": "so"}
    content = staff_client.post(reverse("admin:archive_agency_add"), nul).content.decode()
    assert "Không được có ký tự NUL" in content
    del data["outgoing_links-TOTAL_FORMS"]
    content = staff_client.post(reverse("admin:archive_plan_add"), data).content.decode()
    assert "Biểu mẫu thiếu hoặc bị sửa dữ liệu quản lý" in content


def test_a_session_number_past_its_limit_is_refused_in_plain_vietnamese(staff_client, objects):
    """Django's Vietnamese read «… nhỏ hơn hoặc bằng với 32767 .»."""
    data = document_form(
        title="Hội nghị nhiều phiên", slug="nhieu-phien", date="19/12/2025", place="Hà Nội"
    ) | inline_management("sessions", total=1)
    data |= {"end_date": "", "participant_note": ""}
    data |= {"sessions-0-position": "40000", "sessions-0-title": "Khai mạc"}
    content = staff_client.post(reverse("admin:archive_conference_add"), data).content.decode()
    assert "Giá trị này phải nhỏ hơn hoặc bằng 32767." in content
    # A new row is numbered after the last (1 on a new conference), not left to type.
    page = staff_client.get(reverse("admin:archive_conference_add")).content.decode()
    assert 'name="sessions-0-position" value="1"' in page
    conference = objects["conference"]
    conference.sessions.create(position=4, title="Bế mạc")
    url = reverse("admin:archive_conference_change", args=[conference.pk])
    assert 'name="sessions-1-position" value="5"' in staff_client.get(url).content.decode()


def test_two_sessions_in_one_place_are_refused_by_the_fields_label(staff_client, objects):
    data = document_form(
        title="Hội nghị hai phiên trùng", slug="hai-phien", date="19/12/2025", place="Hà Nội"
    ) | inline_management("sessions", total=2)
    data |= {"end_date": "", "participant_note": ""}
    data |= {"sessions-0-position": "1", "sessions-0-title": "Khai mạc"}
    data |= {"sessions-1-position": "1", "sessions-1-title": "Thảo luận"}
    response = staff_client.post(reverse("admin:archive_conference_add"), data)
    assert response.status_code == 200
    assert "«thứ tự» bị trùng: hãy sửa lại." in response.content.decode()
    assert not Conference.objects.filter(slug="hai-phien").exists()


def test_the_admin_has_the_sites_icon_and_language_switch(staff_client, objects):
    index = staff_client.get(reverse("admin:index")).content.decode()
    assert 'rel="icon"' in index and "archive/admin/archive.css" in index
    assert '<button type="submit" name="language" value="en" lang="en">English</button>' in index
    # Django's Vietnamese left these in English, or half («Các mô models trong …»).
    for english in ("Skip to main content", "Toggle theme", "Toggle navigation", "mô models"):
        assert english not in index, english
    assert "Bỏ qua, đến nội dung chính" in index and "Các mục trong" in index
    english = staff_client.post(
        reverse("set_language"), {"language": "en", "next": reverse("admin:index")}, follow=True
    ).content.decode()
    assert "Migration policy archive" in english and 'value="vi" lang="vi">Tiếng Việt' in english


def test_document_list_sends_edits_to_the_kind_admin(staff_client, objects):
    plan = objects["plan"]
    response = staff_client.get(reverse("admin:archive_document_change", args=[plan.pk]))
    assert response.status_code == 302
    assert response.url == reverse("admin:archive_plan_change", args=[plan.pk])


def test_editor_enters_a_complete_plan_with_its_links(staff_client, objects):
    national = PlanFactory(
        title="Kế hoạch triển khai GCM", number="402/QĐ-TTg", date=datetime.date(2020, 3, 20)
    )
    review = ConferenceFactory(title="Hội nghị sơ kết")
    data = document_form(
        number="1614/kh-ubnd",
        title="Kế hoạch của tỉnh Hậu Giang",
        slug="ke-hoach-hau-giang",
        document_type=objects["documenttype"].pk,
        issuer=objects["agency"].pk,
        signer="",
        date="30/07/2020",
        effective_date="",
        validity="con_hieu_luc",
        provinces=[objects["province"].pk],
        objectives=[objects["gcmobjective"].pk],
    )
    data |= inline_management("outgoing_links", total=1) | {
        "outgoing_links-0-relation": Relation.IMPLEMENTS,
        "outgoing_links-0-target": national.pk,
        "outgoing_links-0-note": "Thực hiện Quyết định số 402/QĐ-TTg",
    }
    data |= inline_management("incoming_links", total=1) | {
        "incoming_links-0-source": review.pk,
        "incoming_links-0-relation": Relation.REVIEWS,
        "incoming_links-0-note": "",
    }
    response = staff_client.post(reverse("admin:archive_plan_add"), data)
    assert response.status_code == 302, (
        response.context["adminform"].form.errors if response.context else response
    )
    plan = Plan.objects.get(slug="ke-hoach-hau-giang")
    assert (plan.number, plan.number_normalized, plan.number_year) == (
        "1614/KH-UBND",
        "1614/kh-ubnd",
        2020,
    )
    assert list(plan.agencies.all()) == [objects["agency"]]  # the issuer joins the agency facet
    assert DocumentLink.objects.filter(
        source=plan, relation=Relation.IMPLEMENTS, target=national
    ).exists()
    assert DocumentLink.objects.filter(
        source=review, relation=Relation.REVIEWS, target=plan
    ).exists()


@pytest.mark.parametrize("side", ["outgoing_links", "incoming_links"])
def test_a_link_to_itself_is_refused_where_the_editor_sees_it(staff_client, objects, side):
    """In the incoming links the document itself is the hidden field: the message, attached to
    it, showed nowhere but the form's "please correct the errors below"."""
    plan = PlanFactory(number="7/KH-UBND", slug="kh-7", validity="khong_xac_dinh")
    other = "target" if side == "outgoing_links" else "source"
    data = document_form(
        number=plan.number,
        title=plan.title,
        slug=plan.slug,
        validity=plan.validity,
        date="",
        effective_date="",
        signer="",
    )
    data |= inline_management("outgoing_links") | inline_management("incoming_links")
    data |= inline_management(side, total=1) | {
        f"{side}-0-relation": Relation.RELATED,
        f"{side}-0-{other}": plan.pk,
        f"{side}-0-note": "",
    }
    response = staff_client.post(reverse("admin:archive_plan_change", args=[plan.pk]), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count("Một tài liệu không thể liên kết với chính nó.") == 1
    assert not DocumentLink.objects.exists()


def test_malformed_number_is_refused_in_vietnamese_and_nothing_is_saved(staff_client, objects):
    data = document_form(number="1614 KH UBND", title="Sai", slug="sai", validity="khong_xac_dinh")
    response = staff_client.post(reverse("admin:archive_plan_add"), data)
    assert response.status_code == 200
    assert "không có khoảng trắng trong số, ký hiệu" in response.content.decode()
    assert not Plan.objects.filter(slug="sai").exists()


def test_an_address_taken_says_what_to_do(staff_client, objects):
    data = document_form(
        number="215/KH-UBND", title="Trùng", slug=objects["plan"].slug, validity="khong_xac_dinh"
    )
    response = staff_client.post(reverse("admin:archive_plan_add"), data)
    assert response.context["adminform"].form.errors["slug"] == [
        "Đã có tài liệu khác dùng đường dẫn này: hãy sửa, chẳng hạn thêm «-2»."
    ]


def test_a_number_is_refused_in_the_editors_language_and_said_once(staff_client, objects):
    url = reverse("admin:archive_plan_add")
    data = document_form(number="", title="Trống", slug="trong", validity="khong_xac_dinh")
    empty = staff_client.post(url, data)
    content = empty.content.decode()
    assert content.count("Trường này là bắt buộc.") == 1  # not again as "đang để trống"
    assert "Số, ký hiệu văn bản đang để trống." not in content
    staff_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    data = document_form(number="1614 KH UBND", title="Sai", slug="sai", validity="khong_xac_dinh")
    english = staff_client.post(url, data).content.decode()
    assert "«1614 KH UBND» is not a valid document number: a number has no spaces" in english
    assert "không có khoảng trắng" not in english


def test_a_wrong_link_kind_is_refused_and_the_plan_is_not_half_written(staff_client, objects):
    article = ArticleFactory()
    data = document_form(
        number="5/KH-UBND", title="Có liên kết sai", slug="lien-ket-sai", validity="khong_xac_dinh"
    )
    data |= inline_management("outgoing_links", total=1) | {
        "outgoing_links-0-relation": Relation.BASED_ON,
        "outgoing_links-0-target": article.pk,
        "outgoing_links-0-note": "",
    }
    response = staff_client.post(reverse("admin:archive_plan_add"), data)
    assert response.status_code == 200
    assert "không dùng được giữa" in response.content.decode()
    assert not Document.objects.filter(slug="lien-ket-sai").exists()


def test_an_incoming_link_on_the_add_page_is_checked_too(staff_client, objects):
    """Found by a review: on the add page an incoming link skipped the kind check (its target,
    the new document, had no id yet), and the plan saved with it could not be saved again."""
    decision = PlanFactory(number="402/QĐ-TTg", slug="qd-402", validity="khong_xac_dinh")
    data = document_form(
        number="5/KH-UBND", title="Kế hoạch mới", slug="kh-moi", validity="khong_xac_dinh"
    )
    data |= inline_management("incoming_links", total=1) | {
        "incoming_links-0-relation": Relation.REPORTS,
        "incoming_links-0-source": decision.pk,
        "incoming_links-0-note": "",
    }
    response = staff_client.post(reverse("admin:archive_plan_add"), data)
    assert response.status_code == 200
    content = response.content.decode()
    assert (
        "Quan hệ «Đưa tin về» không dùng được giữa văn bản và văn bản; hãy chọn «Căn cứ», "
        "«Triển khai thực hiện», «Sửa đổi, bổ sung», «Thay thế», «Bãi bỏ», «Liên quan» hoặc "
        "«Nhắc đến»."
    ) in content  # what to use, not only what is wrong
    assert not Document.objects.filter(slug="kh-moi").exists()
    data["incoming_links-0-relation"] = Relation.RELATED
    assert staff_client.post(reverse("admin:archive_plan_add"), data).status_code == 302
    assert DocumentLink.objects.get(target__slug="kh-moi").source_id == decision.pk


def test_dates_that_cannot_be_right_are_refused(staff_client, objects):
    """A plan issued or an article published tomorrow, a number's year not its issue year."""
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    url = reverse("admin:archive_plan_add")
    fields = {"title": "Kế hoạch", "slug": "kh-ngay", "validity": "khong_xac_dinh"}
    # No such month: the message says the forms a date is typed in (a month or a year alone is
    # one: tests/test_periods.py).
    month = staff_client.post(url, document_form(**fields, number="9/KH-UBND", date="13/2020"))
    content = month.content.decode()
    assert "Hãy nhập một ngày dạng ngày/tháng/năm, ví dụ 30/07/2020; nếu chỉ biết tháng" in content
    # Every admin's other dates are days: a month alone is refused, saying what to do.
    province = {"name": "Tỉnh X", "slug": "tinh-x", "valid_from": "07/2025"}
    province = staff_client.post(reverse("admin:archive_province_add"), province)
    assert "ví dụ 30/07/2020. Nếu chỉ biết tháng" in province.content.decode()
    ahead = staff_client.post(url, document_form(**fields, number="9/KH-UBND", date=tomorrow))
    shown = date_format(tomorrow, "SHORT_DATE_FORMAT")
    assert f"Ngày {shown} chưa đến: chỉ hội nghị mới được ghi ngày sắp tới." in (
        ahead.content.decode()
    )
    other_year = document_form(**fields, number="99/2019/NĐ-CP", date="05/03/2021")
    content = staff_client.post(url, other_year).content.decode()
    assert "Số, ký hiệu 99/2019/NĐ-CP ghi năm 2019, còn ngày ban hành ở năm 2021" in content
    assert not Plan.objects.filter(slug="kh-ngay").exists()
    # A conference may be entered before it opens.
    data = document_form(
        title="Hội nghị sắp tới",
        slug="sap-toi",
        date=tomorrow,
        end_date="",
        place="Hà Nội",
        participant_note="",
    ) | inline_management("sessions")
    assert staff_client.post(reverse("admin:archive_conference_add"), data).status_code == 302


def test_a_second_plan_of_one_number_names_the_first(staff_client, objects):
    PlanFactory(
        number="15/KH-UBND",
        issuer=objects["agency"],
        date=datetime.date(2024, 1, 5),
        title="Kế hoạch đã có",
    )
    data = document_form(
        number="15/KH-UBND",
        title="Kế hoạch nhập lại",
        slug="nhap-lai",
        issuer=objects["agency"].pk,
        date="20/06/2024",
        validity="khong_xac_dinh",
    )
    content = staff_client.post(reverse("admin:archive_plan_add"), data).content.decode()
    assert (
        "Đã có văn bản số 15/KH-UBND của cùng cơ quan ban hành trong cùng năm: «Kế hoạch đã có»."
        in content
    )
    # Without an issuer the provinces tell them apart: each province numbers its own plans.
    first = PlanFactory(
        number="16/KH-UBND", date=datetime.date(2024, 1, 5), issuer=None, title="Kế hoạch 16"
    )
    first.provinces.set([objects["province"]])
    other = ProvinceFactory(era="63", code="15", name="Yên Bái", slug="yen-bai-truoc-2025")
    data |= {"number": "16/kh-ubnd", "issuer": ""}
    # Neither issuer nor province, or the same provinces: nothing on a page tells it apart.
    for provinces in ([], [objects["province"].pk]):
        response = staff_client.post(
            reverse("admin:archive_plan_add"), data | {"provinces": provinces}
        )
        assert response.status_code == 200
        assert (
            "Đã có văn bản số 16/KH-UBND trong cùng năm: «Kế hoạch 16». Nếu đây là một văn bản "
            "khác, hãy chọn cơ quan ban hành hoặc tỉnh, thành phố của nó."
        ) in response.content.decode()
    data["provinces"] = [other.pk]
    assert staff_client.post(reverse("admin:archive_plan_add"), data).status_code == 302
    assert Plan.objects.filter(number="16/KH-UBND", issuer=None).count() == 2
    # Its own page saved again is not its own twin.
    saved = Plan.objects.get(number="16/KH-UBND", provinces=other)
    change = reverse("admin:archive_plan_change", args=[saved.pk])
    assert staff_client.post(change, data | {"slug": saved.slug}).status_code == 302


def test_a_text_of_megabytes_is_within_what_a_form_may_send(staff_client, db):
    """The import's review sends its text back with the form: Django's 2.5 MB refused the save
    of a 1.4 MB Vietnamese text, URL-encoded to three times its bytes."""
    body = "Kế hoạch triển khai Thỏa thuận toàn cầu về di cư. " * 40_000  # 2.3 MB
    data = document_form(
        number="9/KH-UBND", title="Kế hoạch dài", slug="dai", body=body, validity="khong_xac_dinh"
    )
    response = staff_client.post(reverse("admin:archive_plan_add"), data)
    assert response.status_code == 302
    assert Plan.objects.get(slug="dai").body == body.strip()


def test_conference_ending_before_it_starts_is_refused(staff_client, objects):
    data = document_form(
        title="Hội nghị ngược",
        slug="hoi-nghi-nguoc",
        date="19/12/2025",
        end_date="18/12/2025",
        place="Hà Nội",
        participant_note="",
    ) | inline_management("sessions")
    response = staff_client.post(reverse("admin:archive_conference_add"), data)
    assert response.status_code == 200
    assert "Hội nghị không thể kết thúc trước ngày bắt đầu." in response.content.decode()
    assert not Conference.objects.filter(slug="hoi-nghi-nguoc").exists()


def test_conference_with_sessions_and_organisers(staff_client, objects):
    organiser = AgencyFactory(name="Bộ Ngoại giao", abbreviation="BNG")
    data = (
        document_form(
            title="Hội nghị sơ kết 5 năm",
            slug="hoi-nghi-so-ket",
            date="19/12/2025",
            end_date="19/12/2025",
            place="Hà Nội",
            participant_note="khoảng 100 đại biểu",
            organisers=[organiser.pk],
        )
        | inline_management("sessions", total=2)
        | {
            "sessions-0-position": "1",
            "sessions-0-title": "Tình hình triển khai Thỏa thuận GCM năm 2025",
            "sessions-1-position": "2",
            "sessions-1-title": "Di cư lao động",
        }
    )
    response = staff_client.post(reverse("admin:archive_conference_add"), data)
    assert response.status_code == 302
    conference = Conference.objects.get(slug="hoi-nghi-so-ket")
    assert [s.title for s in conference.sessions.all()] == [
        "Tình hình triển khai Thỏa thuận GCM năm 2025",
        "Di cư lao động",
    ]
    assert list(conference.agencies.all()) == [organiser]


def test_the_agency_list_says_who_is_tagged_on_saving(staff_client, objects):
    """A conference's 24 participants were listed again under «Cơ quan, tổ chức», read as
    asking for them twice."""
    help_texts = {}
    for kind, document in (("plan", PlanFactory()), ("conference", ConferenceFactory())):
        page = staff_client.get(reverse(f"admin:archive_{kind}_change", args=[document.pk]))
        help_texts[kind] = page.context["adminform"].form.fields["agencies"].help_text
    assert "Cơ quan ban hành được tự thêm vào đây khi lưu" in help_texts["plan"]
    assert "Cơ quan tổ chức và cơ quan tham dự được tự thêm" in help_texts["conference"]
    article = ArticleFactory()
    page = staff_client.get(reverse("admin:archive_article_change", args=[article.pk]))
    help_text = page.context["adminform"].form.fields["agencies"].help_text
    assert "tự thêm" not in help_text  # an article has no such role


def test_the_agency_facet_follows_who_issues_and_who_takes_part(staff_client, objects):
    """The issuer, organisers and participants are tagged for the editor; one that leaves its
    role leaves the tags, one still in its role stays, and the editor is told either way."""
    old, new, mentioned = (
        AgencyFactory(name=name) for name in ("Bộ Ngoại giao", "Bộ Công an", "Bộ Tư pháp")
    )
    plan = PlanFactory(number="7/KH-BNG", issuer=old, slug="kh-7", validity="khong_xac_dinh")
    plan.agencies.add(old, mentioned)
    fields = {
        "number": plan.number,
        "title": plan.title,
        "slug": plan.slug,
        "validity": plan.validity,
        "date": "",
        "effective_date": "",
        "signer": "",
    }
    url = reverse("admin:archive_plan_change", args=[plan.pk])
    data = document_form(**fields, issuer=new.pk, agencies=[old.pk, mentioned.pk])
    response = staff_client.post(url, data, follow=True)
    assert set(plan.agencies.all()) == {new, mentioned}
    assert "Đã bỏ khỏi «Cơ quan, tổ chức» vì không còn tham gia: Bộ Ngoại giao." in (
        response.content.decode()
    )
    # Untagged while still the issuer: kept, and said.
    data = document_form(**fields, issuer=new.pk, agencies=[mentioned.pk])
    response = staff_client.post(url, data, follow=True)
    assert set(plan.agencies.all()) == {new, mentioned}
    assert "Vẫn giữ ở «Cơ quan, tổ chức» vì còn tham gia: Bộ Công an." in (
        response.content.decode()
    )
    # Ticked by the editor in the same save that ends its role (as imports leave an issuer
    # untagged): kept.
    plan.agencies.remove(new)
    data = document_form(**fields, issuer=old.pk, agencies=[mentioned.pk, new.pk])
    staff_client.post(url, data)
    assert set(plan.agencies.all()) == {old, new, mentioned}
    # A participant taken off a conference leaves the tags too.
    conference = ConferenceFactory(slug="hn", participant_note="")
    conference.participants.add(old, new)
    conference.agencies.add(old, new)
    data = document_form(
        title=conference.title,
        slug="hn",
        date="",
        end_date="",
        place="",
        participant_note="",
        participants=[new.pk],
        agencies=[old.pk, new.pk],
    ) | inline_management("sessions")
    staff_client.post(reverse("admin:archive_conference_change", args=[conference.pk]), data)
    assert set(conference.agencies.all()) == {new}
    # Several are named in Vietnamese order: Đ among the D's, not after every letter.
    radio, justice = AgencyFactory(name="Đài Phát thanh"), AgencyFactory(name="Sở Tư pháp")
    conference.participants.set([new, radio, justice])
    conference.agencies.set([new, radio, justice])
    data["agencies"] = [new.pk, radio.pk, justice.pk]
    response = staff_client.post(
        reverse("admin:archive_conference_change", args=[conference.pk]), data, follow=True
    )
    assert "vì không còn tham gia: Đài Phát thanh, Sở Tư pháp." in response.content.decode()


def test_reference_lists_in_vietnamese_order_todays_units_first(staff_client, objects):
    names = ["Hoà Bình", "Đắk Lắk", "Cao Bằng", "Hà Giang", "Cà Mau"]
    for code, name in enumerate(names, start=50):
        ProvinceFactory(era="34", code=str(code), name=name, slug=f"tinh-{code}")
    listed = autocomplete(staff_client, "document", "provinces", "")
    # Bytes would give Cao Bằng before Cà Mau and Đắk Lắk last; the old units come after.
    assert listed[:5] == ["Cà Mau", "Cao Bằng", "Đắk Lắk", "Hà Giang", "Hoà Bình"]
    assert listed[5:] == ["Hậu Giang (trước 2025)"]
    for sort in ("1", "-1", "2.-1", "-3"):  # the columns an editor clicks still sort
        changelist = staff_client.get(reverse("admin:archive_province_changelist"), {"o": sort})
        assert changelist.status_code == 200, sort


def test_a_viewer_cannot_publish(client, django_user_model, objects):
    from django.contrib.auth.models import Group

    viewer = django_user_model.objects.create_user("nguoixem", password="x", is_staff=True)
    viewer.groups.add(Group.objects.get(name="Người xem"))
    client.force_login(viewer)
    draft = PlanFactory(status=Document.Status.DRAFT)
    url = reverse("admin:archive_plan_changelist")
    page = client.get(url).content.decode()
    assert 'value="publish"' not in page
    client.post(url, {"action": "publish", "_selected_action": [draft.pk], "index": 0})
    draft.refresh_from_db()
    assert draft.status == Document.Status.DRAFT


def test_a_deletion_lists_what_goes_with_it_in_vietnamese(staff_client, objects):
    plan = PlanFactory(slug="kh-xoa")
    plan.provinces.add(objects["province"])
    plan.agencies.add(objects["agency"])
    target = PlanFactory(title="Quyết định gốc", number="402/QĐ-TTg")
    DocumentLink.objects.create(source=plan, relation=Relation.IMPLEMENTS, target=target)
    for url in (
        reverse("admin:archive_plan_delete", args=[plan.pk]),
        reverse("admin:archive_document_delete", args=[plan.pk]),
    ):
        content = staff_client.get(url).content.decode()
        assert "relationship" not in content and "object (" not in content, url
        assert "Liên kết giữa tài liệu" in content, url
        # A link names a plan by its number: provinces' plans share their titles but the end.
        assert f"{plan.number} → Triển khai thực hiện → 402/QĐ-TTg" in content, url
    # The plan's own Document row is the plan, not a second thing deleted.
    plan_page = staff_client.get(reverse("admin:archive_plan_delete", args=[plan.pk]))
    assert "Tài liệu (mọi loại): 1" not in plan_page.content.decode()
    assert "<li>Tài liệu: " not in plan_page.content.decode()
    # From the list of every kind, the document deleted is the Document row: still named, its
    # kind's row not again (a bulk deletion of 124 documents listed and counted 248).
    every_kind = reverse("admin:archive_document_delete", args=[plan.pk])
    content = staff_client.get(every_kind).content.decode()
    assert "<li>Tài liệu: " in content and "<li>Văn bản (kế hoạch, quyết định...): " not in content
    assert f"{plan.number} → Triển khai thực hiện → 402/QĐ-TTg" in content  # what it held
    article = ArticleFactory(title="Bài sẽ xoá")
    bulk = staff_client.post(
        reverse("admin:archive_document_changelist"),
        {"action": "delete_selected", "_selected_action": [plan.pk, article.pk], "index": 0},
    ).content.decode()
    assert "<li>Tài liệu (mọi loại): 2</li>" in bulk
    assert "<li>Bài viết: 1</li>" not in bulk and "<li>Bài viết: <a" not in bulk
    assert bulk.count("<li>Tài liệu: ") == 2 and ">Bài sẽ xoá</a></li>" in bulk


def test_the_history_names_a_changed_field_in_the_readers_language(staff_client, objects):
    """Django logs a changed field by its form label untranslated, "Tên", and translates it as
    the history is read: the English history said "Changed Tên and English name."."""
    agency = objects["agency"]
    data = {
        "name": "UBND tỉnh Hậu Giang (cũ)",
        "name_en": "Hau Giang People's Committee",
        "abbreviation": agency.abbreviation,
        "kind": agency.kind,
        "slug": agency.slug,
        "parent": "",
        "province": "",
        "_save": "Lưu",
    }
    response = staff_client.post(reverse("admin:archive_agency_change", args=[agency.pk]), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    history = reverse("admin:archive_agency_history", args=[agency.pk])
    assert "Đã thay đổi tên và tên tiếng Anh." in staff_client.get(history).content.decode()
    staff_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert "Changed name and English name." in staff_client.get(history).content.decode()


def test_a_save_changes_no_text_the_editor_left_alone(staff_client, objects):
    """A browser sends a text area's lines ended "\r\n": every save said, and did, "Đã thay
    đổi nội dung." """
    article = ArticleFactory(title="Tin", summary="Tóm\ntắt", body="Dòng một.\nDòng hai.")
    url = reverse("admin:archive_article_change", args=[article.pk])
    form = staff_client.get(url).context["adminform"].form
    data = {name: form[name].value() for name in form.fields} | {"title": "Tin mới"}
    data = {k: v for k, v in data.items() if v is not None} | {"_save": "Lưu"}
    data |= {"summary": "Tóm\r\ntắt", "body": "Dòng một.\r\nDòng hai."}
    data |= inline_management("outgoing_links") | inline_management("incoming_links")
    data = {k: [str(x) for x in v] if isinstance(v, list) else str(v) for k, v in data.items()}
    response = staff_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    article.refresh_from_db()
    assert (article.title, article.body) == ("Tin mới", "Dòng một.\nDòng hai.")
    history = staff_client.get(reverse("admin:archive_article_history", args=[article.pk]))
    assert "Đã thay đổi tiêu đề." in history.content.decode()


def test_publish_and_unpublish_actions(staff_client, objects):
    draft = PlanFactory(status=Document.Status.DRAFT)
    written = draft.updated_at
    url = reverse("admin:archive_plan_changelist")
    staff_client.post(url, {"action": "publish", "_selected_action": [draft.pk]})
    draft.refresh_from_db()
    assert draft.status == Document.Status.PUBLISHED and draft.updated_at > written
    # From the list of every kind too; each change is in the plan's own history.
    documents = reverse("admin:archive_document_changelist")
    staff_client.post(documents, {"action": "unpublish", "_selected_action": [draft.pk]})
    draft.refresh_from_db()
    assert draft.status == Document.Status.DRAFT
    history = staff_client.get(reverse("admin:archive_plan_history", args=[draft.pk]))
    # Which way each went: both read «Đã thay đổi trạng thái.».
    content = history.content.decode()
    assert content.index("Đã thay đổi trạng thái (đã công bố).") < content.index(
        "Đã thay đổi trạng thái (về bản nháp)."
    )
    staff_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # it said "Changed Trạng thái."
    history = staff_client.get(reverse("admin:archive_plan_history", args=[draft.pk]))
    content = history.content.decode()
    assert "Changed status (published)." in content and "Changed status (back to draft)." in content
    staff_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "vi"
    # Nothing to change is said, not "0 documents published".
    again = staff_client.post(
        documents, {"action": "unpublish", "_selected_action": [draft.pk]}, follow=True
    )
    assert "Không có gì thay đổi: các tài liệu đã chọn đều đã ở trạng thái này." in (
        again.content.decode()
    )


def test_autocomplete_finds_documents_by_number_in_any_spelling(staff_client, objects):
    plan = PlanFactory(number="402/QĐ-TTg", title="Kế hoạch triển khai GCM")
    response = staff_client.get(
        reverse("admin:autocomplete"),
        {
            "term": "402/qd-ttg",
            "app_label": "archive",
            "model_name": "documentlink",
            "field_name": "target",
        },
    )
    assert response.status_code == 200
    assert [item["id"] for item in response.json()["results"]] == [str(plan.pk)]


def autocomplete(client, model_name, field_name, term):
    response = client.get(
        reverse("admin:autocomplete"),
        {"term": term, "app_label": "archive", "model_name": model_name, "field_name": field_name},
    )
    assert response.status_code == 200
    return [item["text"] for item in response.json()["results"]]


def test_a_link_both_ways_in_one_save_is_refused(staff_client, objects):
    """Entered as an outgoing and an incoming «Triển khai thực hiện» in one save, each row was
    checked against the database alone, where neither was yet: the loop was saved, and every
    later save of either plan was refused on both rows."""
    other = PlanFactory(number="9614/KH-UBND", slug="kh-9614", validity="khong_xac_dinh")
    data = document_form(
        number="9402/QĐ-UBND", title="Quyết định mới", slug="qd-moi", validity="khong_xac_dinh"
    )
    data |= inline_management("outgoing_links", total=1) | {
        "outgoing_links-0-relation": Relation.IMPLEMENTS,
        "outgoing_links-0-target": other.pk,
        "outgoing_links-0-note": "",
    }
    data |= inline_management("incoming_links", total=1) | {
        "incoming_links-0-relation": Relation.IMPLEMENTS,
        "incoming_links-0-source": other.pk,
        "incoming_links-0-note": "",
    }
    response = staff_client.post(reverse("admin:archive_plan_add"), data)
    assert response.status_code == 200
    assert (
        "Phần liên kết đến tài liệu khác cũng ghi «Triển khai thực hiện» 9614/KH-UBND: hai chiều"
        " ngược nhau; hãy bỏ một trong hai."
    ) in response.content.decode()
    assert not Document.objects.filter(slug="qd-moi").exists()
    data["outgoing_links-0-DELETE"] = "on"  # one way only: saved
    assert staff_client.post(reverse("admin:archive_plan_add"), data).status_code == 302
    assert DocumentLink.objects.filter(source=other, target__slug="qd-moi").count() == 1


def test_a_loop_saved_before_does_not_hold_up_every_save(db):
    """A loop saved before the check (or through two rows at once) refused every later save of
    its documents, on rows the editor had not touched."""
    decision, plan = PlanFactory(), PlanFactory()
    ahead = DocumentLink.objects.create(source=plan, relation=Relation.IMPLEMENTS, target=decision)
    DocumentLink.objects.create(source=decision, relation=Relation.IMPLEMENTS, target=plan)
    ahead.full_clean()  # as saved: left to be deleted
    ahead.note = "ghi chú"
    ahead.full_clean()
    ahead.relation = Relation.AMENDS
    ahead.full_clean()  # no reverse of its own
    DocumentLink.objects.create(source=decision, relation=Relation.AMENDS, target=plan)
    with pytest.raises(ValidationError):
        ahead.full_clean()  # changed into the reverse of another: refused


def test_the_link_picker_lists_titles_beginning_as_typed_first(staff_client, objects):
    """An editor types a title's beginning: in date order 402/QĐ-TTg's own title listed it 7th
    of 8, below what cites it, and the wrong one was picked."""
    decision = PlanFactory(
        title="Quyết định ban hành Kế hoạch triển khai Thỏa thuận GCM",
        number="402/QĐ-TTg",
        date=datetime.date(2020, 3, 20),
    )
    holding = ArticleFactory(
        title="Tin: Quyết định ban hành Kế hoạch triển khai Thỏa thuận GCM đã có",
        date=datetime.date(2024, 1, 1),
    )
    citing = ArticleFactory(
        title="Triển khai Quyết định ban hành Kế hoạch ở Hậu Giang, Thỏa thuận GCM",
        date=datetime.date(2025, 1, 1),
    )
    for typed in ("Quyết định ban hành Kế hoạch triển khai", "quyet dinh  ban hanh ke hoach trien"):
        listed = autocomplete(staff_client, "documentlink", "target", typed)
        assert [t.rsplit(" · ", 1)[-1] for t in listed] == [
            decision.title,  # begins so
            holding.title,  # holds it
            citing.title,  # holds its words, the newest
        ], typed


def test_the_province_picker_finds_a_unit_as_it_shows_it(staff_client, objects):
    """«Nghệ An (trước 2025)», as the picker lists it, found nothing."""
    ProvinceFactory(era="34", code="40", name="Nghệ An", slug="nghe-an")
    ProvinceFactory(era="63", code="40", name="Nghệ An", slug="nghe-an-truoc-2025")
    # Whole, or while it is typed.
    typed_so = (
        "Nghệ An (trước 2025)",
        "nghe an (truoc",
        "Nghệ An trước",
        "Nghệ An (trư",
        "Nghệ An (t",
    )
    for typed in (*typed_so, "Nghệ An (trước 20"):
        assert autocomplete(staff_client, "document", "provinces", typed) == [
            "Nghệ An (trước 2025)"
        ], typed
    for typed in ("Nghệ An", "Nghệ An ("):  # nothing of the era yet
        assert autocomplete(staff_client, "document", "provinces", typed) == [
            "Nghệ An",
            "Nghệ An (trước 2025)",
        ], typed


def test_the_link_picker_finds_as_the_site_does(staff_client, objects):
    plan = PlanFactory(number="402/QĐ-TTg", title="Kế hoạch triển khai Thỏa thuận GCM")
    titles = {
        spelling: autocomplete(staff_client, "documentlink", "target", spelling)
        for spelling in ("402/QD-TTg", "402/qđ-ttg", "402/QĐ-TTg")
    }
    assert titles["402/QD-TTg"][0].endswith(plan.title)
    assert titles["402/QD-TTg"] == titles["402/qđ-ttg"] == titles["402/QĐ-TTg"]
    for typed in ("402/", "402/QD", "402/QĐ-T"):  # while the number is being typed
        assert autocomplete(staff_client, "documentlink", "target", typed)[0].endswith(
            plan.title
        ), typed
    fifth = PlanFactory(number="5/KH-UBND", title="Kế hoạch số năm")  # stored as 05/KH-UBND
    for typed in ("5/KH", "05/KH-U", "005/"):
        assert autocomplete(staff_client, "documentlink", "target", typed)[0].endswith(
            fifth.title
        ), typed
    # Any accents and tone placement, the last word as typed so far.
    for typed in ("thoả thu", "thoa thuan", "Thỏa thuận gcm", "trien kha"):
        assert [
            t
            for t in autocomplete(staff_client, "documentlink", "target", typed)
            if t.endswith(plan.title)
        ], typed
    assert not autocomplete(staff_client, "documentlink", "target", "thoả thuy")
    # A last word typed with a diacritic starts words spelled so, in either tone placement:
    # "Hòa" is not the start of "hoạch", "Thỏa" not of "thoại".
    hoa_binh = PlanFactory(title="Kế hoạch của tỉnh Hoà Bình", slug="hoa-binh", number="71/KH-UBND")
    dialogue = PlanFactory(
        title="Kế hoạch đối thoại chính sách", slug="doi-thoai", number="72/KH-UBND"
    )
    for typed, found in (("Hòa", hoa_binh), ("hoà", hoa_binh), ("thỏa", plan)):
        listed = autocomplete(staff_client, "documentlink", "target", typed)
        assert len(listed) == 1 and listed[0].endswith(found.title), typed
    for typed in ("hoa", "kế hoạ", "Kế hoạch"):  # plain letters, or the word's own diacritics
        listed = autocomplete(staff_client, "documentlink", "target", typed)
        for document in (hoa_binh, dialogue, plan, fifth):
            assert [t for t in listed if t.endswith(document.title)], (typed, document)
    # Two letters are a word, not the start of one (a start that short reads most of the index).
    assert not autocomplete(staff_client, "documentlink", "target", "thoả th")
    # A number's own plan comes first, before newer documents that only mention it.
    newer = PlanFactory(
        title="Thực hiện QĐ 402 của Thủ tướng", slug="newer", date=datetime.date(2024, 1, 1)
    )
    plan.date = datetime.date(2020, 3, 20)
    plan.save()
    listed = autocomplete(staff_client, "documentlink", "target", "QĐ 402")
    assert len(listed) == 2 and listed[0].endswith(plan.title) and listed[1].endswith(newer.title)
    # Odd input is an empty or a plain answer, never an error.
    for odd in ("t", "-", '"', "thoả thuận,", "a or b", "OR", "402/", "\x00", "x" * 500):
        autocomplete(staff_client, "documentlink", "target", odd)
        for kind in ("plan", "article"):  # articles search their newspaper too
            changelist = staff_client.get(reverse(f"admin:archive_{kind}_changelist"), {"q": odd})
            assert changelist.status_code == 200, (kind, odd)


def test_a_list_searched_by_number_shows_that_numbers_document_first(staff_client, objects):
    """In date order "402/QĐ-TTg" showed the decision 6th of 7 in the plan list."""
    decision = PlanFactory(number="402/QĐ-TTg", slug="qd-402", date=datetime.date(2020, 3, 20))
    for n in range(3):
        PlanFactory(
            number=f"{80 + n}/KH-UBND",
            slug=f"kh-{n}",
            body="Thực hiện Quyết định số 402/QĐ-TTg.",
            date=datetime.date(2024, 1, 1 + n),
        )
    url = reverse("admin:archive_plan_changelist")
    for q in ("402/QĐ-TTg", "402/qd-ttg", "QĐ 402", "402/QĐ"):
        listed = staff_client.get(url, {"q": q}).context["cl"].result_list
        assert listed[0] == decision, q
    # A column clicked still orders the list; words order it as before.
    dated = staff_client.get(url, {"q": "402/QĐ-TTg", "o": "-4"}).context["cl"].result_list
    assert dated[0] != decision and len(dated) == 4
    assert staff_client.get(url, {"q": "thực hiện"}).status_code == 200
    articles = staff_client.get(reverse("admin:archive_article_changelist"), {"q": "402/QĐ-TTg"})
    assert articles.status_code == 200  # searched with its newspaper too: not reordered


def test_an_admin_list_finds_what_the_sites_search_finds(staff_client, objects):
    """ "qd 402" listed 2 documents in the admin against the site's 23, and "402 Hậu Giang"
    none: a text holds a cited number as one token ("402/qd-ttg"), and a plan carrying out a
    decision is linked to it, its text need not cite it."""
    decision = PlanFactory(number="402/QĐ-TTg", slug="qd-402", date=datetime.date(2020, 3, 20))
    plan = PlanFactory(number="1614/KH-UBND", slug="kh-1614", body="Kế hoạch của tỉnh.")
    plan.provinces.add(objects["province"])
    DocumentLink.objects.create(source=plan, target=decision, relation=Relation.IMPLEMENTS)
    article = ArticleFactory(slug="bao", body="Thực hiện Quyết định số 402/QĐ-TTg của Thủ tướng.")
    plans = reverse("admin:archive_plan_changelist")
    for q in ("qd 402", "402 QĐ TTg", "402/QĐ-TTg"):
        assert list(staff_client.get(plans, {"q": q}).context["cl"].result_list) == [
            decision,
            plan,
        ], q
    assert list(staff_client.get(plans, {"q": "402 Hậu Giang"}).context["cl"].result_list) == [plan]
    articles = reverse("admin:archive_article_changelist")
    assert list(staff_client.get(articles, {"q": "qd 402"}).context["cl"].result_list) == [article]


def test_the_plan_list_sorts_numbers_by_their_ordinal(staff_client, objects):
    """As text, 1614/KH-UBND sorted before 402/QĐ-TTg, and 05/KH-UBND before both."""
    ours = [
        PlanFactory(number=number, slug=number.replace("/", "-")).number
        for number in ("402/QĐ-TTg", "1614/KH-UBND", "5/KH-UBND", "30/2020/NĐ-CP")
    ]
    url = reverse("admin:archive_plan_changelist")

    def listed(order):
        result = staff_client.get(url, {"o": order}).context["cl"].result_list
        return [plan.number for plan in result if plan.number in ours]

    assert listed("1") == ["05/KH-UBND", "30/2020/NĐ-CP", "402/QĐ-TTg", "1614/KH-UBND"]
    assert listed("-1") == ["1614/KH-UBND", "402/QĐ-TTg", "30/2020/NĐ-CP", "05/KH-UBND"]


def test_the_province_filter_lists_todays_units_with_those_they_took_in(staff_client, objects):
    """The lists' filter named all 97 units of both eras, and Cần Thơ left out the plans tagged
    Hậu Giang (trước 2025), which Cần Thơ took in on 1 July 2025."""
    can_tho = ProvinceFactory(era="34", code="92", name="Cần Thơ", slug="can-tho")
    objects["province"].merged_into = can_tho
    objects["province"].save()
    hau_giang_plan = PlanFactory(slug="kh-hg", provinces=[objects["province"]])
    can_tho_plan = PlanFactory(slug="kh-ct", provinces=[can_tho])
    PlanFactory(slug="kh-khac")
    url = reverse("admin:archive_plan_changelist")
    page = staff_client.get(url)
    (province,) = (f for f in page.context["cl"].filter_specs if isinstance(f, ProvinceFilter))
    choices = [choice["display"] for choice in province.choices(page.context["cl"])]
    assert choices[1:] == ["Cần Thơ"]  # today's units only ("Tất cả" first)
    listed = staff_client.get(url, {"tinh": str(can_tho.pk)}).context["cl"].result_list
    assert set(listed) == {hau_giang_plan, can_tho_plan}
    assert staff_client.get(url, {"tinh": "x"}).status_code == 200  # edited by hand: the list
    # Digits that are no unit's id: past PostgreSQL's bigint, past what int() reads.
    for value in ("99999999999999999999", "9" * 5000):
        listed = staff_client.get(url, {"tinh": value}).context["cl"].result_list
        assert len(listed) == Plan.objects.count()


@pytest.mark.parametrize(
    ("model", "params"),
    [
        ("document", {"kind": "\x00"}),  # PostgreSQL refuses a NUL in text
        ("plan", {"title__regex": "("}),  # and a regex it cannot compile
        ("agency", {"name__startswith": "\x00"}),
        ("slowsearch", {"query__regex": "(["}),
        # Values Django cannot make a query of (a year 0, a year past a C long).
        ("plan", {"date__year": "0"}),
        ("article", {"date__year__gt": "9" * 23}),
        ("province", {"valid_from__year": "10000"}),
        ("slowsearch", {"last_searched__year": "9999"}),  # its date hierarchy adds a year
    ],
)
def test_a_lookup_the_database_refuses_gives_the_whole_list(staff_client, objects, model, params):
    """Django lets an address filter a list by any of its model's fields: one the database
    refused gave a 500."""
    url = reverse(f"admin:archive_{model}_changelist")
    response = staff_client.get(url, params)
    assert (response.status_code, response["Location"]) == (302, f"{url}?e=1")
    assert staff_client.get(f"{url}?e=1").status_code == 200


def test_a_nul_typed_in_a_link_picker_is_left_out(staff_client, objects):
    """The pickers' search (Django's autocomplete view) gave a 500 for a NUL byte."""
    params = {"app_label": "archive", "model_name": "plan", "field_name": "issuer"}
    response = staff_client.get(reverse("admin:autocomplete"), params | {"term": "UBND\x00"})
    assert response.status_code == 200
    assert [r["text"] for r in response.json()["results"]] == ["UBND tỉnh Hậu Giang"]


def test_a_picker_given_what_cannot_be_an_id_refuses_it_without_a_500(staff_client, objects):
    """Django's picker looked up every value it was given: "?parent=abc" on an add page, or a
    form edited by hand, was a 500 (int() or PostgreSQL's bigint refused it)."""
    assert (
        staff_client.get(reverse("admin:archive_agency_add"), {"parent": "abc"}).status_code == 200
    )
    outgoing = {
        "outgoing_links-TOTAL_FORMS": "1",
        "outgoing_links-0-relation": "trien_khai",
    }
    for bad in ("abc", "9" * 30, "9" * 5000):
        data = document_form(number="31/KH-UBND", title="Kế hoạch", slug="kh-31", issuer=bad)
        data |= {"provinces": [bad], "validity": "khong_xac_dinh"}
        data |= outgoing | {"outgoing_links-0-target": bad}
        response = staff_client.post(reverse("admin:archive_plan_add"), data)
        assert response.status_code == 200
        form = response.context["adminform"].form
        assert {"issuer", "provinces"} <= set(form.errors)
    assert not Plan.objects.filter(slug="kh-31").exists()


def test_an_action_on_rows_that_cannot_be_ids_changes_nothing(staff_client, objects):
    """Django's filter of the rows chosen raised before the action ran: a 500."""
    draft = PlanFactory(status=Document.Status.DRAFT)
    url = reverse("admin:archive_plan_changelist")
    for bad in ("abc", "9" * 5000):
        response = staff_client.post(
            url, {"action": "publish", "_selected_action": [draft.pk, bad]}, follow=True
        )
        assert response.status_code == 200
        assert "Lựa chọn không hợp lệ; không có gì thay đổi." in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == Document.Status.DRAFT


def test_an_issuer_its_number_contradicts_is_saved_and_questioned(staff_client, objects):
    AgencyFactory(name="Thủ tướng Chính phủ", abbreviation="TTg")
    data = document_form(
        number="888/KH-TTg", title="Kế hoạch", slug="kh-888", issuer=objects["agency"].pk
    )
    response = staff_client.post(
        reverse("admin:archive_plan_add"), data | {"validity": "khong_xac_dinh"}, follow=True
    )
    assert Plan.objects.filter(slug="kh-888").exists()  # an importer's draft is not blocked
    assert (
        "Hãy xem lại cơ quan ban hành: ký hiệu 888/KH-TTg là của Thủ tướng Chính phủ, không phải "
        "của UBND tỉnh Hậu Giang."
    ) in response.content.decode()


def test_a_title_of_invisible_characters_only_is_refused(staff_client, objects):
    """It passed the form's "required" check, lost its characters on saving and was stored
    empty: the list showed "-" and its form refused every later save."""
    data = document_form(title="\u200b\ufeff", slug="vo-hinh", number="8/KH-UBND")
    response = staff_client.post(
        reverse("admin:archive_plan_add"), data | {"validity": "khong_xac_dinh"}
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["title"]
    assert not Plan.objects.filter(slug="vo-hinh").exists()


def test_a_title_without_a_letter_or_a_date_before_1945_is_refused(staff_client, objects):
    """Combining marks alone were saved as a title (slug «tai-lieu»), and 01/01/0001 as a date
    no year facet or period could find."""
    data = document_form(title="\u0301\u0301", slug="dau", number="9/KH-UBND", date="05/05/2020")
    data["validity"] = "khong_xac_dinh"
    response = staff_client.post(reverse("admin:archive_plan_add"), data)
    assert response.context["adminform"].form.errors["title"] == ["Tiêu đề cần có chữ hoặc số."]
    data |= {"title": "Kế hoạch", "date": "01/01/0001"}
    response = staff_client.post(reverse("admin:archive_plan_add"), data)
    assert response.context["adminform"].form.errors["date"] == [
        "Năm 1 nằm ngoài khoảng 1945–2100 của lưu trữ."
    ]
    assert not Plan.objects.filter(slug="dau").exists()


def test_the_link_picker_tells_look_alike_documents_apart(staff_client, objects):
    title = "Kế hoạch triển khai Thỏa thuận toàn cầu về Di cư hợp pháp, an toàn và trật tự"
    national = PlanFactory(
        number="402/QĐ-TTg", title=title, slug="qd-402", date=datetime.date(2020, 3, 20)
    )
    provincial = PlanFactory(
        number="1614/KH-UBND", title=title, slug="kh-1614", date=datetime.date(2020, 7, 30)
    )
    conference = ConferenceFactory(title=title, slug="hoi-nghi", date=datetime.date(2025, 12, 19))
    assert set(autocomplete(staff_client, "documentlink", "target", "trật tự")) == {
        f"402/QĐ-TTg · 20/03/2020 · {title}",
        f"1614/KH-UBND · 30/07/2020 · {title}",
        f"Hội nghị · 19/12/2025 · {title}",
    }
    DocumentLink.objects.create(source=provincial, relation=Relation.IMPLEMENTS, target=national)
    DocumentLink.objects.create(source=conference, relation=Relation.REVIEWS, target=national)
    page = staff_client.get(reverse("admin:archive_plan_change", args=[national.pk]))
    content = page.content.decode()
    assert f"selected>1614/KH-UBND · 30/07/2020 · {title}</option>" in content
    assert f"selected>Hội nghị · 19/12/2025 · {title}</option>" in content


def test_the_admin_lists_search_in_any_accents(staff_client, objects):
    PlanFactory(number="402/QĐ-TTg", title="Kế hoạch triển khai Thỏa thuận GCM")
    plans = reverse("admin:archive_plan_changelist")
    PlanFactory(number="8/KH-UBND", title="Kế hoạch phòng, chống thiên tai")
    for term in ("402/QD-TTg", "402/QĐ-TTg", "thoa thuan", "Thoả thuận"):
        content = staff_client.get(plans, {"q": term}).content.decode()
        assert "Kế hoạch triển khai Thỏa thuận GCM" in content, term
        assert "thiên tai" not in content, term
    ArticleFactory(title="Hội nhập quốc tế", publication="Báo Quốc tế", author="Thu Hà")
    articles = reverse("admin:archive_article_changelist")
    ArticleFactory(title="Lao động ngoài nước", publication="Báo Lao động", author="Minh")
    decomposed = unicodedata.normalize("NFD", "Thu Hà")  # as some keyboards send it
    for term in ("bao quoc te", "Thu Hà", "hoi nhap", decomposed):
        content = staff_client.get(articles, {"q": term}).content.decode()
        assert "Hội nhập quốc tế" in content and "Lao động ngoài nước" not in content, term
    # A plan by its signer, a conference by its place (neither is in the text searched).
    PlanFactory(number="9/KH-UBND", title="Kế hoạch có người ký", signer="Nguyễn Văn An")
    content = staff_client.get(plans, {"q": "nguyen van an"}).content.decode()
    assert "Kế hoạch có người ký" in content and "thiên tai" not in content
    ConferenceFactory(title="Hội nghị ở đảo", place="Phú Quốc")
    conferences = reverse("admin:archive_conference_changelist")
    assert "Hội nghị ở đảo" in staff_client.get(conferences, {"q": "phu quoc"}).content.decode()
    ProvinceFactory(era="63", code="17", name="Hoà Bình", slug="hoa-binh-truoc-2025")
    AgencyFactory(name="Ủy ban nhân dân tỉnh Đồng Tháp", abbreviation="UBND")
    GcmObjective.objects.create(
        number=23, title_en="Cooperation", short_label_en="Cooperation", title_vi="Hợp tác"
    )
    assert autocomplete(staff_client, "document", "provinces", "Hòa Bình") == [
        "Hoà Bình (trước 2025)"
    ]
    for typed in ("Uỷ ban", "Uy ban", "dong thap"):
        assert autocomplete(staff_client, "document", "agencies", typed) == [
            "Ủy ban nhân dân tỉnh Đồng Tháp"
        ], typed
    assert autocomplete(staff_client, "document", "objectives", "23") == ["Mục tiêu 23: Hợp tác"]


def test_view_on_site_points_at_the_public_page(staff_client, objects):
    plan = objects["plan"]
    response = staff_client.get(reverse("admin:archive_plan_change", args=[plan.pk]))
    assert "/admin/r/" in response.content.decode()
    assert plan.get_absolute_url() == f"/van-ban/{plan.slug}/"


@pytest.mark.parametrize(
    ("model", "data", "lookup"),
    [
        (
            "province",
            {
                "era": "34",
                "code": "99",
                "name": "Thử",
                "full_name": "Tỉnh Thử",
                "unit_type": "tinh",
                "slug": "thu",
                "valid_from": "01/07/2025",
            },
            {"slug": "thu"},
        ),
        (
            "agency",
            {
                "name": "Sở Ngoại vụ tỉnh Thử",
                "abbreviation": "SNgV",
                "kind": "provincial",
                "slug": "so-ngoai-vu-thu",
            },
            {"slug": "so-ngoai-vu-thu"},
        ),
        (
            "gcmobjective",
            {
                "number": "11",
                "title_en": "Manage borders",
                "short_label_en": "Borders",
                "title_vi": "Quản lý biên giới",
            },
            {"number": 11},
        ),
        (
            "documenttype",
            {"name": "Chỉ thị", "abbreviation": "CT", "group": "hanh_chinh", "slug": "chi-thi"},
            {"slug": "chi-thi"},
        ),
    ],
)
def test_reference_data_is_saved_from_the_admin(staff_client, model, data, lookup):
    response = staff_client.post(reverse(f"admin:archive_{model}_add"), data | {"_save": "Lưu"})
    assert response.status_code == 302, response.context["adminform"].form.errors
    from django.apps import apps

    assert apps.get_model("archive", model).objects.filter(**lookup).exists()


def test_article_is_saved_from_the_admin_and_changed_again(staff_client, objects):
    data = document_form(
        title="Bài viết mới",
        slug="bai-viet-moi",
        publication="Báo Quốc tế",
        author="Thu Trang",
        date="19/12/2025",
    )
    assert staff_client.post(reverse("admin:archive_article_add"), data).status_code == 302
    article = Document.objects.get(slug="bai-viet-moi").article
    data |= {"title": "Bài viết đã sửa"}
    response = staff_client.post(reverse("admin:archive_article_change", args=[article.pk]), data)
    assert response.status_code == 302
    article.refresh_from_db()
    assert (article.title, article.author, str(article.date)) == (
        "Bài viết đã sửa",
        "Thu Trang",
        "2025-12-19",
    )


def test_editor_and_viewer_groups_come_from_a_migration(db):
    from django.contrib.auth.models import Group

    editors = set(
        Group.objects.get(name="Biên tập viên").permissions.values_list("codename", flat=True)
    )
    viewers = set(
        Group.objects.get(name="Người xem").permissions.values_list("codename", flat=True)
    )
    assert {
        "add_plan",
        "change_plan",
        "view_plan",
        "add_documentlink",
        "change_conference",
    } <= editors
    assert not any(codename.startswith("delete_") for codename in editors)
    assert viewers == {codename for codename in editors if codename.startswith("view_")}


def test_an_editor_in_the_group_can_use_the_admin_but_not_delete(
    client, django_user_model, objects
):
    from django.contrib.auth.models import Group

    editor = django_user_model.objects.create_user("bien-tap", password="x", is_staff=True)
    editor.groups.add(Group.objects.get(name="Biên tập viên"))
    client.force_login(editor)
    assert client.get(reverse("admin:archive_plan_add")).status_code == 200
    assert (
        client.get(reverse("admin:archive_plan_delete", args=[objects["plan"].pk])).status_code
        == 403
    )


def test_a_viewer_reads_a_month_as_known(client, django_user_model):
    """The page only to read showed the stored first day («01/05/2026») of «tháng 5/2026»."""
    from django.contrib.auth.models import Group

    viewer = django_user_model.objects.create_user("nguoidoc", password="x", is_staff=True)
    viewer.groups.add(Group.objects.get(name="Người xem"))
    client.force_login(viewer)
    conference = ConferenceFactory(date=datetime.date(2026, 5, 1), date_precision="month")
    page = client.get(reverse("admin:archive_conference_change", args=[conference.pk]))
    html = page.content.decode()
    assert page.status_code == 200 and 'name="date"' not in html  # only to read
    assert "Ngày bắt đầu" in html and "tháng 5/2026" in html and "01/05/2026" not in html
    undated = ArticleFactory(date=None)
    html = client.get(reverse("admin:archive_article_change", args=[undated.pk])).content.decode()
    assert "Ngày đăng" in html and "None" not in html


@pytest.mark.django_db(transaction=True)  # the unique constraints are checked at commit
def test_sessions_reordered_and_link_relations_swapped_are_saved(staff_client):
    """Swapping two sessions' numbers, or two links' relations, was a 500 (IntegrityError): the
    rows are updated one after another, through a moment of duplicates."""
    conference = ConferenceFactory(title="Hội nghị hai phiên", date=datetime.date(2025, 12, 19))
    first = conference.sessions.create(position=1, title="Khai mạc")
    second = conference.sessions.create(position=2, title="Thảo luận")
    plan = PlanFactory()
    related = DocumentLink.objects.create(source=conference, relation=Relation.RELATED, target=plan)
    reviews = DocumentLink.objects.create(source=conference, relation=Relation.REVIEWS, target=plan)
    data = document_form(
        title=conference.title,
        slug=conference.slug,
        date="19/12/2025",
        place="Hà Nội",
        end_date="",
        participant_note="",
    )
    data |= inline_management("sessions", total=2, initial=2)
    for n, (session, position) in enumerate([(first, 2), (second, 1)]):
        data |= {
            f"sessions-{n}-id": session.pk,
            f"sessions-{n}-conference": conference.pk,
            f"sessions-{n}-position": position,
            f"sessions-{n}-title": session.title,
        }
    data |= inline_management("outgoing_links", total=2, initial=2)
    for n, (link, relation) in enumerate(
        [(related, Relation.REVIEWS), (reviews, Relation.RELATED)]
    ):
        data |= {
            f"outgoing_links-{n}-id": link.pk,
            f"outgoing_links-{n}-source": conference.pk,
            f"outgoing_links-{n}-relation": relation,
            f"outgoing_links-{n}-target": plan.pk,
            f"outgoing_links-{n}-note": "",
        }
    url = reverse("admin:archive_conference_change", args=[conference.pk])
    response = staff_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert [s.title for s in conference.sessions.order_by("position")] == ["Thảo luận", "Khai mạc"]
    related.refresh_from_db()
    reviews.refresh_from_db()
    assert (related.relation, reviews.relation) == (Relation.REVIEWS, Relation.RELATED)


def test_a_date_is_helped_for_its_own_kind(staff_client, objects):
    """Under «Ngày bắt đầu» the help began «Ngày ban hành (văn bản), ngày khai mạc…»."""
    for kind in ("plan", "conference", "article"):
        form = staff_client.get(reverse(f"admin:archive_{kind}_add")).context["adminform"].form
        assert form.fields["date"].help_text == (
            "Nếu chỉ biết tháng hoặc năm, hãy nhập 05/2026 hoặc 2026."
        ), kind


def test_a_list_filters_by_year_a_document_known_by_its_year_alone(staff_client, objects):
    """The date bar filed a document of «năm 2020» under «Tháng 1» and its first day."""
    PlanFactory(
        number="9402/QĐ-UBND",
        title="Quyết định của năm",
        date=datetime.date(2020, 1, 1),
        date_precision="year",
    )
    PlanFactory(number="9403/QĐ-UBND", title="Quyết định chưa rõ ngày", date=None)
    plans = reverse("admin:archive_plan_changelist")
    page = staff_client.get(plans).content.decode()
    assert "date__month" not in page and '?nam=2020"' in page and '?nam=chua-ro"' in page
    content = staff_client.get(plans, {"nam": "2020"}).content.decode()
    assert "Quyết định của năm" in content and "Quyết định chưa rõ ngày" not in content
    undated = staff_client.get(plans, {"nam": "chua-ro"}).content.decode()
    assert "Quyết định chưa rõ ngày" in undated and "Quyết định của năm" not in undated
    assert staff_client.get(plans, {"nam": "20x5"}).status_code == 200  # typed by hand


def test_a_link_offers_only_the_relations_its_kind_can_hold(staff_client, objects):
    """An article's outgoing links offered «Căn cứ» and «Bãi bỏ», refused only once saved."""

    def offered(kind, prefix):
        page = staff_client.get(reverse(f"admin:archive_{kind}_change", args=[objects[kind].pk]))
        select = re.search(
            rf'<select name="{prefix}-__prefix__-relation".*?</select>', page.content.decode(), re.S
        )[0]
        return set(re.findall(r'<option value="([^"]+)"', select))

    assert offered("article", "outgoing_links") == {"lien_quan", "dua_tin", "nhac_den"}
    assert offered("conference", "outgoing_links") == {"lien_quan", "ra_soat", "nhac_den"}
    assert {"can_cu", "trien_khai", "ra_soat"} <= offered("plan", "incoming_links")
    assert "dua_tin" not in offered("plan", "outgoing_links")


def test_a_form_saved_twice_at_once_says_so_without_a_500(staff_client, objects, monkeypatch):
    """A double click on «Lưu»: the second save met the slug's unique constraint past the form's
    checks, a traceback for a save that had succeeded. Its twin is written here first, as the
    first click's request would have."""
    from archive.admin import ArticleAdmin

    save = ArticleAdmin.save_model

    def twin_first(self, request, obj, form, change):
        ArticleFactory(title="Bản lưu trước", slug=obj.slug)
        save(self, request, obj, form, change)

    monkeypatch.setattr(ArticleAdmin, "save_model", twin_first)
    data = document_form(title="Tin hai lần", slug="tin-hai-lan", publication="", author="")
    response = staff_client.post(reverse("admin:archive_article_add"), data, follow=True)
    assert response.redirect_chain[-1][0] == reverse("admin:archive_article_changelist")
    assert "có thể do nhấn «Lưu» hai lần" in response.content.decode()
    assert not Document.objects.filter(title="Tin hai lần").exists()


def test_a_link_deleted_since_the_page_was_opened_is_said_on_its_row(staff_client, objects):
    """Another editor removed it: the save was refused with «Hãy sửa các lỗi…» and no error
    shown anywhere, the error on a hidden field."""
    article, plan = objects["article"], objects["plan"]
    link = DocumentLink.objects.create(source=article, relation=Relation.RELATED, target=plan)
    data = document_form(title=article.title, slug=article.slug, publication="", author="")
    data |= inline_management("outgoing_links", total=1, initial=1) | {
        "outgoing_links-0-id": link.pk,
        "outgoing_links-0-source": article.pk,
        "outgoing_links-0-relation": Relation.RELATED,
        "outgoing_links-0-target": plan.pk,
        "outgoing_links-0-note": "ghi chú mới",
    }
    link.delete()
    url = reverse("admin:archive_article_change", args=[article.pk])
    response = staff_client.post(url, data)
    assert response.status_code == 200
    assert "Một dòng vừa bị xóa ở nơi khác từ khi trang được mở" in response.content.decode()
