"""The daily follow-up reminders: each leader gets at most one e-mail a day about open
observations due within a week or overdue (flagged), and about mentoring sessions two days
ahead, of which the participant is reminded too."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from trainings import followup
from trainings.models import MentoringSession, Nomination, Observation
from trainings.tasks import schedule_and_remind_observations

from .test_followup_observation import fill, finished_class, new_participant

pytestmark = pytest.mark.django_db


def days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


@pytest.fixture
def with_email(agency):
    for who in ("leader_a", "leader_b", "participant", "colleague_b"):
        employee = getattr(agency, who)
        employee.email = f"{who}@example.go.id"
        employee.save()
    return agency


@pytest.fixture
def observed(with_email, make_class, nominate):
    """Andi and Budi (A1, leader A) and the colleague in B finished a class five weeks ago:
    their week-4 observations are overdue, their week-12 ones months away."""
    agency = with_email
    budi = new_participant(agency, name="Budi Santoso", email="budi@example.go.id")
    finished_class(agency, make_class, nominate, agency.participant, budi, agency.colleague_b, weeks_ago=5)
    mail.outbox.clear()
    return agency, budi


def by_recipient():
    return {message.to[0]: message for message in mail.outbox}


def test_each_leader_gets_one_email_a_day(observed):
    agency, _budi = observed
    assert schedule_and_remind_observations() == 2  # schedules, then reminds leaders A and B
    sent = by_recipient()
    assert set(sent) == {"leader_a@example.go.id", "leader_b@example.go.id"}
    body_a = sent["leader_a@example.go.id"].body
    assert "Andi Peserta" in body_a and "Budi Santoso" in body_a and "Rekan di B" not in body_a
    assert "Rekan di B" in sent["leader_b@example.go.id"].body
    assert schedule_and_remind_observations() == 0  # the same day again (or HR's button): nothing
    assert len(mail.outbox) == 2
    assert set(Observation.objects.filter(week=4).values_list("last_reminded_on", flat=True)) == {days(0)}


def test_the_next_day_reminds_again(observed):
    schedule_and_remind_observations()
    assert followup.followup_reminders_send(today=days(1)) == 2
    assert len(mail.outbox) == 4


def test_overdue_observations_are_flagged(observed):
    agency, budi = observed
    followup.observations_schedule_pending()
    Observation.objects.filter(nomination__employee=budi, week=4).update(due_on=days(5))
    followup.followup_reminders_send()
    body = by_recipient()["leader_a@example.go.id"].body
    andi_line = next(line for line in body.splitlines() if "Andi Peserta" in line)
    budi_line = next(line for line in body.splitlines() if "Budi Santoso" in line)
    assert "[TERLAMBAT]" in andi_line
    assert "[TERLAMBAT]" not in budi_line and "minggu ke-4" in budi_line


def test_done_far_and_unreachable_observations_are_not_reminded(observed):
    agency, budi = observed
    followup.observations_schedule_pending()
    fill(Observation.objects.get(nomination__employee=agency.participant, week=4), agency.leader_a.user)
    Observation.objects.filter(nomination__employee=budi, week=4).update(due_on=days(8))  # beyond a week
    agency.leader_b.email = ""
    agency.leader_b.save()
    assert followup.followup_reminders_send() == 0
    assert mail.outbox == []


def test_mentoring_is_reminded_two_days_ahead_to_leader_and_participant(with_email, make_class, nominate):
    agency = with_email
    finished_class(agency, make_class, nominate, agency.participant, weeks_ago=1)  # observations not due
    nomination = Nomination.objects.get(employee=agency.participant)
    session = followup.mentoring_session_save(
        nomination=nomination,
        held_on=days(-12),
        topic="Mediasi konflik warga",
        agreed_actions="Andi memfasilitasi rapat RT.",
        next_date=days(3),
        user=agency.leader_a.user,
    )
    assert schedule_and_remind_observations() == 0  # three days ahead: not yet
    assert followup.followup_reminders_send(today=days(1)) == 2  # two days ahead: both
    sent = by_recipient()
    assert set(sent) == {"leader_a@example.go.id", "participant@example.go.id"}
    assert "Andi Peserta" in sent["leader_a@example.go.id"].body
    assert "Andi memfasilitasi rapat RT." in sent["participant@example.go.id"].body
    assert MentoringSession.objects.get(pk=session.pk).reminded_on == days(1)
    assert followup.followup_reminders_send(today=days(1)) == 0
    assert followup.followup_reminders_send(today=days(2)) == 0  # reminded once per date
    assert len(mail.outbox) == 2


def test_only_the_latest_session_sets_the_next_date(with_email, make_class, nominate):
    agency = with_email
    finished_class(agency, make_class, nominate, agency.participant, weeks_ago=1)
    nomination = Nomination.objects.get(employee=agency.participant)
    followup.mentoring_session_save(
        nomination=nomination, held_on=days(-10), topic="Awal", next_date=days(2), user=agency.leader_a.user
    )
    followup.mentoring_session_save(  # met earlier than planned; the next one is far away
        nomination=nomination,
        held_on=days(-1),
        topic="Lanjutan",
        next_date=days(20),
        user=agency.leader_a.user,
    )
    assert followup.followup_reminders_send() == 0


def test_leader_reminder_combines_observations_and_sessions(observed):
    agency, _budi = observed
    followup.observations_schedule_pending()
    nomination = Nomination.objects.get(employee=agency.participant)
    followup.mentoring_session_save(
        nomination=nomination, held_on=days(-7), topic="Awal", next_date=days(2), user=agency.leader_a.user
    )
    assert followup.followup_reminders_send() == 3  # leader A (one e-mail for both), leader B, Andi
    body = by_recipient()["leader_a@example.go.id"].body
    assert "observasi minggu ke-4" in body and "Sesi mentoring berikutnya" in body
