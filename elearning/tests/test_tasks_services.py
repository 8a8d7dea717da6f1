"""Group tasks, the services: a task and its rubric, groups dealt so units mix, handing in
before the deadline (with the same file checks as materials), re-submitting, and scoring."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from elearning.models import CriterionScore, Enrolment, Evaluation, RubricCriterion, Submission, TaskGroup
from elearning.services import tasks as services
from elearning.services.materials import MSG_CONTENT, MSG_EXTENSION
from employees.tests.factories import EmployeeFactory, OrgUnitFactory

from .factories import EnrolmentFactory, LearningSpaceFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
EXE = b"MZ\x90\x00" + bytes(200)
WIB = datetime.timezone(datetime.timedelta(hours=7))
DUE = datetime.datetime(2027, 3, 2, 16, 0, tzinfo=WIB)
BEFORE, AFTER = DUE - datetime.timedelta(minutes=1), DUE + datetime.timedelta(minutes=1)


def pdf(name="laporan.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def error_of(exc_info) -> str:
    return " ".join(exc_info.value.messages)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def task(classroom, agency):
    return services.task_save(
        space=classroom.space,
        kind="film",
        title="Bedah film Bhinneka",
        instructions="Tonton filmnya, lalu analisis.",
        due_at=DUE,
        criteria=[("Isi dan analisis", 40), ("Penyajian", 30)],
        user=agency.facilitator_user,
    )


@pytest.fixture
def groups(classroom, agency):
    """Kelompok Garuda: Andi (the participant) and Budi; Kelompok Elang: Citra."""
    garuda = services.group_create(space=classroom.space, name="Kelompok Garuda")
    elang = services.group_create(space=classroom.space, name="Kelompok Elang")
    services.group_assign(enrolment=classroom.enrolment, group=garuda)
    budi = EnrolmentFactory(
        space=classroom.space, employee=EmployeeFactory(name="Budi", unit=agency.unit_b), group=garuda
    )
    citra = EnrolmentFactory(
        space=classroom.space, employee=EmployeeFactory(name="Citra", unit=agency.unit_a), group=elang
    )
    classroom.enrolment.refresh_from_db()
    return garuda, elang, budi, citra


# --- tasks and rubric ---------------------------------------------------------------------------


def test_task_keeps_its_criteria_in_the_order_given(task):
    assert [(c.name, c.max_points, c.position) for c in task.criteria.all()] == [
        ("Isi dan analisis", 40, 1),
        ("Penyajian", 30, 2),
    ]


def test_rewriting_criteria_by_position_keeps_ids_and_drops_the_rest(task, agency, classroom):
    first, second = task.criteria.all()
    services.task_save(
        space=classroom.space, task=task, kind="film", title=task.title, due_at=DUE,
        criteria=[("Analisis", 50)], user=agency.facilitator_user,
    )  # fmt: skip
    assert list(task.criteria.values_list("pk", "name", "max_points")) == [(first.pk, "Analisis", 50)]
    assert not RubricCriterion.objects.filter(pk=second.pk).exists()


@pytest.mark.parametrize(
    ("criteria", "message"),
    [
        ([], services.MSG_NO_CRITERIA),
        ([("Isi", 0)], services.MSG_CRITERION_POINTS % {"name": "Isi", "min": 1, "max": 100}),
        ([("Isi", 101)], services.MSG_CRITERION_POINTS % {"name": "Isi", "min": 1, "max": 100}),
        ([("Isi", 10), ("  ", 10)], services.MSG_CRITERION_NAME % {"position": 2}),
    ],
)
def test_task_rubric_needs_named_criteria_worth_1_to_100(classroom, agency, criteria, message):
    with pytest.raises(ValidationError) as exc_info:
        services.task_save(
            space=classroom.space, kind="case", title="Studi kasus", due_at=DUE, criteria=criteria,
            user=agency.facilitator_user,
        )  # fmt: skip
    assert error_of(exc_info) == str(message)


def test_only_a_manager_of_the_space_saves_a_task(classroom, agency):
    for user in (agency.participant.user, agency.leader_a.user):
        with pytest.raises(ValidationError) as exc_info:
            services.task_save(
                space=classroom.space, kind="case", title="Studi kasus", due_at=DUE, criteria=[("Isi", 10)],
                user=user,
            )  # fmt: skip
        assert error_of(exc_info) == str(services.MSG_NOT_MANAGER)
    hr_task = services.task_save(
        space=classroom.space, kind="case", title="Studi kasus", due_at=DUE, criteria=[("Isi", 10)],
        user=agency.hr.user,
    )  # fmt: skip
    assert hr_task.pk


def test_criteria_of_a_scored_task_are_frozen_but_its_text_is_not(task, groups, agency, classroom):
    garuda = groups[0]
    first, second = task.criteria.all()
    services.evaluation_save(
        task=task,
        group=garuda,
        points={first.pk: 30, second.pk: 20},
        feedback="",
        user=agency.facilitator_user,
    )
    with pytest.raises(ValidationError) as exc_info:
        services.task_save(
            space=classroom.space, task=task, kind="film", title=task.title, due_at=DUE,
            criteria=[("Isi dan analisis", 50), ("Penyajian", 30)], user=agency.facilitator_user,
        )  # fmt: skip
    assert error_of(exc_info) == str(services.MSG_CRITERIA_LOCKED % {"count": 1})
    later = DUE + datetime.timedelta(days=1)
    services.task_save(
        space=classroom.space, task=task, kind="film", title="Bedah film (revisi)", due_at=later,
        criteria=[("Isi dan analisis", 40), ("Penyajian", 30)], user=agency.facilitator_user,
    )  # fmt: skip
    task.refresh_from_db()
    assert (task.title, task.due_at) == ("Bedah film (revisi)", later)


# --- groups -------------------------------------------------------------------------------------


def test_automatic_groups_mix_units(agency):
    """Three units, three learners each, created interleaved: dealt after sorting by unit, each
    of the three groups gets one learner of every unit."""
    space = LearningSpaceFactory()
    space.facilitators.add(agency.facilitator_user)
    unit_c = OrgUnitFactory(code="C", name="Direktorat C", parent=agency.root)
    units = [agency.unit_a, agency.unit_b, unit_c]
    for n in range(3):
        for unit in units:
            EnrolmentFactory(space=space, employee=EmployeeFactory(name=f"Peserta {unit.code}{n}", unit=unit))

    made = services.groups_form_automatically(space=space, group_count=3, user=agency.facilitator_user)

    assert [g.name for g in made] == ["Kelompok 1", "Kelompok 2", "Kelompok 3"]
    for group in made:
        member_units = list(group.members.values_list("employee__unit", flat=True))
        assert sorted(member_units) == sorted(u.pk for u in units), group.name
    assert not Enrolment.objects.filter(space=space, group__isnull=True).exists()


def test_automatic_groups_with_fewer_units_than_groups_still_spread_each_unit(agency):
    space = LearningSpaceFactory()
    space.facilitators.add(agency.facilitator_user)
    for n in range(4):
        EnrolmentFactory(space=space, employee=EmployeeFactory(name=f"A{n}", unit=agency.unit_a))
        EnrolmentFactory(space=space, employee=EmployeeFactory(name=f"B{n}", unit=agency.unit_b))
    made = services.groups_form_automatically(space=space, group_count=4, user=agency.facilitator_user)
    for group in made:
        assert set(group.members.values_list("employee__unit", flat=True)) == {
            agency.unit_a.pk,
            agency.unit_b.pk,
        }


def test_regrouping_replaces_automatic_groups_and_keeps_hand_made_ones(classroom, groups, agency):
    services.groups_form_automatically(space=classroom.space, group_count=3, user=agency.facilitator_user)
    services.groups_form_automatically(space=classroom.space, group_count=2, user=agency.facilitator_user)
    names = set(TaskGroup.objects.filter(space=classroom.space).values_list("name", flat=True))
    assert names == {"Kelompok 1", "Kelompok 2", "Kelompok Garuda", "Kelompok Elang"}
    grouped = Enrolment.objects.filter(space=classroom.space, group__name__in=["Kelompok 1", "Kelompok 2"])
    assert grouped.count() == 3  # Andi, Budi, Citra: every active learner is dealt


def test_inactive_learners_are_not_dealt(classroom, agency):
    EnrolmentFactory(space=classroom.space, employee=EmployeeFactory(unit=agency.unit_b), is_active=False)
    EnrolmentFactory(space=classroom.space, employee=EmployeeFactory(unit=agency.unit_b))
    services.groups_form_automatically(space=classroom.space, group_count=2, user=agency.facilitator_user)
    assert not Enrolment.objects.filter(space=classroom.space, is_active=False, group__isnull=False).exists()


def test_regrouping_is_refused_once_work_was_handed_in(classroom, groups, task, agency):
    services.submission_save(
        task=task, enrolment=classroom.enrolment, text="Analisis kami", upload=None, now=BEFORE
    )
    with pytest.raises(ValidationError) as exc_info:
        services.groups_form_automatically(space=classroom.space, group_count=2, user=agency.facilitator_user)
    assert error_of(exc_info) == str(services.MSG_GROUPING_LOCKED)
    assert TaskGroup.objects.filter(space=classroom.space).count() == 2


def test_regrouping_is_refused_once_a_group_was_scored(classroom, groups, task, agency):
    first, second = task.criteria.all()
    services.evaluation_save(
        task=task, group=groups[1], points={first.pk: 1, second.pk: 1}, feedback="", user=agency.hr.user
    )
    with pytest.raises(ValidationError) as exc_info:
        services.groups_form_automatically(space=classroom.space, group_count=2, user=agency.hr.user)
    assert error_of(exc_info) == str(services.MSG_GROUPING_LOCKED)


def test_automatic_grouping_checks_count_and_manager(classroom, agency):
    with pytest.raises(ValidationError) as exc_info:
        services.groups_form_automatically(space=classroom.space, group_count=2, user=agency.facilitator_user)
    assert error_of(exc_info) == str(services.MSG_MORE_GROUPS_THAN_LEARNERS % {"groups": 2, "learners": 1})
    with pytest.raises(ValidationError) as exc_info:
        services.groups_form_automatically(space=classroom.space, group_count=0, user=agency.facilitator_user)
    assert error_of(exc_info) == str(services.MSG_GROUP_COUNT % {"max": services.MAX_GROUPS})
    with pytest.raises(ValidationError) as exc_info:
        services.groups_form_automatically(space=classroom.space, group_count=1, user=agency.participant.user)
    assert error_of(exc_info) == str(services.MSG_NOT_MANAGER)
    assert not TaskGroup.objects.exists()


def test_groups_are_by_hand_within_one_space(classroom, groups):
    garuda = groups[0]
    with pytest.raises(ValidationError) as exc_info:
        services.group_create(space=classroom.space, name="kelompok garuda")
    assert error_of(exc_info) == str(services.MSG_GROUP_NAME_TAKEN % {"name": "kelompok garuda"})
    with pytest.raises(ValidationError) as exc_info:
        services.group_assign(enrolment=classroom.other_enrolment, group=garuda)
    assert error_of(exc_info) == str(services.MSG_GROUP_OTHER_SPACE)
    services.group_assign(enrolment=classroom.enrolment, group=None)
    classroom.enrolment.refresh_from_db()
    assert classroom.enrolment.group is None


# --- handing in ---------------------------------------------------------------------------------


def test_a_group_hands_in_text_before_the_deadline(classroom, groups, task):
    submission = services.submission_save(
        task=task, enrolment=classroom.enrolment, text=" https://video.example/kami ", upload=None, now=BEFORE
    )
    assert (submission.group, submission.text, submission.submitted_by) == (
        groups[0],
        "https://video.example/kami",
        classroom.enrolment.employee,
    )
    assert not submission.file


def test_handing_in_at_or_after_the_deadline_is_refused_with_the_deadline_in_wib(classroom, groups, task):
    for moment in (DUE, AFTER):
        with pytest.raises(ValidationError) as exc_info:
            services.submission_save(
                task=task, enrolment=classroom.enrolment, text="Telat", upload=None, now=moment
            )
        assert error_of(exc_info) == str(services.MSG_DEADLINE_PASSED % {"due": "02-03-2027 16:00"})
    assert not Submission.objects.exists()


def test_a_learner_outside_every_group_cannot_hand_in(classroom, task):
    with pytest.raises(ValidationError) as exc_info:
        services.submission_save(
            task=task, enrolment=classroom.enrolment, text="Kami", upload=None, now=BEFORE
        )
    assert error_of(exc_info) == str(services.MSG_NO_GROUP)
    assert str(services.MSG_NO_GROUP) == "Anda belum masuk kelompok; hubungi fasilitator"


def test_a_learner_of_another_space_cannot_hand_in(classroom, task, groups):
    with pytest.raises(ValidationError) as exc_info:
        services.submission_save(
            task=task, enrolment=classroom.other_enrolment, text="x", upload=None, now=BEFORE
        )
    assert error_of(exc_info) == str(services.MSG_NOT_ENROLLED)


def test_an_empty_submission_is_refused(classroom, groups, task):
    with pytest.raises(ValidationError) as exc_info:
        services.submission_save(task=task, enrolment=classroom.enrolment, text="  ", upload=None, now=BEFORE)
    assert error_of(exc_info) == str(services.MSG_SUBMISSION_EMPTY)


def test_a_pdf_is_stored_under_a_random_name_with_its_original_name_kept(media, classroom, groups, task):
    submission = services.submission_save(
        task=task, enrolment=classroom.enrolment, text="", upload=pdf("Analisis Kelompok.pdf"), now=BEFORE
    )
    assert submission.file_type == "pdf" and submission.original_name == "Analisis Kelompok.pdf"
    assert (
        submission.file.name.startswith("elearning/submissions/") and "Analisis" not in submission.file.name
    )
    assert default_storage.exists(submission.file.name)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("laporan.exe", PDF, MSG_EXTENSION % {"name": "laporan.exe", "ext": "exe"}),
        ("laporan.pdf", EXE, MSG_CONTENT % {"name": "laporan.pdf", "ext": "pdf", "label": "PDF"}),
    ],
    ids=["pdf-renamed-exe", "exe-renamed-pdf"],
)
def test_a_file_must_be_what_its_name_says_and_an_allowed_type(
    media, classroom, groups, task, name, content, message
):
    with pytest.raises(ValidationError) as exc_info:
        services.submission_save(
            task=task,
            enrolment=classroom.enrolment,
            text="",
            upload=SimpleUploadedFile(name, content),
            now=BEFORE,
        )
    assert error_of(exc_info) == str(message)
    assert not Submission.objects.exists()


def test_re_submission_replaces_and_deletes_the_old_file_on_commit(
    media, classroom, groups, task, django_capture_on_commit_callbacks
):
    garuda, _elang, budi, _citra = groups
    first = services.submission_save(
        task=task, enrolment=classroom.enrolment, text="v1", upload=pdf(), now=BEFORE
    )
    old_name = first.file.name
    with django_capture_on_commit_callbacks(execute=True):
        second = services.submission_save(
            task=task, enrolment=budi, text="v2", upload=pdf("versi-2.pdf"), now=BEFORE
        )
    assert Submission.objects.filter(task=task, group=garuda).count() == 1
    second.refresh_from_db()
    assert (second.pk, second.text, second.original_name, second.submitted_by) == (
        first.pk,
        "v2",
        "versi-2.pdf",
        budi.employee,
    )
    assert not default_storage.exists(old_name)
    assert default_storage.exists(second.file.name)


def test_re_submission_without_a_file_drops_the_old_one_unless_kept(
    media, classroom, groups, task, django_capture_on_commit_callbacks
):
    first = services.submission_save(
        task=task, enrolment=classroom.enrolment, text="v1", upload=pdf(), now=BEFORE
    )
    kept = services.submission_save(
        task=task, enrolment=classroom.enrolment, text="v2", upload=None, keep_file=True, now=BEFORE
    )
    assert kept.file.name == first.file.name and kept.text == "v2"
    with django_capture_on_commit_callbacks(execute=True):
        dropped = services.submission_save(
            task=task, enrolment=classroom.enrolment, text="v3", upload=None, keep_file=False, now=BEFORE
        )
    assert not dropped.file and dropped.original_name == ""
    assert not default_storage.exists(first.file.name)


def test_keeping_a_file_counts_as_content(media, classroom, groups, task):
    services.submission_save(task=task, enrolment=classroom.enrolment, text="", upload=pdf(), now=BEFORE)
    kept = services.submission_save(
        task=task, enrolment=classroom.enrolment, text="", upload=None, keep_file=True, now=BEFORE
    )
    assert kept.file


# --- scoring ------------------------------------------------------------------------------------


def test_scoring_stores_points_per_criterion_and_feedback_and_rescoring_replaces(task, groups, agency):
    garuda = groups[0]
    first, second = task.criteria.all()
    services.evaluation_save(
        task=task,
        group=garuda,
        points={first.pk: 40, second.pk: 0},
        feedback="Bagus",
        user=agency.facilitator_user,
    )
    evaluation = services.evaluation_save(
        task=task,
        group=garuda,
        points={str(first.pk): 35, second.pk: 25},
        feedback=" Lebih baik ",
        user=agency.hr.user,
    )
    assert Evaluation.objects.filter(task=task, group=garuda).count() == 1
    evaluation.refresh_from_db()
    assert (evaluation.feedback, evaluation.scored_by) == ("Lebih baik", agency.hr.user)
    assert dict(CriterionScore.objects.filter(evaluation=evaluation).values_list("criterion", "points")) == {
        first.pk: 35,
        second.pk: 25,
    }


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ({"first": 41, "second": 10}, services.MSG_SCORE_RANGE % {"name": "Isi dan analisis", "max": 40}),
        ({"first": 10, "second": -1}, services.MSG_SCORE_RANGE % {"name": "Penyajian", "max": 30}),
        ({"first": 10}, services.MSG_SCORE_MISSING % {"name": "Penyajian"}),
    ],
)
def test_each_criterion_is_scored_from_0_to_its_maximum(task, groups, agency, given, message):
    first, second = task.criteria.all()
    points = {{"first": first, "second": second}[key].pk: value for key, value in given.items()}
    with pytest.raises(ValidationError) as exc_info:
        services.evaluation_save(
            task=task, group=groups[0], points=points, feedback="", user=agency.facilitator_user
        )
    assert error_of(exc_info) == str(message)
    assert not Evaluation.objects.exists()


def test_the_bounds_themselves_are_accepted(task, groups, agency):
    first, second = task.criteria.all()
    evaluation = services.evaluation_save(
        task=task,
        group=groups[0],
        points={first.pk: 40, second.pk: 0},
        feedback="",
        user=agency.facilitator_user,
    )
    assert sorted(evaluation.scores.values_list("points", flat=True)) == [0, 40]


def test_scoring_refuses_strangers_foreign_criteria_and_groups(task, groups, agency, classroom):
    first, second = task.criteria.all()
    points = {first.pk: 1, second.pk: 1}
    with pytest.raises(ValidationError) as exc_info:
        services.evaluation_save(
            task=task, group=groups[0], points=points, feedback="", user=agency.participant.user
        )
    assert error_of(exc_info) == str(services.MSG_NOT_MANAGER)
    with pytest.raises(ValidationError) as exc_info:
        services.evaluation_save(
            task=task,
            group=groups[0],
            points={**points, 999999: 1},
            feedback="",
            user=agency.facilitator_user,
        )
    assert error_of(exc_info) == str(services.MSG_SCORE_UNKNOWN)
    foreign = TaskGroup.objects.create(space=classroom.other_space, name="Kelompok Lain")
    with pytest.raises(ValidationError) as exc_info:
        services.evaluation_save(task=task, group=foreign, points=points, feedback="", user=agency.hr.user)
    assert error_of(exc_info) == str(services.MSG_GROUP_OTHER_SPACE)
    assert not Evaluation.objects.exists()


def test_deadline_default_is_now(classroom, groups, agency):
    """Without `now`, the real clock decides."""
    open_task = services.task_save(
        space=classroom.space, kind="culture", title="Berbagi budaya", due_at=timezone.now() + datetime.timedelta(hours=1),
        criteria=[("Isi", 10)], user=agency.hr.user,
    )  # fmt: skip
    assert services.submission_save(
        task=open_task, enrolment=classroom.enrolment, text="Tari", upload=None
    ).pk
