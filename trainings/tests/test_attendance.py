"""Forum attendance: the facilitator's sheet, the participant's own check-in while the forum is
open, and the summaries."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from employees.roles import FACILITATOR_GROUP
from employees.tests.factories import UserFactory
from trainings.models import Attendance, NominationStatus, Programme
from trainings.selectors import attendance_summary
from trainings.services import attendance_check_in, nomination_decide, nominations_add, training_class_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def running_class(agency):
    programme = Programme.objects.get(code="sosio-kultural-perekat-bangsa")
    training_class = training_class_create(
        programme=programme,
        name="Angkatan Presensi",
        start_date=datetime.date(2026, 12, 14),
        capacity=5,
        forum_start=datetime.time(9),
        forum_end=datetime.time(11),
        facilitators=[agency.facilitator_user],
        user=agency.hr.user,
    )
    (nomination,), _ = nominations_add(
        training_class=training_class, employees=[agency.participant], user=agency.hr.user
    )
    nomination_decide(nomination=nomination, approve=True, user=agency.leader_a.user)
    return training_class, nomination


def at(day, hour, minute=0):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def test_the_facilitator_marks_the_day_and_the_summary_counts_it(client, agency, running_class):
    training_class, nomination = running_class
    client.force_login(agency.facilitator_user)
    url = reverse("attendance_sheet", args=[training_class.pk, 1])
    assert agency.participant.name in client.get(url).content.decode()
    response = client.post(url, {"nomination": [nomination.pk], f"status-{nomination.pk}": "late"})
    assert response.status_code == 302
    assert Attendance.objects.get().status == "late"
    nomination.refresh_from_db()
    assert nomination.status == NominationStatus.ATTENDED
    summary = attendance_summary(training_class)
    assert [(present, late, absent, unmarked) for _day, present, late, absent, unmarked in summary] == [
        (0, 1, 0, 0),
        (0, 0, 0, 1),
        (0, 0, 0, 1),
    ]


@pytest.mark.parametrize("who", ["leader_a", "participant", "other_facilitator"])
def test_only_the_class_facilitators_and_hr_take_attendance(client, agency, running_class, who):
    training_class, nomination = running_class
    if who == "other_facilitator":
        user = UserFactory(username="fasilitator-lain")
        user.groups.add(Group.objects.get(name=FACILITATOR_GROUP))
    else:
        user = getattr(agency, who).user
    client.force_login(user)
    url = reverse("attendance_sheet", args=[training_class.pk, 1])
    assert client.get(url).status_code == 403
    assert (
        client.post(url, {"nomination": [nomination.pk], f"status-{nomination.pk}": "present"}).status_code
        == 403
    )
    assert not Attendance.objects.exists()


def test_hr_can_correct_attendance(client, agency, running_class):
    training_class, nomination = running_class
    client.force_login(agency.hr.user)
    client.post(
        reverse("attendance_sheet", args=[training_class.pk, 2]),
        {"nomination": [nomination.pk], f"status-{nomination.pk}": "absent"},
    )
    assert Attendance.objects.get().status == "absent"


def test_check_in_while_the_forum_is_open_on_time_or_late_and_only_once(agency, running_class):
    training_class, nomination = running_class
    day = training_class.days.get(day_number=1).date
    first = attendance_check_in(nomination=nomination, user=agency.participant.user, now=at(day, 8, 50))
    assert (first.status, first.checked_in) == ("present", True)
    again = attendance_check_in(nomination=nomination, user=agency.participant.user, now=at(day, 10, 0))
    assert again.pk == first.pk and again.status == "present"  # checking in twice changes nothing
    second_day = training_class.days.get(day_number=2).date
    late = attendance_check_in(nomination=nomination, user=agency.participant.user, now=at(second_day, 9, 30))
    assert late.status == "late"


@pytest.mark.parametrize("when", [(8, 30), (11, 1)])
def test_check_in_outside_the_forum_is_refused_with_its_hours(agency, running_class, when):
    training_class, nomination = running_class
    day = training_class.days.get(day_number=1).date
    with pytest.raises(ValidationError) as exc:
        attendance_check_in(nomination=nomination, user=agency.participant.user, now=at(day, *when))
    assert "09:00–11:00" in " ".join(exc.value.messages)
    assert not Attendance.objects.exists()


def test_nobody_checks_in_for_someone_else(client, agency, running_class):
    _training_class, nomination = running_class
    client.force_login(agency.colleague_b.user)
    assert client.post(reverse("attendance_check_in", args=[nomination.pk])).status_code == 404


def test_the_facilitator_home_lists_their_classes(client, agency, running_class):
    client.force_login(agency.facilitator_user)
    body = client.get(reverse("facilitator_home")).content.decode()
    assert "Angkatan Presensi" in body and "Presensi" in body
