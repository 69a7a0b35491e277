"""The demo fixtures: load twice, hold every seed document with its links, agree with the models."""

import unicodedata

import pytest
from django.core.management import call_command

from archive.management.commands.bootstrap import FIXTURES
from archive.models import (
    Agency,
    Article,
    Conference,
    Document,
    DocumentLink,
    DocumentType,
    GcmObjective,
    Plan,
    Province,
    Relation,
)
from archive.numbers import parse_number

pytestmark = pytest.mark.django_db

MODELS = [
    Province,
    Agency,
    GcmObjective,
    DocumentType,
    Document,
    Plan,
    Conference,
    Article,
    DocumentLink,
]


def counts():
    return {model.__name__: model.objects.count() for model in MODELS}


def test_fixtures_load_twice_without_duplicating(demo):
    first = counts()
    call_command("loaddata", FIXTURES / "reference.json", FIXTURES / "demo.json", verbosity=0)
    assert counts() == first
    assert first["Province"] == 97
    assert first["GcmObjective"] == 23


def test_fixtures_load_into_a_database_that_already_holds_data(db):
    from tests.factories import PlanFactory

    mine = PlanFactory(title="Kế hoạch của biên tập viên", number="7/KH-UBND")
    call_command("loaddata", FIXTURES / "reference.json", FIXTURES / "demo.json", verbosity=0)
    mine.refresh_from_db()
    assert mine.title == "Kế hoạch của biên tập viên"
    assert Plan.objects.filter(number="402/QĐ-TTg").exists()


def test_provinces_of_both_eras_with_the_merger(demo):
    hau_giang = Province.objects.get(era="63", code="93")
    can_tho = Province.objects.get(era="34", code="92")
    assert hau_giang.merged_into == can_tho
    assert set(can_tho.predecessors.values_list("name", flat=True)) == {
        "Cần Thơ",
        "Sóc Trăng",
        "Hậu Giang",
    }
    # Code 24 was Bắc Giang before the merger and is Bắc Ninh after it.
    assert Province.objects.get(era="63", code="24").name == "Bắc Giang"
    assert Province.objects.get(era="34", code="24").name == "Bắc Ninh"
    assert Province.objects.filter(era="34").count() == 34
    assert not Province.objects.filter(era="63", merged_into__isnull=True).exists()


def test_the_four_seed_articles(demo):
    articles = {a.title: a for a in Article.objects.all()}
    hau_giang = articles[
        "Triển khai Thỏa thuận toàn cầu về Di cư hợp pháp, an toàn và trật tự của Liên hợp quốc"
    ]
    assert hau_giang.author == "Thanh Tâm"
    assert str(hau_giang.date) == "2020-07-31"
    review = articles[
        "Việt Nam sơ kết 5 năm thực hiện Kế hoạch triển khai Thỏa thuận toàn cầu về di cư hợp pháp, an toàn và trật tự"
    ]
    assert (review.author, review.publication) == ("Thu Trang", "Báo Quốc tế (baoquocte.vn)")
    asean = articles["Thúc đẩy hợp tác giữa ASEAN và đối tác trong quản lý dòng di cư"]
    assert asean.author == "Vy Anh"
    assert (
        "Nghệ An tham dự Hội nghị triển khai 'Thỏa thuận toàn cầu về di cư hợp pháp, an toàn và trật tự'"
        in articles
    )


@pytest.mark.parametrize(
    "noise",
    [
        "Theo dõi Baoquocte.vn",
        "Phiên bản di động",
        "Đọc thêm",
        "Bài viết cùng chủ đề",
        "Số lần xem",
        "Giá vàng",
        "Không có quảng cáo",
        "Song Hye Kyo",
    ],
)
def test_article_bodies_carry_no_site_noise(demo, noise):
    assert not Article.objects.filter(body__contains=noise).exists()


def test_article_bodies_keep_the_article(demo):
    review = Article.objects.get(author="Thu Trang")
    assert "sửa đổi, bổ sung Quyết định số 402/QĐ-TTg ngày 20/3/2020" in review.body
    assert "Champion Country" in review.body
    asean = Article.objects.get(author="Vy Anh")
    assert "(theo TTXVN)" in asean.body


def test_plans_with_their_numbers_issuers_and_dates(demo):
    hau_giang = Plan.objects.get(number="1614/KH-UBND")
    assert (str(hau_giang.date), hau_giang.issuer.slug, hau_giang.document_type.abbreviation) == (
        "2020-07-30",
        "ubnd-tinh-hau-giang",
        "KH",
    )
    assert list(hau_giang.provinces.values_list("era", "code")) == [("63", "93")]
    national = Plan.objects.get(number="402/QĐ-TTg")
    assert (str(national.date), national.issuer.abbreviation, national.signer) == (
        "2020-03-20",
        "TTg",
        "Phạm Bình Minh",
    )
    assert str(Plan.objects.get(number="1676/QĐ-TTg").date) == "2018-12-03"


def test_every_plan_number_is_stored_as_the_model_would(demo):
    for plan in Plan.objects.all():
        parsed = parse_number(plan.number)
        assert (plan.number, plan.number_normalized, plan.search_number) == (
            str(parsed),
            parsed.normalized,
            parsed.normalized,
        )
        assert plan.number_year == (parsed.year or plan.date.year)
        plan.full_clean()


def test_the_review_conference_with_its_sessions_and_participants(demo):
    conference = Conference.objects.get(date="2025-12-19", place="Hà Nội")
    assert [s.title for s in conference.sessions.all()] == [
        "Tình hình triển khai Thỏa thuận GCM năm 2025",
        "Di cư lao động – Hướng tới cách tiếp cận bền vững",
        "Mua bán người nhằm mục đích cưỡng ép lao động và bóc lột qua mạng",
        "Phương hướng nhiệm vụ và chuẩn bị cho Diễn đàn rà soát Di cư quốc tế",
    ]
    assert list(conference.organisers.values_list("slug", flat=True)) == ["bo-ngoai-giao"]
    participants = set(conference.participants.values_list("abbreviation", flat=True))
    assert {"IOM", "ILO", "GIZ"} <= participants
    assert set(conference.participants.all()) <= set(conference.agencies.all())


def test_the_asean_conference_abroad(demo):
    conference = Conference.objects.get(place="Bắc Kinh, Trung Quốc")
    assert conference.is_abroad
    assert str(conference.date) == "2023-06-28"
    assert not conference.provinces.exists()


def test_no_false_provinces_from_noise_or_places_abroad(demo):
    asean_article = Article.objects.get(author="Vy Anh")
    assert not asean_article.provinces.exists()  # Bắc Kinh, Hà Bắc, Hùng An; lottery headlines
    review = Article.objects.get(author="Thu Trang")
    assert "Đồng Nai" not in {p.name for p in review.provinces.all()}


def test_the_implementation_chain_is_linked_and_visible_both_ways(demo, client):
    gcm = Plan.objects.get(number="1676/QĐ-TTg")
    national = Plan.objects.get(number="402/QĐ-TTg")
    hau_giang = Plan.objects.get(number="1614/KH-UBND")
    review = Conference.objects.get(date="2025-12-19", place="Hà Nội")
    assert DocumentLink.objects.filter(
        source=national, relation=Relation.BASED_ON, target=gcm
    ).exists()
    assert DocumentLink.objects.filter(
        source=hau_giang, relation=Relation.IMPLEMENTS, target=national
    ).exists()
    assert DocumentLink.objects.filter(
        source=review, relation=Relation.REVIEWS, target=national
    ).exists()
    assert DocumentLink.objects.filter(relation=Relation.REPORTS, target=review).count() == 2
    page = client.get(national.get_absolute_url()).content.decode()
    for document in (gcm, hau_giang, review):
        assert document.get_absolute_url() in page


def test_every_link_is_valid(demo):
    for link in DocumentLink.objects.select_related("source", "target"):
        link.full_clean()


def test_all_fixture_text_is_nfc(demo):
    for document in Document.objects.all():
        for value in (document.title, document.summary, document.body):
            assert unicodedata.is_normalized("NFC", value)


def test_bootstrap_loads_once_and_never_over_edits(db, capsys, settings):
    settings.DEBUG = True  # a local run: `make run` sets DEBUG=1
    call_command("bootstrap")
    plan = Plan.objects.get(number="402/QĐ-TTg")
    plan.title = "Tiêu đề đã sửa trong trang quản trị"
    plan.save()
    call_command("bootstrap")
    assert Plan.objects.get(pk=plan.pk).title == "Tiêu đề đã sửa trong trang quản trị"
    output = capsys.readouterr().out
    assert output.count("Đã tạo tài khoản quản trị") == 1


def test_bootstrap_never_creates_an_account_in_production(db, capsys, settings, django_user_model):
    settings.DEBUG = False
    call_command("bootstrap")
    assert not django_user_model.objects.exists()
    assert "createsuperuser" in capsys.readouterr().out
