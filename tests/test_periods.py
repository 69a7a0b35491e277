"""A date known only by its month or year («tháng 5/2026»): entered, kept, shown and searched."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from archive.models import Conference, Document, DocumentLink, Relation
from archive.periods import PartialDate, PartialDateField, Precision, month_or_year

from .factories import ArticleFactory, ConferenceFactory
from .test_admin import autocomplete, document_form, inline_management

pytestmark = pytest.mark.django_db

MAY_2026 = datetime.date(2026, 5, 1)


def conference_form(**fields):
    data = document_form(place="New York, Mỹ", end_date="", participant_note="", **fields)
    return data | inline_management("sessions")


def test_a_month_or_a_year_is_read_as_staff_write_it():
    assert month_or_year("05/2026") == MAY_2026 and month_or_year("5/2026").precision == "month"
    assert month_or_year("2026-05").precision == Precision.MONTH
    assert month_or_year(" 2026 ") == datetime.date(2026, 1, 1)
    assert month_or_year("2026").precision == Precision.YEAR
    assert month_or_year("2026").last_day() == datetime.date(2026, 12, 31)
    assert month_or_year("02/2024").last_day() == datetime.date(2024, 2, 29)
    assert month_or_year("30/05/2026") is None  # a day: the date field's own formats read it
    with pytest.raises(ValueError):
        month_or_year("13/2026")


def test_a_date_is_read_as_the_lists_show_it_too():
    """«tháng 7/2020», copied from a list or a picker, was refused: «type a month»."""
    field = PartialDateField()
    assert (field.clean("tháng 7/2020"), field.clean("tháng 7/2020").precision) == (
        datetime.date(2020, 7, 1),
        Precision.MONTH,
    )
    assert field.clean("Năm 2020").precision == Precision.YEAR
    with pytest.raises(ValidationError):
        field.clean("tháng 13/2020")


def test_an_editor_enters_a_conference_known_by_its_month(staff_client):
    url = reverse("admin:archive_conference_add")
    data = conference_form(title="Diễn đàn Rà soát Di cư quốc tế", slug="imrf", date="05/2026")
    assert staff_client.post(url, data).status_code == 302
    imrf = Conference.objects.get(slug="imrf")
    assert (imrf.date, imrf.date_precision) == (MAY_2026, Precision.MONTH)
    change = reverse("admin:archive_conference_change", args=[imrf.pk])
    assert 'value="05/2026"' in staff_client.get(change).content.decode()  # as it was typed
    listed = staff_client.get(reverse("admin:archive_conference_changelist")).content.decode()
    assert "tháng 5/2026" in listed and "01/05/2026" not in listed
    every = staff_client.get(reverse("admin:archive_document_changelist")).content.decode()
    assert "tháng 5/2026" in every  # the list of every kind too
    # A link's picker names it so too.
    picked = autocomplete(staff_client, "documentlink", "target", "Diễn đàn")
    assert picked == ["Hội nghị · tháng 5/2026 · Diễn đàn Rà soát Di cư quốc tế"]
    # The same first day typed as a day is a change: the day is now known.
    assert staff_client.post(change, data | {"date": "01/05/2026"}).status_code == 302
    imrf.refresh_from_db()
    assert (imrf.date, imrf.date_precision) == (MAY_2026, Precision.DAY)
    history = staff_client.get(reverse("admin:archive_conference_history", args=[imrf.pk]))
    assert "Đã thay đổi Ngày bắt đầu." in history.content.decode()
    assert staff_client.post(change, data | {"date": "2026"}).status_code == 302
    imrf.refresh_from_db()
    assert (imrf.date, imrf.date_precision) == (datetime.date(2026, 1, 1), Precision.YEAR)
    # Cleared, nothing is known: a later day is entered as a day.
    assert staff_client.post(change, data | {"date": ""}).status_code == 302
    imrf.refresh_from_db()
    assert (imrf.date, imrf.date_precision) == (None, Precision.DAY)


def test_a_date_that_is_neither_says_what_may_be_typed(staff_client):
    url = reverse("admin:archive_conference_add")
    data = conference_form(title="Hội nghị", slug="hoi-nghi", date="13/2026")
    content = staff_client.post(url, data).content.decode()
    assert "nếu chỉ biết tháng hoặc năm, nhập tháng/năm (05/2026) hoặc năm (2026)." in content
    assert not Conference.objects.filter(slug="hoi-nghi").exists()


def test_a_plan_cannot_be_issued_in_a_month_to_come(staff_client):
    ahead = timezone.localdate() + datetime.timedelta(days=40)
    fields = {"title": "Kế hoạch", "slug": "kh", "number": "9/KH-UBND", "validity": "con_hieu_luc"}
    url = reverse("admin:archive_plan_add")
    response = staff_client.post(url, document_form(**fields, date=f"{ahead:%m/%Y}"))
    expected = f"«tháng {ahead.month}/{ahead.year}» chưa đến: chỉ hội nghị mới được ghi ngày"
    assert expected in response.content.decode()
    this_month = timezone.localdate()
    data = document_form(**fields, date=f"{this_month:%m/%Y}")
    assert staff_client.post(url, data).status_code == 302


def test_a_month_is_kept_as_its_first_day():
    """The database refuses what no form writes: a month dated another day than its first."""
    conference = ConferenceFactory(date=datetime.date(2026, 5, 15))
    conference.date_precision = Precision.MONTH
    with pytest.raises(IntegrityError), transaction.atomic():
        conference.save()
    conference.date = MAY_2026
    conference.save()
    assert Document.objects.get(pk=conference.pk).date_precision == Precision.MONTH


@pytest.fixture
def dated():
    return {
        "imrf": ConferenceFactory(
            title="Diễn đàn Rà soát Di cư quốc tế", date=MAY_2026, date_precision="month"
        ),
        "april": ArticleFactory(title="Bài viết về di cư", date=datetime.date(2026, 4, 30)),
        "year": ConferenceFactory(
            title="Hội thảo về di cư", date=datetime.date(2025, 1, 1), date_precision="year"
        ),
    }


def test_pages_show_a_date_as_far_as_it_is_known(client, dated):
    imrf = dated["imrf"]
    # Reported on: its timeline is shown (its opening alone is not one).
    DocumentLink.objects.create(source=dated["april"], relation=Relation.REPORTS, target=imrf)
    page = client.get(imrf.get_absolute_url()).content.decode()
    assert "<dd>tháng 5/2026</dd>" in page and "01/05/2026" not in page
    assert '<time datetime="2026-05">tháng 5/2026</time>' in page  # the timeline
    results = client.get(reverse("archive:search"), {"q": "di cư"}).content.decode()
    assert "tháng 5/2026" in results and "năm 2025" in results and "30/04/2026" in results
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    english = client.get(imrf.get_absolute_url()).content.decode()
    assert "<dd>May 2026</dd>" in english  # not «5/2026», which reads as 5 February too


def found(client, **params):
    response = client.get(reverse("archive:api-search"), params)
    assert response.status_code == 200
    return {result["title"] for result in response.json()["results"]}


def test_a_month_or_year_lies_in_the_periods_it_reaches(client, dated):
    imrf, april, year = (dated[key].title for key in ("imrf", "april", "year"))
    # Held some day of May 2026: in a period from 15 May, not in one from June or to April.
    assert found(client, date_from="15/05/2026") == {imrf}
    assert found(client, date_from="06/2026") == set()
    assert found(client, date_to="30/04/2026") == {april, year}
    assert found(client, date_from="05/2026", date_to="05/2026") == {imrf}
    # Some day of 2025: in a period from July 2025, not in one from 2026.
    assert year in found(client, date_from="01/07/2025")
    assert year not in found(client, date_from="2026")
    assert found(client, year="2026") == {imrf, april}  # the year facet counts it in its year


def test_the_api_and_the_export_say_what_is_known(client, dated):
    payload = client.get(reverse("archive:api-search"), {"q": "diễn đàn"}).json()
    (result,) = payload["results"]
    assert (result["date"], result["date_precision"]) == ("2026-05-01", "month")
    response = client.get(reverse("archive:search-csv"), {"q": "diễn đàn"})
    row = b"".join(response.streaming_content).decode("utf-8").splitlines()[1]
    assert ",05/2026,2026-05-01," in row


def test_the_demo_dates_the_imrf_by_its_month(client, demo):
    imrf = Document.objects.get(slug="dien-dan-ra-soat-di-cu-quoc-te-imrf-2026")
    assert PartialDate.of(imrf.date, imrf.date_precision).last_day() == datetime.date(2026, 5, 31)
    assert imrf.title in found(client, year="2026", kind="conference")
    assert "<dd>tháng 5/2026</dd>" in client.get(imrf.get_absolute_url()).content.decode()
