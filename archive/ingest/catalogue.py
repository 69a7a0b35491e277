"""The archive's reference data an import looks things up in, loaded once for a batch."""

import re

from django.db import connection

from ..models import Agency, Conference, DocumentType, GcmObjective, Province
from ..text import fold
from .agencies import AgencyMatcher
from .places import ProvinceMatcher

# Issuers whose abbreviation names a body of each province (1614/KH-UBND): which body is meant
# depends on the province the text is about.
PROVINCIAL_ABBREVIATIONS = {
    "UBND": "Ủy ban nhân dân",
    "HĐND": "Hội đồng nhân dân",
    "SNgV": "Sở Ngoại vụ",
    "STP": "Sở Tư pháp",
}


_PLANS_SQL = """
SELECT d.id, d.slug, d.title, p.number, p.number_normalized, p.number_year, p.issuer_id
FROM archive_plan p JOIN archive_document d ON d.id = p.document_ptr_id
WHERE p.number_normalized = ANY(%s)
ORDER BY d.date DESC NULLS LAST, d.created_at DESC  -- Document.Meta.ordering, as the ORM did
"""


class Catalogue:
    """Provinces, agencies, document types, objectives, and the plans and conferences held."""

    def __init__(self):
        self.provinces = list(Province.objects.all())
        self.agencies = list(Agency.objects.select_related("province"))
        self.places = ProvinceMatcher(self.provinces)
        self.agency_matcher = AgencyMatcher(self.agencies, self.places)
        types = list(DocumentType.objects.all())
        self.types_by_abbreviation = {t.abbreviation: t for t in types if t.abbreviation}
        self.types_by_name = {fold(t.name): t for t in types}
        self.objectives = {o.number: o for o in GcmObjective.objects.all()}
        self.by_abbreviation = {}
        for agency in self.agencies:
            if agency.abbreviation and agency.kind != Agency.Kind.PROVINCIAL:
                self.by_abbreviation.setdefault(agency.abbreviation, []).append(agency)
        self._plans = {}
        self._conferences = None

    def document_type(self, number, type_name):
        """Return the DocumentType of a number or a type named in full, or None."""
        if number and number.type_abbreviation in self.types_by_abbreviation:
            return self.types_by_abbreviation[number.type_abbreviation]
        return self.types_by_name.get(fold(type_name or ""))

    def issuer(self, number, province_name=None):
        """Return the Agency a number's issuer part names, or None when it is not held."""
        first = number.issuer.split("-")[0]
        if number.form == number.LAW:
            first = "QH" if "UBTV" not in first.upper() else first
        if first in PROVINCIAL_ABBREVIATIONS:
            head = PROVINCIAL_ABBREVIATIONS[first]
            return self.agency_matcher.provincial.get((head, fold(province_name or "")))
        if first.upper() == "QH" or first.upper().startswith("QH"):
            first = "QH"
        candidates = self.by_abbreviation.get(first, [])
        return candidates[0] if len(candidates) == 1 else None

    def issuer_name(self, number, province_name=None):
        """Return the issuer of a number named in full, held in the table or not."""
        agency = self.issuer(number, province_name)
        if agency:
            return agency.name
        first = number.issuer.split("-")[0]
        if first in PROVINCIAL_ABBREVIATIONS and province_name:
            # Either tone placement: the text's "Hòa Bình" is the table's "Hoà Bình".
            named = fold(province_name)
            province = next((p for p in self.provinces if fold(p.name) == named), None)
            if province is None:
                return f"{PROVINCIAL_ABBREVIATIONS[first]} {province_name}"
            where = province.full_name  # "Tỉnh Hoà Bình": "… tỉnh Hoà Bình"
            return f"{PROVINCIAL_ABBREVIATIONS[first]} {where[:1].lower()}{where[1:]}"
        return number.issuer

    def load_plans(self, numbers):
        """Look up, in one query, the plans held under these normalised numbers.

        Numbers not held are asked again for the next text: another worker of the batch may
        have imported them since.
        """
        wanted = [number for number in set(numbers) if not self._plans.get(number)]
        if not wanted:
            return
        for number in wanted:
            self._plans[number] = []
        # Plain SQL: asked for nearly every text, and the ORM's query building for a child
        # model's values() cost twice the query itself.
        with connection.cursor() as cursor:
            cursor.execute(_PLANS_SQL, [wanted])
            columns = [column.name for column in cursor.description]
            for row in cursor.fetchall():
                plan = dict(zip(columns, row, strict=True))
                self._plans[plan["number_normalized"]].append(plan)

    def plans_numbered(self, normalized):
        """Return the plans held under a normalised number, as dicts."""
        if normalized not in self._plans:
            self.load_plans([normalized])
        return self._plans[normalized]

    def conferences(self):
        """Return every conference held, as dicts with a folded title for matching."""
        if self._conferences is None:
            self._conferences = [
                {**row, "folded_title": _title_key(row["title"])}
                for row in Conference.objects.values(
                    "id", "slug", "title", "date", "date_precision", "place"
                )
            ]
        return self._conferences

    def remember(self, document):
        """Make a document imported in this batch a link target for the next files."""
        if document.kind == "plan":
            self._plans.setdefault(document.number_normalized, []).append(
                {
                    "id": document.pk,
                    "slug": document.slug,
                    "title": document.title,
                    "number": document.number,
                    "number_normalized": document.number_normalized,
                    "number_year": document.number_year,
                    "issuer_id": document.issuer_id,
                }
            )


def _title_key(title):
    """Return a conference title folded, without a trailing "(IMRF)"-style acronym."""

    return fold(re.sub(r"\s*\([^)]*\)\s*$", "", title)).strip()
