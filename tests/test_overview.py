"""The whole picture: province, agency and objective pages, the implementation chain of a plan and
its coverage of the provinces, the province × objective matrix, timelines and the tile map.

Counts are never written down here: each is computed again with a plain ORM query or through the
search API, which must agree with the page, so the test fails if either drifts.
"""

import datetime
import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from archive import overview, reference, tilemap
from archive.filters import search_generation
from archive.models import (
    Agency,
    Conference,
    Document,
    DocumentLink,
    GcmObjective,
    Plan,
    Province,
    Relation,
)
from archive.views import LIST_LIMIT

from .factories import ArticleFactory, ConferenceFactory, PlanFactory

pytestmark = pytest.mark.django_db

NATIONAL = "quyet-dinh-402-qd-ttg-ban-hanh-ke-hoach-trien-khai-thoa-thuan-gcm"
GCM = "quyet-dinh-1676-qd-ttg-thong-qua-thoa-thuan-gcm"
HAU_GIANG_PLAN = "ke-hoach-1614-kh-ubnd-trien-khai-thoa-thuan-gcm-tinh-hau-giang"
MINISTRY_LETTER = "cong-van-1378-bng-ls-thuc-hien-ke-hoach-trien-khai-thoa-thuan-gcm"
CA_MAU_PLAN = "ke-hoach-65-kh-ubnd-trien-khai-thoa-thuan-gcm-tinh-ca-mau"
REVIEW = "hoi-nghi-so-ket-5-nam-thuc-hien-ke-hoach-trien-khai-thoa-thuan-gcm"


def plan_url(slug, **params):
    query = "&".join(f"{key}={value}" for key, value in params.items())
    return reverse("archive:plan", args=[slug]) + (f"?{query}" if query else "")


def search_count(client, **params):
    """Return how many documents the search API finds with these parameters."""
    response = client.get(reverse("archive:api-search"), params)
    assert response.status_code == 200, response.content
    return response.json()["count"]


def published_of_units(*slugs):
    """Return published documents tagged with these units or with units merged into them."""
    return (
        Document.objects.published()
        .filter(Q(provinces__slug__in=slugs) | Q(provinces__merged_into__slug__in=slugs))
        .distinct()
    )


def flatten(nodes, depth=1):
    """Return [(depth, node)] of a chain, depth first."""
    out = []
    for node in nodes:
        out.append((depth, node))
        out.extend(flatten(node.children, depth + 1))
    return out


# ---------------------------------------------------------------------------------------------
# Provinces
# ---------------------------------------------------------------------------------------------


def test_province_index_lists_both_eras_with_the_merger_and_search_counts(client, demo):
    response = client.get(reverse("archive:provinces"))
    assert response.status_code == 200
    current, old = response.context["current"], response.context["old"]
    assert len(current) == Province.objects.filter(era="34").count() == 34
    assert len(old) == Province.objects.filter(era="63").count() == 63
    rows = {unit.slug: (predecessors, count) for unit, predecessors, count in current}
    predecessors, count = rows["can-tho"]
    assert {p.slug for p in predecessors} == set(
        Province.objects.filter(merged_into__slug="can-tho").values_list("slug", flat=True)
    )
    assert (
        count == published_of_units("can-tho").count() == search_count(client, province="can-tho")
    )
    assert count > 0
    for unit, count in old:
        assert unit.merged_into is not None
        if count:
            assert count == search_count(client, province=unit.slug)
    content = response.content.decode()
    assert reverse("archive:province", args=["hau-giang-truoc-2025"]) in content


def test_an_old_units_page_says_what_became_of_it(client, demo):
    """Lạng Sơn before 2025 «thuộc Tỉnh Lạng Sơn» from then: part of itself. Bình Thuận's
    fellow units were in the database's order, Lâm Đồng before Đắk Nông."""
    page = client.get(reverse("archive:province", args=["lang-son-truoc-2025"]))
    text = " ".join(re.sub(r"<[^>]+>", " ", page.content.decode()).split())
    assert "Tỉnh Lạng Sơn giữ nguyên địa giới khi sắp xếp ngày 1/7/2025" in text
    assert "thuộc Tỉnh Lạng Sơn" not in text
    page = client.get(reverse("archive:province", args=["binh-thuan-truoc-2025"]))
    text = " ".join(re.sub(r"<[^>]+>", " ", page.content.decode()).split())
    assert "thuộc Tỉnh Lâm Đồng (cùng với Đắk Nông , Lâm Đồng )" in text


def test_a_units_page_names_it_in_the_pages_language(client, demo, settings):
    """English pages said «Tỉnh Hậu Giang was an administrative unit…»."""
    url = reverse("archive:province", args=["hau-giang-truoc-2025"])
    assert "<h1>Tỉnh Hậu Giang" in client.get(url).content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    content = client.get(url).content.decode()
    assert "<h1>Hậu Giang Province" in content and "Cần Thơ City" in content
    assert "Tỉnh Hậu Giang" not in content


def test_province_index_lists_an_old_unit_whose_successor_was_never_entered(client, demo):
    """The admin saves an old unit without its successor; the index was a 500."""
    Province.objects.filter(slug="hau-giang-truoc-2025").update(merged_into=None)
    response = client.get(reverse("archive:provinces"))
    assert response.status_code == 200
    line = re.search(
        r"<li><a href=\"/tinh-thanh/hau-giang-truoc-2025/\">.*?</li>", response.content.decode()
    )
    assert "Hậu Giang" in line[0] and "nay thuộc" not in line[0]


def test_provinces_are_in_vietnamese_alphabetical_order(client, demo):
    names = [
        unit.name for unit, _, _ in client.get(reverse("archive:provinces")).context["current"]
    ]
    # The database's collation would put Đ after Y and Cần Thơ before Cao Bằng.
    assert names.index("Cà Mau") < names.index("Cao Bằng") < names.index("Cần Thơ")
    assert names.index("Cần Thơ") < names.index("Đà Nẵng") < names.index("Gia Lai")
    assert names.index("Hà Nội") < names.index("Hải Phòng")


def test_current_province_includes_its_predecessors_documents_marked(client, demo):
    can_tho = Province.objects.get(slug="can-tho")
    ConferenceFactory(title="Hội thảo chưa rõ ngày", date=None, provinces=[can_tho])
    response = client.get(reverse("archive:province", args=["can-tho"]))
    assert response.status_code == 200
    plans = dict((kind, docs) for kind, _, docs, _ in response.context["sections"])["plan"]
    hau_giang_plan = next(doc for doc in plans if doc.slug == HAU_GIANG_PLAN)
    assert [unit.slug for unit in hau_giang_plan.via_units] == ["hau-giang-truoc-2025"]
    content = response.content.decode()
    assert "qua Hậu Giang (trước 2025)" in content
    for slug in ("can-tho-truoc-2025", "hau-giang-truoc-2025", "soc-trang-truoc-2025"):
        assert reverse("archive:province", args=[slug]) in content
    # The table by kind and year counts what the search counts for the same filters.
    totals = dict(response.context["totals"])
    for kind, total in totals.items():
        assert total == search_count(client, province="can-tho", kind=kind)
    undated = 0
    for year, cells in response.context["table"]:
        for kind, count in cells:
            if count:  # the undated too: the year filter's "khong-ro" (filters.UNKNOWN_YEAR)
                value = year or "khong-ro"
                assert count == search_count(client, province="can-tho", kind=kind, year=value)
                assert f"?province=can-tho&amp;kind={kind}&amp;year={value}" in content
                undated += 0 if year else count
    assert undated == 1


def test_old_unit_points_to_the_unit_it_merged_into(client, demo):
    response = client.get(reverse("archive:province", args=["hau-giang-truoc-2025"]))
    content = response.content.decode()
    assert response.status_code == 200
    assert "Thành phố Cần Thơ" in content
    assert reverse("archive:province", args=["can-tho"]) in content
    assert [p.slug for p in response.context["siblings"]] == [
        "can-tho-truoc-2025",
        "soc-trang-truoc-2025",
    ]
    shown = {doc.slug for _, _, docs, _ in response.context["sections"] for doc in docs}
    # Its own documents only: not those tagged with the new Cần Thơ after the merger.
    assert shown == set(
        published_of_units("hau-giang-truoc-2025").values_list("slug", flat=True)
    ) | set(
        Document.objects.published()
        .filter(plan__issuer__province__slug="hau-giang-truoc-2025")
        .values_list("slug", flat=True)
    )
    assert REVIEW not in shown


def test_province_page_lists_conferences_its_agencies_attended_and_plans_they_issued(client, demo):
    attended = ConferenceFactory(title="Hội thảo có Sở Ngoại vụ Nghệ An tham dự", place="Huế")
    attended.participants.set([Agency.objects.get(slug="so-ngoai-vu-nghe-an")])
    issued = PlanFactory(
        title="Kế hoạch không gắn tỉnh", issuer=Agency.objects.get(slug="ubnd-tinh-nghe-an")
    )
    response = client.get(reverse("archive:province", args=["nghe-an"]))
    sections = {kind: docs for kind, _, docs, _ in response.context["sections"]}
    conference = next(doc for doc in sections["conference"] if doc.pk == attended.pk)
    plan = next(doc for doc in sections["plan"] if doc.pk == issued.pk)
    assert conference.via_agency and plan.via_agency
    content = response.content.decode()
    assert "cơ quan của địa phương tổ chức hoặc tham dự" in content
    assert "do cơ quan của địa phương ban hành" in content
    assert reverse("archive:agency", args=["so-ngoai-vu-nghe-an"]) in content


def test_province_page_shows_the_newest_of_many_and_links_to_the_rest(client, demo):
    hue = Province.objects.get(slug="hue")
    for n in range(LIST_LIMIT + 3):
        ArticleFactory(
            title=f"Bài về Huế {n}", date=datetime.date(2024, 1, 1) + datetime.timedelta(n)
        ).provinces.set([hue])
    response = client.get(reverse("archive:province", args=["hue"]))
    kind, _, docs, size = next(s for s in response.context["sections"] if s[0] == "article")
    assert size == LIST_LIMIT + 3
    assert len(docs) == LIST_LIMIT
    assert [doc.date for doc in docs] == sorted((doc.date for doc in docs), reverse=True)
    assert docs[0].title == f"Bài về Huế {LIST_LIMIT + 2}"
    assert "?province=hue&amp;kind=article" in response.content.decode()


def test_drafts_are_neither_listed_nor_counted_for_visitors(client, staff, demo):
    draft = PlanFactory(title="Dự thảo kế hoạch của Cần Thơ", status=Document.Status.DRAFT)
    draft.provinces.set([Province.objects.get(slug="can-tho")])
    visible = published_of_units("can-tho").count()
    for shown in (False, True):
        if shown:
            client.force_login(staff)
        response = client.get(reverse("archive:province", args=["can-tho"]))
        assert ("Dự thảo kế hoạch của Cần Thơ" in response.content.decode()) is shown
        assert response.context["tagged_total"] == visible + shown
        rows = client.get(reverse("archive:provinces")).context["current"]
        assert next(c for u, _, c in rows if u.slug == "can-tho") == visible + shown


def test_unknown_province_is_a_404_that_says_so(client, demo):
    response = client.get(reverse("archive:province", args=["atlantis"]))
    assert response.status_code == 404
    assert "«atlantis»" in response.content.decode()
    # A unit merged away, by its name as people write it: its page before 2025.
    response = client.get(reverse("archive:province", args=["hoa-binh"]))
    assert response.status_code == 301
    assert response["Location"] == reverse("archive:province", args=["hoa-binh-truoc-2025"])


# ---------------------------------------------------------------------------------------------
# Agencies
# ---------------------------------------------------------------------------------------------


def test_agency_page_shows_what_it_issued_organised_attended_and_its_family(client, demo):
    ministry = Agency.objects.get(slug="bo-ngoai-giao")
    response = client.get(reverse("archive:agency", args=["bo-ngoai-giao"]))
    assert response.status_code == 200
    sections = {name: {doc.pk for doc in docs} for name, _, docs in response.context["sections"]}
    published = Document.objects.published()
    assert sections["issued"] == set(
        published.filter(plan__issuer=ministry).values_list("pk", flat=True)
    )
    assert sections["organised"] == set(
        published.filter(conference__organisers=ministry).values_list("pk", flat=True)
    )
    assert sections["organised"]
    assert sections["mentioned"].isdisjoint(sections["issued"] | sections["organised"])
    assert (
        sections["mentioned"]
        == set(published.filter(agencies=ministry).values_list("pk", flat=True))
        - sections["issued"]
        - sections["organised"]
        - sections["attended"]
    )
    content = response.content.decode()
    assert reverse("archive:agency", args=[ministry.parent.slug]) in content
    for child in ministry.children.all():
        assert reverse("archive:agency", args=[child.slug]) in content


def test_agency_page_lists_conferences_attended(client, demo):
    police = Agency.objects.get(slug="bo-cong-an")
    response = client.get(reverse("archive:agency", args=["bo-cong-an"]))
    attended = dict((name, docs) for name, _, docs in response.context["sections"])["attended"]
    assert {doc.pk for doc in attended} == set(
        Conference.objects.published().filter(participants=police).values_list("pk", flat=True)
    )
    assert attended


def test_agency_index_groups_agencies_by_kind_with_counts(client, demo):
    response = client.get(reverse("archive:agencies"))
    listed = [
        (agency, count) for _, members in response.context["groups"] for agency, count in members
    ]
    assert len(listed) == Agency.objects.count()
    for agency, count in listed:
        assert count == Document.objects.published().filter(agencies=agency).count()
    assert reverse("archive:agency", args=["bo-ngoai-giao"]) in response.content.decode()


def test_unknown_agency_is_a_404_that_says_so(client, demo):
    response = client.get(reverse("archive:agency", args=["khong-co"]))
    assert response.status_code == 404
    assert "«khong-co»" in response.content.decode()


# ---------------------------------------------------------------------------------------------
# The implementation chain
# ---------------------------------------------------------------------------------------------


def test_chain_of_the_national_plan_holds_plans_reviews_and_reports(client, demo):
    response = client.get(plan_url(NATIONAL))
    nodes = flatten(response.context["chain"])
    top = {node.document.slug: node for depth, node in nodes if depth == 1}
    implementing = set(
        DocumentLink.objects.filter(
            target__slug=NATIONAL, relation__in=[Relation.IMPLEMENTS, Relation.BASED_ON]
        ).values_list("source__slug", flat=True)
    )
    reviewing = set(
        DocumentLink.objects.filter(target__slug=NATIONAL, relation=Relation.REVIEWS).values_list(
            "source__slug", flat=True
        )
    )
    assert set(top) == implementing | reviewing
    assert top[HAU_GIANG_PLAN].relation == Relation.IMPLEMENTS
    # The articles that reported the review conference hang below it.
    assert {child.document.slug for child in top[REVIEW].children} == set(
        DocumentLink.objects.filter(target__slug=REVIEW, relation=Relation.REPORTS).values_list(
            "source__slug", flat=True
        )
    )
    # Cà Mau's plan implements 402 and is based on the ministry's letter: listed under both,
    # its branch expanded once.
    ca_mau = [node for _, node in nodes if node.document.slug == CA_MAU_PLAN]
    assert len(ca_mau) == 2
    assert sorted(node.repeat for node in ca_mau) == [False, True]
    assert CA_MAU_PLAN in {c.document.slug for c in top[MINISTRY_LETTER].children}
    content = response.content.decode()
    assert "Chuỗi triển khai" in content and "đã liệt kê ở trên" in content


def test_the_chain_reads_down_from_each_parent(client, demo):
    """A node hangs below what it implements, is based on, reviews or reports, so its label
    says how the parent stands to it, as the parent's own page does."""
    content = client.get(reverse("archive:plan", args=[NATIONAL])).content.decode()
    chain = content[content.index('id="chain-heading"') :]
    letter = reverse("archive:plan", args=[MINISTRY_LETTER])
    below_402 = r'chain-relation">Được triển khai thực hiện bởi</span>\s*<span[^>]*>[^<]*</span>'
    assert re.search(below_402 + rf'\s*<a lang="vi" href="{letter}">', chain)
    # Cà Mau's plan is based on the ministry's letter: below the letter, "là căn cứ của" it.
    ca_mau = reverse("archive:plan", args=[CA_MAU_PLAN])
    assert re.search(
        rf'chain-relation">Là căn cứ của</span>\s*<span[^>]*>[^<]*</span>\s*<a lang="vi" href="{ca_mau}">',
        chain,
    )
    assert 'chain-relation">Triển khai thực hiện<' not in chain


def test_objectives_are_named_in_the_pages_language(client, demo):
    objective = GcmObjective.objects.get(number=10)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    index = client.get(reverse("archive:objectives")).content.decode()
    page = client.get(reverse("archive:objective", args=[10])).content.decode()
    assert f">{objective.title_en}</a>" in index and "unofficial translation" not in index
    assert f"</span> {objective.title_en}</h1>" in page
    assert f'<p class="muted" lang="vi">{objective.title_vi}</p>' in page
    client.post(reverse("set_language"), {"language": "vi", "next": "/"})
    assert (
        f">{objective.title_vi}</a>" in client.get(reverse("archive:objectives")).content.decode()
    )


def test_chain_goes_down_to_district_plans(client, demo):
    provincial = Plan.objects.get(slug=HAU_GIANG_PLAN)
    district = PlanFactory(title="Kế hoạch của huyện Châu Thành", number="12/KH-UBND")
    DocumentLink.objects.create(source=district, relation=Relation.IMPLEMENTS, target=provincial)
    nodes = flatten(client.get(plan_url(GCM)).context["chain"])
    depths = {node.document.slug: depth for depth, node in nodes if not node.repeat}
    assert depths[NATIONAL] == 1
    assert depths[HAU_GIANG_PLAN] == 2
    assert depths[district.slug] == 3


def test_a_draft_cuts_its_branch_for_visitors(client, staff, demo):
    provincial = Plan.objects.get(slug=HAU_GIANG_PLAN)
    draft = PlanFactory(title="Dự thảo kế hoạch huyện", status=Document.Status.DRAFT)
    commune = PlanFactory(title="Kế hoạch của xã")
    DocumentLink.objects.create(source=draft, relation=Relation.IMPLEMENTS, target=provincial)
    DocumentLink.objects.create(source=commune, relation=Relation.IMPLEMENTS, target=draft)
    anonymous = {n.document.pk for _, n in flatten(client.get(plan_url(NATIONAL)).context["chain"])}
    client.force_login(staff)
    seen = {n.document.pk for _, n in flatten(client.get(plan_url(NATIONAL)).context["chain"])}
    assert draft.pk not in anonymous and commune.pk not in anonymous
    assert {draft.pk, commune.pk} <= seen


def test_a_cycle_of_links_ends(client, demo):
    national = Plan.objects.get(slug=NATIONAL)
    provincial = Plan.objects.get(slug=HAU_GIANG_PLAN)
    district = PlanFactory(title="Kế hoạch của huyện")
    DocumentLink.objects.create(source=district, relation=Relation.IMPLEMENTS, target=provincial)
    DocumentLink.objects.create(source=national, relation=Relation.BASED_ON, target=district)
    response = client.get(plan_url(NATIONAL))
    assert response.status_code == 200
    expanded = [n.document.pk for _, n in flatten(response.context["chain"]) if not n.repeat]
    assert len(expanded) == len(set(expanded))
    assert national.pk not in expanded


def test_a_plan_nothing_implements_has_no_coverage_table(client, demo):
    response = client.get(plan_url(HAU_GIANG_PLAN))
    assert response.context["chain"] == [] or all(
        node.document.kind != Document.Kind.PLAN for _, node in flatten(response.context["chain"])
    )
    assert "coverage" not in response.context
    assert "Các địa phương đã ban hành văn bản triển khai" not in response.content.decode()


# ---------------------------------------------------------------------------------------------
# Coverage
# ---------------------------------------------------------------------------------------------


def implementing_plans():
    """Return the published plans below QĐ 402, found with plain ORM queries level by level."""
    relations = [Relation.IMPLEMENTS, Relation.BASED_ON]
    found, frontier = set(), {Plan.objects.get(slug=NATIONAL).pk}
    while frontier:
        below = set(
            Plan.objects.published()
            .filter(outgoing_links__target__in=frontier, outgoing_links__relation__in=relations)
            .values_list("pk", flat=True)
        )
        frontier = below - found
        found |= below
    return Plan.objects.filter(pk__in=found).select_related("issuer__province")


def units_of(plans):
    """Return the units each plan is tagged with or issued in."""
    units = set()
    for plan in plans:
        units |= set(plan.provinces.all())
        if plan.issuer and plan.issuer.province:
            units.add(plan.issuer.province)
    return units


def test_coverage_of_the_34_units_folds_old_units_into_new_ones(client, demo):
    response = client.get(plan_url(NATIONAL))
    rows = {row.unit.slug: row for row in response.context["coverage"]}
    assert len(rows) == 34
    expected = {unit.merged_into or unit for unit in units_of(implementing_plans())}
    assert {slug for slug, row in rows.items() if row.plans} == {u.slug for u in expected}
    assert response.context["coverage_done"] == len(expected)
    can_tho = rows["can-tho"]
    assert [(plan.slug, [via.slug for via in vias]) for plan, vias in can_tho.plans] == [
        (HAU_GIANG_PLAN, ["hau-giang-truoc-2025"])
    ]
    assert can_tho.status == "partial"
    assert {old.slug for old in can_tho.missing} == {"can-tho-truoc-2025", "soc-trang-truoc-2025"}
    assert rows["ha-noi"].status == "none"
    content = response.content.decode()
    assert f"{response.context['coverage_done']}/34 tỉnh, thành phố" in content
    assert "của Hậu Giang (trước 2025)" in content
    # A row for each unit with a plan; the units without one named in a line below, as links.
    table = re.search(r'<table class="data-table coverage-table">.*?</table>', content, re.S)
    named = re.findall(r'<th scope="row"><a href="[^"]+">([^<]+)</a>', table.group(0))
    assert named == [unit.name for unit in overview.alphabetical(expected)]
    none = re.search(r'<p class="coverage-none">.*?</p>', content, re.S).group(0)
    assert f"Chưa có trong lưu trữ ({34 - len(expected)}):" in none
    assert '<a href="/tinh-thanh/ha-noi/">Hà Nội</a>' in none
    assert none.count("<a ") == 34 - len(expected)


def test_coverage_switches_to_the_63_units_of_the_plans_time(client, demo):
    response = client.get(plan_url(NATIONAL, era="63"))
    rows = {row.unit.slug: row for row in response.context["coverage"]}
    assert len(rows) == 63
    expected = {unit.slug for unit in units_of(implementing_plans()) if not unit.is_current}
    assert {slug for slug, row in rows.items() if row.plans} == expected
    assert rows["hau-giang-truoc-2025"].status == "full"
    assert rows["soc-trang-truoc-2025"].status == "none"
    assert response.context["coverage_era"] == "63"
    content = response.content.decode()
    # Near the top, in the facts: how many units carry it out, a link to the table below.
    done = f"{len(expected)}/63 tỉnh, thành phố"
    assert f'<a href="#coverage-heading">{done}</a>' in content
    assert f'<a href="/ban-do/?plan={NATIONAL}">bản đồ</a>' in content
    # The map beside the table of the 63 says it shows the 34.
    assert "Văn bản triển khai, theo 34 tỉnh, thành phố hiện nay" in content


def test_a_plan_of_a_current_unit_covers_it_fully(client, demo):
    plan = PlanFactory(title="Kế hoạch của thành phố Cần Thơ sau sắp xếp", number="7/KH-UBND")
    plan.provinces.set([Province.objects.get(slug="can-tho")])
    DocumentLink.objects.create(
        source=plan, relation=Relation.IMPLEMENTS, target=Plan.objects.get(slug=NATIONAL)
    )
    rows = {r.unit.slug: r for r in client.get(plan_url(NATIONAL)).context["coverage"]}
    assert rows["can-tho"].status == "full"
    old = {r.unit.slug: r for r in client.get(plan_url(NATIONAL, era="63")).context["coverage"]}
    assert old["can-tho-truoc-2025"].status == "none"  # it came after the old city ceased


def test_a_plan_tagged_with_a_current_unit_and_one_of_its_old_ones_is_the_units_own(client, demo):
    """The first unit read decided: whichever of the two came first in a set of ids, the plan
    was the new unit's own ("Đã ban hành") or an old one's, the others listed as missing."""
    old = next(  # an old unit read before its successor, as the bug needed
        unit
        for unit in Province.objects.filter(era="63", merged_into__isnull=False)
        if unit.merged_into.predecessors.count() > 1
        and next(iter({unit.pk, unit.merged_into_id})) == unit.pk
    )
    plan = PlanFactory(title="Kế hoạch của đơn vị mới", number="9/KH-UBND")
    plan.provinces.set([old, old.merged_into])
    DocumentLink.objects.create(
        source=plan, relation=Relation.IMPLEMENTS, target=Plan.objects.get(slug=NATIONAL)
    )
    rows = {r.unit.pk: r for r in client.get(plan_url(NATIONAL)).context["coverage"]}
    row = rows[old.merged_into_id]
    assert (plan.pk, []) in [(p.pk, vias) for p, vias in row.plans]
    assert row.status == "full" and row.missing == []


def test_a_plan_of_two_old_units_counts_for_both(client, demo):
    """Tagged with Sóc Trăng and the old Cần Thơ, it listed one of them as missing; and the old
    Cần Thơ missing under the row of today's read «Chưa có trong lưu trữ: Cần Thơ»."""
    response = client.get(plan_url(NATIONAL))
    row = next(r for r in response.context["coverage"] if r.unit.slug == "can-tho")
    missing = re.search(
        r'"/tinh-thanh/can-tho/">Cần Thơ</a></th>(?:(?!</tr>).)*?Chưa có trong lưu trữ:([^<]*)<',
        response.content.decode(),
        re.S,
    )
    assert "Cần Thơ (trước 2025)" in missing[1] and row.status == "partial"
    plan = PlanFactory(title="Kế hoạch chung", number="10/KH-UBND")
    plan.provinces.set(
        Province.objects.filter(slug__in=["soc-trang-truoc-2025", "can-tho-truoc-2025"])
    )
    DocumentLink.objects.create(
        source=plan, relation=Relation.IMPLEMENTS, target=Plan.objects.get(slug=NATIONAL)
    )
    rows = {r.unit.slug: r for r in client.get(plan_url(NATIONAL)).context["coverage"]}
    entry = next(vias for p, vias in rows["can-tho"].plans if p.pk == plan.pk)
    assert [via.slug for via in entry] == ["can-tho-truoc-2025", "soc-trang-truoc-2025"]
    assert rows["can-tho"].status == "full" and rows["can-tho"].missing == []


def test_staff_see_a_draft_marked_wherever_a_plans_page_names_it(staff_client, demo):
    """Its links, its chain, its timeline and its coverage table named a draft as published."""
    national = Plan.objects.get(slug=NATIONAL)
    drafts = []
    for n in (1, 2):
        draft = PlanFactory(
            title=f"Dự thảo kế hoạch {n}",
            number=f"77{n}/KH-UBND",
            status=Document.Status.DRAFT,
            date=datetime.date(2021, 1, n),
        )
        draft.provinces.set([Province.objects.get(slug="soc-trang-truoc-2025")])
        DocumentLink.objects.create(source=draft, relation=Relation.IMPLEMENTS, target=national)
        drafts.append(draft)
        reviewing = ConferenceFactory(
            title=f"Hội nghị nháp {n}", status=Document.Status.DRAFT, date=datetime.date(2022, 1, n)
        )
        DocumentLink.objects.create(source=reviewing, relation=Relation.REVIEWS, target=national)
        with CaptureQueriesContext(connection) as queries:
            content = staff_client.get(plan_url(NATIONAL)).content.decode()
        if n == 1:
            first = len(queries)
    assert len(queries) == first  # the status read with each document, not one by one
    for part, name in [
        ("doc-item", "771/KH-UBND"),
        ("chain-node", "771/KH-UBND"),
        ("cov-row", "771/KH-UBND"),
        ("doc-item", "Hội nghị nháp 1"),
        ("event", "Hội nghị nháp 1"),
    ]:
        named = re.findall(
            rf'<(?:li|tr) class="{part}[^"]*">(?:(?!</li>|</tr>).)*?{name}', content, re.S
        )
        assert named and all("badge-draft" in item for item in named), part


def test_a_plan_of_a_unit_the_merger_left_unchanged_counts_in_either_era(client, demo):
    """Nghệ An before 2025 is Nghệ An now: its plan tagged with today's name was on the map of
    the 34 and missing from the table of the 63, side by side."""
    plan = PlanFactory(title="Kế hoạch của tỉnh Nghệ An", number="215/KH-UBND")
    plan.provinces.set([Province.objects.get(slug="nghe-an")])
    DocumentLink.objects.create(
        source=plan, relation=Relation.IMPLEMENTS, target=Plan.objects.get(slug=NATIONAL)
    )
    for era, slug in [("34", "nghe-an"), ("63", "nghe-an-truoc-2025")]:
        response = client.get(plan_url(NATIONAL, era=era))
        rows = {r.unit.slug: r for r in response.context["coverage"]}
        assert [(p.slug, vias) for p, vias in rows[slug].plans] == [(plan.slug, [])], era
        tile = next(t for t in response.context["map"].tiles if t.unit.slug == "nghe-an")
        assert tile.css == "cov-full"


@pytest.mark.parametrize("era", ["12", "abc", "34x"])
def test_a_bad_era_is_a_400_that_says_which_values_work(client, demo, era):
    response = client.get(plan_url(NATIONAL, era=era))
    assert response.status_code == 400
    assert "«34»" in response.content.decode() and "«63»" in response.content.decode()
    assert client.get(reverse("archive:matrix") + f"?era={era}").status_code == 400


# ---------------------------------------------------------------------------------------------
# Timeline
# ---------------------------------------------------------------------------------------------


def test_timeline_runs_in_date_order_from_issue_to_review(client, demo):
    national = Plan.objects.get(slug=NATIONAL)
    timeline = client.get(plan_url(NATIONAL)).context["timeline"]
    assert timeline[0].own and timeline[0].date == national.date
    dated = [event.date for event in timeline if event.date]
    assert dated == sorted(dated)
    reviews = [e.document.slug for e in timeline if e.document and e.label.startswith("Được rà")]
    assert set(reviews) == set(
        DocumentLink.objects.filter(target=national, relation=Relation.REVIEWS).values_list(
            "source__slug", flat=True
        )
    )


def test_timeline_shows_force_amendment_and_report_undated_last(client, demo):
    plan = Plan.objects.get(slug=HAU_GIANG_PLAN)
    plan.effective_date = plan.date  # in force on the day it was issued
    plan.save()
    amending = PlanFactory(title="Sửa đổi Kế hoạch 1614", date=datetime.date(2022, 5, 4))
    DocumentLink.objects.create(source=amending, relation=Relation.AMENDS, target=plan)
    hidden = PlanFactory(title="Dự thảo thay thế", status=Document.Status.DRAFT)
    DocumentLink.objects.create(source=hidden, relation=Relation.REPLACES, target=plan)
    undated = ConferenceFactory(title="Hội thảo không rõ ngày", date=None)
    DocumentLink.objects.create(source=undated, relation=Relation.REVIEWS, target=plan)
    timeline = client.get(plan_url(HAU_GIANG_PLAN)).context["timeline"]
    labels = [(str(e.label), e.document.title if e.document else None) for e in timeline]
    assert labels[0] == ("Ban hành", None)
    assert labels[1] == ("Có hiệu lực", None)
    assert ("Bị sửa đổi, bổ sung bởi", "Sửa đổi Kế hoạch 1614") in labels
    assert ("Được đưa tin bởi", labels[2][1]) == labels[2]  # the provincial portal's article
    assert labels[-1] == ("Được rà soát, đánh giá tại", "Hội thảo không rõ ngày")
    assert all(title != "Dự thảo thay thế" for _, title in labels)


def test_a_timeline_of_one_event_is_not_shown(client, demo):
    """An undated workshop's timeline held «chưa rõ ngày — Khai mạc» alone."""
    alone = ConferenceFactory(title="Hội thảo không rõ ngày", date=None)
    response = client.get(alone.get_absolute_url())
    assert response.context["timeline"] == []
    assert "Dòng thời gian" not in response.content.decode()
    dated = ConferenceFactory(
        title="Hội thảo có ngày", date=datetime.date(2024, 3, 5), end_date=datetime.date(2024, 3, 6)
    )
    assert client.get(dated.get_absolute_url()).context["timeline"] == []  # said above
    report = ArticleFactory(title="Tin hội thảo", date=datetime.date(2024, 3, 6))
    DocumentLink.objects.create(source=report, relation=Relation.REPORTS, target=dated)
    timeline = client.get(dated.get_absolute_url()).context["timeline"]
    assert [event.document for event in timeline] == [None, None, report.document_ptr]


# ---------------------------------------------------------------------------------------------
# Matrix and objectives
# ---------------------------------------------------------------------------------------------


def test_every_matrix_cell_is_the_count_its_search_link_finds(client, demo):
    response = client.get(reverse("archive:matrix"))
    assert response.status_code == 200
    content = response.content.decode()
    rows = response.context["rows"]
    assert len(rows) == 34 and all(len(cells) == 23 for _, cells in rows)
    filled = 0
    for unit, cells in rows:
        for objective, count, level in cells:
            link = f'href="/tim-kiem/?province={unit.slug}&amp;objective={objective.number}"'
            assert (link in content) is bool(count)
            if count:
                filled += 1
                assert count == search_count(client, province=unit.slug, objective=objective.number)
                assert level >= 1
    assert filled > 0
    # Each row ends with every document of the unit, those tagged with no objective too.
    for unit, _cells in rows:
        assert unit.document_count == search_count(client, province=unit.slug)
        link = f'href="/tim-kiem/?province={unit.slug}"'
        assert (link in content) is bool(unit.document_count)
    assert any(unit.document_count for unit, _cells in rows)
    # A zero cell is a real zero.
    assert search_count(client, province="ha-giang-truoc-2025", objective=5) == 0


def test_matrix_of_the_63_units(client, demo):
    response = client.get(reverse("archive:matrix") + "?era=63")
    rows = {unit.slug: cells for unit, cells in response.context["rows"]}
    assert len(rows) == 63
    hau_giang = {o.number: count for o, count, _ in rows["hau-giang-truoc-2025"]}
    assert hau_giang[1] == search_count(client, province="hau-giang-truoc-2025", objective=1) > 0
    # Coloured by the 63's own highest, not today's units' (their old units' counts summed).
    shown = [(count, css) for cells in rows.values() for _o, count, css in cells]
    highest = max(count for count, _css in shown)
    assert {css for count, css in shown if count == highest} == {5}
    assert response.context["legend"][-1][1].endswith(str(highest))


def test_objective_index_counts_documents_per_objective(client, demo):
    objectives = client.get(reverse("archive:objectives")).context["objectives"]
    assert len(objectives) == 23
    for objective, count in objectives:
        assert count == Document.objects.published().filter(objectives=objective).count()


def test_objective_page_lists_documents_and_where_they_are(client, demo):
    objective = GcmObjective.objects.get(number=10)
    response = client.get(reverse("archive:objective", args=[10]))
    page = response.context["page"]
    expected = Document.objects.published().filter(objectives=objective)
    assert page.paginator.count == expected.count()
    assert {d.pk for d in page.object_list} == set(expected.values_list("pk", flat=True))
    for unit, count in response.context["ranked"]:
        assert count == search_count(client, province=unit.slug, objective=10)
    assert [c for _, c in response.context["ranked"]] == sorted(
        (c for _, c in response.context["ranked"]), reverse=True
    )


def test_an_objective_has_one_address(client, demo):
    response = client.get("/muc-tieu/010/?page=2")
    assert response.status_code == 301
    assert response["Location"] == reverse("archive:objective", args=[10]) + "?page=2"
    assert client.get(reverse("archive:objective", args=[10])).status_code == 200


@pytest.mark.parametrize("number", [0, 24, 999])
def test_an_objective_outside_1_to_23_is_a_404(client, demo, number):
    response = client.get(reverse("archive:objective", args=[number]))
    assert response.status_code == 404
    assert "từ 1 đến 23" in response.content.decode()


# ---------------------------------------------------------------------------------------------
# The tile map
# ---------------------------------------------------------------------------------------------


def test_tile_map_data_places_each_current_unit_once_north_to_south(demo):
    codes = set(Province.objects.filter(era="34").values_list("code", flat=True))
    assert set(tilemap.TILES) == codes
    positions = [(column, row) for column, row, _ in tilemap.TILES.values()]
    assert len(set(positions)) == len(positions)
    row = {code: tilemap.TILES[code][1] for code in tilemap.TILES}
    # Hà Giang's successor at the top, Hà Nội, Huế, Hồ Chí Minh, Cà Mau going south.
    assert row["08"] < row["01"] < row["46"] < row["79"] < row["96"]


def test_map_page_draws_a_linked_tile_per_province_coloured_by_count(client, demo):
    response = client.get(reverse("archive:map"))
    content = response.content.decode()
    svg = content[content.index("<svg") : content.index("</svg>")]
    links = re.findall(r'<a href="(/tinh-thanh/[^"]+/)" class="tile (c\d)"', svg)
    assert len(links) == 34
    assert svg.count("<title") == 35  # the map's own title and one per tile
    assert "http" not in svg.replace('xmlns="http://www.w3.org/2000/svg"', "")
    counts = {
        slug: published_of_units(slug).count()
        for slug in Province.objects.filter(era="34").values_list("slug", flat=True)
    }
    highest = max(counts.values())
    for href, css in links:
        slug = href.split("/")[2]
        assert css == f"c{overview.count_class(counts[slug], highest)}"
    assert not re.search(r'x="\d+,\d', svg), "coordinates must not be localised"
    # The keyboard walks the tiles row by row, north to south, as the map reads.
    tiles = response.context["map"].tiles
    assert [(tile.y, tile.x) for tile in tiles] == sorted((tile.y, tile.x) for tile in tiles)
    assert tiles[0].unit.slug in {"ha-giang", "tuyen-quang", "cao-bang", "lai-chau", "lao-cai"}


def test_map_coloured_by_the_coverage_of_a_plan(client, demo):
    response = client.get(reverse("archive:map") + f"?plan={NATIONAL}")
    assert response.status_code == 200
    tiles = {tile.unit.slug: tile.css for tile in response.context["map"].tiles}
    assert tiles["can-tho"] == "cov-partial"
    assert tiles["ha-noi"] == "cov-none"
    for bad in ("khong-co", "a%00b", "%3Cscript%3E", "x" * 300):
        response = client.get(reverse("archive:map") + f"?plan={bad}")
        assert response.status_code == 400
        assert "Không có văn bản nào có đường dẫn" in response.content.decode()


def implemented(plans, sources):
    """Return {slug: documents among `sources` implementing it directly} of the plans that have
    any."""
    counts = {
        plan.slug: plan.incoming_links.filter(
            relation=Relation.IMPLEMENTS, source__in=sources
        ).count()
        for plan in plans
    }
    return {slug: n for slug, n in counts.items() if n}


def test_map_offers_the_plans_most_implemented_that_the_user_may_see(client, staff, demo):
    """A draft plan, or a published one implemented by drafts alone (its map showed none), is
    offered to staff only."""
    most = max(implemented(Plan.objects.all(), Document.objects.all()).values())
    draft = PlanFactory(title="Dự thảo quyết định", status=Document.Status.DRAFT)
    public = PlanFactory(title="Quyết định công bố, kế hoạch còn dự thảo")
    for target, status in [(draft, Document.Status.PUBLISHED), (public, Document.Status.DRAFT)]:
        for n in range(most + 1):
            DocumentLink.objects.create(
                source=PlanFactory(title=f"Kế hoạch triển khai {target.title} {n}", status=status),
                relation=Relation.IMPLEMENTS,
                target=target,
            )
    for user, visible in [(None, Document.objects.published()), (staff, Document.objects.all())]:
        if user:
            client.force_login(user)
        offered = [(p.slug, p.implementing) for p in client.get("/ban-do/").context["plans"]]
        expected = implemented(visible.filter(kind=Document.Kind.PLAN), visible)
        assert [n for _, n in offered] == sorted(expected.values(), reverse=True)[:10]
        assert all(expected[slug] == n for slug, n in offered)
        firsts = {slug for slug, n in offered if n == most + 1}
        assert firsts == ({draft.slug, public.slug} if user else set())


def test_province_page_marks_the_unit_or_its_successor_on_a_small_map(client, demo):
    cases = [
        ("can-tho", "can-tho", "Đơn vị này: Cần Thơ"),
        ("soc-trang-truoc-2025", "can-tho", "Đơn vị kế thừa: Cần Thơ"),  # named, not a square
    ]
    for slug, marked, caption in cases:
        tile_map = client.get(reverse("archive:province", args=[slug])).context["map"]
        assert [tile.unit.slug for tile in tile_map.tiles if tile.css == "here"] == [marked]
        assert len(tile_map.tiles) == 34
        assert tile_map.legend == [("here", caption)]
    Province.objects.filter(slug="soc-trang-truoc-2025").update(merged_into=None)
    orphan = client.get(reverse("archive:province", args=["soc-trang-truoc-2025"]))
    assert orphan.status_code == 200 and orphan.context["map"].legend == []


# ---------------------------------------------------------------------------------------------
# Links into the new pages, and the number of queries
# ---------------------------------------------------------------------------------------------


def test_document_pages_link_provinces_agencies_and_objectives(client, demo):
    content = client.get(plan_url(HAU_GIANG_PLAN)).content.decode()
    assert reverse("archive:province", args=["hau-giang-truoc-2025"]) in content
    assert reverse("archive:agency", args=["ubnd-tinh-hau-giang"]) in content
    assert reverse("archive:objective", args=[1]) in content
    conference = client.get(reverse("archive:conference", args=[REVIEW])).content.decode()
    assert reverse("archive:agency", args=["bo-ngoai-giao"]) in conference
    home = client.get(reverse("archive:home")).content.decode()
    for name in ("provinces", "objectives", "matrix", "map"):
        assert reverse(f"archive:{name}") in home


SEARCH_LINK = re.compile(r'<a href="/tim-kiem/\?([^"]*)"[^>]*>(.*?)</a>', re.S)


def counted_search_links(content):
    """Return [(parameters, number shown)] of the links to the search that show a count."""
    links = []
    for query, inner in SEARCH_LINK.findall(content):
        text = re.sub(r"<[^>]+>", "", inner).strip()
        if number := re.search(r"(\d+)(?: tài liệu)?$", text):
            params = dict(pair.split("=") for pair in query.replace("&amp;", "&").split("&"))
            links.append((params, int(number.group(1))))
    return links


# Each page, and how many of its counts are not zero (each of them must be a link).
COUNTED_PAGES = [
    ("/tinh-thanh/", lambda c: sum(1 for *_, n in c["current"] + c["old"] if n)),
    ("/co-quan/", lambda c: sum(1 for _, members in c["groups"] for _, n in members if n)),
    ("/muc-tieu/", lambda c: sum(1 for _, n in c["objectives"] if n)),
    ("/ban-do/", lambda c: len(c["ranked"])),
    ("/muc-tieu/10/", lambda c: len(c["ranked"])),
]


@pytest.mark.parametrize(("url", "nonzero"), COUNTED_PAGES)
def test_every_count_links_to_the_search_that_finds_as_many(client, demo, url, nonzero):
    response = client.get(url)
    links = counted_search_links(response.content.decode())
    assert len(links) == nonzero(response.context) > 0
    for params, number in links:
        assert search_count(client, **params) == number, params


def test_search_results_and_home_link_their_provinces_and_agencies(client, demo):
    hau_giang = reverse("archive:province", args=["hau-giang-truoc-2025"])
    results = client.get(reverse("archive:search"), {"q": "1614/KH-UBND"})
    first = results.content.decode().split('<li class="doc-item result">')[1].split("</li>")[0]
    plan = Plan.objects.get(slug=HAU_GIANG_PLAN)
    assert f'<a class="tag" href="{hau_giang}">Hậu Giang (trước 2025)</a>' in first
    assert (
        f'href="{reverse("archive:agency", args=[plan.issuer.slug])}">{plan.issuer.name}</a>'
        in first
    )
    for agency in plan.agencies.all()[:4]:
        assert (
            f'class="tag tag-agency" lang="vi" href="{reverse("archive:agency", args=[agency.slug])}"'
            in first
        )
    home = client.get(reverse("archive:home")).content.decode()
    latest = Document.objects.published().latest_first().prefetch_related("provinces")[:20]
    # An old unit that continues unchanged (Lạng Sơn) links today's unit (Province.page_slug).
    tagged = {province.page_slug for document in latest for province in document.provinces.all()}
    assert tagged
    for slug in tagged:
        assert f'<a class="tag" href="{reverse("archive:province", args=[slug])}">' in home


# Each page and the most queries it may run: a fixed number, whatever the archive holds. The pages
# that count over the whole archive are measured with their counts not yet cached: generation,
# cache read, the count, and the cache write (count, select, insert, inside a savepoint).
PAGES = [
    ("/tinh-thanh/", 9),  # provinces, counts (cached)
    # unit, predecessors, kind × year, sizes, lists, agencies, the locator map
    ("/tinh-thanh/can-tho/", 7),
    ("/tinh-thanh/hau-giang-truoc-2025/", 7),
    ("/co-quan/", 10),  # agencies, their provinces, counts (cached)
    ("/co-quan/bo-ngoai-giao/", 6),  # agency, children, four lists
    ("/muc-tieu/", 9),  # objectives, counts (cached)
    ("/muc-tieu/10/", 5),
    ("/ma-tran/", 10),  # objectives, provinces, cells (cached)
    ("/ma-tran/?era=63", 10),
    ("/ban-do/", 10),  # provinces, counts (cached), plans with implementing plans
    (f"/ban-do/?plan={NATIONAL}", 6),
    (f"/van-ban/{NATIONAL}/", 10),  # the page as before, timeline, chain (2), provinces
    (f"/van-ban/{NATIONAL}/?era=63", 10),
    (f"/hoi-nghi/{REVIEW}/", 10),
    # a provincial plan: the page as before, and the conferences reviewing what it carries out
    (f"/van-ban/{HAU_GIANG_PLAN}/", 9),
]


def grow_archive():
    """Add documents of every kind, tagged and linked, under the demo archive's plans."""
    national = Plan.objects.get(slug=NATIONAL)
    review = Conference.objects.get(slug=REVIEW)
    units = list(Province.objects.filter(slug__in=["can-tho", "hau-giang-truoc-2025", "hue"]))
    agencies = list(Agency.objects.filter(slug__in=["bo-ngoai-giao", "so-ngoai-vu-nghe-an"]))
    objectives = list(GcmObjective.objects.filter(number__in=[1, 10]))
    for n in range(12):
        plan = PlanFactory(title=f"Kế hoạch thêm {n}", issuer=agencies[0])
        plan.provinces.set(units)
        plan.objectives.set(objectives)
        DocumentLink.objects.create(source=plan, relation=Relation.IMPLEMENTS, target=national)
        conference = ConferenceFactory(title=f"Hội nghị thêm {n}")
        conference.provinces.set(units)
        conference.organisers.set(agencies)
        conference.participants.set(agencies)
        DocumentLink.objects.create(source=conference, relation=Relation.REVIEWS, target=plan)
        article = ArticleFactory(title=f"Bài thêm {n}")
        article.agencies.set(agencies)
        article.objectives.set(objectives)
        DocumentLink.objects.create(source=article, relation=Relation.REPORTS, target=review)


@pytest.mark.parametrize(("url", "most"), PAGES)
def test_pages_run_a_bounded_number_of_queries(
    client, demo, url, most, django_assert_max_num_queries
):
    with django_assert_max_num_queries(most):
        assert client.get(url).status_code == 200
    grow_archive()
    # More documents, links and tags must not mean more queries.
    with django_assert_max_num_queries(most):
        assert client.get(url).status_code == 200


# The pages whose counts are cached, and the queries each runs when they are: the page's own
# rows, the search generation and one cache read.
CACHED_PAGES = [
    ("/tinh-thanh/", 3),  # provinces, generation, counts
    ("/co-quan/", 4),  # generation, counts, agencies, their provinces
    ("/muc-tieu/", 3),  # generation, counts, objectives
    ("/ma-tran/", 4),  # generation, cells, objectives, provinces
    ("/ma-tran/?era=63", 4),
    ("/ban-do/", 4),  # provinces, generation, counts, plans with implementing plans
]
CSRF_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')


@pytest.mark.parametrize(("url", "warm"), CACHED_PAGES)
def test_aggregate_pages_count_the_archive_once_per_generation(
    client, demo, url, warm, django_assert_num_queries
):
    with CaptureQueriesContext(connection) as cold:
        first = client.get(url)
    with django_assert_num_queries(warm) as again:
        second = client.get(url)
    assert warm < len(cold)
    counting = [q["sql"] for q in cold.captured_queries if "unnest(" in q["sql"]]
    assert len(counting) == 1
    assert not any("unnest(" in q["sql"] for q in again.captured_queries)
    # The same page from the cached counts (the CSRF token is masked anew on each request).
    assert CSRF_TOKEN.sub("", second.content.decode()) == CSRF_TOKEN.sub("", first.content.decode())


def test_cached_counts_are_plain_numbers(client, demo):
    client.get(reverse("archive:matrix"))
    key = f"overview:{overview.OVERVIEW_FORMAT}:{search_generation()}:published:units-objectives"
    cells, totals = cache.get(key)
    assert cells and totals
    assert all(
        type(unit) is type(objective) is type(n) is int for (unit, objective), n in cells.items()
    )
    assert all(type(unit) is type(n) is int for unit, n in totals.items())


def test_cached_computes_once_per_generation_and_per_scope(demo, staff):
    calls = []

    def compute(documents):
        calls.append(documents.count())
        return {"documents": calls[-1]}

    visitor = AnonymousUser()
    first = overview.cached("test", visitor, compute)
    assert overview.cached("test", visitor, compute) == first
    assert len(calls) == 1
    # Staff see drafts: their counts are cached apart from a visitor's.
    PlanFactory(title="Dự thảo mới", status=Document.Status.DRAFT)
    assert overview.cached("test", staff, compute) == {"documents": first["documents"] + 1}
    assert overview.cached("test", visitor, compute) == first  # computed again: a new generation
    assert len(calls) == 3


def overview_counts(client, province="can-tho", objective=10):
    """Return one province's and one objective's counts as the aggregate pages show them."""
    current = client.get(reverse("archive:provinces")).context["current"]
    cells = dict(client.get(reverse("archive:matrix")).context["rows"])
    objectives = client.get(reverse("archive:objectives")).context["objectives"]
    tiles = client.get(reverse("archive:map")).context["map"].tiles
    return (
        next(count for unit, _, count in current if unit.slug == province),
        next(
            count
            for o, count, _ in next(c for u, c in cells.items() if u.slug == province)
            if o.number == objective
        ),
        next(count for o, count in objectives if o.number == objective),
        next(int(tile.value) for tile in tiles if tile.unit.slug == province),
    )


def test_a_publication_and_a_new_tag_are_counted_at_the_next_request(client, demo):
    can_tho = Province.objects.get(slug="can-tho")
    objective = GcmObjective.objects.get(number=10)
    draft = PlanFactory(title="Kế hoạch của Cần Thơ", status=Document.Status.DRAFT)
    draft.provinces.set([can_tho])
    draft.objectives.set([objective])
    before = overview_counts(client)
    assert overview_counts(client) == before  # from the cache
    draft.status = Document.Status.PUBLISHED
    draft.save()
    published = overview_counts(client)
    assert published == tuple(n + 1 for n in before)
    # Tagging an article already published with Sóc Trăng (before 2025) counts it for Cần Thơ.
    article = ArticleFactory(title="Bài về Sóc Trăng")
    assert overview_counts(client) == published
    article.provinces.set([Province.objects.get(slug="soc-trang-truoc-2025")])
    article.objectives.set([objective])
    assert overview_counts(client) == tuple(n + 1 for n in published)


def test_map_and_matrix_labels_count_documents_in_english_plurals(client, demo):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    labels = client.get(reverse("archive:map")).content.decode()
    labels += client.get(reverse("archive:matrix")).content.decode()
    singular = re.findall(r": 1 document\b(?!s)", labels)
    plural = re.findall(r": ([2-9]|\d\d+) documents\b", labels)
    assert singular and plural  # the demo archive has units with one and with several documents
    assert not re.search(r": 1 documents\b|: ([2-9]|\d\d+) document\b(?!s)|document\(s\)", labels)


def test_a_provinces_sections_are_named_in_english_plurals(client, demo):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(reverse("archive:province", args=["can-tho"])).content.decode()
    assert re.search(r'<h2 id="section-article">Articles <span class="count">', page)


def test_the_archives_titles_say_they_are_vietnamese_on_every_list(client, demo):
    """In English a screen reader reads a title with the page's voice unless it says lang="vi":
    search results did, the lists of the home, province and document pages did not."""
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    plan = Plan.objects.get(number="402/QĐ-TTg")
    pages = ["/", reverse("archive:province", args=["can-tho"]), plan.get_absolute_url()]
    for url in pages:
        page = client.get(url).content.decode()
        assert 'class="doc-title" lang="vi"' in page or 'lang="vi" href' in page, url
        assert not re.search(r'<a class="doc-title"(?! lang="vi")', page), url


def test_an_old_unit_that_continues_unchanged_is_named_as_today(client, demo):
    """Lạng Sơn's plan was tagged «Lạng Sơn (trước 2025)», read as a unit gone, beside the
    facet's «Lạng Sơn»; a unit merged or taken in keeps saying so."""
    lang_son = Province.objects.get(era="63", name="Lạng Sơn")
    can_tho = Province.objects.get(era="63", name="Cần Thơ")  # today's took in two more
    assert lang_son.continues and not can_tho.continues
    assert (lang_son.shown, can_tho.shown) == ("Lạng Sơn", "Cần Thơ (trước 2025)")
    assert str(lang_son) == "Lạng Sơn (trước 2025)"  # the admin's pickers hold both eras
    plan = Plan.objects.get(number="130/KH-UBND")
    assert list(plan.provinces.all()) == [lang_son]
    # Its tag opens today's Lạng Sơn, which holds it, not the page headed «trước 1/7/2025».
    today = reverse("archive:province", args=[Province.objects.get(era="34", name="Lạng Sơn").slug])
    page = client.get(plan.get_absolute_url()).content.decode()
    assert f'href="{today}">Lạng Sơn</a>' in page and "Lạng Sơn (trước 2025)" not in page
    results = client.get(reverse("archive:search"), {"q": "130/KH-UBND"}).content.decode()
    assert f'href="{today}">Lạng Sơn</a>' in results and "Lạng Sơn (trước 2025)" not in results
    hau_giang = Province.objects.get(era="63", name="Hậu Giang")  # merged: its own page
    assert hau_giang.page_slug == hau_giang.slug and not hau_giang.continues
    # The search's facet lists such a unit once, by the same rule.
    references = reference.references(search_generation())
    assert lang_son.pk in references.renamed_units and can_tho.pk not in references.renamed_units
    decision = Plan.objects.get(number="402/QĐ-TTg").get_absolute_url()
    coverage = client.get(decision).content.decode()
    assert "130/KH-UBND" in coverage and "của Lạng Sơn (trước 2025)" not in coverage
    assert "của Hậu Giang (trước 2025)" in coverage  # taken in by Cần Thơ: said
    index = client.get(reverse("archive:provinces")).content.decode()
    row = re.search(r'<th scope="row"><a [^>]*>Lạng Sơn</a></th>\s*<td>(.*?)</td>', index)
    assert "giữ nguyên" in row[1]
    row = re.search(r'<th scope="row"><a [^>]*>Cần Thơ</a></th>\s*<td>(.*?)</td>', index)
    assert "Hậu Giang" in row[1] and "giữ nguyên" not in row[1]
