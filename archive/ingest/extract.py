"""Everything one text yields: title, body, kind, date, numbers, places, agencies, objectives,
and the links it proposes to documents the archive holds."""

import re
from dataclasses import dataclass, field

from ..models import Relation
from ..numbers import DocumentNumberError, parse_number
from ..periods import Precision
from ..text import fold, squash_spaces
from .citations import find_citations
from .clean import clean_page
from .dates import find_dates, infer_year, month_of, parse_date
from .objectives import find_objective_spans
from .spelling import fold_in_place

PLAN = "plan"
CONFERENCE_REPORT = "conference_report"
ARTICLE = "article"

_EVENT = re.compile(r"(?<!\w)(Hội nghị|Hội thảo|Diễn đàn|Tọa đàm|Toạ đàm|Phiên họp)(?!\w)")
_EVENT_VERB = re.compile(
    r"tổ chức|khai mạc|diễn ra|tham dự|\bdự\b|chủ trì|bế mạc|đã họp|sơ kết|tổng kết", re.IGNORECASE
)
_EVENT_NAME_END = re.compile(
    r"\s\(|[.;:]\s|[.;:]$|,\s(?:ngày|tại)\b|\s(?:do|tại|vào|ngày|đã|được|sẽ|và đề xuất|nhằm|với"
    r"|trong khuôn khổ|diễn ra)\s"
)
_REPORTED_PLAN_VERB = re.compile(r"ban hành|ký|công bố|phê duyệt", re.IGNORECASE)
_PLAN_TITLE = re.compile(r"^(KẾ HOẠCH|QUYẾT ĐỊNH|NGHỊ QUYẾT|CHỈ THỊ)\b")
# Countries written after a place abroad ("Bắc Kinh, Trung Quốc").
COUNTRIES = {
    "Trung Quốc",
    "Nhật Bản",
    "Hàn Quốc",
    "Mỹ",
    "Hoa Kỳ",
    "Lào",
    "Campuchia",
    "Thái Lan",
    "Malaysia",
    "Singapore",
    "Indonesia",
    "Philippines",
    "Myanmar",
    "Đức",
    "Pháp",
    "Anh",
    "Nga",
    "Úc",
    "Australia",
    "Thụy Sĩ",
    "Thụy Sỹ",
    "Ma-rốc",
    "Maroc",
}
SUMMARY_MAX = 600


@dataclass
class NumberFound:
    number: str
    normalized: str
    type: str
    issuer: str
    year: int | None
    issued: object = None
    relation_cue: str = ""
    spans: list = field(default_factory=list)
    issuer_agency: object = None
    own: bool = False

    def as_json(self):
        return {"number": self.number, "type": self.type, "issuer": self.issuer, "year": self.year}


@dataclass
class ProposedLink:
    relation: str
    target: dict | None = None  # {"id", "slug", "title", "kind"} of a document held
    number: str | None = None
    note: str = ""
    create: dict | None = None  # a conference to create, when none held matches

    @property
    def key(self):
        return f"{self.relation}:{self.target['id']}" if self.target else f"{self.relation}:new"

    def as_json(self):
        data = {
            "number": self.number,
            "relation": self.relation,
            "target": self.target["slug"] if self.target else None,
        }
        if self.create:
            data["create"] = {
                key: value.isoformat() if hasattr(value, "isoformat") else value
                for key, value in self.create.items()
            }
        return data


@dataclass
class Extraction:
    title: str = ""
    body: list = field(default_factory=list)
    author: str = ""
    publication: str = ""
    signer: str = ""  # a plan's, read under its signature block
    summary_edited: str | None = None  # the editor's, when the review corrects it
    source_url: str = ""
    kind: str = ARTICLE
    date: object = None  # a FoundDate, or None
    numbers: list = field(default_factory=list)
    provinces: list = field(default_factory=list)
    agencies: list = field(default_factory=list)
    candidates: list = field(default_factory=list)
    objectives: dict = field(default_factory=dict)
    links: list = field(default_factory=list)
    conference: dict | None = None
    own_number: NumberFound | None = None
    issuer: object = None
    issuer_named: str = ""  # the header's issuer when the catalogue has no such agency
    document_type: object = None
    notes: list = field(default_factory=list)
    text: str = ""  # title and body as analysed; spans below index into it
    spans: list = field(default_factory=list)  # (start, end, category, label)
    header: object = None  # a plan's header (clean.PlanHeader), read apart from the text

    @property
    def body_text(self):
        return "\n\n".join(self.body)

    @property
    def summary(self):
        if self.summary_edited is not None:
            return self.summary_edited
        first = self.body[0] if self.body else ""
        return first if len(first) <= SUMMARY_MAX else first[:SUMMARY_MAX].rsplit(" ", 1)[0] + "…"

    @property
    def iso_date(self):
        return self.date.isoformat() if self.date else None

    @property
    def date_inferred(self):
        return bool(self.date and self.date.inferred)

    def as_json(self, file_name=""):
        """Return the extraction in the shape `import_text --format json` prints."""
        return {
            "file": file_name,
            "title": self.title,
            "kind": self.kind,
            "date": self.iso_date,
            "date_inferred": self.date_inferred,
            "document_numbers": [n.as_json() for n in self.numbers],
            "provinces": [p.name for p in self.provinces],
            "agencies": [a.name for a in self.agencies],
            "objectives": sorted(self.objectives),
            "links": [link.as_json() for link in self.links],
            "agency_candidates": self.candidates,
        }


def extract(text, catalogue):
    """Return the Extraction of one NFC text against the archive's catalogue."""
    page = clean_page(text)
    if page.title_in_capitals:  # "tỉnh hậu giang" is found as a place once named again
        page.title = catalogue.places.named(page.title)
    result = Extraction(
        title=page.title,
        body=page.body,
        author=page.author,
        signer=page.signer,
        source_url=page.source_url,
        publication=_publication(page.dropped),
    )
    result.text = f"{page.title}\n\n{page.body_text}" if page.body else page.title
    header = result.header = page.header
    header_text = "\n".join([*(header.issuer_lines if header else [])])
    places = catalogue.places.find(result.text)
    header_places = catalogue.places.find(header_text) if header_text else []
    result.kind = _kind(page, result.text)
    main_province = _main_province([*header_places, *places])
    folded = fold_in_place(result.text)  # for agencies and objectives
    found_agencies, result.candidates = catalogue.agency_matcher.find(
        result.text, places, main_province, folded=folded
    )
    _choose_date(result, page, catalogue)
    date = result.date.date if result.date else None
    _set_provinces(result, catalogue, [*header_places, *places], places, date)
    _set_agencies(result, found_agencies)
    _set_numbers(result, catalogue, found_agencies, main_province)
    if header:
        _set_plan_header(result, catalogue, header, header_text, main_province)
    covered = [(f.start, f.end) for f in found_agencies]
    seen = set()
    for start, end, number in find_objective_spans(folded, covered):
        # The words as written ("kiều hối"), once each however they are spelled.
        triggers = result.objectives.setdefault(number, [])
        if (number, folded[start:end]) not in seen:
            seen.add((number, folded[start:end]))
            triggers.append(result.text[start:end])
        result.spans.append((start, end, "objective", str(number)))
    _propose_links(result, catalogue, places, folded)
    if result.date and not result.date.year and result.conference and result.conference.get("year"):
        result.date = result.date.with_year(result.conference["year"])
    result.spans.sort()
    return result


def _publication(dropped):
    for line in dropped:
        if match := re.match(r"Theo dõi\s+(\S+)\s+trên", line, re.IGNORECASE):
            return match.group(1).lower()
    return ""


def _kind(page, text):
    if page.header and page.header.number_text:
        return PLAN
    if _PLAN_TITLE.match(page.title):
        return PLAN
    lead = "\n".join([page.title, *page.body[:2]])
    if _EVENT.search(lead) and _EVENT_VERB.search(lead):
        return CONFERENCE_REPORT
    return ARTICLE


def _main_province(places):
    """Return the province the text names most (first named among equals), or None."""
    counts = {}
    for place in places:
        counts[place.name] = counts.get(place.name, 0) + 1
    return max(counts, key=counts.get) if counts else None


def _choose_date(result, page, catalogue):
    """Set the document's date: issue date, publication date, or the lead's date."""
    if page.header:
        # A state document is dated by its header alone: the dates in its text are those of
        # the documents it cites (193/QĐ-TTg's 09/02/2021 was offered as a plan's own).
        line = page.header.place_date_line
        dates = [d for d in find_dates(line) if d.year]
        result.date = dates[0] if dates else month_of(line)
        return
    published = parse_date(page.published) if page.published else None
    if published:
        result.date = find_dates(page.published)[0]
        return
    lead = page.body[0] if page.body else ""
    candidates = find_dates(lead) or find_dates(result.text)
    if candidates:
        result.date = infer_year(candidates[0], result.text)


def _set_provinces(result, catalogue, places, text_places, date):
    seen = set()
    for place in places:
        province = catalogue.places.resolve(place.name, date)
        if province and province.pk not in seen:
            seen.add(province.pk)
            result.provinces.append(province)
    for place in text_places:
        result.spans.append((place.start, place.end, "province", place.name))


def _set_agencies(result, found):
    seen = set()
    for item in found:
        result.spans.append((item.start, item.end, "agency", item.agency.name))
        if item.agency.pk not in seen:
            seen.add(item.agency.pk)
            result.agencies.append(item.agency)


def _set_numbers(result, catalogue, found_agencies, main_province):
    spans = [(f.start, f.end) for f in found_agencies]
    by_number = {}
    for citation in find_citations(result.text, spans):
        parsed = citation.number
        province = main_province
        if citation.issuer_text:
            places = catalogue.places.find(citation.issuer_text)
            province = places[0].name if places else province
        agency = catalogue.issuer(parsed, province)
        key = parsed.normalized
        found = by_number.get(key)
        if found is None:
            found = NumberFound(
                number=str(parsed),
                normalized=key,
                type=citation.type_name,
                issuer=citation.issuer_text or catalogue.issuer_name(parsed, province),
                year=citation.year,
                issued=citation.issued,
                relation_cue=citation.relation_cue,
                issuer_agency=agency,
            )
            by_number[key] = found
            result.numbers.append(found)
        else:
            found.year = found.year or citation.year
            found.issued = found.issued or citation.issued
            found.relation_cue = found.relation_cue or citation.relation_cue
            if citation.issuer_text and found.issuer == parsed.issuer:
                found.issuer = citation.issuer_text
        found.spans.append((citation.start, citation.end))
        result.spans.append((citation.start, citation.end, "number", str(parsed)))
        if agency and agency not in result.agencies:
            result.agencies.append(agency)


def _set_plan_header(result, catalogue, header, header_text, main_province):
    """Take a plan's own number, issuer, type and (for the header) province."""
    try:
        parsed = parse_number(header.number_text) if header.number_text else None
    except DocumentNumberError as error:
        result.notes.append(str(error))
        parsed = None
    issuers, candidates = catalogue.agency_matcher.find(header_text, [], main_province)
    result.issuer = issuers[0].agency if issuers else None
    result.issuer_named = candidates[0] if candidates and not issuers else ""
    if parsed:
        own = next((n for n in result.numbers if n.normalized == parsed.normalized), None)
        if own is None:
            own = NumberFound(
                number=str(parsed),
                normalized=parsed.normalized,
                type=parsed.type_name or header.type_name or _letter_type(parsed),
                issuer="",
                year=parsed.year or (result.date.year if result.date else None),
            )
            result.numbers.insert(0, own)
        own.own = True
        own.issuer_agency = (
            result.issuer or own.issuer_agency or catalogue.issuer(parsed, main_province)
        )
        own.issuer = own.issuer_agency.name if own.issuer_agency else parsed.issuer
        if not own.issuer_agency:  # "UBND" and the province: "Ủy ban nhân dân tỉnh Hòa Bình"
            named = catalogue.issuer_name(parsed, main_province)
            result.issuer_named = named if named != parsed.issuer else result.issuer_named
        own.year = own.year or (result.date.year if result.date else None)
        result.own_number = own
        result.issuer = own.issuer_agency
    result.document_type = catalogue.document_type(parsed, header.type_name)
    if result.issuer and result.issuer not in result.agencies:
        result.agencies.insert(0, result.issuer)


def _letter_type(parsed):
    return "Công văn" if parsed.form == parsed.OFFICIAL_LETTER else ""


def _plan_target(catalogue, found):
    """Return the plan held under a found number, narrowed by year and issuer, or None."""
    plans = catalogue.plans_numbered(found.normalized)
    if found.year:
        plans = [p for p in plans if p["number_year"] in (found.year, None)] or plans
    if found.issuer_agency and len(plans) > 1:
        plans = [p for p in plans if p["issuer_id"] == found.issuer_agency.pk] or plans
    if len(plans) != 1:
        return None
    plan = plans[0]
    return {"id": plan["id"], "slug": plan["slug"], "title": plan["title"], "kind": "plan"}


def _propose_links(result, catalogue, places, folded):
    links = {}

    def add(link):
        if link.target and any(
            existing.target and existing.target["id"] == link.target["id"]
            for existing in links.values()
        ):
            return
        links[link.key] = link

    if result.kind == CONFERENCE_REPORT:
        _reported_conference(result, catalogue, places)
        if result.conference:
            target = result.conference.get("target")
            add(
                ProposedLink(
                    Relation.REPORTS,
                    target=target,
                    create=None if target else _creation(result.conference),
                )
            )
    lead = "\n".join([result.title, *result.body[:1]])
    catalogue.load_plans([found.normalized for found in result.numbers if not found.own])
    for found in result.numbers:
        if found.own:
            continue
        target = _plan_target(catalogue, found)
        if not target:
            continue
        if result.kind == PLAN:
            relation = found.relation_cue or Relation.RELATED
        elif _reports_plan(lead, found):
            relation = Relation.REPORTS
        else:
            relation = Relation.MENTIONS
        add(ProposedLink(relation, target=target, number=found.number, note=_note(result, found)))
    for conference in catalogue.conferences():
        title = conference["folded_title"]
        if len(title) >= 20 and title in folded:
            target = {k: conference[k] for k in ("id", "slug", "title")} | {"kind": "conference"}
            add(ProposedLink(Relation.MENTIONS, target=target))
    result.links = list(links.values())


def _reports_plan(lead, found):
    for start, _end in found.spans:
        if start < len(lead):
            clause = lead[max(0, start - 80) : start]
            if _REPORTED_PLAN_VERB.search(clause):
                return True
    return False


def _note(result, found):
    """Return the sentence that cites a number, shortened, as the link's note."""
    start, end = found.spans[0]
    text = result.text
    left = max(text.rfind(".", 0, start), text.rfind("\n", 0, start), text.rfind(";", 0, start))
    right_candidates = [i for i in (text.find(".", end), text.find(";", end)) if i != -1]
    right = min(right_candidates) if right_candidates else len(text)
    sentence = squash_spaces(text[left + 1 : right])
    return sentence[:297] + "…" if len(sentence) > 300 else sentence


# What a cited document's date follows: its number, then "ngày" ("215/KH-UBND ngày 10/3/2020").
_CITED_DATE = re.compile(r"\d+/[^\s,;]+\s+(?:ngày\s+)?$", re.IGNORECASE)


def _reported_conference(result, catalogue, places):
    """Set result.conference: name, date, place of the event reported, and the one held."""
    lead = "\n".join([result.title, *result.body[:2]])
    first = result.body[0] if result.body else result.title
    name = _event_name(first) or _event_name(lead)
    place, abroad = _event_place(first, catalogue) if first else ("", False)
    if not place:
        place, abroad = _event_place(lead, catalogue)
    # The event's day as the lead gives it ("Ngày 19/8/2021, tại …"), not the report's own, nor
    # a document's it cites ("Thực hiện Kế hoạch số 215/KH-UBND ngày 10/3/2020, ngày 19/8, …").
    told = [d for d in find_dates(first) if not _CITED_DATE.search(first[: d.start])]
    published = result.date.date if result.date and result.date.year else None
    date = infer_year(told[0], result.text, published) if told else result.date
    conference = {
        "title": name,
        "date": date.date if date and date.year else None,
        "place": place,
        "is_abroad": abroad,
    }
    for held in catalogue.conferences():
        # Held on a day: one known by its month alone (dated its first) is no day to match.
        if not held["date"] or held["date_precision"] != Precision.DAY or not date:
            continue
        same_day = (held["date"].month, held["date"].day) == (date.month, date.day)
        if date.year and held["date"].year != date.year:
            same_day = False
        if same_day and _same_place(catalogue, held["place"], place):
            conference["target"] = {k: held[k] for k in ("id", "slug", "title")} | {
                "kind": "conference"
            }
            conference["year"] = held["date"].year
            break
    result.conference = conference


def _same_place(catalogue, held, written):
    """Return whether two places are one: the same province however written, or same words."""
    if not held or not written:
        return False
    held_places, written_places = catalogue.places.find(held), catalogue.places.find(written)
    if held_places and written_places:
        return held_places[0].name == written_places[0].name
    return fold(held.split(",")[0]).strip() == fold(written.split(",")[0]).strip()


def _event_name(text):
    match = _EVENT.search(text)
    if not match:
        return ""
    rest = text[match.start() :]
    end = _EVENT_NAME_END.search(rest, len(match.group()))
    name = rest[: end.start()] if end else rest
    return squash_spaces(name.strip(" ,.'\"‘’“”"))[:300]


def _capitalised_run(text):
    """Return the capitalised words at the start of a text ("Bắc Kinh" of "Bắc Kinh, Trung")."""
    words = []
    for word in text.split():
        bare = word.rstrip(",.;:")
        if not bare or not bare[0].isupper():
            break
        words.append(bare)
        if bare != word:
            break
    return " ".join(words)


NEAR_PLACE_CHARS = 60
HOME_UNITS = {"tỉnh", "huyện", "thị xã"}
_AT_PLACE = re.compile(
    r"\btại\s+(?:[Tt]hủ đô\s+|(?P<unit>[Tt]hành phố|[Tt]ỉnh|[Tt]hị xã|[Hh]uyện)\s+)?"
)


def _event_place(text, catalogue):
    """Return (place, abroad) from "tại X" or "tại X, Country"."""
    for match in _AT_PLACE.finditer(text):
        rest = text[match.end() :]
        places = catalogue.places.find(rest[:60])
        if places and places[0].start == 0:
            return places[0].text, False
        place = _capitalised_run(rest)
        if not place:
            continue
        after = rest[len(place) :]
        country = ""
        if after.startswith((",", " (")):  # "Geneva, Thụy Sĩ", "Geneva (Thụy Sĩ)"
            candidate = _capitalised_run(after.lstrip(", (").strip()).rstrip(")")
            if candidate in COUNTRIES:
                country = candidate
        # A unit's word before a place the catalogue of provinces does not name: a district or
        # a town's is at home ("tại huyện Kỳ Sơn"); a city's when a province is named right after
        # it ("tại thành phố Vinh, UBND tỉnh Nghệ An"), not "tại thành phố Geneva".
        unit = (match.group("unit") or "").lower()
        near = unit == "thành phố" and catalogue.places.find(after[:NEAR_PLACE_CHARS])
        vietnamese = unit in HOME_UNITS or bool(near) or bool(catalogue.places.find(place))
        if country:
            return f"{place}, {country}", True
        return place, not vietnamese and place not in ("Việt Nam",)
    return "", False


def _creation(conference):
    return {
        "kind": "conference",
        "title": conference["title"],
        "date": conference["date"],
        "place": conference["place"],
        "is_abroad": conference["is_abroad"],
    }
