"""Self-check of the benchmark's comparison engines on 30 hand-written Vietnamese documents.

Run from /work/main:  .venv/bin/python -m bench.engines.check_engines

Both engines are built on the same documents and asked the same queries. Counts, facets and the
set of matching ids are compared with a plain Python reference (and so with each other); ranking,
numbers, folding and snippets are checked on cases where the answer is not a matter of ties.
"""

import re
import tempfile
import time
from collections import Counter

from archive.numbers import parse_number
from archive.text import fold
from bench.engines import sqlite_engine
from bench.engines.sqlite_engine import SqliteEngine
from bench.engines.tantivy_engine import FACETS, TantivyEngine, facet_values, fold_text, parse

ALL = 100  # a limit above the number of documents: "top" is then every match


def doc(
    id,
    kind,
    title,
    summary="",
    body="",
    number="",
    year=None,
    provinces=(),
    agencies=(),
    objectives=(),
    doc_type="",
):
    """Return a document dict as the benchmark streams them."""
    return {
        "id": id,
        "kind": kind,
        "title": title,
        "number": number,
        "number_normalized": parse_number(number).normalized if number else "",
        "summary": summary,
        "body": body,
        "year": year,
        "provinces": list(provinces),
        "agencies": list(agencies),
        "objectives": list(objectives),
        "doc_type": doc_type,
    }


# fmt: off
DOCUMENTS = [
    doc(1, "plan", "Quyết định phê duyệt Kế hoạch thực hiện Hiệp ước toàn cầu về di cư",
        "Thủ tướng Chính phủ phê duyệt kế hoạch thực hiện GCM.",
        "Kế hoạch thực hiện Hiệp ước toàn cầu về di cư an toàn, trật tự và hợp pháp (GCM).",
        number="402/QĐ-TTg", year=2020, agencies=["thu-tuong"], objectives=["1", "23"],
        doc_type="quyet-dinh"),
    doc(2, "plan", "Kế hoạch triển khai GCM trên địa bàn tỉnh Hậu Giang",
        "UBND tỉnh Hậu Giang triển khai Quyết định 402/QĐ-TTg.",
        "Căn cứ Quyết định số 402/QĐ-TTg, UBND tỉnh ban hành kế hoạch về di cư hợp pháp.",
        number="1614/KH-UBND", year=2020, provinces=["hau-giang"], agencies=["ubnd-hau-giang"],
        objectives=["1", "10"], doc_type="ke-hoach"),
    doc(3, "plan", "Nghị định quy định về người lao động Việt Nam đi làm việc ở nước ngoài",
        "Quy định chi tiết Luật Người lao động Việt Nam đi làm việc ở nước ngoài theo hợp đồng.",
        "Nghị định này quy định chi tiết về hợp đồng, bảo vệ quyền lợi người lao động di cư.",
        number="112/2021/NĐ-CP", year=2021, agencies=["chinh-phu"], objectives=["6"],
        doc_type="nghi-dinh"),
    doc(4, "plan", "Kế hoạch phòng, chống mua bán người tỉnh Nghệ An",
        "Kế hoạch năm 2022 về phòng, chống mua bán người.",
        "Tăng cường tuyên truyền về nguy cơ mua bán người và di cư trái phép tại Nghệ An.",
        number="87/KH-UBND", year=2022, provinces=["nghe-an"], agencies=["ubnd-nghe-an"],
        objectives=["10"], doc_type="ke-hoach"),
    doc(5, "plan", "Công văn về bảo hộ công dân",
        "Bộ Ngoại giao hướng dẫn bảo hộ công dân Việt Nam ở nước ngoài.",
        "Đề nghị các cơ quan phối hợp bảo hộ công dân và hỗ trợ hồi hương.",
        number="1378/BNG-LS", year=2019, agencies=["bo-ngoai-giao"], objectives=["14"],
        doc_type="cong-van"),
    doc(6, "plan", "Thông tư liên tịch hướng dẫn hỗ trợ nạn nhân",
        "Hướng dẫn hỗ trợ nạn nhân bị mua bán trở về.",
        "Thông tư liên tịch hướng dẫn việc tiếp nhận, hỗ trợ nạn nhân và tái hòa nhập cộng đồng.",
        number="09/2016/TTLT-BLĐTBXH-BTC", year=2016, agencies=["bo-lao-dong", "bo-tai-chinh"],
        objectives=["10", "21"], doc_type="thong-tu"),
    doc(7, "plan", "Kế hoạch tiếp nhận công dân hồi hương tại Hà Tĩnh",
        "Tổ chức tiếp nhận công dân trở về.",
        "UBND tỉnh Hà Tĩnh chuẩn bị nơi cách ly và tiếp nhận công dân.",
        number="164/KH-UBND", year=2021, provinces=["ha-tinh"], agencies=["ubnd-ha-tinh"],
        objectives=["21"], doc_type="ke-hoach"),
    doc(8, "plan", "Nghị quyết về công tác đối với người Việt Nam ở nước ngoài",
        "Nghị quyết của Bộ Chính trị.", "",
        number="36-NQ/TW", year=2004, agencies=["bo-chinh-tri"], objectives=["19"],
        doc_type="nghi-quyet"),
    doc(9, "conference", "Hội thảo quốc gia về di cư an toàn",
        "Hội thảo tổng kết năm năm thực hiện GCM tại Hà Nội.",
        "Các đại biểu thảo luận về di cư an toàn, trật tự và hợp pháp cùng IOM.",
        year=2023, provinces=["ha-noi"], agencies=["iom", "bo-ngoai-giao"], objectives=["1", "23"]),
    doc(10, "conference", "Diễn đàn Rà soát Di cư Quốc tế",
        "Việt Nam tham dự diễn đàn tại New York.",
        "Báo cáo quốc gia về thực hiện Hiệp ước toàn cầu về di cư được trình bày.",
        year=2022, agencies=["bo-ngoai-giao"], objectives=["23"]),
    doc(11, "conference", "Hội nghị Thoả thuận hợp tác lao động",
        "Ký kết Thoả thuận về lao động thời vụ.",
        "Hai bên ký Thoả thuận về tuyển chọn người lao động thời vụ.",
        year=2023, provinces=["nghe-an", "thanh-hoa"], agencies=["bo-lao-dong"], objectives=["6"]),
    doc(12, "conference", "Tọa đàm về lao động di cư nữ",
        "Thảo luận về quyền của phụ nữ di cư.",
        "Lao động nữ di cư cần được bảo vệ trước bạo lực và lừa đảo.",
        year=2021, provinces=["ha-noi"], agencies=["un-women"], objectives=["6", "7"]),
    doc(13, "conference", "Hội thảo khu vực Đà Nẵng về quản lý biên giới",
        "Quản lý biên giới và di cư tại miền Trung.",
        "Đại biểu từ Đà Nẵng, Quảng Nam trao đổi kinh nghiệm quản lý biên giới.",
        year=2019, provinces=["da-nang"], agencies=["bo-cong-an"], objectives=["11"]),
    doc(14, "conference", "Hội nghị về dữ liệu di cư",
        "Xây dựng cơ sở dữ liệu về di cư.",
        "Thống kê di cư cần dữ liệu chính xác, cập nhật và được chia sẻ.",
        year=2024, agencies=["tong-cuc-thong-ke"], objectives=["1"]),
    doc(15, "article", "Hậu Giang ban hành kế hoạch thực hiện GCM",
        "Tỉnh Hậu Giang ban hành Kế hoạch 1614/KH-UBND.",
        "Kế hoạch 1614/KH-UBND giao các sở phối hợp thực hiện di cư hợp pháp.",
        year=2020, provinces=["hau-giang"], agencies=["ubnd-hau-giang"], objectives=["1"]),
    doc(16, "article", "Người lao động di cư trở về quê",
        "Nhiều lao động trở về sau dịch.",
        "Người lao động từ các khu công nghiệp trở về quê; di cư nội địa giảm mạnh.",
        year=2021, provinces=["ho-chi-minh", "nghe-an"], objectives=["6"]),
    doc(17, "article", "Thỏa thuận mới về lao động thời vụ",
        "Thỏa thuận được ký kết với đối tác.",
        "Thỏa thuận mở ra cơ hội cho lao động Việt Nam làm việc thời vụ.",
        year=2023, agencies=["bo-lao-dong"], objectives=["6"]),
    doc(18, "article", "Cảnh báo di cư trái phép qua biên giới",
        "Công an cảnh báo đường dây đưa người di cư trái phép.",
        "Nhiều người bị lừa đi theo đường dây di cư trái phép, mất tiền và bị bỏ rơi.",
        year=2022, provinces=["ha-tinh", "nghe-an"], agencies=["bo-cong-an"],
        objectives=["9", "10"]),
    doc(19, "article", "HỒI HƯƠNG AN TOÀN CHO CÔNG DÂN",
        "Chuyến bay đưa công dân về nước.",
        "Chuyến bay thứ mười đưa công dân về nước an toàn.",
        year=2020, agencies=["bo-ngoai-giao"], objectives=["21"]),
    doc(20, "article", "Nhà cũ của người di cư",
        "Câu chuyện về ngôi nhà cũ.",
        "Ngôi nhà cũ ở quê vẫn chờ người con đi xa trở về.",
        year=2018, provinces=["thanh-hoa"]),
    doc(21, "article", "Đồng bằng sông Cửu Long và di cư do biến đổi khí hậu",
        "Biến đổi khí hậu thúc đẩy di cư.",
        "Người dân đồng bằng di cư lên thành phố vì hạn mặn.",
        year=2023, provinces=["can-tho", "hau-giang"], objectives=["2"]),
    doc(22, "article", "Hỗ trợ nạn nhân mua bán người tái hòa nhập",
        "Các mô hình hỗ trợ nạn nhân.",
        "Nạn nhân được hỗ trợ học nghề, vay vốn và tái hoà nhập cộng đồng.",
        year=2021, provinces=["nghe-an"], agencies=["bo-lao-dong"], objectives=["10"]),
    doc(23, "article", "Kiều hối tăng mạnh",
        "Kiều hối về Thành phố Hồ Chí Minh tăng.",
        "Kiều hối góp phần phát triển kinh tế; chi phí chuyển tiền cần giảm.",
        year=2024, provinces=["ho-chi-minh"], objectives=["20"]),
    doc(24, "article", "Du học sinh và di cư hợp pháp",
        "Du học là một con đường di cư hợp pháp.",
        "Sinh viên cần tìm hiểu kỹ quy định về thị thực và lao động khi du học.",
        year=2022, objectives=["5"]),
    doc(25, "article", "Tin vắn",
        "Lao động đi làm việc ở nước ngoài tăng; di cư vẫn là chủ đề lớn.",
        "",
        year=None),
    doc(26, "article", "Hội thảo về di cư lao động tại Đà Nẵng",
        "Hội thảo bàn về di cư lao động khu vực miền Trung.",
        "Tại Đà Nẵng, các chuyên gia bàn về di cư và lao động, không chỉ lao động di cư nữ.",
        year=2024, provinces=["da-nang"], agencies=["iom"], objectives=["6"]),
    doc(27, "article", "Bảo hộ công dân ở Trung Đông",
        "Đại sứ quán hỗ trợ công dân.",
        "Công dân gặp khó khăn được đại sứ quán hỗ trợ về nước; đây là công tác bảo hộ.",
        year=2019, agencies=["bo-ngoai-giao"], objectives=["14"]),
    doc(28, "article", "Phụ nữ di cư và bạo lực giới",
        "Nghiên cứu về phụ nữ di cư.",
        "Phụ nữ di cư dễ bị tổn thương; cần dịch vụ hỗ trợ pháp lý.",
        year=2020, provinces=["ha-noi"], agencies=["un-women"], objectives=["7"]),
    doc(29, "article", "Thị trường lao động Hàn Quốc",
        "Chương trình EPS tuyển lao động.",
        "Người lao động đi Hàn Quốc theo chương trình EPS cần học tiếng Hàn.",
        year=2023, provinces=["thanh-hoa", "nghe-an"], agencies=["bo-lao-dong"], objectives=["6"]),
    doc(30, "article", "Một ngày ở trung tâm hỗ trợ",
        "Ghi chép tại trung tâm.",
        "Trung tâm đón nhiều người; người phụ trách kể về những lần hồi hương của nạn nhân.",
        year=2024, provinces=["ha-tinh"], objectives=["21"]),
]
# fmt: on

QUERIES = [
    "",
    "di cư",
    "di cu",
    "DI CƯ",
    "lao động di cư",
    '"lao động di cư"',
    "Thoả thuận",
    "Thỏa thuận",
    "thoa thuan",
    "Đà Nẵng",
    "da nang",
    "đồng",
    "dong",
    "hồi hương",
    "cũ",
    "402/QĐ-TTg",
    "402/qd-ttg",
    "1614/KH-UBND",
    "1614 KH-UBND",
    "QĐ 402",
    "Quyết định 402",
    "1614",
    "402/QĐ-TTg di cư",
    'di cư -"trái phép"',
    "hồi hương OR kiều hối",
    "-di",
    "nạn nhân hỗ trợ",
    "gcm",
    "xyzzy",
    "!!!",
    "112/2021/NĐ-CP",
    "36-NQ/TW",
]

FILTERS = [
    {},
    {"kind": ["plan"]},
    {"kind": ["plan", "article"], "province": ["nghe-an", "hau-giang"]},
    {"year": ["2020", "2021"], "objective": ["1", "6"]},
    {"agency": ["bo-lao-dong"], "doc_type": []},
    {"province": ["ha-noi"], "agency": ["iom", "un-women"], "year": ["2023"]},
    {"doc_type": ["ke-hoach"], "kind": ["plan"]},
]


# The reference: the same semantics in plain Python, over all 30 documents.


def _tokens(text):
    return re.findall(r"[^\W_]+", fold(text))


def _operand_matches(document, operand):
    kind, text = operand
    if kind == "number":
        return document["number_normalized"] == text
    words = _tokens(text)
    fields = [
        document["title"],
        document["number_normalized"],
        document["summary"],
        document["body"],
    ]
    for field in map(_tokens, fields):
        if any(field[i : i + len(words)] == words for i in range(len(field) - len(words) + 1)):
            return True
    return False


def _number_matches(document, plan):
    number = document["number_normalized"]
    if not number:
        return False
    return (
        number in plan.numbers
        or any(re.search(rf"^0*{o}/(\d{{4}}/)?{a}-", number) for a, o in plan.typed_ordinals)
        or any(re.search(rf"^0*{o}[/-]", number) for o in plan.ordinals)
    )


def reference_matches(document, q):
    """Return whether a document matches q, as the project's search would."""
    plan = parse(q)
    if plan.empty:
        return True
    groups = [[op for op in group if _tokens(op[1]) or op[0] == "number"] for group in plan.groups]
    groups = [group for group in groups if group]
    excluded = [op for op in plan.excluded if _tokens(op[1]) or op[0] == "number"]
    text = bool(groups or excluded) and (
        all(any(_operand_matches(document, op) for op in group) for group in groups)
        and not any(_operand_matches(document, op) for op in excluded)
    )
    return text or _number_matches(document, plan)


def _passes(document, filters, without=None):
    values = facet_values(document)
    return all(
        set(values[key]) & set(chosen)
        for key, chosen in filters.items()
        if chosen and key != without
    )


def reference(q, filters):
    """Return (ids, facets) the engines must give for q and the filters."""
    matching = [d for d in DOCUMENTS if reference_matches(d, q)]
    ids = {d["id"] for d in matching if _passes(d, filters)}
    facets = {}
    for name in FACETS:
        counter = Counter(
            value
            for d in matching
            if _passes(d, filters, without=name)
            for value in facet_values(d)[name]
        )
        facets[name] = dict(counter)
    return ids, facets


# The checks


def check_fold_text():
    """The engines' memoised fold gives exactly what archive.text.fold() gives."""
    samples = [d[field] for d in DOCUMENTS for field in ("title", "summary", "body")]
    samples += ["  Hoà  Bình\n", "e\u0301 đ\u0300", "\u1100 \u1161\u1100\u1161", "Straße İ"]
    for text in samples:
        assert fold_text(text) == fold(text) == sqlite_engine.fold_text(text), repr(text)


def check_against_reference(engines):
    """Every query × filter set: exact count, matching ids and facets, same in both engines."""
    checked = 0
    for q in QUERIES:
        for filters in FILTERS:
            ids, facets = reference(q, filters)
            for engine in engines:
                result = engine.search(q, filters, limit=ALL)
                where = f"{engine.name}: q={q!r} filters={filters}"
                assert result["count"] == len(ids), (
                    f"{where}: count {result['count']} != {len(ids)}"
                )
                assert set(result["top"]) == ids, (
                    f"{where}: ids {sorted(result['top'])} != {sorted(ids)}"
                )
                assert len(result["top"]) == len(set(result["top"])), f"{where}: repeated ids"
                assert result["facets"] == facets, f"{where}: facets {result['facets']} != {facets}"
                assert len(result["snippets"]) == len(result["top"]), f"{where}: snippets"
                checked += 1
    return checked


def ids(engine, q, filters=None, limit=ALL):
    return engine.search(q, filters or {}, limit=limit)["top"]


def check_folding(engine):
    """Case, diacritics, tone placement and đ fold away."""
    same = [
        ("di cư", "di cu", "DI CƯ", "Di Cu"),
        ("Thoả thuận", "Thỏa thuận", "thoa thuan", "THOẢ THUẬN"),
        ("Đà Nẵng", "da nang", "ĐÀ NẴNG"),
        ("đồng", "dong", "ĐỒNG"),
    ]
    for spellings in same:
        first = set(ids(engine, spellings[0]))
        assert first, f"{engine.name}: {spellings[0]!r} finds nothing"
        for spelling in spellings[1:]:
            assert set(ids(engine, spelling)) == first, (
                f"{engine.name}: {spelling!r} != {spellings[0]!r}"
            )
    assert {11, 17} <= set(ids(engine, "thoa thuan")), f"{engine.name}: Thoả/Thỏa"
    assert 21 in ids(engine, "dong bang"), f"{engine.name}: Đồng bằng from dong bang"


def check_numbers(engine):
    """A number in any spelling puts its plan first; with other words too."""
    firsts = {
        "402/QĐ-TTg": 1,
        "402/qd-ttg": 1,
        "402/QD-TTG": 1,
        "QĐ 402": 1,
        "Quyết định 402": 1,
        "1614/KH-UBND": 2,
        "1614/kh-ubnd": 2,
        "1614 KH-UBND": 2,
        "1614": 2,
        "KH 1614": 2,
        "402/QĐ-TTg di cư": 1,
        "112/2021/NĐ-CP": 3,
        "36-NQ/TW": 8,
        "09/2016/TTLT-BLĐTBXH-BTC": 6,
        "1614/KH-UBND xyzzy": 2,  # the number alone matches, as in the project
    }
    for q, expected in firsts.items():
        top = ids(engine, q, limit=3)
        assert top and top[0] == expected, f"{engine.name}: {q!r} gives {top}, not {expected} first"
    assert ids(engine, "bng") == [5], f"{engine.name}: number parts are indexed"


def check_phrases_and_operators(engine):
    """Quoted phrases keep word order and adjacency; -word excludes; OR widens."""
    loose, phrase = set(ids(engine, "lao động di cư")), set(ids(engine, '"lao động di cư"'))
    assert {12, 16, 26, 3} <= phrase and {24, 25} <= loose - phrase, f"{engine.name}: phrase"
    assert 18 not in ids(engine, 'di cư -"trái phép"') and 18 in ids(engine, "di cư"), engine.name
    either = set(ids(engine, "hồi hương OR kiều hối"))
    assert either == set(ids(engine, "hồi hương")) | set(ids(engine, "kiều hối")), engine.name
    assert ids(engine, "xyzzy") == [] and ids(engine, "!!!") == [], engine.name


def check_ranking(engine):
    """The title weighs most: a title match outranks a match in the body only."""
    top = ids(engine, "hồi hương", limit=5)
    assert top[0] in {7, 19} and set(top[:2]) == {7, 19}, f"{engine.name}: hồi hương gives {top}"
    assert 30 in top, engine.name
    assert ids(engine, "kiều hối", limit=1) == [23], engine.name


def check_empty_query_and_filters(engine):
    """An empty query lists everything, newest id first; filters and own-facet counting."""
    result = engine.search("", {}, limit=5)
    assert result["count"] == 30 and result["top"] == [30, 29, 28, 27, 26], engine.name
    result = engine.search("", {"kind": ["plan"]}, limit=ALL)
    assert result["count"] == 8, engine.name
    assert result["facets"]["kind"] == {"plan": 8, "conference": 6, "article": 16}, engine.name
    assert result["facets"]["year"]["2020"] == 2 and "2023" not in result["facets"]["year"], (
        engine.name
    )
    result = engine.search("di cu", {"province": ["nghe-an"], "kind": ["article"]}, limit=ALL)
    assert set(result["top"]) == {16, 18}, f"{engine.name}: {result['top']}"
    assert result["facets"]["province"]["nghe-an"] == 2, engine.name
    assert result["facets"]["kind"] == {"plan": 1, "article": 2}, engine.name
    assert all(n > 0 for facet in result["facets"].values() for n in facet.values()), engine.name


def check_snippets(engine):
    """Snippets show the original accented words, the matched ones in <mark>."""
    result = engine.search("di cu hop phap", {}, limit=ALL)
    marked = [re.findall(r"<mark>(.*?)</mark>", snippet) for snippet in result["snippets"]]
    assert any(marked), f"{engine.name}: no marks in {result['snippets']}"
    words = {"di", "cu", "hop", "phap"}
    for snippet, marks in zip(result["snippets"], marked, strict=True):
        assert all(fold(mark) in words or set(_tokens(mark)) <= words for mark in marks), snippet
    assert "<mark>cư</mark>" in " ".join(result["snippets"]), (
        f"{engine.name}: not the original text"
    )
    snippet = engine.search("Tin vắn", {}, limit=1)["snippets"][0]  # body empty: the summary
    assert snippet.startswith("Lao động"), f"{engine.name}: {snippet!r}"
    assert engine.search("", {}, limit=1)["snippets"][0].startswith("Trung tâm"), engine.name


def check_reopen(engine_class, directory):
    """An index built at a path can be closed, reopened and searched without building again."""
    path = f"{directory}/{engine_class.name}"
    engine = engine_class(path)
    engine.build(iter(DOCUMENTS))
    expected = engine.search("di cư", {"kind": ["article"]})
    engine.close()
    engine = engine_class(path)
    again = engine.search("di cư", {"kind": ["article"]})
    engine.close()
    assert again["count"] == expected["count"] and again["facets"] == expected["facets"]


def main():
    check_fold_text()
    engines = []
    for engine_class in (TantivyEngine, SqliteEngine):
        engine = engine_class()
        started = time.perf_counter()
        engine.build(document for document in DOCUMENTS)  # a generator, as the benchmark streams
        print(f"{engine.name}: built in {time.perf_counter() - started:.2f} s")
        engines.append(engine)
    try:
        print(f"reference: {check_against_reference(engines)} searches agree")
        for engine in engines:
            for check in (
                check_folding,
                check_numbers,
                check_phrases_and_operators,
                check_ranking,
                check_empty_query_and_filters,
                check_snippets,
            ):
                check(engine)
                print(f"{engine.name}: {check.__name__} ok")
        with tempfile.TemporaryDirectory() as directory:
            for engine_class in (TantivyEngine, SqliteEngine):
                check_reopen(engine_class, directory)
                print(f"{engine_class.name}: check_reopen ok")
        for q in ("di cu hop phap", "Thoả thuận", "402/QĐ-TTg"):
            for engine in engines:
                result = engine.search(q, {}, limit=1)
                print(f"{engine.name:12} {q!r:20} -> {result['top']} {result['snippets'][:1]}")
    finally:
        for engine in engines:
            engine.close()
    print("all checks passed")


if __name__ == "__main__":
    main()
