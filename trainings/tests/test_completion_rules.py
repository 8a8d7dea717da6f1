"""Completion rules: forums attended (present or late), the post-test submitted, the group task
submitted. Each rule failing alone blocks completion with a message naming it and its numbers;
all met completes through nomination_finish (JP credited once, the training need trained) and
issues the STTPP. The builders here are shared by the other test_completion_* and test_feedback
modules."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings
from django.utils import timezone

from elearning.models import Attempt, Enrolment, GroupTask, Quiz, QuizKind, Submission, TaskGroup
from gaps.models import TrainingNeed
from trainings import completion, services
from trainings.models import Certificate, JpCredit, NominationStatus, Programme

pytestmark = pytest.mark.django_db

SIGNATORY = "Dr. Siti Rahmawati, M.Si."
SIGNATORY_TITLE = "Kepala Bagian Kepegawaian dan Organisasi"


def monday(weeks: int) -> datetime.date:
    """The Monday `weeks` weeks from this week's (negative: in the past)."""
    today = timezone.localdate()
    return today - datetime.timedelta(days=today.weekday()) + datetime.timedelta(weeks=weeks)


PAST_MONDAY = monday(-4)  # a class that ended weeks ago
FUTURE_MONDAY = monday(4)  # a class yet to come


def the_programme(*, signatory: bool = True) -> Programme:
    programme = Programme.objects.get(code="sosio-kultural-perekat-bangsa")
    if signatory:
        programme.signatory_name, programme.signatory_title = SIGNATORY, SIGNATORY_TITLE
        programme.save()
    return programme


def class_with(
    agency, employees, *, start=PAST_MONDAY, name="Angkatan Kelulusan", programme=None, capacity=30
):
    """A class taught by the agency's facilitator, with these employees nominated and approved."""
    training_class = services.training_class_create(
        programme=programme or the_programme(),
        name=name,
        start_date=start,
        capacity=capacity,
        forum_start=datetime.time(9),
        forum_end=datetime.time(11),
        facilitators=[agency.facilitator_user],
        user=agency.hr.user,
    )
    nominations, _warnings = services.nominations_add(
        training_class=training_class, employees=list(employees), user=agency.hr.user
    )
    for nomination in nominations:
        services.nomination_decide(nomination=nomination, approve=True, user=agency.hr.user)
    return training_class, [type(n).objects.get(pk=n.pk) for n in nominations]


def attend(agency, nomination, days: int, status: str = "present") -> None:
    for class_day in nomination.training_class.days.order_by("day_number")[:days]:
        services.attendance_mark(class_day=class_day, marks={nomination.pk: status}, user=agency.hr.user)


def enrolment_of(nomination) -> Enrolment:
    return Enrolment.objects.get(space=nomination.training_class.learning_space, employee=nomination.employee)


def post_quiz(training_class) -> Quiz:
    now = timezone.now()
    quiz, _created = Quiz.objects.get_or_create(
        space=training_class.learning_space,
        kind=QuizKind.POST,
        defaults={
            "competency": training_class.programme.competency,
            "opens_at": now - datetime.timedelta(days=30),
            "closes_at": now - datetime.timedelta(days=29),
        },
    )
    return quiz


def take_post_test(nomination, *, submitted: bool = True) -> Attempt:
    now = timezone.now()
    return Attempt.objects.create(
        quiz=post_quiz(nomination.training_class),
        enrolment=enrolment_of(nomination),
        started_at=now - datetime.timedelta(minutes=20),
        deadline_at=now + datetime.timedelta(minutes=10),
        submitted_at=now if submitted else None,
        question_total=5,
        correct_count=4 if submitted else None,
    )


def join_group(nomination, name: str = "Kelompok 1") -> TaskGroup:
    space = nomination.training_class.learning_space
    group, _created = TaskGroup.objects.get_or_create(space=space, name=name)
    Enrolment.objects.filter(pk=enrolment_of(nomination).pk).update(group=group)
    return group


def hand_in_task(group: TaskGroup) -> Submission:
    task = GroupTask.objects.create(
        space=group.space, kind="film", title="Bedah film", due_at=timezone.now() + datetime.timedelta(days=1)
    )
    return Submission.objects.create(
        task=task, group=group, text="Analisis kami", submitted_at=timezone.now()
    )


def meet_everything(agency, nomination, *, group_name: str = "Kelompok 1") -> None:
    attend(agency, nomination, 3)
    take_post_test(nomination)
    group = join_group(nomination, group_name)
    if not group.submissions.exists():
        hand_in_task(group)


# --- the tests --------------------------------------------------------------------------------


@pytest.fixture
def andi_in_class(agency, need):
    andi_need = need(agency.participant)
    training_class, (nomination,) = class_with(agency, [agency.participant])
    return training_class, nomination, andi_need


def end_of(training_class) -> datetime.date:
    return training_class.end_date


def test_meeting_every_rule_completes_credits_the_jp_once_and_the_need_is_trained(agency, andi_in_class):
    training_class, nomination, andi_need = andi_in_class
    meet_everything(agency, nomination)
    assert completion.completion_check(nomination) == []

    outcome = completion.class_completion_apply(
        training_class=training_class, user=agency.hr.user, today=end_of(training_class)
    )

    nomination.refresh_from_db()
    andi_need.refresh_from_db()
    assert outcome.passed == [nomination] and outcome.not_passed == []
    assert nomination.status == NominationStatus.COMPLETED
    assert andi_need.status == TrainingNeed.Status.TRAINED
    credit = JpCredit.objects.get(employee=agency.participant)
    assert (credit.jp, credit.year, credit.nomination_id) == (
        24,
        training_class.start_date.year,
        nomination.pk,
    )
    assert [c.nomination_id for c in outcome.certificates] == [nomination.pk]

    again = completion.class_completion_apply(
        training_class=training_class, user=agency.hr.user, today=end_of(training_class)
    )
    assert again.passed == [] and again.already == [nomination] and again.certificates == []
    assert JpCredit.objects.filter(employee=agency.participant).count() == 1
    assert Certificate.objects.count() == 1
    assert nomination.changes.filter(to_status=NominationStatus.COMPLETED).count() == 1


def break_forums(agency, nomination):
    attend(agency, nomination, 2)  # 2 present, day 3 absent
    services.attendance_mark(
        class_day=nomination.training_class.days.get(day_number=3),
        marks={nomination.pk: "absent"},
        user=agency.hr.user,
    )
    take_post_test(nomination)
    hand_in_task(join_group(nomination))


def break_post_test(agency, nomination):
    attend(agency, nomination, 3, status="late")  # late counts as attended
    take_post_test(nomination, submitted=False)  # started, never handed in
    hand_in_task(join_group(nomination))


def break_no_post_test(agency, nomination):
    attend(agency, nomination, 3)
    hand_in_task(join_group(nomination))


def break_group_task(agency, nomination):
    attend(agency, nomination, 3)
    take_post_test(nomination)
    group = join_group(nomination, "Kelompok Garuda")
    GroupTask.objects.create(space=group.space, kind="case", title="Studi kasus", due_at=timezone.now())


def break_no_group(agency, nomination):
    attend(agency, nomination, 3)
    take_post_test(nomination)


BROKEN = {
    "forums": (break_forums, "forums", "Forum harian: hadir 2 dari 3 forum yang disyaratkan."),
    "post_test": (break_post_test, "post_test", "Post-test: belum dikumpulkan (0 dari 1 yang disyaratkan)."),
    "no_post_test": (
        break_no_post_test,
        "post_test",
        "Post-test: kelas ini belum memiliki post-test, padahal disyaratkan.",
    ),
    "group_task": (
        break_group_task,
        "group_task",
        "Tugas kelompok: kelompok Kelompok Garuda mengumpulkan 0 tugas (paling sedikit 1 disyaratkan).",
    ),
    "no_group": (
        break_no_group,
        "group_task",
        "Tugas kelompok: peserta belum masuk kelompok mana pun (0 dari 1 tugas).",
    ),
}


@pytest.mark.parametrize("broken", list(BROKEN))
def test_each_rule_failing_alone_blocks_completion_naming_the_rule_and_its_numbers(
    agency, andi_in_class, broken
):
    training_class, nomination, andi_need = andi_in_class
    make_it, code, message = BROKEN[broken]
    make_it(agency, nomination)

    unmet = completion.completion_check(nomination)
    assert [(rule.code, str(rule)) for rule in unmet] == [(code, message)]

    with pytest.raises(ValidationError) as exc:
        completion.nomination_complete(
            nomination=nomination, user=agency.hr.user, today=end_of(training_class)
        )
    assert message in exc.value.messages[0] and agency.participant.name in exc.value.messages[0]

    outcome = completion.class_completion_apply(
        training_class=training_class, user=agency.hr.user, today=end_of(training_class)
    )
    assert outcome.passed == [] and [(n.pk, [r.code for r in rules]) for n, rules in outcome.not_passed] == [
        (nomination.pk, [code])
    ]
    nomination.refresh_from_db()
    andi_need.refresh_from_db()
    assert nomination.status in (NominationStatus.APPROVED, NominationStatus.ATTENDED)  # stays as it was
    assert andi_need.status == TrainingNeed.Status.NOMINATED
    assert not JpCredit.objects.exists() and not Certificate.objects.exists()


def test_a_programme_without_test_or_task_rules_completes_on_forums_alone(agency, need):
    programme = the_programme()
    programme.min_forums_attended, programme.requires_post_test, programme.requires_group_task = (
        1,
        False,
        False,
    )
    programme.save()
    training_class, (nomination,) = class_with(agency, [agency.participant], programme=programme)
    assert [rule.code for rule in completion.completion_check(nomination)] == ["forums"]
    attend(agency, nomination, 1)
    assert [rule.code for rule in completion.completion_rules(nomination)] == ["forums"]
    certificate = completion.nomination_complete(
        nomination=nomination, user=agency.hr.user, today=end_of(training_class)
    )
    assert certificate.nomination.status == NominationStatus.COMPLETED


def test_a_mixed_class_completes_only_those_who_meet_the_rules(agency):
    training_class, (andi, colleague) = class_with(agency, [agency.participant, agency.colleague_b])
    meet_everything(agency, andi)
    attend(agency, colleague, 1)
    outcome = completion.class_completion_apply(
        training_class=training_class, user=agency.hr.user, today=end_of(training_class)
    )
    assert [n.pk for n in outcome.passed] == [andi.pk]
    ((failed, rules),) = outcome.not_passed
    assert failed.pk == colleague.pk
    assert [str(rule) for rule in rules] == [
        "Forum harian: hadir 1 dari 3 forum yang disyaratkan.",
        "Post-test: belum dikumpulkan (0 dari 1 yang disyaratkan).",  # Andi's post-test exists
        "Tugas kelompok: peserta belum masuk kelompok mana pun (0 dari 1 tugas).",
    ]


def test_completion_waits_for_the_last_class_day(agency, andi_in_class):
    training_class, nomination, _need = andi_in_class
    meet_everything(agency, nomination)
    the_day_before = training_class.end_date - datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as exc:
        completion.class_completion_apply(
            training_class=training_class, user=agency.hr.user, today=the_day_before
        )
    assert exc.value.messages == [
        f"Kelulusan dapat ditetapkan mulai hari terakhir kelas ({training_class.end_date:%d-%m-%Y})."
    ]
    nomination.refresh_from_db()
    assert nomination.status == NominationStatus.ATTENDED


@pytest.mark.parametrize("who", ["leader_a", "participant", "facilitator"])
def test_only_hr_applies_completion(agency, andi_in_class, who):
    training_class, nomination, _need = andi_in_class
    meet_everything(agency, nomination)
    user = agency.facilitator_user if who == "facilitator" else getattr(agency, who).user
    with pytest.raises(PermissionDenied):
        completion.class_completion_apply(
            training_class=training_class, user=user, today=end_of(training_class)
        )
    nomination.refresh_from_db()
    assert nomination.status == NominationStatus.ATTENDED


def test_someone_hr_marked_not_completed_stays_so(agency, andi_in_class):
    training_class, nomination, _need = andi_in_class
    meet_everything(agency, nomination)
    services.nomination_finish(nomination=nomination, completed=False, user=agency.hr.user)
    outcome = completion.class_completion_apply(
        training_class=training_class, user=agency.hr.user, today=end_of(training_class)
    )
    assert (outcome.passed, outcome.not_passed, outcome.already) == ([], [], [])
    nomination.refresh_from_db()
    assert nomination.status == NominationStatus.NOT_COMPLETED


def test_without_a_signatory_nothing_is_completed(agency, need):
    programme = the_programme(signatory=False)
    programme.signatory_name = ""
    programme.save()
    training_class, (nomination,) = class_with(agency, [agency.participant], programme=programme)
    meet_everything(agency, nomination)
    with pytest.raises(ValidationError) as exc:
        completion.class_completion_apply(
            training_class=training_class, user=agency.hr.user, today=end_of(training_class)
        )
    assert "penandatangan STTPP" in exc.value.messages[0]
    nomination.refresh_from_db()
    assert nomination.status == NominationStatus.ATTENDED and not JpCredit.objects.exists()


@override_settings(STTPP_SIGNATORY_NAME="Ir. Budi Santoso", STTPP_SIGNATORY_TITLE="Sekretaris Jenderal")
def test_the_signatory_falls_back_to_the_settings(agency):
    programme = the_programme(signatory=False)
    programme.signatory_name = programme.signatory_title = ""
    programme.save()
    training_class, (nomination,) = class_with(agency, [agency.participant], programme=programme)
    meet_everything(agency, nomination)
    certificate = completion.nomination_complete(
        nomination=nomination, user=agency.hr.user, today=end_of(training_class)
    )
    assert (certificate.signatory_name, certificate.signatory_title) == (
        "Ir. Budi Santoso",
        "Sekretaris Jenderal",
    )
