"""The leader's observation after a class (supervision, Kirkpatrick level 3): scheduled from the
programme's weeks, at the participant's Perekat Bangsa standard, filled by their leader only."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from assessments.models import PEREKAT_BANGSA, Competency, DefaultStandardLevel, PositionStandard
from employees.tests.factories import EmployeeFactory, PositionFactory
from trainings import followup, services
from trainings.models import Nomination, NominationStatus, Observation, ObservationItem
from trainings.tasks import schedule_and_remind_observations

pytestmark = pytest.mark.django_db

NOT_YET, SOMETIMES, CONSISTENTLY = "not_yet", "sometimes", "consistently"


def monday_weeks_ago(weeks: int) -> datetime.date:
    today = timezone.localdate()
    return today - datetime.timedelta(days=today.weekday(), weeks=weeks)


def finished_class(agency, make_class, nominate, *employees, weeks_ago=6, completed=True, name=None):
    """A class that started `weeks_ago` Mondays ago, its participants nominated, approved and
    finished through the services (completed or not)."""
    training_class = make_class(start=monday_weeks_ago(weeks_ago), name=name)
    for nomination in nominate(training_class, *employees):
        nomination = services.nomination_decide(nomination=nomination, approve=True, user=agency.hr.user)
        services.nomination_finish(nomination=nomination, completed=completed, user=agency.hr.user)
    return training_class


def new_participant(agency, **extra):
    """Another participant in A1 (under leader A), with a login."""
    return EmployeeFactory(unit=agency.unit_a_child, position=PositionFactory(), with_login=True, **extra)


def fill(observation, user, rating=CONSISTENTLY, judgement="developing", **kwargs):
    indicators = followup.observation_indicators(observation)
    return followup.observation_save(
        observation=observation,
        ratings={i.pk: rating for i in indicators},
        judgement=judgement,
        user=user,
        **kwargs,
    )


@pytest.fixture
def andi_done(agency, make_class, nominate):
    """Andi (agency.participant, in A1 under leader A) completed a class six weeks ago."""
    training_class = finished_class(agency, make_class, nominate, agency.participant)
    followup.observations_schedule(training_class=training_class)
    return training_class


def test_observations_are_scheduled_from_the_programme_weeks(agency, make_class, nominate):
    training_class = finished_class(agency, make_class, nominate, agency.participant)
    created = followup.observations_schedule(training_class=training_class)
    rows = list(Observation.objects.filter(nomination__employee=agency.participant).order_by("week"))
    assert len(created) == 2
    assert [(o.week, o.due_on) for o in rows] == [
        (4, training_class.end_date + datetime.timedelta(weeks=4)),
        (12, training_class.end_date + datetime.timedelta(weeks=12)),
    ]
    assert {o.target_level for o in rows} == {3}  # Fungsional Penyelia's default standard


def test_changing_the_weeks_to_2_6_10_schedules_three(agency, make_class, nominate, programme):
    programme.observation_weeks = "2,6,10"
    programme.save()
    training_class = finished_class(agency, make_class, nominate, agency.participant)
    followup.observations_schedule(training_class=training_class)
    assert list(Observation.objects.order_by("week").values_list("week", flat=True)) == [2, 6, 10]


def test_scheduling_again_changes_nothing(agency, make_class, nominate, programme):
    training_class = finished_class(agency, make_class, nominate, agency.participant)
    followup.observations_schedule(training_class=training_class)
    assert followup.observations_schedule(training_class=training_class) == []
    programme.observation_weeks = "1,2,3"  # a later change applies to later participants only
    programme.save()
    followup.observations_schedule(training_class=training_class)
    assert sorted(Observation.objects.values_list("week", flat=True)) == [4, 12]


def test_only_completed_participants_are_observed(agency, make_class, nominate):
    training_class = finished_class(agency, make_class, nominate, agency.participant)
    failed = finished_class(agency, make_class, nominate, agency.colleague_b, completed=False)
    followup.observations_schedule(training_class=training_class)
    followup.observations_schedule(training_class=failed)
    assert set(Observation.objects.values_list("nomination__employee", flat=True)) == {agency.participant.pk}


def test_target_level_is_the_position_standard_in_force_that_year(agency, make_class, nominate):
    competency = Competency.objects.get(code=PEREKAT_BANGSA)
    position = agency.participant.position
    training_class = make_class(start=monday_weeks_ago(6))
    year = training_class.end_date.year
    PositionStandard.objects.create(position=position, competency=competency, from_year=0, level=2)
    PositionStandard.objects.create(position=position, competency=competency, from_year=year + 1, level=5)
    for nomination in nominate(training_class, agency.participant):
        services.nomination_decide(nomination=nomination, approve=True, user=agency.hr.user)
        services.nomination_finish(nomination=nomination, completed=True, user=agency.hr.user)
    followup.observations_schedule(training_class=training_class)
    assert set(Observation.objects.values_list("target_level", flat=True)) == {2}


def test_target_level_falls_back_to_the_programme(agency, make_class, nominate, programme):
    DefaultStandardLevel.objects.filter(jenis="fungsional", jenjang="penyelia").delete()
    programme.target_level = 4
    programme.save()
    training_class = finished_class(agency, make_class, nominate, agency.participant)
    followup.observations_schedule(training_class=training_class)
    assert set(Observation.objects.values_list("target_level", flat=True)) == {4}


def test_the_daily_task_schedules_every_finished_class(agency, make_class, nominate):
    finished_class(agency, make_class, nominate, agency.participant, weeks_ago=2)
    later = make_class(start=monday_weeks_ago(-3))  # not held yet: its approved nominee is not observed
    (nomination,) = nominate(later, agency.colleague_b)
    services.nomination_decide(nomination=nomination, approve=True, user=agency.hr.user)
    schedule_and_remind_observations()
    schedule_and_remind_observations()
    assert Observation.objects.count() == 2
    assert set(Observation.objects.values_list("nomination__employee", flat=True)) == {agency.participant.pk}


def test_the_leader_rates_every_indicator_of_the_target_level(agency, andi_done):
    observation = Observation.objects.get(week=4)
    indicators = list(followup.observation_indicators(observation))
    assert [i.competency_level.level for i in indicators] == [3, 3, 3]
    saved = followup.observation_save(
        observation=observation,
        ratings={indicators[0].pk: NOT_YET, indicators[1].pk: SOMETIMES, indicators[2].pk: CONSISTENTLY},
        item_notes={indicators[0].pk: "Belum memetakan warga binaan."},
        judgement="developing",
        notes="Mulai menengahi rapat lintas suku.",
        user=agency.leader_a.user,
    )
    assert saved.completed_at is not None and saved.observer == agency.leader_a
    items = {item.indicator_id: item for item in ObservationItem.objects.filter(observation=observation)}
    assert [items[i.pk].rating for i in indicators] == [NOT_YET, SOMETIMES, CONSISTENTLY]
    assert items[indicators[0].pk].note == "Belum memetakan warga binaan."


def test_every_indicator_must_be_rated(agency, andi_done):
    observation = Observation.objects.get(week=4)
    first, *others = followup.observation_indicators(observation)
    with pytest.raises(ValidationError) as caught:
        followup.observation_save(
            observation=observation,
            ratings={i.pk: SOMETIMES for i in others} | {first.pk: "excellent"},
            judgement="developing",
            user=agency.leader_a.user,
        )
    errors = caught.value.message_dict
    assert errors[f"rating_{first.pk}"] == [str(followup.MSG_RATING_REQUIRED)]
    assert str(followup.MSG_RATINGS_MISSING % {"count": 1}) in errors["__all__"]
    assert not ObservationItem.objects.exists()
    assert Observation.objects.get(pk=observation.pk).completed_at is None


def test_an_overall_judgement_is_required(agency, andi_done):
    observation = Observation.objects.get(week=4)
    with pytest.raises(ValidationError) as caught:
        fill(observation, agency.leader_a.user, judgement="")
    assert caught.value.message_dict["judgement"] == [str(followup.MSG_JUDGEMENT_REQUIRED)]


def test_the_observation_can_be_corrected_later(agency, andi_done):
    observation = Observation.objects.get(week=4)
    first = fill(observation, agency.leader_a.user, rating=NOT_YET, judgement="no_change")
    again = fill(observation, agency.leader_a.user, rating=CONSISTENTLY, judgement="achieved")
    assert again.completed_at == first.completed_at  # the first filling's time stays
    assert again.judgement == "achieved"
    assert set(ObservationItem.objects.values_list("rating", flat=True)) == {CONSISTENTLY}
    assert ObservationItem.objects.count() == 3


@pytest.mark.parametrize("who", ["leader_b", "participant", "hr"])
def test_only_the_participants_leader_fills(agency, andi_done, who):
    observation = Observation.objects.get(week=4)
    with pytest.raises(PermissionDenied):
        fill(observation, getattr(agency, who).user)
    assert not ObservationItem.objects.exists()


def test_a_leader_above_the_participants_unit_may_fill(agency, andi_done):
    """A1 has no leader of its own; when it gets one, both A1's and A's leader may observe."""
    a1_leader = EmployeeFactory(unit=agency.unit_a_child, with_login=True)
    agency.unit_a_child.leader = a1_leader
    agency.unit_a_child.save()
    observation = Observation.objects.get(week=4)
    assert fill(observation, a1_leader.user).observer == a1_leader
    assert fill(observation, agency.leader_a.user).observer == agency.leader_a


def test_a_leader_never_observes_themself(agency, make_class, nominate):
    training_class = finished_class(agency, make_class, nominate, agency.leader_a)
    followup.observations_schedule(training_class=training_class)
    observation = Observation.objects.get(nomination__employee=agency.leader_a, week=4)
    with pytest.raises(PermissionDenied):
        fill(observation, agency.leader_a.user)


def test_a_participant_no_longer_completed_cannot_be_observed(agency, andi_done):
    nomination = Nomination.objects.get(employee=agency.participant)
    services.nomination_finish(nomination=nomination, completed=False, user=agency.hr.user)
    assert Nomination.objects.get(pk=nomination.pk).status == NominationStatus.NOT_COMPLETED
    with pytest.raises(ValidationError) as caught:
        fill(Observation.objects.get(week=4), agency.leader_a.user)
    assert caught.value.messages == [str(followup.MSG_NOT_COMPLETED)]
