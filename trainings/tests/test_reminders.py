"""The daily reminder of nominations still awaiting a leader's decision, and JP across years."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from trainings.models import JpCredit, Programme
from trainings.selectors import jp_total
from trainings.services import nomination_decide, nomination_finish, nominations_add, training_class_create
from trainings.tasks import remind_pending_approvals

pytestmark = pytest.mark.django_db


def next_weekday(days_ahead: int) -> datetime.date:
    day = timezone.localdate() + datetime.timedelta(days=days_ahead)
    while day.weekday() >= 5:
        day += datetime.timedelta(days=1)
    return day


def make_class(agency, start, name="Angkatan"):
    programme = Programme.objects.get(code="sosio-kultural-perekat-bangsa")
    return training_class_create(
        programme=programme,
        name=name,
        start_date=start,
        capacity=10,
        forum_start=datetime.time(9),
        forum_end=datetime.time(11),
        user=agency.hr.user,
    )


@pytest.fixture
def leaders_with_email(agency):
    for leader, address in ((agency.leader_a, "a@example.go.id"), (agency.leader_b, "b@example.go.id")):
        leader.email = address
        leader.save()
    return agency


def test_the_nearest_leader_is_reminded_once_a_day(leaders_with_email):
    agency = leaders_with_email
    soon = make_class(agency, next_weekday(3), "Angkatan Segera")
    nominations_add(
        training_class=soon, employees=[agency.participant, agency.colleague_b], user=agency.hr.user
    )

    assert remind_pending_approvals() == 2
    by_recipient = {m.to[0]: m.body for m in mail.outbox}
    assert "Andi Peserta" in by_recipient["a@example.go.id"]  # A1 has no leader: A's is the nearest
    assert "Andi Peserta" not in by_recipient["b@example.go.id"]
    assert "Rekan di B" in by_recipient["b@example.go.id"]
    assert remind_pending_approvals() == 0  # the same day again: nothing more
    assert len(mail.outbox) == 2


def test_decided_nominations_and_far_classes_need_no_reminder(leaders_with_email):
    agency = leaders_with_email
    far = make_class(agency, next_weekday(30), "Angkatan Nanti")
    soon = make_class(agency, next_weekday(2), "Angkatan Segera")
    nominations_add(training_class=far, employees=[agency.participant], user=agency.hr.user)
    (decided,), _ = nominations_add(training_class=soon, employees=[agency.colleague_b], user=agency.hr.user)
    nomination_decide(nomination=decided, approve=True, user=agency.leader_b.user)
    assert remind_pending_approvals() == 0
    assert mail.outbox == []


def test_jp_add_up_per_year_across_classes(agency):
    classes = [
        make_class(agency, datetime.date(2026, 3, 2), "Maret"),
        make_class(agency, datetime.date(2026, 9, 7), "September"),
        make_class(agency, datetime.date(2027, 2, 1), "2027"),
    ]
    for training_class in classes:
        (nomination,), _ = nominations_add(
            training_class=training_class, employees=[agency.participant], user=agency.hr.user
        )
        nomination = nomination_decide(nomination=nomination, approve=True, user=agency.leader_a.user)
        nomination_finish(nomination=nomination, completed=True, user=agency.hr.user)
        nomination_finish(nomination=nomination, completed=True, user=agency.hr.user)  # twice: credited once
    assert jp_total(agency.participant, 2026) == 48
    assert jp_total(agency.participant, 2027) == 24
    assert JpCredit.objects.count() == 3


def test_a_leaders_own_nomination_reminds_the_leader_above(leaders_with_email):
    agency = leaders_with_email
    agency.root.leader = agency.hr  # the agency's head, above leader A
    agency.root.save()
    agency.hr.email = "kepala@example.go.id"
    agency.hr.save()
    soon = make_class(agency, next_weekday(3), "Angkatan Pimpinan")
    nominations_add(training_class=soon, employees=[agency.leader_a], user=agency.hr.user)

    assert remind_pending_approvals() == 1
    assert mail.outbox[0].to == ["kepala@example.go.id"]
    assert "Pimpinan A" in mail.outbox[0].body
