"""Mentoring after a class: the leader keeps the plan (goals tied to the target level's
indicators) and the session log; the participant only adds a reflection per session."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from assessments.models import LevelIndicator
from trainings import followup
from trainings.models import MentoringGoal, MentoringPlan, MentoringSession, Nomination

from .test_followup_observation import finished_class, new_participant

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


@pytest.fixture
def andi(agency, make_class, nominate) -> Nomination:
    """Andi's completed nomination (his leader: A's)."""
    finished_class(agency, make_class, nominate, agency.participant)
    return Nomination.objects.get(employee=agency.participant)


def level_indicator(level: int) -> LevelIndicator:
    return LevelIndicator.objects.filter(
        competency_level__competency__code="perekat_bangsa", competency_level__level=level
    ).first()


def add_goal(nomination, user, **kwargs):
    values = {
        "description": "Memimpin diskusi lintas budaya di unit",
        "target_date": TODAY() + datetime.timedelta(30),
    }
    return followup.mentoring_goal_save(nomination=nomination, user=user, **(values | kwargs))


def log_session(nomination, user, **kwargs):
    values = {"held_on": TODAY(), "topic": "Memetakan kemajemukan warga layanan"}
    return followup.mentoring_session_save(nomination=nomination, user=user, **(values | kwargs))


def test_the_leader_adds_edits_and_removes_goals(agency, andi):
    indicator = level_indicator(3)
    goal = add_goal(andi, agency.leader_a.user, indicator=indicator)
    plan = MentoringPlan.objects.get(nomination=andi)
    assert plan.mentor == agency.leader_a and goal.plan == plan and goal.indicator == indicator
    free = add_goal(andi, agency.leader_a.user, description="Membaca satu buku tentang adat Toraja")
    assert free.indicator is None
    followup.mentoring_goal_save(
        nomination=andi,
        goal=goal,
        indicator=None,
        description="Menengahi satu konflik di unit",
        target_date=TODAY() + datetime.timedelta(60),
        user=agency.leader_a.user,
    )
    goal.refresh_from_db()
    assert goal.description == "Menengahi satu konflik di unit" and goal.indicator is None
    followup.mentoring_goal_delete(goal=free, user=agency.leader_a.user)
    assert list(MentoringGoal.objects.values_list("pk", flat=True)) == [goal.pk]


def test_a_goal_ties_only_to_an_indicator_of_the_target_level(agency, andi):
    with pytest.raises(ValidationError) as caught:
        add_goal(andi, agency.leader_a.user, indicator=level_indicator(5))
    assert caught.value.message_dict["indicator"] == [str(followup.MSG_INDICATOR_NOT_IN_LEVEL % {"level": 3})]


def test_a_goal_needs_an_aim_and_a_date(agency, andi):
    with pytest.raises(ValidationError) as caught:
        add_goal(andi, agency.leader_a.user, description="  ", target_date=None)
    assert caught.value.message_dict == {
        "description": [str(followup.MSG_DESCRIPTION_REQUIRED)],
        "target_date": [str(followup.MSG_TARGET_DATE_REQUIRED)],
    }
    assert not MentoringGoal.objects.exists()


def test_the_leader_logs_and_corrects_sessions(agency, andi):
    session = log_session(
        andi,
        agency.leader_a.user,
        notes="Andi bercerita tentang keluhan warga pendatang.",
        agreed_actions="Andi menyusun peta sosial wilayah layanan.",
        next_date=TODAY() + datetime.timedelta(14),
    )
    assert session.logged_by == agency.leader_a.user and session.plan.nomination == andi
    log_session(andi, agency.leader_a.user, session=session, topic="Peta sosial wilayah")
    session.refresh_from_db()
    assert session.topic == "Peta sosial wilayah" and session.next_date is None
    assert MentoringSession.objects.count() == 1


def test_session_dates_are_checked(agency, andi):
    with pytest.raises(ValidationError) as caught:
        log_session(andi, agency.leader_a.user, held_on=TODAY() + datetime.timedelta(1))
    assert caught.value.message_dict["held_on"] == [str(followup.MSG_SESSION_IN_FUTURE)]
    with pytest.raises(ValidationError) as caught:
        log_session(andi, agency.leader_a.user, next_date=TODAY(), topic="")
    assert caught.value.message_dict == {
        "topic": [str(followup.MSG_TOPIC_REQUIRED)],
        "next_date": [str(followup.MSG_NEXT_NOT_AFTER_HELD)],
    }


def test_a_new_next_date_is_reminded_anew(agency, andi):
    session = log_session(andi, agency.leader_a.user, next_date=TODAY() + datetime.timedelta(2))
    MentoringSession.objects.filter(pk=session.pk).update(reminded_on=TODAY())
    session.refresh_from_db()
    log_session(andi, agency.leader_a.user, session=session, next_date=TODAY() + datetime.timedelta(9))
    session.refresh_from_db()
    assert session.reminded_on is None


def test_the_participant_reflects_on_their_own_sessions(agency, andi):
    session = log_session(andi, agency.leader_a.user)
    followup.mentoring_reflection_save(
        session=session, reflection="Saya belajar mendengar dulu.", user=agency.participant.user
    )
    session.refresh_from_db()
    assert session.reflection == "Saya belajar mendengar dulu." and session.reflected_at is not None
    assert session.topic == "Memetakan kemajemukan warga layanan"  # the leader's part untouched


@pytest.mark.parametrize("who", ["leader_a", "hr", "colleague_b"])
def test_nobody_else_writes_the_reflection(agency, andi, who):
    session = log_session(andi, agency.leader_a.user)
    with pytest.raises(PermissionDenied):
        followup.mentoring_reflection_save(session=session, reflection="…", user=getattr(agency, who).user)


def test_an_empty_reflection_is_refused(agency, andi):
    session = log_session(andi, agency.leader_a.user)
    with pytest.raises(ValidationError) as caught:
        followup.mentoring_reflection_save(session=session, reflection=" ", user=agency.participant.user)
    assert caught.value.message_dict["reflection"] == [str(followup.MSG_REFLECTION_REQUIRED)]


@pytest.mark.parametrize("who", ["participant", "hr", "leader_b"])
def test_only_the_leader_writes_the_plan_and_log(agency, andi, who):
    user = getattr(agency, who).user
    with pytest.raises(PermissionDenied):
        add_goal(andi, user)
    with pytest.raises(PermissionDenied):
        log_session(andi, user)
    goal = add_goal(andi, agency.leader_a.user)
    with pytest.raises(PermissionDenied):
        followup.mentoring_goal_delete(goal=goal, user=user)
    assert MentoringGoal.objects.count() == 1 and not MentoringSession.objects.exists()


def test_a_goal_of_another_plan_cannot_be_edited_through_this_one(agency, andi, make_class, nominate):
    budi = new_participant(agency)
    finished_class(agency, make_class, nominate, budi)
    other_goal = add_goal(Nomination.objects.get(employee=budi), agency.leader_a.user)
    with pytest.raises(PermissionDenied):
        add_goal(andi, agency.leader_a.user, goal=other_goal)


def test_mentoring_is_for_completed_participants(agency, make_class, nominate):
    finished_class(agency, make_class, nominate, agency.participant, completed=False)
    nomination = Nomination.objects.get(employee=agency.participant)
    with pytest.raises(ValidationError) as caught:
        add_goal(nomination, agency.leader_a.user)
    assert caught.value.messages == [str(followup.MSG_NOT_COMPLETED)]
    assert not MentoringPlan.objects.exists()
