"""Agencies of the Agency table found in a text, and unknown ones reported as candidates.

Found by name (any case, tone marks either way), international bodies also by acronym (IOM,
ILO, GIZ), ministries also in lists ("các Bộ: Công an, Quốc phòng, Nội vụ"), provincial bodies
by their head ("Sở Ngoại vụ", "Công an tỉnh", "UBND tỉnh") and the province named with them or,
when the text says only "tỉnh", the province the text is about.
"""

import bisect
import itertools
import re
from dataclasses import dataclass

from ..models import Agency
from ..text import alternation, fold
from .spelling import canonical_tones, fold_in_place

# Ways of naming a body that its table name does not cover; keys are agency slugs.
ALIASES = {
    "thu-tuong-chinh-phu": ["Thủ tướng"],
    "hoi-lien-hiep-phu-nu-viet-nam": ["Hội LHPN Việt Nam"],
}
# "Phó Thủ tướng" is a deputy, not the Prime Minister's office.
_NOT_AFTER = {"thu-tuong-chinh-phu": re.compile(r"Phó\s*$")}
# Heads of provincial bodies as written before the province; UBND abbreviates the committee.
PROVINCIAL_HEADS = {
    "Ủy ban nhân dân": "Ủy ban nhân dân",
    "UBND": "Ủy ban nhân dân",
    "Sở Ngoại vụ": "Sở Ngoại vụ",
    "Sở Nội vụ": "Sở Nội vụ",
    "Sở Tư pháp": "Sở Tư pháp",
    "Công an": "Công an",
    "Hội đồng nhân dân": "Hội đồng nhân dân",
    "HĐND": "Hội đồng nhân dân",
}
# What may stand between a head and its provinces: "tỉnh", "thành phố", "4 địa phương gồm".
_HEAD_TO_PLACES = re.compile(
    r"^(?:\s|,|:|tỉnh|thành phố|TP\.?|các|\d+|địa phương|tỉnh, thành phố|gồm|là)*$", re.IGNORECASE
)
_BETWEEN_PLACES = re.compile(r"^\s*(?:,|và|;)?\s*(?:tỉnh|thành phố|TP\.?)?\s*$")
# Words that open the name of a body, for reporting unknown ones, and the lowercase words such
# a name may hold ("Tổ chức Di cư quốc tế", "Cục Phòng, chống ma túy và tội phạm").
BODY_HEAD = re.compile(
    r"(?<!\w)(?:Bộ|Cục|Sở|Tổng cục|Ủy ban|Ban|Hội|Viện|Tổ chức|Cơ quan|Văn phòng|Trung tâm"
    r"|Học viện|Quỹ)\s"
)
# Words after which a name has ended: verbs and prepositions of the sentence it stands in.
_NAME_STOPS = set(
    "chủ phối quản cho tại đã sẽ là được với trong để chịu thực làm cùng có đến từ tổ dự tham "
    "gửi đề báo nắm đấu hỗ cũng vẫn tiếp phát trình ban ký về nhằm theo".split()
)
# Verbs that start a body's task after its name («Sở Lao động - Thương binh và Xã hội rà soát,
# thu thập…»): a stop only written in lower case, as a name's own syllables may be («Ban Chỉ
# đạo», «Tổng cục»).
_LOWER_STOPS = set(
    "rà thu triển hướng kiểm xây tuyên nghiên đánh giải xử cung lập đôn hoàn nâng tăng chỉ "
    "tổng thống phổ rút bố".split()
)
CANDIDATE_MAX_WORDS = 10


@dataclass(frozen=True)
class FoundAgency:
    agency: Agency
    start: int
    end: int


def _strip_parenthesis(name):
    return re.sub(r"\s*\(.*?\)\s*", " ", name).strip()


class AgencyMatcher:
    """Find agencies of the table in text."""

    def __init__(self, agencies, places):
        self.places = places
        self.by_slug = {agency.slug: agency for agency in agencies}
        names = {}
        for agency in agencies:
            names[fold(canonical_tones(_strip_parenthesis(agency.name)))] = agency
            for alias in ALIASES.get(agency.slug, []):
                names[fold(canonical_tones(alias))] = agency
        self.by_folded_name = names
        self.name_pattern = _alternation(names, r"(?<!\w)(", r")(?!\w)")
        acronyms = {
            agency.abbreviation: agency
            for agency in agencies
            if agency.kind in (Agency.Kind.INTERNATIONAL, Agency.Kind.FOREIGN)
            and agency.abbreviation
        }
        self.by_acronym = acronyms
        self.acronym_pattern = _alternation(acronyms, r"(?<!\w)(", r")(?!\w)")
        self.ministries = {
            fold(canonical_tones(agency.name[len("Bộ ") :])): agency
            for agency in agencies
            if agency.kind == Agency.Kind.MINISTRY and agency.name.startswith("Bộ ")
        }
        self.ministry_pattern = _alternation(self.ministries, r"(", r")(?!\w)")
        self.provincial = {}
        for agency in agencies:
            if agency.province_id is None:
                continue
            for canonical in set(PROVINCIAL_HEADS.values()):
                if agency.name.startswith(canonical + " "):
                    key = (canonical, fold(agency.province.name))
                    self.provincial[key] = agency
        heads = sorted(PROVINCIAL_HEADS, key=len, reverse=True)
        self.head_pattern = re.compile(
            r"(?<![\w])(" + "|".join(re.escape(h) for h in heads) + r")(?!\w)"
        )

    def find(self, text, places, main_province=None, folded=None):
        """Return (found agencies, unknown candidates) for a text and its found places.

        `folded` is the text's fold_in_place() when the caller has it (folding forgets where
        the tone mark sat, so it is also the fold of the canonical spelling).
        """
        # Tone placement and folding keep every offset (spelling.py), so spans found in these
        # forms are spans of the text as written.
        text = canonical_tones(text)
        if folded is None:
            folded = fold_in_place(text)
        found = []
        for match in self.name_pattern.finditer(folded):
            agency = self.by_folded_name[match.group(1)]
            guard = _NOT_AFTER.get(agency.slug)
            if guard and guard.search(text[max(0, match.start() - 10) : match.start()]):
                continue
            if agency.slug == "thu-tuong-chinh-phu" and not text[match.start()].isupper():
                continue
            found.append(FoundAgency(agency, match.start(), match.end()))
        for match in self.acronym_pattern.finditer(text):
            found.append(FoundAgency(self.by_acronym[match.group(1)], match.start(), match.end()))
        found += self._ministry_lists(text, folded)
        candidates = []
        found += self._provincial(text, places, main_province, candidates)
        found = _longest_first(found)
        candidates += self._unknown(text, found)
        return found, list(dict.fromkeys(candidates))

    def _ministry_lists(self, text, folded):
        """Return the ministries of a list: "các Bộ: Công an, Quốc phòng, Nội vụ"."""
        found = []
        for head in re.finditer(r"(?<!\w)Bộ\s*:?\s*", text):
            position, items = head.end(), []
            while match := self.ministry_pattern.match(folded, position):
                items.append((self.ministries[match.group(1)], match.start(), match.end()))
                separator = re.match(r"\s*(?:,|và)\s*", text[match.end() :])
                if not separator:
                    break
                position = match.end() + separator.end()
            if len(items) >= 2:
                found += [FoundAgency(agency, start, end) for agency, start, end in items]
        return found

    def _provincial(self, text, places, main_province, candidates):
        found = []
        for match in self.head_pattern.finditer(text):
            head = PROVINCIAL_HEADS[match.group(1)]
            if head == "Công an" and (
                text[max(0, match.start() - 4) : match.start()].endswith("Bộ ")
                or not re.match(r"\s*(?:tỉnh|thành phố|TP|[A-ZĐ])", text[match.end() :])
            ):
                continue
            names = self._places_after(text, match.end(), places)
            # "tỉnh"/"thành phố" as written after the head: an unknown body is named as the
            # catalogue names one ("Ủy ban nhân dân tỉnh Hòa Bình", not "… dân Hòa Bình").
            unit = re.match(r"\s+(tỉnh|thành phố)\b", text[match.end() :], re.IGNORECASE)
            unit = unit[1].lower() if unit else None
            if not names:
                if not re.match(r"\s+(?:tỉnh|thành phố)\b", text[match.end() :]):
                    if head not in ("Sở Ngoại vụ", "Sở Nội vụ", "Sở Tư pháp"):
                        continue
                names = [(main_province, match.end(), match.end())] if main_province else []
            for index, (name, start, end) in enumerate(names):
                agency = self.provincial.get((head, fold(name)))
                if agency is None:
                    candidates.append(" ".join(filter(None, [head, unit, name])))
                    continue
                # The first body spans its head; those listed after it, their province only.
                found.append(FoundAgency(agency, match.start() if index == 0 else start, end))
        return found

    @staticmethod
    def _places_after(text, position, places):
        """Return (name, start, end) of the provinces named right after a head, in order."""
        names = []
        for place in places:
            if place.start < position:
                continue
            gap = text[position : place.start]
            joiner = _BETWEEN_PLACES if names else _HEAD_TO_PLACES
            if len(gap) > 40 or not joiner.match(gap):
                break
            names.append((place.name, place.start, place.end))
            position = place.end
        return names

    def _unknown(self, text, found):
        covered = _Covered([(f.start, f.end) for f in found])
        candidates = []
        for match in BODY_HEAD.finditer(text):
            if covered.holds(match.start()):
                continue
            if self.head_pattern.match(text, match.start()):
                continue  # a provincial body, reported with its province by _provincial
            name = body_name(match.group().strip(), text[match.end() : match.end() + 120])
            if name:
                candidates.append(name)
        return candidates


def body_name(head, following):
    """Return a body's name from its head and the words after it, or "" if it is no name."""
    words = following.split()
    if not words or not words[0][:1].isupper():
        return ""
    taken = []
    for word in words[:CANDIDATE_MAX_WORDS]:
        bare = word.rstrip(',.;:)”"')
        if not bare or bare.startswith("(") or bare.lower() in _NAME_STOPS:
            break
        if bare in _LOWER_STOPS:  # in lower case: a verb, not a syllable of the name
            break
        taken.append(bare)
        if bare != word:
            break
    while taken and taken[-1].lower() in ("và", "các", "tỉnh", "thành", "phố", "-"):
        taken.pop()
    return " ".join([head, *taken]) if taken else ""


def _alternation(words, before, after):
    return re.compile(before + alternation(words) + after)


def _longest_first(found):
    """Drop matches inside a longer one ("Chính phủ" inside "Thủ tướng Chính phủ").

    Each is checked only against the kept ones that start close enough before it to hold it (a
    sorted list, bisect), not against every kept one: a text naming one agency 12,000 times took
    10 s to analyse, the square of its mentions."""
    kept, starts, longest = [], [], 0
    for item in sorted(found, key=lambda f: (-(f.end - f.start), f.start)):
        at = bisect.bisect_right(starts, item.start)
        near = range(at - 1, bisect.bisect_left(starts, item.start - longest) - 1, -1)
        if any(kept[i].end >= item.end and kept[i].agency != item.agency for i in near):
            continue
        starts.insert(at, item.start)
        kept.insert(at, item)
        longest = max(longest, item.end - item.start)
    return kept


class _Covered:
    """Spans of a text, asked whether they hold a position in a bisect of their starts (each
    asked of every span took as long as _longest_first's did)."""

    def __init__(self, spans):
        spans = sorted(spans)
        self.starts = [start for start, _end in spans]
        self.reach = list(itertools.accumulate((end for _start, end in spans), max, initial=0))

    def holds(self, position):
        """Return whether a span starts at or before the position and ends after it."""
        return self.reach[bisect.bisect_right(self.starts, position)] > position
