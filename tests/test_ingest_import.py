"""Importing files: decoding, bad input, drafts, duplicates, the command and its JSON."""

import codecs
import json
import unicodedata
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

from archive.ingest import Catalogue, IngestError, decode_bytes, document_import, store
from archive.ingest.store import DUPLICATE, IMPORTED
from archive.models import Article, Document, DocumentLink, Plan

from .factories import ArticleFactory

DATA = Path(__file__).parent / "data" / "ingest"
SEED_003 = DATA / "seed_003_794bb8f233882032.txt"
PLAN_CA_MAU = DATA / "plan_ca_mau_65.txt"

pytestmark = pytest.mark.django_db


TONES = "\u0300\u0301\u0303\u0309\u0323"


def as_windows_1258(text):
    """Return text spelled as Windows-1258 spells it: base letters whole, tones combining."""
    spelled = []
    for char in text:
        parts = unicodedata.normalize("NFD", char)
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in TONES))
        spelled.append(base + "".join(c for c in parts if c in TONES))
    return "".join(spelled)


def run(*args, **options):
    """Run import_text; return (stdout, stderr)."""
    from io import StringIO

    out, err = StringIO(), StringIO()
    call_command("import_text", *map(str, args), stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


# --- decoding ---------------------------------------------------------------------------------


def test_utf8_utf16_and_cp1258_decode_to_the_same_nfc_text():
    text = SEED_003.read_text(encoding="utf-8")
    expected, _ = decode_bytes(text.encode("utf-8"))
    for data in (
        text.encode("utf-16"),  # with a byte-order mark
        text.encode("utf-16-le"),  # without
        text.encode("utf-8-sig"),
    ):
        assert decode_bytes(data)[0] == expected
    # Windows-1258 has â, ơ, đ... but writes tones as combining marks: decoded and composed,
    # it is the same text.
    decoded, notes = decode_bytes(
        as_windows_1258("Thỏa thuận về Di cư hợp pháp tại tỉnh Hậu Giang").encode("cp1258")
    )
    assert decoded == "Thỏa thuận về Di cư hợp pháp tại tỉnh Hậu Giang"
    assert any("cp1258" in note for note in notes)


def test_nfd_text_is_composed_and_said_so():
    text, notes = decode_bytes(unicodedata.normalize("NFD", "Hậu Giang").encode("utf-8"))
    assert text == "Hậu Giang" and unicodedata.is_normalized("NFC", text)
    assert any("NFD" in note for note in notes)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "rỗng"),
        (b"  \n\t ", "rỗng"),
        (b"\x7fELF\x02\x01\x01\x00\x00\x00binary", "nhị phân"),
        (b"\x81\x8d\x8f\x90\x9d" * 20, "bảng mã"),
        (b"a" * (5 * 1024 * 1024 + 1), "5 MB"),
        # What staff upload besides text: told what to do, not only that it is binary.
        (b"PK\x03\x04\x14\x00\x06\x00" + b"\x00" * 50, "tệp Word.*\\.txt"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 50, "tệp Word"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "tệp PDF.*dán"),
        # Bytes that say their encoding and do not decode by it: cut short, a lone surrogate.
        ("Kế hoạch di cư".encode("utf-16") + b"\x00", "Tệp hỏng.*UTF-16"),
        (("Kế hoạch di cư. " * 5).encode("utf-16-le") + b"\x00\xd8a\x00", "Tệp hỏng.*UTF-16-LE"),
        (codecs.BOM_UTF8 + "Kế hoạch".encode() + b"\xff\xfe", "Tệp hỏng.*UTF-8 .vị trí 15"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message(data, message):
    with pytest.raises(IngestError, match=message):
        decode_bytes(data)


# --- writing ----------------------------------------------------------------------------------


def test_import_creates_a_draft_article_with_its_tags_and_links(demo):
    result = document_import(text=SEED_003.read_text(), catalogue=Catalogue())
    assert result.status == IMPORTED
    article = Article.objects.get(pk=result.document.pk)
    assert article.status == Document.Status.DRAFT
    assert article.author == "Thanh Tâm"
    assert [p.slug for p in article.provinces.all()] == ["hau-giang-truoc-2025"]
    assert [a.slug for a in article.agencies.all()] == ["ubnd-tinh-hau-giang"]
    assert sorted(article.objectives.values_list("number", flat=True)) == [
        1,
        2,
        3,
        6,
        7,
        9,
        10,
        16,
        21,
    ]
    links = set(article.outgoing_links.values_list("relation", "target__slug"))
    assert ("dua_tin", "ke-hoach-1614-kh-ubnd-trien-khai-thoa-thuan-gcm-tinh-hau-giang") in links
    assert unicodedata.is_normalized("NFC", article.body)


def test_a_link_proposed_twice_is_written_once(demo):
    """The links were written with ON CONFLICT DO NOTHING, which PostgreSQL refuses on a
    unique constraint checked at commit (migration 0033): a proposal's repeats are left out."""
    from archive.ingest.extract import ProposedLink

    catalogue = Catalogue()
    extraction = document_import(text=SEED_003.read_text(), catalogue=catalogue, dry_run=True)
    target = extraction.extraction.links[0].target
    extraction.extraction.links.append(ProposedLink(relation="dua_tin", target=target))
    extraction.extraction.links.append(ProposedLink(relation="dua_tin", target=target))
    links = store._links(Article(id=1), extraction.extraction)
    assert len(links) == len({(link.relation, link.target_id) for link in links})
    assert ("dua_tin", target["id"]) in {(link.relation, link.target_id) for link in links}


def test_facet_arrays_written_with_the_row_are_what_the_database_computes(demo):
    """The importer writes the row once with its facet arrays (store._save); they must equal
    what migration 0004's refresh computes from the tag tables."""
    result = document_import(
        text=(DATA / "article_tphcm_2023.txt").read_text(), catalogue=Catalogue()
    )
    columns = "facet_provinces, facet_units, facet_agencies, facet_objectives, facet_doc_type"
    query = f"SELECT {columns} FROM archive_document WHERE id = %s"
    with connection.cursor() as cursor:
        cursor.execute(query, [result.document.pk])
        written = cursor.fetchone()
        cursor.execute("SELECT archive_refresh_facets(ARRAY[%s]::bigint[])", [result.document.pk])
        cursor.execute(query, [result.document.pk])
        assert cursor.fetchone() == written
    assert written[0] and written[2] and written[3]  # provinces, agencies, objectives


def test_a_row_is_written_as_djangos_compiler_writes_it(demo):
    """store._insert writes a one-row statement once per model and converts each document's
    values itself: the statement and the values must be what the compiler gives."""
    plan = Plan.objects.select_related("document_type").first()
    for model in (Document, Plan):
        fields = [field for field in model._meta.local_concrete_fields if not field.generated]
        compiled_sql, compiled_params = store._compiled_insert(model, fields, [plan])
        sql, params = store._insert(model, [plan])
        auto_now = [
            n
            for n, field in enumerate(fields)
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
        ]
        assert sql == compiled_sql
        assert [p for n, p in enumerate(params) if n not in auto_now] == [
            p for n, p in enumerate(compiled_params) if n not in auto_now
        ]


def test_plan_is_imported_with_number_issuer_and_type(demo):
    text = PLAN_CA_MAU.read_text().replace("Số: 65/KH-UBND", "Số: 66/KH-UBND")
    result = document_import(text=text, catalogue=Catalogue())
    plan = Plan.objects.get(pk=result.document.pk)
    assert (plan.number, plan.issuer.slug, plan.document_type.abbreviation) == (
        "66/KH-UBND",
        "ubnd-tinh-ca-mau",
        "KH",
    )
    assert plan.number_year == 2020 and plan.search_number == "66/kh-ubnd"
    relations = set(plan.outgoing_links.values_list("relation", "target__plan__number"))
    assert relations == {("trien_khai", "402/QĐ-TTg"), ("can_cu", "1378/BNG-LS")}


def test_same_text_twice_is_one_document(demo):
    catalogue = Catalogue()
    first = document_import(text=SEED_003.read_text(), catalogue=catalogue)
    # The same article pasted again, with other spacing and without the site's noise.
    again = "\n\n".join([first.extraction.title, *first.extraction.body]).replace(" ", "  ")
    second = document_import(text=again, catalogue=catalogue)
    assert second.status == DUPLICATE and second.document.pk == first.document.pk
    assert "Đã có trong lưu trữ" in second.message
    assert (
        Article.objects.filter(title=first.extraction.title).exclude(content_hash="").count() == 1
    )


def test_same_source_url_is_one_document(demo):
    catalogue = Catalogue()
    url = "https://baoquocte.vn/bai-viet-thu.html"
    document_import(text=SEED_003.read_text(), catalogue=catalogue, source_url=url)
    other = (DATA / "seed_000_2dffb1e9813293e1.txt").read_text()
    result = document_import(text=other, catalogue=catalogue, source_url=url)
    assert result.status == DUPLICATE


def test_a_title_already_taken_gets_the_next_free_slug(db):
    body = (
        "\n\nNgày 5/9/2024, đoàn công tác của tỉnh đã làm việc với các sở, ngành về công tác "
        "quản lý di cư, bảo hộ công dân và hỗ trợ người lao động trở về địa phương.\n\n"
        "Các đại biểu thống nhất tiếp tục phối hợp chặt chẽ trong thời gian tới."
    )
    ArticleFactory(title="Hội nghị về di cư", slug="hoi-nghi-ve-di-cu")
    ArticleFactory(title="Hội nghị về di cư", slug="hoi-nghi-ve-di-cu-2")
    catalogue = Catalogue()
    result = document_import(text="Hội nghị về di cư" + body, catalogue=catalogue)
    assert result.document.slug == "hoi-nghi-ve-di-cu-3"


def test_plan_number_already_held_is_a_duplicate(demo):
    result = document_import(text=PLAN_CA_MAU.read_text(), catalogue=Catalogue())
    assert result.status == DUPLICATE
    assert result.document.slug == "ke-hoach-65-kh-ubnd-trien-khai-thoa-thuan-gcm-tinh-ca-mau"


def test_one_number_without_a_known_issuer_is_one_plan_per_province(demo):
    """Found by a review: Yên Bái's 87/KH-UBND was refused as Hòa Bình's, neither issuer being
    in the catalogue; a plan of the same province and number is still the one held."""

    def plan(province, day):
        return (
            f"ỦY BAN NHÂN DÂN\nTỈNH {province.upper()}\nSố: 87/KH-UBND\n"
            f"{province}, ngày {day} tháng 6 năm 2020\n\nKẾ HOẠCH\nTriển khai Thỏa thuận toàn "
            f"cầu về di cư trên địa bàn tỉnh {province}\n\nCác sở, ngành của tỉnh {province} "
            "thực hiện Kế hoạch.\n"
        )

    first = document_import(text=plan("Hòa Bình", 12), catalogue=Catalogue())
    second = document_import(text=plan("Yên Bái", 3), catalogue=Catalogue())
    assert (first.status, second.status) == (IMPORTED, IMPORTED)
    assert first.document.plan.issuer is None and second.document.plan.issuer is None
    again = document_import(text=plan("Yên Bái", 3) + "Thêm một dòng.\n", catalogue=Catalogue())
    assert again.status == DUPLICATE and again.by_number
    assert again.document.pk == second.document.pk
    # Said so, not as one "of this issuer", which nothing had named.
    assert again.message == (
        "Số, ký hiệu 87/KH-UBND, cùng năm và cùng tỉnh, thành phố, đã có trong lưu trữ: "
        f"«{second.document.title}»; không nhập lại."
    )
    # Neither issuer nor province read: nothing says two texts of one number are one plan.
    bare = "ỦY BAN NHÂN DÂN\nSố: 88/KH-UBND\n\nKẾ HOẠCH\nVề di cư\n\nThực hiện {}.\n"
    texts = (bare.format("năm 2020"), bare.format("năm 2021"))
    results = [document_import(text=text, catalogue=Catalogue()) for text in texts]
    assert [result.status for result in results] == [IMPORTED, IMPORTED]
    assert not results[0].document.provinces.exists()


def test_a_plan_without_a_valid_number_writes_nothing(demo):
    text = PLAN_CA_MAU.read_text().replace("Số: 65/KH-UBND", "Số: KH-UBND")
    before = Document.objects.count(), DocumentLink.objects.count()
    with pytest.raises(IngestError):
        document_import(text=text, catalogue=Catalogue())
    assert (Document.objects.count(), DocumentLink.objects.count()) == before


def test_text_without_a_title_is_refused(db):
    with pytest.raises(IngestError, match="tiêu đề"):
        document_import(text="\n\n   \n", catalogue=Catalogue())


# --- the command ------------------------------------------------------------------------------


def test_dry_run_json_is_one_object_per_file_and_changes_nothing(demo, tmp_path):
    empty = tmp_path / "rong.txt"
    empty.write_bytes(b"")
    before = Document.objects.count()
    out, err = run(SEED_003, empty, dry_run=True, format="json")
    data = json.loads(out)
    assert Document.objects.count() == before
    assert [Path(item["file"]).name for item in data] == [SEED_003.name, "rong.txt"]
    first = data[0]
    for key in ("title", "kind", "date", "date_inferred", "document_numbers", "provinces"):
        assert key in first
    assert first["document_numbers"] == [
        {
            "number": "1614/KH-UBND",
            "type": "Kế hoạch",
            "issuer": "Ủy ban nhân dân tỉnh Hậu Giang",
            "year": 2020,
        }
    ]
    assert first["links"][0] == {
        "number": "1614/KH-UBND",
        "relation": "dua_tin",
        "target": "ke-hoach-1614-kh-ubnd-trien-khai-thoa-thuan-gcm-tinh-hau-giang",
    }
    assert "rỗng" in data[1]["error"]
    assert "Tổng kết" in err


def test_batch_goes_on_after_bad_files_and_summarises(demo, tmp_path):
    binary = tmp_path / "anh.png"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    nfd = tmp_path / "nfd.txt"
    nfd.write_text(unicodedata.normalize("NFD", SEED_003.read_text()), encoding="utf-8")
    out, err = run(binary, tmp_path / "khong-co.txt", nfd, SEED_003)
    assert "Tổng kết: 1 đã nhập, 0 phân tích thử, 1 trùng, 2 lỗi." in out
    assert "anh.png" in err and "nhị phân" in err
    assert "Không tìm thấy tệp" in err
    assert "NFD" in out
    assert Article.objects.filter(content_hash__gt="").count() == 1


def test_publish_option(demo):
    run(SEED_003, publish=True)
    assert Article.objects.get(content_hash__gt="").status == Document.Status.PUBLISHED


@pytest.mark.django_db(transaction=True)
def test_many_files_in_worker_processes(tmp_path):
    """A large batch is imported by worker processes: every file once, reported in order."""
    from archive.ingest.store import _next_document_id
    from archive.management.commands.bootstrap import FIXTURES
    from bench.ingest import write_texts

    call_command("loaddata", FIXTURES / "reference.json", FIXTURES / "demo.json", verbosity=0)
    # The parent holds spare document ids when the workers fork: they must not reuse them.
    _next_document_id()
    paths = write_texts(tmp_path, 60)
    paths.append(paths[0])  # the same text twice in one batch
    out, err = run(*paths, jobs=2, no_progress=True, dry_run=False)
    assert "Tổng kết: 60 đã nhập, 0 phân tích thử, 1 trùng, 0 lỗi." in out
    reported = [
        line.split(": ")[0].split()[-1]
        for line in out.splitlines()
        if line[:5] in ("NHẬP ", "TRÙNG")
    ]
    assert reported == [str(path) for path in paths]
    assert Document.objects.exclude(content_hash="").count() == 60
