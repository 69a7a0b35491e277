"""Models and their constraints against real PostgreSQL."""

import datetime
import unicodedata

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import translation

from archive.models import (
    Agency,
    Conference,
    Document,
    DocumentLink,
    Plan,
    Province,
    Relation,
    issuer_mismatch,
)
from archive.numbers import parse_number

from .factories import (
    AgencyFactory,
    ArticleFactory,
    ConferenceFactory,
    DocumentTypeFactory,
    PlanFactory,
    ProvinceFactory,
)

pytestmark = pytest.mark.django_db


def test_province_code_repeats_across_eras_but_not_within_one():
    old = ProvinceFactory(
        era=Province.Era.BEFORE_2025, code="24", name="Bắc Giang", slug="bac-giang-truoc-2025"
    )
    new = ProvinceFactory(era=Province.Era.FROM_2025, code="24", name="Bắc Ninh", slug="bac-ninh")
    assert old.pk != new.pk
    with pytest.raises(IntegrityError), transaction.atomic():
        Province.objects.create(
            era="34", code="24", name="Trùng", full_name="Trùng", unit_type="tinh", slug="trung"
        )


def test_only_old_units_merge_into_another():
    new = ProvinceFactory(era="34", code="92", name="Cần Thơ", slug="can-tho")
    other = ProvinceFactory(era="34", code="96", name="Cà Mau", slug="ca-mau")
    with pytest.raises(IntegrityError), transaction.atomic():
        other.merged_into = new
        other.save()


def test_text_is_stored_as_nfc():
    decomposed = unicodedata.normalize("NFD", "Kế hoạch Hoà Bình")
    plan = PlanFactory(title=decomposed)
    plan.refresh_from_db()
    assert plan.title == unicodedata.normalize("NFC", "Kế hoạch Hoà Bình")


def test_text_is_stored_as_it_reads():
    """Pasted from Word or a web page: invisible characters split words and numbers where none
    shows; no-break spaces and hyphens are spaces and hyphens."""
    plan = PlanFactory(
        title="Kế hoạch\u200b về khoảng\u00a0trắng\ufeff",
        body="Theo\u2060 Quyết định 402/QĐ\u2011TTg và 65/KH\u2010UBND.",
        number="215/KH\u200b\u2013UBND",  # a zero-width space, an en dash
    )
    plan.refresh_from_db()
    assert plan.title == "Kế hoạch về khoảng trắng"
    assert plan.body == "Theo Quyết định 402/QĐ-TTg và 65/KH-UBND."
    assert plan.number == "215/KH-UBND"
    found = Document.objects.search("khoảng trắng 402/QĐ-TTg").values_list("pk", flat=True)
    assert list(found) == [plan.pk]


def test_texts_saved_before_are_given_their_form_by_migration_0024():
    """A text saved before as_seen() keeps what it was pasted with until migration 0024."""
    import importlib

    migration = importlib.import_module("archive.migrations.0024_texts_as_they_read")
    plan = PlanFactory(title="Kế hoạch", body="Thực hiện.")
    untouched = ArticleFactory(title="Tin – ngắn", body="Một dòng.")
    decomposed = unicodedata.normalize("NFD", "Hoà")  # NFC once the mark is gone
    Document.objects.filter(pk=plan.pk).update(
        title="Kế\u200b hoạch\ufeff",
        summary=f"khoảng\u00a0trắng {decomposed[:2]}\u200b{decomposed[2:]}",
        body="Theo 402/QĐ\u2011TTg\u2060.",
    )
    migration.texts_as_they_read(None, type("Editor", (), {"connection": connection}))
    plan.refresh_from_db()
    assert (plan.title, plan.summary, plan.body) == (
        "Kế hoạch",
        "khoảng trắng Hoà",
        "Theo 402/QĐ-TTg.",
    )
    assert Document.objects.filter(search_vector="402/qd-ttg").get().pk == plan.pk
    untouched.refresh_from_db()
    assert untouched.title == "Tin – ngắn"  # an en dash is prose's


def test_line_ends_are_stored_as_newlines_and_migration_0026_mends_those_stored_before():
    import importlib

    plan = PlanFactory(title="Kế hoạch", body="Dòng một.\r\nDòng hai.\rDòng ba.")
    plan.refresh_from_db()
    assert plan.body == "Dòng một.\nDòng hai.\nDòng ba."
    Document.objects.filter(pk=plan.pk).update(summary="Tóm\r\ntắt", body="Một\r\nHai")
    migration = importlib.import_module("archive.migrations.0026_line_ends")
    conference = ConferenceFactory(title="Hội nghị")
    Conference.objects.filter(pk=conference.pk).update(participant_note="Một\r\nHai")
    with connection.cursor() as cursor:
        for statement in migration.LINE_ENDS:
            cursor.execute(statement)
    plan.refresh_from_db()
    conference.refresh_from_db()
    assert (plan.summary, plan.body, conference.participant_note) == (
        "Tóm\ntắt",
        "Một\nHai",
        "Một\nHai",
    )


def test_a_look_alike_d_stored_before_is_the_letter_after_migration_0028():
    import importlib

    migration = importlib.import_module("archive.migrations.0028_look_alike_d")
    article = ArticleFactory(title="Tin", body="Theo 402/QĐ-TTg.")
    Document.objects.filter(pk=article.pk).update(body="Theo 402/Q\u00d0-TTg.")
    assert not Document.objects.filter(search_vector="402/qd-ttg").exists()
    migration.as_the_letter(None, type("Editor", (), {"connection": connection}))
    article.refresh_from_db()
    assert article.body == "Theo 402/QĐ-TTg."
    assert Document.objects.filter(search_vector="402/qd-ttg").get().pk == article.pk


def test_subclasses_set_their_kind_before_saving():
    assert Plan().kind == Document.Kind.PLAN
    assert ConferenceFactory().kind == Document.Kind.CONFERENCE
    assert Document.objects.get(pk=ArticleFactory().pk).specific.__class__.__name__ == "Article"


def test_plan_number_is_stored_canonical_and_normalised():
    plan = PlanFactory(number="402/qd-ttg", date=datetime.date(2020, 3, 20))
    plan.refresh_from_db()
    assert (plan.number, plan.number_normalized, plan.number_year) == (
        "402/QĐ-TTg",
        "402/qd-ttg",
        2020,
    )


def test_stored_numbers_are_given_the_decrees_ordinals_by_migration_0018():
    """Plans saved before "5/KH-UBND" and "05/KH-UBND" were one number get its one form; a plan
    whose new form another plan of its issuer and year holds keeps its own, for an editor."""
    import importlib

    migration = importlib.import_module("archive.migrations.0018_number_ordinals_as_decree_30")
    issuer = AgencyFactory(name="Ủy ban nhân dân tỉnh Cà Mau")
    day = datetime.date(2024, 5, 2)
    five = PlanFactory(number="5/KH-UBND", issuer=issuer, date=day)
    long = PlanFactory(number="1614/KH-UBND", issuer=issuer, date=day)
    ten = PlanFactory(number="10/KH-UBND", issuer=issuer, date=day)
    PlanFactory(number="16/KH-UBND", issuer=issuer, date=day)
    twin = PlanFactory(number="17/KH-UBND", issuer=issuer, date=day)
    as_before = {five: "5/KH-UBND", twin: "016/KH-UBND"}  # 016 is 16, held already
    for plan, number in as_before.items():  # as an earlier parse_number stored them
        normalized = number.lower()
        Plan.objects.filter(pk=plan.pk).update(number=number, number_normalized=normalized)
        Document.objects.filter(pk=plan.pk).update(search_number=normalized)
    with connection.cursor() as cursor:
        cursor.execute(migration.CANONICAL_ORDINALS)
    five.refresh_from_db()
    twin.refresh_from_db()
    assert (five.number, five.number_normalized, five.search_number) == (
        "05/KH-UBND",
        "05/kh-ubnd",
        "05/kh-ubnd",
    )
    assert Document.objects.filter(search_vector="05/kh-ubnd").get() == five.document_ptr
    assert (twin.number, twin.search_number) == ("016/KH-UBND", "016/kh-ubnd")
    for plan, number in ((long, "1614/KH-UBND"), (ten, "10/KH-UBND")):  # as they were
        plan.refresh_from_db()
        assert (plan.number, plan.search_number) == (number, number.lower())


def test_year_inside_the_number_wins_over_the_date():
    plan = PlanFactory(number="30/2020/NĐ-CP", date=datetime.date(2021, 1, 1))
    assert plan.number_year == 2020


def test_same_number_same_issuer_same_year_is_refused_by_the_database():
    issuer = AgencyFactory(name="Thủ tướng Chính phủ", abbreviation="TTg")
    PlanFactory(number="402/QĐ-TTg", issuer=issuer, date=datetime.date(2020, 3, 20))
    with pytest.raises(IntegrityError), transaction.atomic():
        PlanFactory(number="402/QD-TTg", issuer=issuer, date=datetime.date(2020, 5, 1))


def test_same_number_is_allowed_in_another_year_or_for_another_issuer():
    ttg = AgencyFactory(name="Thủ tướng Chính phủ")
    ubnd = AgencyFactory(name="UBND tỉnh Hậu Giang")
    PlanFactory(number="402/QĐ-TTg", issuer=ttg, date=datetime.date(2020, 3, 20))
    PlanFactory(number="402/QĐ-TTg", issuer=ttg, date=datetime.date(2021, 3, 20))
    PlanFactory(number="402/QĐ-UBND", issuer=ubnd, date=datetime.date(2020, 3, 20))
    assert Plan.objects.filter(number_normalized__startswith="402/").count() == 3


def test_duplicate_number_is_a_validation_error_not_a_crash():
    issuer = AgencyFactory(name="Thủ tướng Chính phủ")
    PlanFactory(number="402/QĐ-TTg", issuer=issuer, date=datetime.date(2020, 3, 20))
    twin = Plan(
        title="Bản trùng",
        slug="ban-trung",
        number="402/qđ-ttg",
        issuer=issuer,
        date=datetime.date(2020, 3, 20),
    )
    with pytest.raises(ValidationError) as error:
        twin.full_clean()
    assert "Đã có văn bản số 402/QĐ-TTg" in error.value.message_dict["number"][0]


def test_a_number_naming_another_known_body_is_questioned_for_this_issuer():
    """ "888/KH-TTg" was saved as a provincial People's Committee's plan without a word."""
    AgencyFactory(name="Thủ tướng Chính phủ", abbreviation="TTg")
    AgencyFactory(name="Chính phủ", abbreviation="CP")
    AgencyFactory(name="Ban Chấp hành Trung ương Đảng", abbreviation="TW")
    AgencyFactory(name="Sở Ngoại vụ tỉnh Nghệ An", abbreviation="SNgV Nghệ An")
    AgencyFactory(name="Sở Ngoại vụ tỉnh Hậu Giang", abbreviation="SNgV Hậu Giang")
    ubnd = AgencyFactory(name="Ủy ban nhân dân tỉnh Hậu Giang", abbreviation="UBND Hậu Giang")
    assert issuer_mismatch(parse_number("888/KH-TTg"), ubnd) == (
        "Hãy xem lại cơ quan ban hành: ký hiệu 888/KH-TTg là của Thủ tướng Chính phủ, không "
        "phải của Ủy ban nhân dân tỉnh Hậu Giang."
    )
    # Several bodies share a symbol: it is named.
    assert "là của SNgV," in issuer_mismatch(parse_number("10/KH-SNgV"), ubnd)
    # Its own symbol, one naming no body the archive knows, a joint one naming it, one body's
    # symbol with a slash (Ban Chỉ đạo 138/CP), a Party's number: nothing to say.
    for number in (
        "888/KH-UBND",
        "889/KH-UBNDX",
        "45/KH-BCĐ",
        "7/2020/TTLT-UBND-BTC",
        "1234/KH-BCĐ138/CP",
        "36-NQ/TW",
    ):
        assert issuer_mismatch(parse_number(number), ubnd) is None, number


def test_malformed_number_is_a_vietnamese_validation_error():
    plan = Plan(title="Sai số", slug="sai-so", number="402 QĐ TTg")
    with pytest.raises(ValidationError) as error:
        plan.full_clean()
    assert "không có khoảng trắng" in error.value.message_dict["number"][0]


def test_number_type_must_match_the_chosen_document_type():
    decision = DocumentTypeFactory(
        name="Quyết định", name_en="Decision", abbreviation="QĐ", slug="quyet-dinh"
    )
    DocumentTypeFactory(name="Kế hoạch", name_en="Plan", abbreviation="KH", slug="ke-hoach")
    plan = Plan(title="Lệch loại", slug="lech-loai", number="1614/KH-UBND", document_type=decision)
    with pytest.raises(ValidationError) as error:
        plan.full_clean()
    assert "là của Kế hoạch, không phải Quyết định" in error.value.message_dict["document_type"][0]
    with translation.override("en"), pytest.raises(ValidationError) as error:
        plan.full_clean()  # each type in the page's language: it said «Kế hoạch, not Quyết định»
    assert "is for document type Plan, not Decision" in error.value.message_dict["document_type"][0]


def test_a_plan_left_untyped_takes_the_type_its_number_names():
    """«9402/qd-ubnd» saved without a type was missing from the «Quyết định» filter."""
    decision = DocumentTypeFactory(name="Quyết định", abbreviation="QĐ", slug="quyet-dinh")
    plan = Plan(title="Quyết định thử", slug="quyet-dinh-thu", number="9402/qd-ubnd")
    plan.full_clean()
    assert plan.document_type == decision and plan.number == "9402/QĐ-UBND"
    letter = Plan(title="Công văn thử", slug="cong-van-thu", number="12/UBND-VX")
    letter.full_clean()
    assert letter.document_type is None  # a number that names no type leaves it to the editor


@pytest.mark.parametrize(
    "number, why",
    [
        ("215/KHUBND", ":"),
        ("215/KH/UBND", ":"),
        ("215/UBND-VX", ":"),  # an official letter's number, of a known issuer
        # Letters no issuer uses: a type nobody knows, not none (it said «không ghi loại»).
        ("215/XY-UBND", " nào: «XY» không phải chữ viết tắt của loại văn bản."),
    ],
)
def test_a_number_without_a_type_is_an_official_letters_only(number, why):
    """ "215/KHUBND" was saved as a Kế hoạch's number: read as an official letter's."""
    plan_type = DocumentTypeFactory(name="Kế hoạch", abbreviation="KH")
    plan = Plan(title="Thiếu loại", slug="thieu-loai", number=number, document_type=plan_type)
    with pytest.raises(ValidationError) as error:
        plan.full_clean()
    (message,) = error.value.message_dict["number"]
    assert message.startswith(f"Số, ký hiệu {number} không ghi loại văn bản{why}")
    assert "ố của Kế hoạch ghi «KH» sau dấu «/», như 215/KH-UBND; chỉ công văn không ghi" in message
    letter = DocumentTypeFactory(name="Công văn", abbreviation="", slug="cong-van")
    Plan(title="Công văn", slug="cong-van", number=number, document_type=letter).full_clean()


def test_conference_cannot_end_before_it_starts():
    conference = ConferenceFactory.build(
        date=datetime.date(2025, 12, 19), end_date=datetime.date(2025, 12, 18)
    )
    with pytest.raises(ValidationError) as error:
        conference.full_clean()
    assert error.value.message_dict["end_date"] == [
        "Hội nghị không thể kết thúc trước ngày bắt đầu."
    ]


def test_link_to_itself_is_refused_by_validation_and_by_the_database():
    plan = PlanFactory()
    link = DocumentLink(source=plan, target=plan, relation=Relation.RELATED)
    with pytest.raises(ValidationError):
        link.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        link.save()


def test_same_link_twice_is_refused():
    a, b = PlanFactory(), PlanFactory()
    DocumentLink.objects.create(source=a, target=b, relation=Relation.IMPLEMENTS)
    with pytest.raises(IntegrityError), transaction.atomic():
        DocumentLink.objects.create(source=a, target=b, relation=Relation.IMPLEMENTS)
        with connection.cursor() as cursor:  # checked at commit: the test's never comes
            cursor.execute("SET CONSTRAINTS link_unique IMMEDIATE")


@pytest.mark.parametrize(
    ("source_factory", "relation", "target_factory", "allowed"),
    [
        (PlanFactory, Relation.IMPLEMENTS, PlanFactory, True),
        (ConferenceFactory, Relation.REVIEWS, PlanFactory, True),
        (ArticleFactory, Relation.REPORTS, ConferenceFactory, True),
        (ArticleFactory, Relation.MENTIONS, PlanFactory, True),
        (ArticleFactory, Relation.IMPLEMENTS, PlanFactory, False),
        (PlanFactory, Relation.REVIEWS, PlanFactory, False),
        (ConferenceFactory, Relation.REPORTS, PlanFactory, False),
    ],
)
def test_relation_kinds_are_checked(source_factory, relation, target_factory, allowed):
    link = DocumentLink(source=source_factory(), target=target_factory(), relation=relation)
    if allowed:
        link.full_clean()
    else:
        with pytest.raises(ValidationError, match="không dùng được giữa"):
            link.full_clean()


def test_visible_to_hides_drafts_from_everyone_but_staff(django_user_model):
    published = PlanFactory()
    draft = PlanFactory(status=Document.Status.DRAFT)
    anonymous = django_user_model(is_staff=False)
    staff = django_user_model(is_staff=True)
    assert list(Document.objects.visible_to(anonymous)) == [published.document_ptr]
    assert set(Document.objects.visible_to(staff)) == {published.document_ptr, draft.document_ptr}


def _row_version(document):
    with connection.cursor() as cursor:
        # Its place in the heap: an UPDATE writes a new version elsewhere, even in one transaction.
        cursor.execute("SELECT ctid::text FROM archive_document WHERE id = %s", [document.pk])
        return cursor.fetchone()[0]


def test_the_facet_refresh_rewrites_a_document_only_when_its_arrays_change():
    """Each rewrite of a document row recomputes its search vectors and adds index entries."""
    plan_type = DocumentTypeFactory()
    decision_type = DocumentTypeFactory(name="Quyết định", abbreviation="QĐ")
    plan = PlanFactory(number="5/KH-UBND", document_type=plan_type)
    province = ProvinceFactory()
    before = _row_version(plan)
    # The plan's own trigger refreshes the arrays; nothing in them changes.
    Plan.objects.filter(pk=plan.pk).update(document_type=plan_type)
    assert _row_version(plan) == before
    Plan.objects.filter(pk=plan.pk).update(document_type=decision_type)
    assert _row_version(plan) != before
    plan.provinces.add(province)
    document = Document.objects.get(pk=plan.pk)
    assert (document.facet_doc_type, document.facet_provinces) == (decision_type.pk, [province.pk])


def test_a_directed_link_is_refused_the_other_way_round(db):
    """Found by a review: a plan carrying out 402/QĐ-TTg and carried out by it; its chain of
    implementation then listed the whole national chain under a provincial plan."""
    decision = PlanFactory(number="402/QĐ-TTg", slug="qd-402")
    plan = PlanFactory(number="7/KH-UBND", slug="kh-7")
    DocumentLink.objects.create(source=plan, relation=Relation.IMPLEMENTS, target=decision)
    with pytest.raises(ValidationError) as refused:
        DocumentLink(source=decision, relation=Relation.IMPLEMENTS, target=plan).full_clean()
    assert refused.value.message_dict["relation"] == [
        "Đã có liên kết ngược lại: 07/KH-UBND «Triển khai thực hiện» 402/QĐ-TTg."
    ]
    # Other relations, and those that read both ways, stay free.
    DocumentLink(source=decision, relation=Relation.BASED_ON, target=plan).full_clean()
    DocumentLink.objects.create(source=plan, relation=Relation.RELATED, target=decision)
    DocumentLink(source=decision, relation=Relation.RELATED, target=plan).full_clean()


def test_an_agency_entered_again_under_another_spelling_is_refused(db):
    """Found by a review: "UBND tỉnh Hòa Bình" was saved beside "Ủy ban nhân dân tỉnh Hòa Bình"
    (another slug), and the facets counted one body under two names."""
    held = AgencyFactory(name="Ủy ban nhân dân tỉnh Hòa Bình", slug="ubnd-hoa-binh")
    for name in ("UBND tỉnh Hoà Bình", "Uỷ ban nhân dân  tỉnh HOÀ BÌNH", "ubnd tinh hoa binh"):
        twin = Agency(name=name, slug="khac", kind=Agency.Kind.PROVINCIAL)
        with pytest.raises(ValidationError) as refused:
            twin.full_clean()
        assert refused.value.message_dict["name"] == [
            "Đã có cơ quan «Ủy ban nhân dân tỉnh Hòa Bình» trong danh mục."
        ], name
    Agency(name="Sở Ngoại vụ tỉnh Hòa Bình", slug="sngv", kind=Agency.Kind.PROVINCIAL).full_clean()
    held.full_clean()  # itself is no twin


def test_a_plan_is_cited_as_vietnamese_texts_cite_it():
    """As 1614/KH-UBND's «căn cứ» cites 402/QĐ-TTg: type, number, date, issuer, what about."""
    decision = PlanFactory(
        title="Quyết định ban hành Kế hoạch triển khai Thỏa thuận GCM",
        number="402/QĐ-TTg",
        date=datetime.date(2020, 3, 20),
        document_type=DocumentTypeFactory(name="Quyết định", abbreviation="QĐ", slug="quyet-dinh"),
        issuer=AgencyFactory(name="Thủ tướng Chính phủ"),
    )
    assert decision.citation() == (
        "Quyết định số 402/QĐ-TTg ngày 20/3/2020 của Thủ tướng Chính phủ ban hành Kế hoạch"
        " triển khai Thỏa thuận GCM"
    )
    with translation.override("en"):  # pasted into Vietnamese reports, in either language
        assert decision.citation().startswith("Quyết định số 402/QĐ-TTg ngày 20/3/2020 của")


def test_a_plan_known_in_part_is_cited_with_what_is_known():
    plan = PlanFactory(
        title="Chương trình hành động về di cư",
        number="87/KH-UBND",
        date=datetime.date(2021, 5, 1),
        date_precision="month",
        document_type=DocumentTypeFactory(),
    )
    assert (
        plan.citation() == "Kế hoạch số 87/KH-UBND tháng 5/2021 về Chương trình hành động về di cư"
    )
    plan.document_type, plan.date = None, None  # the type the number names
    assert plan.citation() == "Kế hoạch số 87/KH-UBND về Chương trình hành động về di cư"
    plan.number = "87/UBND-VX"  # none
    assert plan.citation() == "Văn bản số 87/UBND-VX về Chương trình hành động về di cư"


def test_a_conference_and_an_article_are_cited_with_their_place_dates_and_source():
    conference = ConferenceFactory(
        title="Hội nghị sơ kết 5 năm",
        place="Hà Nội",
        date=datetime.date(2025, 12, 18),
        end_date=datetime.date(2025, 12, 19),
    )
    assert conference.citation() == (
        "Hội nghị sơ kết 5 năm, Hà Nội, từ ngày 18/12/2025 đến ngày 19/12/2025"
    )
    article = ArticleFactory(
        title="Việt Nam sơ kết 5 năm",
        author="Minh Anh",
        publication="Báo Quốc tế (baoquocte.vn)",
        date=datetime.date(2025, 12, 19),
        source_url="https://baoquocte.vn/bai-viet",
    )
    assert article.citation() == (
        "Minh Anh, “Việt Nam sơ kết 5 năm”, Báo Quốc tế (baoquocte.vn), ngày 19/12/2025,"
        " https://baoquocte.vn/bai-viet"
    )
