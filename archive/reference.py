"""The reference tables a results page names things from, read once per search generation.

Provinces, agencies, GCM objectives and document types are a few hundred rows that every
results page names: the facet labels, and each result's places and agencies (whose ids the
document row already holds in its facet arrays, migration 0004). Read for every request they
cost four to six queries and hundreds of model instances; held in the process per search
generation, which every write to these tables bumps (migration 0008), they cost nothing and
are never stale.
"""

from collections import Counter

from django.urls import reverse
from django.utils import translation

from . import search
from .ingest.places import ABROAD, ALIASES
from .models import Agency, DocumentType, GcmObjective, Province


class References:
    """Each table as {id: instance}, in the table's own order (Meta.ordering)."""

    TABLES = {
        "provinces": Province,
        "agencies": Agency,
        "objectives": GcmObjective,
        "doc_types": DocumentType,
    }

    def __init__(self):
        for name, model in self.TABLES.items():
            setattr(self, name, {row.pk: row for row in model.objects.all()})
        # What a result's tags link to, reversed once per generation instead of once per tag.
        for row in self.provinces.values():
            row.page_url = reverse("archive:province", args=[row.page_slug])
        for row in self.agencies.values():
            row.page_url = reverse("archive:agency", args=[row.slug])
            row.province = self.provinces.get(row.province_id)  # read from here, not queried
            row.tag = row.short_name
        self._group_mergers()
        # The abbreviations that name one agency ("IOM", "BNG"; not "UBND", every province's
        # committee's): typed in a search, the page offers that agency's documents.
        counts = Counter(row.abbreviation for row in self.agencies.values() if row.abbreviation)
        self.abbreviated = {
            row.abbreviation: row
            for row in self.agencies.values()
            if len(row.abbreviation) > 1 and counts[row.abbreviation] == 1
        }
        # The names a query holds, written as sources write them too (TP.HCM, BR-VT), not those
        # inside a name abroad (Thái Bình Dương).
        self.places = search.place_table(self.provinces.values(), ABROAD, ALIASES)
        self._positions = {
            name: {pk: n for n, pk in enumerate(getattr(self, name))} for name in self.TABLES
        }
        self._choices = {}

    def _group_mergers(self):
        """Tell the current units that took in another (Cần Thơ took Hậu Giang and Sóc Trăng)
        from the old units that only changed era (Lạng Sơn before 2025 is Lạng Sơn now,
        Province.continues): a facet listing both showed one province twice with one count,
        and the choice of the tagged unit alone changed nothing for them."""
        self.renamed_units = {pk for pk, row in self.provinces.items() if row.continues}
        self.merging_units = {
            row.merged_into_id
            for row in self.provinces.values()
            if row.merged_into_id in self.provinces and not row.continues
        }

    def choices(self, facet, table, field, label):
        """Return {id as text: (the row's `field` as text, label(row))} of a facet's table.

        Built once per facet and language: a results page names up to 115 values of each
        facet, and labelling them afresh (a translated province name, an agency with its
        abbreviation) was a third of the Python a page of rare words ran.
        """
        key = (facet, translation.get_language())
        if key not in self._choices:
            rows = getattr(self, table).values()
            self._choices[key] = {
                str(row.pk): (str(getattr(row, field)), label(row)) for row in rows
            }
        return self._choices[key]

    def named(self, table, ids):
        """Return the instances of these ids that exist, in the table's order."""
        rows, positions = getattr(self, table), self._positions[table]
        return [rows[pk] for pk in sorted((pk for pk in ids if pk in rows), key=positions.get)]


_held = {}


def references(generation):
    """Return the reference tables as they are in this search generation."""
    held = _held.get(generation)
    if held is None:
        held = References()
        _held.clear()  # one generation at a time: an old one is never asked for again
        _held[generation] = held
    return held
