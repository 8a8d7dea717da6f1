"""Every diklat class has its learning space: opened when HR schedules the class (its dates, the
programme's course, its facilitators), and its door follows the leaders' decisions (approved:
in; declined: never; not completed: still in, to study again). Syncing is idempotent, and the
data migration that opened spaces for older classes gives the same rooms."""

import datetime
import importlib

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.urls import reverse

from elearning.models import Course, Enrolment, LearningSpace
from employees.roles import FACILITATOR_GROUP
from employees.tests.factories import UserFactory
from trainings import services
from trainings.models import ClassDay, NominationStatus

from .conftest import MONDAY

pytestmark = pytest.mark.django_db

WEDNESDAY = MONDAY + datetime.timedelta(days=2)


@pytest.fixture
def day_facilitator(db):
    user = UserFactory(username="narasumber-hari-2")
    user.groups.add(Group.objects.get(name=FACILITATOR_GROUP))
    return user


@pytest.fixture
def facilitated_class(agency, programme):
    return services.training_class_create(
        programme=programme,
        name="Angkatan I",
        start_date=MONDAY,
        capacity=10,
        forum_start=datetime.time(9),
        forum_end=datetime.time(11),
        facilitators=[agency.facilitator_user],
        user=agency.hr.user,
    )


def space_page(client, user, space):
    client.force_login(user)
    return client.get(reverse("space_detail", args=[space.pk]))


def test_a_new_class_gets_its_learning_space_with_its_dates_course_and_facilitators(
    client, agency, programme, facilitated_class
):
    space = facilitated_class.learning_space
    programme.refresh_from_db()

    assert (space.starts_on, space.ends_on) == (MONDAY, WEDNESDAY)
    assert space.course == programme.course
    assert (space.course.code, space.course.title) == (programme.code, programme.name)
    assert space.title == f"{programme.name} – Angkatan I"
    assert list(space.facilitators.all()) == [agency.facilitator_user]
    assert not space.enrolments.exists()
    assert space_page(client, agency.facilitator_user, space).status_code == 200


def test_hr_scheduling_a_class_in_the_page_opens_its_space(client, agency, programme):
    client.force_login(agency.hr.user)
    response = client.post(
        reverse("class_create"),
        {"programme": programme.pk, "name": "Angkatan Web", "start_date": "2027-03-01", "capacity": "5",
         "forum_start": "09:00", "forum_end": "11:00", "facilitators": [agency.facilitator_user.pk]},
    )  # fmt: skip
    assert response.status_code == 302
    space = LearningSpace.objects.get()
    assert (space.starts_on, space.ends_on) == (MONDAY, WEDNESDAY)
    assert list(space.facilitators.all()) == [agency.facilitator_user]


def test_the_classes_of_one_programme_share_one_course(programme, make_class):
    first, second = make_class(start=MONDAY), make_class(start=MONDAY + datetime.timedelta(days=7))
    assert first.learning_space != second.learning_space
    assert first.learning_space.course == second.learning_space.course
    assert Course.objects.count() == 1


def test_a_day_facilitator_also_manages_the_space(agency, facilitated_class, day_facilitator):
    ClassDay.objects.filter(training_class=facilitated_class, day_number=2).update(
        facilitator=day_facilitator
    )
    services.class_space_sync(training_class=facilitated_class)
    assert set(facilitated_class.learning_space.facilitators.all()) == {
        agency.facilitator_user,
        day_facilitator,
    }


def test_a_leader_approving_a_nomination_opens_the_space_to_the_employee(
    client, agency, facilitated_class, nominate
):
    (nomination,) = nominate(facilitated_class, agency.participant)
    space = facilitated_class.learning_space
    assert space_page(client, agency.participant.user, space).status_code == 404  # nominated only

    client.force_login(agency.leader_a.user)
    client.post(
        reverse("approvals_decide"), {"nomination": [nomination.pk], "decision": "approve", "reason": ""}
    )

    enrolment = Enrolment.objects.get()
    assert (enrolment.space, enrolment.employee, enrolment.is_active) == (space, agency.participant, True)
    assert space_page(client, agency.participant.user, space).status_code == 200
    home = client.get(reverse("learning_home")).content.decode()
    assert space.title in home


def test_a_declined_nomination_gives_no_access(client, agency, facilitated_class, nominate):
    (nomination,) = nominate(facilitated_class, agency.participant)

    services.nomination_decide(
        nomination=nomination, approve=False, reason="Tugas dinas", user=agency.leader_a.user
    )

    assert not Enrolment.objects.filter(is_active=True).exists()
    assert space_page(client, agency.participant.user, facilitated_class.learning_space).status_code == 404


@pytest.mark.parametrize("completed", [False, True])
def test_finishing_the_class_keeps_access_whether_completed_or_not(
    client, agency, facilitated_class, nominate, completed
):
    (nomination,) = nominate(facilitated_class, agency.participant)
    services.nomination_decide(nomination=nomination, approve=True, user=agency.leader_a.user)

    finished = services.nomination_finish(nomination=nomination, completed=completed, user=agency.hr.user)
    services.class_space_sync(training_class=facilitated_class)  # e.g. HR edits the class in the admin later

    assert finished.status == (NominationStatus.COMPLETED if completed else NominationStatus.NOT_COMPLETED)
    assert Enrolment.objects.get().is_active
    assert space_page(client, agency.participant.user, facilitated_class.learning_space).status_code == 200


def snapshot():
    """Every row the sync writes, with its id."""
    return (
        sorted(Course.objects.values_list("pk", "code", "title")),
        sorted(LearningSpace.objects.values_list("pk", "course_id", "title", "starts_on", "ends_on")),
        sorted(LearningSpace.facilitators.through.objects.values_list("pk", "learningspace_id", "user_id")),
        sorted(Enrolment.objects.values_list("pk", "space_id", "employee_id", "is_active")),
    )


@pytest.fixture
def class_with_people(agency, facilitated_class, nominate, day_facilitator):
    """An approved participant, a declined colleague, and a second facilitator on day 2."""
    andi, colleague = nominate(facilitated_class, agency.participant, agency.colleague_b)
    services.nomination_decide(nomination=andi, approve=True, user=agency.leader_a.user)
    services.nomination_decide(nomination=colleague, approve=False, reason="Cuti", user=agency.leader_b.user)
    ClassDay.objects.filter(training_class=facilitated_class, day_number=2).update(
        facilitator=day_facilitator
    )
    return facilitated_class


def test_syncing_a_class_twice_writes_the_same_rows(class_with_people):
    first_space = services.class_space_sync(training_class=class_with_people)
    before = snapshot()

    again = services.class_space_sync(training_class=class_with_people)

    assert again.pk == first_space.pk
    assert snapshot() == before
    assert len(before[2]) == 2 and len(before[3]) == 1  # two facilitators, one learner


def test_the_data_migration_opens_the_same_space_as_the_sync(agency, class_with_people, day_facilitator):
    # A class scheduled before e-learning existed: no space yet.
    class_with_people.learning_space.delete()
    class_with_people.refresh_from_db()
    assert class_with_people.learning_space is None
    migration = importlib.import_module("trainings.migrations.0009_open_learning_spaces")

    migration.open_spaces(apps, None)
    migration.open_spaces(apps, None)  # a second run finds nothing left to open

    class_with_people.refresh_from_db()
    space = class_with_people.learning_space
    assert LearningSpace.objects.count() == 1
    assert (space.starts_on, space.ends_on) == (MONDAY, WEDNESDAY)
    assert set(space.facilitators.all()) == {agency.facilitator_user, day_facilitator}
    assert list(space.enrolments.values_list("employee", "is_active")) == [(agency.participant.pk, True)]
    before = snapshot()
    services.class_space_sync(training_class=class_with_people)
    assert snapshot() == before
