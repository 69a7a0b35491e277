"""Document numbers per Nghị định 30/2020/NĐ-CP: parsing, canonical spelling, normalisation."""

import pytest

from archive.numbers import DocumentNumber, DocumentNumberError, normalize_number, parse_number


@pytest.mark.parametrize(
    ("raw", "text", "form", "type_abbreviation", "issuer", "year"),
    [
        ("1614/KH-UBND", "1614/KH-UBND", DocumentNumber.ADMINISTRATIVE, "KH", "UBND", None),
        ("402/QĐ-TTg", "402/QĐ-TTg", DocumentNumber.ADMINISTRATIVE, "QĐ", "TTg", None),
        ("30/2020/NĐ-CP", "30/2020/NĐ-CP", DocumentNumber.LEGAL, "NĐ", "CP", 2020),
        (
            "09/2016/TTLT-BLĐTBXH-BTC",
            "09/2016/TTLT-BLĐTBXH-BTC",
            DocumentNumber.LEGAL,
            "TTLT",
            "BLĐTBXH-BTC",
            2016,
        ),
        ("202/2025/QH15", "202/2025/QH15", DocumentNumber.LAW, "", "QH15", 2025),
        ("1378/BNG-LS", "1378/BNG-LS", DocumentNumber.OFFICIAL_LETTER, "", "BNG-LS", None),
        ("126/SKHĐT", "126/SKHĐT", DocumentNumber.OFFICIAL_LETTER, "", "SKHĐT", None),
        ("60-NQ/TW", "60-NQ/TW", DocumentNumber.PARTY, "NQ", "TW", None),
        (
            "19/KH-BCĐ138/CP",
            "19/KH-BCĐ138/CP",
            DocumentNumber.ADMINISTRATIVE,
            "KH",
            "BCĐ138/CP",
            None,
        ),
        (
            "5165/TTr-BNG-LS",
            "5165/TTr-BNG-LS",
            DocumentNumber.ADMINISTRATIVE,
            "TTr",
            "BNG-LS",
            None,
        ),
    ],
)
def test_valid_numbers_parse_into_their_parts(raw, text, form, type_abbreviation, issuer, year):
    number = parse_number(raw)
    assert (str(number), number.form, number.type_abbreviation, number.issuer, number.year) == (
        text,
        form,
        type_abbreviation,
        issuer,
        year,
    )


@pytest.mark.parametrize(
    "raw",
    [
        "402/QĐ-TTg",
        "402/QD-TTg",
        "402/qđ-ttg",
        "402/qd-ttg",
        " 402 / QĐ - TTg ",
        "Số: 402/QĐ-TTg",
        "４０２／ＱĐ－ＴＴｇ",  # full width, as some input methods type it
    ],
)
def test_every_spelling_of_a_number_is_one_number(raw):
    number = parse_number(raw)
    assert str(number) == "402/QĐ-TTg"
    assert number.normalized == "402/qd-ttg"


@pytest.mark.parametrize(
    ("raw", "canonical"),
    [
        ("5/KH-UBND", "05/KH-UBND"),
        ("05/KH-UBND", "05/KH-UBND"),
        ("005/KH-UBND", "05/KH-UBND"),
        ("016/2020/NĐ-CP", "16/2020/NĐ-CP"),
        ("7-NQ/TW", "07-NQ/TW"),
        ("8/BNG-LS", "08/BNG-LS"),
        ("100/QĐ-TTg", "100/QĐ-TTg"),
    ],
)
def test_an_ordinal_is_written_as_decree_30_writes_it(raw, canonical):
    """Below 10 with a leading zero ("Số: 05/..."), no other zero before it: "5/KH-UBND",
    "05/KH-UBND" and "005/KH-UBND" are one number, and "016" is 16."""
    number = parse_number(raw)
    assert str(number) == canonical
    assert number.normalized == normalize_number(canonical)


def test_ascii_spellings_get_their_canonical_mixed_case_back():
    assert str(parse_number("5165/ttr-bng-ls")) == "5165/TTr-BNG-LS"
    assert str(parse_number("30/2020/nd-cp")) == "30/2020/NĐ-CP"
    assert str(parse_number("19/SNGV-LS")) == "19/SNgV-LS"


def test_type_is_named_in_full():
    assert parse_number("1614/KH-UBND").type_name == "Kế hoạch"
    assert parse_number("402/QD-TTg").type_name == "Quyết định"
    assert parse_number("1378/BNG-LS").type_name == ""


def test_decomposed_unicode_is_the_same_number():
    import unicodedata

    decomposed = unicodedata.normalize("NFD", "402/QĐ-TTg")
    assert parse_number(decomposed).normalized == "402/qd-ttg"


def test_normalize_number_folds_case_diacritics_and_spaces():
    assert normalize_number("1614 / KH-UBND") == "1614/kh-ubnd"


@pytest.mark.parametrize(
    ("raw", "message_part"),
    [
        ("", "để trống"),
        ("abc", "dấu «/»"),
        ("402", "dấu «/»"),
        ("402/", "dấu «/»"),
        ("/QĐ-TTg", "dấu «/»"),
        ("402/QĐ--TTg", "gạch nối"),
        ("402/QĐ", "thiếu tên viết tắt của cơ quan ban hành"),
        ("402 QĐ TTg", "khoảng trắng"),
        ("30/1800/NĐ-CP", "năm ban hành 1800"),
        ("30/2020/NĐ", "thiếu phần ký hiệu"),
        ("٤٠٢/QĐ-TTg", "dấu «/»"),  # another script's digits are not a number's
    ],
)
def test_malformed_numbers_are_refused_with_a_vietnamese_message(raw, message_part):
    with pytest.raises(DocumentNumberError, match=message_part):
        parse_number(raw)
