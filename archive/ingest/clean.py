"""Title, byline, body and plan header of a page's text, with the site's noise removed.

Rules drawn from the seed pages (baoquocte.vn and a provincial portal): what the site adds
around an article is dropped (follow buttons, view counters, image file names, related-headline
teasers, "Bài viết cùng chủ đề"/"Đọc thêm" lists, "Phiên bản di động", reader comments), and of
what repeats (the headline reused as an image title, a caption twice, a caption quoting a
sentence of the article) only the first copy is kept. Every other line of the article stays.
"""

import functools
import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

from ..models import Document
from ..numbers import DocumentNumberError, parse_number
from ..text import alternation, squash_spaces
from .spelling import canonical_tones, fold_in_place

# Everything from one of these lines (or, glued inside a line, from the phrase) on is the site's.
_END_MARKERS = re.compile(
    r"Bài viết cùng chủ đề|Các ý kiến của bạn đọc|Ý kiến bạn đọc|Phiên bản di động"
    r"|Không có quảng cáo|Tin cùng chuyên mục|^(?:Đọc thêm|Tin liên quan|Xem thêm)\s*:?\s*$",
    re.IGNORECASE,
)
_FOLLOW = re.compile(r"^Theo dõi\s+\S+\s+trên\b.*$", re.IGNORECASE)
_IMAGE_FILE = re.compile(r"^\S+\.(?:png|jpe?g|gif|webp|bmp)$", re.IGNORECASE)
_UPDATED = re.compile(
    r"\[\s*Cập nhật (?:vào )?ngày\s*\(?\s*(\d{1,2}/\d{1,2}/\d{4})[^\]]*\]", re.IGNORECASE
)
# A news site's dateline on a line of its own: "Cập nhật: 10:25 ngày 25/09/2020", "Thứ Sáu,
# 20/08/2021", "20/08/2021 10:25 (GMT+7)". It dated the page, then stayed as its summary.
_WEEKDAY = r"(?:Thứ\s+(?:Hai|Ba|Tư|Năm|Sáu|Bảy|[2-7])|Chủ\s+nhật|CN)"
_TIME = r"(?:lúc\s+)?\d{1,2}[:h]\d{2}(?::\d{2})?(?:\s*(?:AM|PM|SA|CH))?"
_DATELINE = re.compile(
    r"^(?:(?:Cập nhật|Ngày cập nhật|Ngày đăng|Đăng ngày|Đăng lúc|Thời gian đăng|Xuất bản)"
    rf"(?:\s+lúc)?\s*:?\s*)?(?:{_WEEKDAY}\s*,?\s*)?(?:{_TIME}\s*[-|,]?\s*(?:ngày\s+)?)?"
    rf"(\d{{1,2}}/\d{{1,2}}/\d{{4}})(?:\s*[-|,]?\s*{_TIME})?(?:\s*\(?GMT\s*\+\s*7\)?)?$",
    re.IGNORECASE,
)
# Where a page's dateline stands: among its menus, headline and lead. Further down a date on a
# line of its own is the text's (a plan's table: a deadline).
DATELINE_LINES = 6
BARE_DATELINE_LINES = 4  # a menu's two lines, the headline
_VIEWS = re.compile(r"\[?\s*(?:Số lần xem|Lượt xem|Số lượt xem)\s*:\s*[\d.,]+\s*\]?", re.IGNORECASE)
SOURCE_URL_MAX = Document._meta.get_field("source_url").max_length
_URL_LINE = re.compile(r"^(?:Nguồn|Source|URL)?\s*:?\s*(https?://\S+)$", re.IGNORECASE)
# A page's menus above its headline: a breadcrumb ("Trang chủ > Tin tức > Thời sự"), the links
# to sign in ("Đăng nhập | Đăng ký"). Short pieces between separators; taken only before the
# title, where a plan's table copied as text ("STT | Nội dung") never stands.
# One to three words a piece: "Di cư lao động: Cơ hội | Thách thức" is a headline.
_PIECE = r"[^\s>»›|]+(?:\s[^\s>»›|]+){0,2}"
_CHROME = re.compile(rf"^{_PIECE}(?:\s[>»›|]\s{_PIECE})+$")
# A share bar: "Chia sẻ Facebook Zalo", "Chia sẻ:".
_SHARE = re.compile(  # one separator class between the names: no backtracking to speak of
    r"^(?:Chia sẻ|Share)\s*:?(?:[\s,|]+(?:Facebook|Zalo|Twitter|X|Email|E-mail|LinkedIn"
    r"|Messenger|Telegram|In bài|Sao chép liên kết|Copy link)\b)*[\s,|]*$",
    re.IGNORECASE,
)
_LIST_ITEM = re.compile(r"^\s*[-–•]\s+(?=\w)")
_SPACES = re.compile(r"[^\S\n]+")
_SENTENCE_END = re.compile(r"[.!?…:;”\"')\]]$")
_TEASER_END = re.compile(r"\s(?:\.\.\.|…)$")
# A name glued after the last sentence ("…trẻ em.Thanh Tâm"): the provincial portal's byline.
_GLUED_AUTHOR = re.compile(r"^(.*[.!?…”\"])\s*([^\W\d_]+(?: [^\W\d_]+){1,3})$", re.DOTALL)

# The state header of an administrative document (Nghị định 30/2020/NĐ-CP, Phụ lục I).
# "Số: 77/KH-UBND"; also "Số: 77 /KH-UBND", the number typed into the blank before its symbol.
_NUMBER_LINE = re.compile(r"^Số\s*:\s*([^\s/\-–]+(?:\s*[/\-–]\s*[^\s/\-–]+)*)", re.IGNORECASE)
_SPACED_SEPARATOR = re.compile(r"\s*([/\-–])\s*")
_MOTTO = re.compile(
    r"^(?:CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM|CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    r"|Độc lập\s*-\s*Tự do\s*-\s*Hạnh phúc|ĐẢNG CỘNG SẢN VIỆT NAM)\b",
    re.IGNORECASE,
)
_RULE = re.compile(r"^[-_=*o0\s]{3,}$")
# "Hậu Giang, ngày 30 tháng 7 năm 2020"; a month alone too ("Sơn La, tháng 10 năm 2021").
_PLACE_DATE = re.compile(
    r"^(.{2,40}?),\s*(?:ngày\s+\d{1,2}\s+)?tháng\s+\d{1,2}\s+năm\s+\d{4}", re.IGNORECASE
)
PLAN_TYPES = {
    "KẾ HOẠCH": "Kế hoạch",
    "QUYẾT ĐỊNH": "Quyết định",
    "NGHỊ QUYẾT": "Nghị quyết",
    "NGHỊ ĐỊNH": "Nghị định",
    "CHỈ THỊ": "Chỉ thị",
    "THÔNG TƯ": "Thông tư",
    "CHƯƠNG TRÌNH": "Chương trình",
    "KẾT LUẬN": "Kết luận",
    "HƯỚNG DẪN": "Hướng dẫn",
    "THÔNG BÁO": "Thông báo",
    "CÔNG VĂN": "Công văn",
}
CATEGORY_MAX_WORDS = 4
# The subject under the type ends at a blank or ruled line; a text copied from a PDF has none,
# so also where the text opens after its first line (its grounds, a part's heading, a numbered
# item; a subject may itself start "Thực hiện...") and after a few lines: without these the
# whole text became the title, and the body was lost.
_TEXT_OPENS = re.compile(
    r"^(?:Căn cứ|CĂN CỨ|Xét|Thực hiện|Theo đề nghị|Điều\s+\d|(?:Chương|Phần)\s+[IVX\d]"
    r"|[IVX]+\s*[.)–-]\s|\d+\s*[.)]\s)"
)
SUBJECT_MAX_LINES = 4


@dataclass
class PlanHeader:
    number_text: str = ""
    issuer_lines: list = field(default_factory=list)
    place_date_line: str = ""
    type_name: str = ""
    subject: str = ""


@dataclass
class Page:
    title: str = ""
    body: list = field(default_factory=list)
    author: str = ""
    signer: str = ""  # the name under a signature block («KT. CHỦ TỊCH» … «Nguyễn Văn A»)
    published: str = ""  # dd/mm/yyyy as the site wrote it
    source_url: str = ""
    header: PlanHeader | None = None
    dropped: list = field(default_factory=list)
    title_in_capitals: bool = False  # its subject was set in capitals: the names were lowered

    @property
    def body_text(self):
        return "\n\n".join(self.body)


def _is_headline(line):
    """Return whether a line reads as a heading: no sentence-ending punctuation."""
    return bool(line) and not _SENTENCE_END.search(line)


def _word_count(line):
    return sum(1 for word in line.split() if any(ch.isalnum() for ch in word))


def _is_name(line):
    words = line.split()
    return (
        2 <= len(words) <= 4
        and all(word[:1].isupper() and word.isalpha() for word in words)
        and not line.isupper()
    )


def _cut_at_end_marker(lines):
    for index, line in enumerate(lines):
        if match := _END_MARKERS.search(line):
            kept = line[: match.start()].strip()
            return [*lines[:index], *([kept] if kept else [])], lines[index:]
    return lines, []


def _is_address(url):
    """Return whether a «Nguồn:» line's address is one a document may keep (URLValidator, as
    its form's): "https://tin_tuc.camau.gov.vn/…" stays a line of the text."""
    try:
        URLValidator()(url)
    except ValidationError:
        return False
    return len(url) <= SOURCE_URL_MAX


def _is_dateline(line, seen, previous, page):
    """Return whether a line is the page's dateline: among its first lines, not a plan's (its
    header dates it), not a value its previous line asks for ("Thời hạn báo cáo:"), and a date
    alone ("20/08/2021", which a table's cell may be too) only right under the headline."""
    if seen >= DATELINE_LINES or page.header or previous.endswith(":"):
        return False
    match = _DATELINE.match(line)
    return bool(match) and (match.group(0) != match.group(1) or seen < BARE_DATELINE_LINES)


def _strip_site_lines(lines, page):
    kept, seen, previous = [], 0, ""  # lines with text so far, the last of them
    for line in lines:
        if "ập nhật" in line and (match := _UPDATED.search(line)):
            page.published = page.published or match.group(1)
            line = _UPDATED.sub("", line)
        if "xem" in line:
            line = squash_spaces(_VIEWS.sub("", line))
        # A list's item keeps its dash ("- Bộ Ngoại giao;" of a plan's «Nơi nhận»); what a site
        # left around a line (" | ", a view counter's " - ") goes.
        item = _LIST_ITEM.match(line)
        line = (line[item.end() :] if item else line).strip(" -|")
        if item and line:
            line = f"- {line}"
        if (match := _URL_LINE.match(line)) and _is_address(match.group(1)):
            page.source_url = page.source_url or match.group(1)
            continue
        if _is_dateline(line, seen, previous, page):
            page.published = page.published or _DATELINE.match(line).group(1)
            page.dropped.append(line)
            continue
        if not line:
            kept.append("")
            continue
        seen, previous = seen + 1, line
        if _FOLLOW.match(line) or _IMAGE_FILE.match(line) or _SHARE.match(line):
            page.dropped.append(line)
            continue
        kept.append(line)
    return kept


def _paragraphs(lines):
    return [line for line in lines if line]


def _take_title(paragraphs, page):
    """Take the title (after the page's menus and a short category line, if any) and a
    byline right after it."""
    while len(paragraphs) > 1 and _CHROME.match(paragraphs[0]):
        page.dropped.append(paragraphs.pop(0))
    if (
        len(paragraphs) > 1
        and _word_count(paragraphs[0]) <= CATEGORY_MAX_WORDS
        and _is_headline(paragraphs[0])
        and _word_count(paragraphs[1]) > CATEGORY_MAX_WORDS + 1
    ):
        page.dropped.append(paragraphs[0])
        paragraphs = paragraphs[1:]
    if not paragraphs:
        return []
    page.title = paragraphs[0]
    rest = paragraphs[1:]
    if rest and _is_name(rest[0]):
        page.author = rest[0]
        rest = rest[1:]
    return rest


def _drop_teasers(paragraphs, page):
    """Drop related-headline teasers: heading line(s) then a paragraph cut off with "..."."""
    kept = []
    for line in paragraphs:
        # A headline may end in "?" or "!", never in a full stop.
        if _TEASER_END.search(line) and kept and not kept[-1].endswith((".", ";", ":", ",")):
            page.dropped.append(line)
            headline = kept.pop()
            page.dropped.append(headline)
            while kept and kept[-1] == headline:
                page.dropped.append(kept.pop())
            continue
        kept.append(line)
    return kept


def _drop_repeats(paragraphs, page):
    """Drop copies of the title, repeated lines, and captions that repeat a title or sentence."""
    title_key = fold_in_place(page.title)
    keys = [fold_in_place(line) for line in paragraphs]
    kept, seen, earlier = [], set(), ""
    for index, line in enumerate(paragraphs):
        key = keys[index]
        following = keys[index + 1] if index + 1 < len(keys) else ""
        if (
            key == title_key
            or key in seen
            # an image's title repeated in the caption below it
            or (_is_headline(line) and len(line.split()) <= 15 and key in following)
            # a caption quoting a sentence the article already has
            or (len(line.split()) >= 8 and key in earlier)
        ):
            page.dropped.append(line)
            continue
        seen.add(key)
        kept.append(line)
        earlier += " " + key
    return kept


# A last line that names the source, not the writer: "Theo Báo Nghệ An", "Nguồn: TTXVN".
_CREDIT = re.compile(r"^(?:Theo|Nguồn|Báo|TTXVN|Ảnh)\b", re.IGNORECASE)
# What stands above a signer's name: "TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ GIÁM ĐỐC".
_SIGNATURE = re.compile(r"^(?:TM|KT|TL|TUQ|Q)\.|^(?:PHÓ )?(?:CHỦ TỊCH|GIÁM ĐỐC|BỘ TRƯỞNG)\b")


def _byline(paragraphs, page):
    """Return whether the last paragraph is the writer's name on its own line ("Thu Hà"): not a
    source credit, nor a signer's name under a signature block (a plan pasted without its
    "Số:" header, whose last name is its signer's)."""
    if len(paragraphs) < 2 or page.author or page.header or not _is_name(paragraphs[-1]):
        return False
    above = paragraphs[-2]
    return not _CREDIT.match(paragraphs[-1]) and not (above.isupper() or _SIGNATURE.match(above))


def _signer(paragraphs):
    """Return the name a text ends with under its signature block («TM. ỦY BAN NHÂN DÂN»,
    «KT. CHỦ TỊCH», «PHÓ CHỦ TỊCH», «Nguyễn Văn Chương»), or ""."""
    if len(paragraphs) < 2 or not _is_name(paragraphs[-1]):
        return ""
    above = paragraphs[-2].splitlines()[-1]  # a block pasted without blank lines is one
    return paragraphs[-1] if above.isupper() or _SIGNATURE.match(above) else ""


def _split_glued_author(paragraphs, page):
    if not paragraphs:
        return paragraphs
    if _byline(paragraphs, page):
        page.author = paragraphs[-1]
        return paragraphs[:-1]
    match = _GLUED_AUTHOR.match(paragraphs[-1])
    if match and _is_name(match.group(2)) and not page.author:
        page.author = match.group(2)
        return [*paragraphs[:-1], match.group(1)]
    return paragraphs


def _header_part(part, header):
    """Read one part of a header line into the header; return False if it is not one."""
    if match := _NUMBER_LINE.match(part):
        header.number_text = header.number_text or _SPACED_SEPARATOR.sub(r"\1", match.group(1))
        part = part[match.end() :].strip()
        if not part:
            return True
    if match := _PLACE_DATE.search(part):
        header.place_date_line = header.place_date_line or match.group()
        part = part[: match.start()].strip()
        if not part:
            return True
    if part.lower().startswith("v/v"):
        header.subject = "về việc " + part[3:].strip(" .:")
        return True
    return False


def _take_header(lines, page):
    """Read a document's state header (issuer, number, place and date, type, subject)."""
    if not any(_NUMBER_LINE.match(line) for line in lines[:25]):
        return lines
    header = PlanHeader()
    index = 0
    while index < len(lines) and index < 40:
        line = lines[index]
        index += 1
        if not line or _RULE.match(line) or _MOTTO.match(line):
            continue
        parts = [squash_spaces(p) for p in re.split(r"\t+|\s{3,}", line) if p.strip()]
        handled = [_header_part(part, header) for part in parts]
        if all(handled):
            continue
        line = squash_spaces(line)
        if line.upper() in PLAN_TYPES:
            header.type_name = PLAN_TYPES[line.upper()]
            subject = []
            while (
                index < len(lines)
                and lines[index]
                and not _RULE.match(lines[index])
                and not (subject and _TEXT_OPENS.match(lines[index]))  # "Thực hiện..." may be it
                and len(subject) < SUBJECT_MAX_LINES
            ):
                subject.append(lines[index])
                index += 1
            header.subject = squash_spaces(" ".join(subject))
            break
        if line.isupper() and not header.number_text:
            header.issuer_lines.append(line)
        elif header.number_text or header.subject:
            index -= 1  # the header has ended: this line opens the text
            break
    page.header = header
    if header.subject and not header.type_name and header.subject.startswith("về việc"):
        header.type_name = "Công văn"
    if header.type_name:
        page.title = squash_spaces(f"{header.type_name} {_in_a_sentence(header.subject)}")
        page.title_in_capitals = header.subject.isupper()
    return lines[index:]


# Kept in capitals when a subject set in capitals is written as a sentence.
_ACRONYMS = {"GCM", "IOM", "ILO", "ASEAN", "UBND", "HĐND", "LHQ", "UNODC", "UNHCR", "UNICEF", "TP"}


# Names a subject set in capitals keeps as names once written as a sentence (Nghị định
# 30/2020/NĐ-CP Phụ lục II: the state, its bodies, the treaties); a province's are restored
# with the archive's own names (ProvinceMatcher.named).
NAMES = ["Việt Nam", "Chính phủ", "Quốc hội", "Liên hợp quốc", "Thỏa thuận toàn cầu về Di cư"]


def _in_a_sentence(subject):
    """Return a subject as it reads after the type ("Kế hoạch triển khai…"): its first letter
    small; one set in capitals, as official documents set it, in small letters but for its
    acronyms, numbers and NAMES ("TRIỂN KHAI THOẢ THUẬN GCM" became "tRIỂN KHAI THOẢ THUẬN GCM")."""
    if not subject.isupper():
        return subject[:1].lower() + subject[1:]
    return with_names(" ".join(map(_small_unless_named, subject.split())), NAMES)


def with_names(text, names, before=""):
    """Return a text lowered from capitals with the names in it written as names again, each
    found in small letters in either tone placement ("thoả thuận toàn cầu về di cư"), after the
    regex `before` if given (a province's after "tỉnh", lest "vì hòa bình" be Hòa Bình).
    Tone marks are moved within a syllable only, so a match's place in the canonical text is
    its place in the text."""
    canonical, pattern = _names_pattern(tuple(names), before)
    for match in reversed(list(pattern.finditer(canonical_tones(text)))):
        text = text[: match.start(2)] + canonical[match[2]] + text[match.end(2) :]
    return text


@functools.cache  # one per name list: the state's, the archive's provinces
def _names_pattern(names, before):
    canonical = {canonical_tones(name.lower()): name for name in names}
    return canonical, re.compile(rf"(?<!\w)({before})({alternation(canonical)})(?!\w)")


def _small_unless_named(word):
    bare = word.strip(".,;:()\"'")
    if bare in _ACRONYMS:
        return word
    if any(char.isdigit() for char in bare):
        try:
            return word.replace(bare, str(parse_number(bare)))  # 402/QĐ-TTG is 402/QĐ-TTg
        except DocumentNumberError:
            return word
    return word.lower()


def clean_page(text):
    """Return the Page of a text: title, byline, body paragraphs and plan header."""
    page = Page()
    lines = _take_header([line.strip() for line in text.split("\n")], page)
    # One substitution over the text, not one per line: every import goes through here.
    lines = _SPACES.sub(" ", "\n".join(lines)).split("\n")
    lines = [line.strip() for line in lines]
    lines, tail = _cut_at_end_marker(lines)
    page.dropped.extend(line for line in tail if line)
    lines = _strip_site_lines(lines, page)
    paragraphs = _paragraphs(lines)
    if not page.title:
        paragraphs = _take_title(paragraphs, page)
    paragraphs = _drop_teasers(paragraphs, page)
    paragraphs = _drop_repeats(paragraphs, page)
    page.signer = _signer(paragraphs)
    page.body = _split_glued_author(paragraphs, page)
    return page
