"""A realistic synthetic archive for benchmarks: Vietnamese text with the seed texts' frequencies.

The language model is learned from the demo fixtures (the seed texts) and the reference data
(province, agency, objective and document-type names): a syllable bigram chain writes a pool of
sentences once, and each document draws its sentences from the pool with Zipf-like weights, so
common words ("di cư", "Thỏa thuận") are in almost every document and rare ones in few. Person
and place names built from name syllables give the long tail of rare terms. Everything comes
from one random.Random(seed): the same seed gives the same archive.
"""

import bisect
import datetime
import itertools
import json
import random
import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from .numbers import parse_number

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
FIRST_DAY, LAST_DAY = datetime.date(2015, 1, 1), datetime.date(2026, 10, 31)
MERGER_DAY = datetime.date(2025, 7, 1)
KIND_WEIGHTS = {"article": 50, "plan": 35, "conference": 15}
SENTENCE_POOL = 20_000

SURNAMES = (
    "Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý Đinh Mai Trịnh Cao"
).split()
MIDDLE = (
    "Văn Thị Minh Thu Hồng Quốc Đức Thanh Ngọc Xuân Hữu Kim Bảo Gia Anh Phương Tuấn Khánh".split()
)
GIVEN = (
    "An Bình Châu Dũng Giang Hà Hải Hằng Hiếu Hoa Hùng Hương Khoa Lan Linh Long Mai Minh Nam Nga "
    "Ngân Nhung Phong Phúc Quang Quân Sơn Tâm Thảo Thắng Thục Trang Trung Tú Tuyết Vân Việt Vy Yến"
).split()
VILLAGE_WORDS = "xã phường thôn bản ấp".split()
TYPE_NAMES = {
    "KH": "Kế hoạch",
    "QĐ": "Quyết định",
    "CV": "Công văn",
    "NĐ": "Nghị định",
    "NQ": "Nghị quyết",
    "CT": "Chỉ thị",
    "TB": "Thông báo",
    "BC": "Báo cáo",
}
PUBLICATIONS = [
    "Báo Quốc tế (baoquocte.vn)",
    "Báo Nhân Dân",
    "Thông tấn xã Việt Nam",
    "Báo Lao Động",
    "Cổng thông tin điện tử Chính phủ",
    "Báo Công an nhân dân",
    "Báo Tuổi Trẻ",
    "Báo Thanh Niên",
]
PLACES_ABROAD = [
    "Bắc Kinh, Trung Quốc",
    "Tokyo, Nhật Bản",
    "Seoul, Hàn Quốc",
    "Bangkok, Thái Lan",
    "New York, Mỹ",
    "Geneva, Thụy Sỹ",
]


def _words(text):
    return re.findall(r"[^\W\d_]+", text)


@dataclass
class Vocabulary:
    """A syllable bigram chain learned from the demo fixtures and the reference names."""

    starts: list
    start_weights: list
    following: dict = field(default_factory=dict)

    @classmethod
    def learn(cls, fixtures=FIXTURES):
        entries = json.loads((fixtures / "demo.json").read_text(encoding="utf-8"))
        entries += json.loads((fixtures / "reference.json").read_text(encoding="utf-8"))
        texts = []
        for entry in entries:
            fields = entry["fields"]
            texts += [
                fields.get(key) or ""
                for key in ("title", "summary", "body", "name", "full_name", "title_vi")
            ]
        pairs, starts = defaultdict(Counter), Counter()
        for text in texts:
            for sentence in re.split(r"[.;:!?\n]+", text):
                words = [w.lower() for w in _words(sentence)]
                if len(words) < 3:
                    continue
                starts[words[0]] += 1
                for a, b in itertools.pairwise(words):
                    pairs[a][b] += 1
        following = {a: (list(c), list(itertools.accumulate(c.values()))) for a, c in pairs.items()}
        return cls(list(starts), list(starts.values()), following)

    def walk(self, rng, length, start=None):
        """Return `length` syllables following the chain, restarting where it ends."""
        word = start or rng.choices(self.starts, self.start_weights)[0]
        words = [word]
        while len(words) < length:
            choices = self.following.get(word)
            if not choices:
                word = rng.choices(self.starts, self.start_weights)[0]
            else:
                candidates, cumulative = choices
                word = candidates[bisect.bisect(cumulative, rng.random() * cumulative[-1])]
            words.append(word)
        return words


# A long tail of rare syllables (hamlet, stream and family names) built like Vietnamese ones:
# onset + rhyme, a tone on the rhyme's first vowel. Each document names a few, Zipf-weighted,
# so some words are in one document in ten thousand, as in a real archive.
ONSETS = "b c ch d đ g gi h k kh l m n ng nh ph qu s t th tr v x".split()
RHYMES = (
    "a ai am an ang anh ao au ay e em en eo i im in inh iu o oi om on ong u ui um un ung ưa ươn"
).split()
TONES = ["", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323"]
RARE_SYLLABLES = 4_000  # of the 4,752 the onsets, rhymes and tones can make


def rare_syllables(rng, count=RARE_SYLLABLES):
    """Return `count` distinct syllables in NFC, most common first."""
    seen, syllables = set(), []
    while len(syllables) < count:
        rhyme = rng.choice(RHYMES)
        toned = rhyme[0] + rng.choice(TONES) + rhyme[1:]
        syllable = unicodedata.normalize("NFC", rng.choice(ONSETS) + toned)
        if syllable not in seen:
            seen.add(syllable)
            syllables.append(syllable)
    return syllables


def person(rng):
    return f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"


def sentence_pool(vocabulary, rng, size=SENTENCE_POOL):
    """Return sentences written once by the chain, some carrying names (the rare terms)."""
    pool = []
    for _ in range(size):
        words = vocabulary.walk(rng, rng.randint(8, 28))
        if rng.random() < 0.3:
            words.insert(rng.randrange(len(words)), person(rng))
        if rng.random() < 0.15:
            words.insert(
                rng.randrange(len(words)),
                f"{rng.choice(VILLAGE_WORDS)} {rng.choice(GIVEN)} {rng.choice(GIVEN)}",
            )
        text = " ".join(words)
        pool.append(text[0].upper() + text[1:] + ".")
    return pool


@dataclass
class Reference:
    """What documents are tagged with: ids and names read from the database once."""

    provinces_old: list  # (id, name, full_name, slug)
    provinces_new: list
    agencies: list  # (id, slug, abbreviation)
    successors: dict  # old province id -> id of the unit it merged into
    ubnd: dict  # province id -> agency id of its People's Committee
    national: (
        list  # (agency id, issuer symbol, type abbreviation): TTg QĐ, CP NĐ, BNG-LS công văn...
    )
    objectives: list  # ids
    document_types: dict  # corpus abbreviation ("KH", "CV"...) -> DocumentType id


def zipf_weights(n, exponent=1.0):
    return [1 / (rank + 1) ** exponent for rank in range(n)]


class CorpusWriter:
    """Yield documents as plain rows for COPY: one dict per document, deterministic for a seed."""

    def __init__(self, reference, *, seed=1, first_id=1, taken_numbers=()):
        self.rng = random.Random(seed)
        self.reference = reference
        self.vocabulary = Vocabulary.learn()
        self.pool = sentence_pool(self.vocabulary, self.rng)
        self.pool_weights = list(itertools.accumulate(zipf_weights(len(self.pool), 0.6)))
        self.rare = rare_syllables(self.rng)
        self.rare_weights = list(itertools.accumulate(zipf_weights(len(self.rare), 1.0)))
        self.next_id = first_id
        self.ordinals = Counter()
        self.taken = set(taken_numbers)
        self.national_plans = []  # ids that provincial plans implement
        self.conferences = []
        self.span = (LAST_DAY - FIRST_DAY).days
        self.old_weights = list(
            itertools.accumulate(zipf_weights(len(reference.provinces_old), 0.8))
        )
        self.new_weights = list(
            itertools.accumulate(zipf_weights(len(reference.provinces_new), 0.8))
        )
        self.agency_weights = list(itertools.accumulate(zipf_weights(len(reference.agencies), 0.9)))

    def sentences(self, count):
        return [
            self.pool[bisect.bisect(self.pool_weights, self.rng.random() * self.pool_weights[-1])]
            for _ in range(count)
        ]

    def place_names(self, count):
        """Return a sentence naming `count` hamlets with rare syllables."""
        names = [
            self.rare[
                bisect.bisect(self.rare_weights, self.rng.random() * self.rare_weights[-1])
            ].title()
            for _ in range(count)
        ]
        return f"Địa bàn gồm thôn {', '.join(names)}."

    def phrase(self, low, high):
        return " ".join(self.vocabulary.walk(self.rng, self.rng.randint(low, high)))

    def province_sample(self, date, count):
        units, weights = (
            (self.reference.provinces_new, self.new_weights)
            if date >= MERGER_DAY
            else (self.reference.provinces_old, self.old_weights)
        )
        picks = {
            units[bisect.bisect(weights, self.rng.random() * weights[-1])] for _ in range(count)
        }
        return sorted(picks)

    def agency_sample(self, count):
        agencies = self.reference.agencies
        return {
            agencies[
                bisect.bisect(self.agency_weights, self.rng.random() * self.agency_weights[-1])
            ][0]
            for _ in range(count)
        }

    def number(self, abbreviation, issuer_symbol, issuer_id, year):
        """Return (number, normalised) unique for this issuer and year."""
        while True:
            self.ordinals[issuer_id, year, abbreviation] += 1
            ordinal = self.ordinals[issuer_id, year, abbreviation]
            if abbreviation == "NĐ":
                raw = f"{ordinal}/{year}/NĐ-CP"
            elif abbreviation == "CV":
                raw = f"{ordinal}/{issuer_symbol}"
            elif abbreviation == "NQ" and issuer_symbol == "TW":
                raw = f"{ordinal}-NQ/TW"
            else:
                raw = f"{ordinal}/{abbreviation}-{issuer_symbol}"
            parsed = parse_number(raw)
            if (issuer_id, year, parsed.normalized) not in self.taken:
                self.taken.add((issuer_id, year, parsed.normalized))
                return str(parsed), parsed.normalized, parsed.year or year

    def document(self):
        rng = self.rng
        document_id = self.next_id
        self.next_id += 1
        kind = rng.choices(list(KIND_WEIGHTS), list(KIND_WEIGHTS.values()))[0]
        date = FIRST_DAY + datetime.timedelta(days=rng.randrange(self.span))
        provinces = self.province_sample(date, rng.choice((0, 1, 1, 1, 2, 3)))
        body = " ".join(self.sentences(rng.randint(6, 22)) + [self.place_names(rng.randint(1, 3))])
        row = {
            "id": document_id,
            "kind": kind,
            "date": date,
            "slug": f"{kind}-{document_id}",
            "status": "published" if rng.random() < 0.97 else "draft",
            "summary": " ".join(self.sentences(rng.randint(1, 2))),
            "body": body,
            "provinces": [p[0] for p in provinces],
            "agencies": self.agency_sample(rng.randint(1, 4)),
            "objectives": sorted(
                {rng.choice(self.reference.objectives) for _ in range(rng.choice((0, 1, 1, 2, 3)))}
            ),
            "links": [],
            "search_number": "",
            "document_type": None,
        }
        getattr(self, f"_{kind}")(row, provinces)
        successors = self.reference.successors
        row["units"] = sorted(
            set(row["provinces"]) | {successors[p] for p in row["provinces"] if p in successors}
        )
        return row

    def _plan(self, row, provinces):
        rng, reference = self.rng, self.reference
        provincial = bool(provinces) and rng.random() < 0.7
        if provincial:
            province = provinces[0]
            issuer_id, symbol = reference.ubnd[province[0]], "UBND"
            abbreviation = rng.choice(("KH", "KH", "KH", "QĐ", "CT", "TB", "BC"))
            place = f"trên địa bàn {province[2]}"
        else:
            issuer_id, symbol, abbreviation = rng.choice(reference.national)
            place = "trong cả nước"
        number, normalized, number_year = self.number(
            abbreviation, symbol, issuer_id, row["date"].year
        )
        title = f"{TYPE_NAMES[abbreviation]} {self.phrase(4, 12)} {place}"
        row.update(
            title=title[:1].upper() + title[1:],
            number=number,
            number_normalized=normalized,
            number_year=number_year,
            search_number=normalized,
            issuer=issuer_id,
            document_type=reference.document_types.get(abbreviation),
            signer=person(rng),
            validity=rng.choice(("con_hieu_luc", "het_hieu_luc", "khong_xac_dinh")),
        )
        row["agencies"].add(issuer_id)
        if provincial and self.national_plans and rng.random() < 0.6:
            row["links"].append(("trien_khai", rng.choice(self.national_plans)))
        elif not provincial:
            self.national_plans.append(row["id"])

    def _conference(self, row, provinces):
        rng = self.rng
        abroad = rng.random() < 0.15
        words = rng.choice(("Hội nghị", "Hội thảo", "Diễn đàn", "Tọa đàm"))
        row.update(
            title=f"{words} {self.phrase(5, 14)} năm {row['date'].year}",
            end_date=row["date"] + datetime.timedelta(days=rng.choice((0, 0, 1, 2))),
            place=rng.choice(PLACES_ABROAD)
            if abroad
            else (provinces[0][1] if provinces else "Hà Nội"),
            is_abroad=abroad,
        )
        if self.national_plans and rng.random() < 0.5:
            row["links"].append(("ra_soat", rng.choice(self.national_plans)))
        self.conferences.append(row["id"])

    def _article(self, row, provinces):
        rng = self.rng
        title = self.phrase(8, 18)
        row.update(
            title=title[:1].upper() + title[1:],
            publication=rng.choice(PUBLICATIONS),
            author=person(rng) if rng.random() < 0.8 else "",
        )
        if self.conferences and rng.random() < 0.3:
            row["links"].append(("dua_tin", rng.choice(self.conferences[-200:])))


def produce(reference, seed, first_id, taken_numbers, documents, batch, queue, consumers=1):
    """Write the corpus in batches onto a queue (run in a child process, beside the COPY), then
    one end mark for each process taking batches from it."""
    writer = CorpusWriter(reference, seed=seed, first_id=first_id, taken_numbers=taken_numbers)
    for start in range(0, documents, batch):
        queue.put([writer.document() for _ in range(min(batch, documents - start))])
    for _ in range(consumers):
        queue.put(None)
