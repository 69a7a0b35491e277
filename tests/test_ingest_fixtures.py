"""The demo fixtures and the importer agree on the four seed texts.

fixtures/build.py wrote down, by hand, what each seed says: its provinces, agencies, the plans it
cites and the documents it links to. Importing the seeds must find the same.
"""

import json
from pathlib import Path

import pytest
from django.core.management import call_command

from archive.management.commands.bootstrap import FIXTURES
from archive.models import Article, Document

SEEDS = sorted((Path(__file__).parent / "data" / "ingest").glob("seed_*.txt"))
DEMO = json.loads((FIXTURES / "demo.json").read_text(encoding="utf-8"))

pytestmark = pytest.mark.django_db


def demo_documents():
    return {e["fields"]["slug"]: e["fields"] for e in DEMO if e["model"] == "archive.document"}


def demo_numbers():
    documents = demo_documents()
    return {
        documents[e["fields"]["document_ptr"][0]]["slug"]: e["fields"]["number"]
        for e in DEMO
        if e["model"] == "archive.plan"
    }


def demo_links(source_slug):
    return {
        (e["fields"]["relation"], e["fields"]["target"][0])
        for e in DEMO
        if e["model"] == "archive.documentlink" and e["fields"]["source"] == [source_slug]
    }


def seed_articles():
    """Return the demo's article for each seed file, matched by title."""
    by_title = {f["title"]: f for f in demo_documents().values() if f["kind"] == "article"}
    from archive.ingest.clean import clean_page

    return {path: by_title[clean_page(path.read_text("utf-8")).title] for path in SEEDS}


def imported():
    """Return the articles the import made, by title."""
    return {a.title: a for a in Article.objects.exclude(content_hash="")}


def import_seeds():
    from io import StringIO

    call_command("import_text", *map(str, SEEDS), stdout=StringIO(), stderr=StringIO())


def test_seeds_into_an_empty_archive_give_the_fixtures_facts(db):
    call_command("loaddata", FIXTURES / "reference.json", verbosity=0)
    import_seeds()
    articles = imported()
    assert len(articles) == 4
    numbers = demo_numbers()
    for path, fixture in seed_articles().items():
        article = articles[fixture["title"]]
        assert sorted([p.era, p.code] for p in article.provinces.all()) == sorted(
            fixture["provinces"]
        ), path.name
        assert {a.slug for a in article.agencies.all()} == {slug for (slug,) in fixture["agencies"]}
        # The numbers it cites are those of the plans the fixture links it to; nothing is held
        # yet to link to, so no link is made.
        from archive.ingest import Catalogue, extract

        extraction = extract(path.read_text("utf-8"), Catalogue())
        linked_plans = {numbers[t] for _r, t in demo_links(fixture["slug"]) if t in numbers}
        assert {n.number for n in extraction.numbers} == linked_plans, path.name
        assert not article.outgoing_links.exists()


def test_seed_reports_propose_the_fixtures_conferences_in_an_empty_archive(db):
    """With no conference held, a report proposes one of the fixture's date and place."""
    call_command("loaddata", FIXTURES / "reference.json", verbosity=0)
    from archive.ingest import Catalogue, extract

    documents = demo_documents()
    for path, fixture in seed_articles().items():
        extraction = extract(path.read_text("utf-8"), Catalogue())
        reported = [documents[t] for r, t in demo_links(fixture["slug"]) if r == "dua_tin"]
        proposals = [link.create for link in extraction.links if link.create]
        if reported[0]["kind"] != "conference":
            assert proposals == [], path.name
            continue
        (proposal,) = proposals
        conference = next(
            e["fields"]
            for e in DEMO
            if e["model"] == "archive.conference"
            and e["fields"]["document_ptr"] == [reported[0]["slug"]]
        )
        assert proposal["place"] == conference["place"], path.name
        if proposal["date"]:
            assert proposal["date"].isoformat() == reported[0]["date"], path.name
        else:  # seed 004 says "ngày 28/6" and nothing else of the year
            assert extraction.date.isoformat() == "--" + reported[0]["date"][5:]


def test_seeds_into_the_demo_archive_give_the_fixtures_links(demo):
    """Take the seed articles out of the demo archive, import the seeds: the same links."""
    articles = seed_articles()
    Document.objects.filter(slug__in=[f["slug"] for f in articles.values()]).delete()
    import_seeds()
    made = imported()
    for path, fixture in articles.items():
        article = made[fixture["title"]]
        links = set(article.outgoing_links.values_list("relation", "target__slug"))
        assert links == demo_links(fixture["slug"]), path.name
        assert article.date.isoformat() == fixture["date"], path.name
        assert article.body == fixture["body"], path.name
        assert sorted(article.objectives.values_list("number", flat=True)) == [
            n for (n,) in fixture["objectives"]
        ], path.name
