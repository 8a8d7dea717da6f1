"""Calendar files: one event per daily forum, in WIB, and who may fetch them."""

import datetime
from zoneinfo import ZoneInfo

import icalendar
import pytest
from django.urls import reverse

from trainings.models import CalendarFeed, Programme
from trainings.services import calendar_feed_for, nomination_decide, nominations_add, training_class_create

pytestmark = pytest.mark.django_db
WIB = ZoneInfo("Asia/Jakarta")


@pytest.fixture
def approved_class(agency):
    programme = Programme.objects.get(code="sosio-kultural-perekat-bangsa")
    training_class = training_class_create(
        programme=programme,
        name="Angkatan Uji",
        start_date=datetime.date(2026, 12, 11),
        capacity=5,
        forum_start=datetime.time(9, 0),
        forum_end=datetime.time(11, 30),
        meeting_urls=["https://zoom.us/j/111", "https://zoom.us/j/222", ""],
        user=agency.hr.user,
    )
    (nomination,), _warnings = nominations_add(
        training_class=training_class, employees=[agency.participant], user=agency.hr.user
    )
    nomination_decide(nomination=nomination, approve=True, user=agency.leader_a.user)
    return training_class


def events(response):
    return sorted(
        icalendar.Calendar.from_ical(response.content).walk("VEVENT"), key=lambda e: e.decoded("dtstart")
    )


def test_class_ics_parses_back_with_the_forum_times_in_jakarta(client, agency, approved_class):
    client.force_login(agency.participant.user)
    response = client.get(reverse("class_ics", args=[approved_class.pk]))
    assert response["Content-Type"].startswith("text/calendar")
    parsed = events(response)
    assert len(parsed) == 3
    # 11 Dec 2026 is a Friday: the next two days are Monday 14 and Tuesday 15.
    assert [e.decoded("dtstart") for e in parsed] == [
        datetime.datetime(2026, 12, d, 9, 0, tzinfo=WIB) for d in (11, 14, 15)
    ]
    assert parsed[0].decoded("dtstart").utcoffset() == datetime.timedelta(hours=7)
    assert parsed[0].decoded("dtend") == datetime.datetime(2026, 12, 11, 11, 30, tzinfo=WIB)
    assert str(parsed[1]["url"]) == "https://zoom.us/j/222"


def test_the_private_feed_needs_no_login_but_its_token(client, agency, approved_class):
    feed = calendar_feed_for(agency.participant.user)
    response = client.get(reverse("calendar_feed", args=[feed.token]))
    assert response.status_code == 200 and len(events(response)) == 3
    assert client.get(reverse("calendar_feed", args=["tebakan"])).status_code == 404
    assert calendar_feed_for(agency.participant.user).token == feed.token  # one token per user
    assert CalendarFeed.objects.count() == 1


def test_someone_not_in_the_class_cannot_fetch_its_ics(client, agency, approved_class):
    client.force_login(agency.colleague_b.user)
    assert client.get(reverse("class_ics", args=[approved_class.pk])).status_code == 404
    feed = calendar_feed_for(agency.colleague_b.user)
    assert events(client.get(reverse("calendar_feed", args=[feed.token]))) == []


def test_leaders_calendar_holds_the_published_classes(client, agency, approved_class):
    feed = calendar_feed_for(agency.leader_b.user)
    assert len(events(client.get(reverse("calendar_feed", args=[feed.token])))) == 3
