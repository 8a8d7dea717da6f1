"""HR's approval status per class and per unit, and each participant's forum attendance count."""

import datetime

import pytest
from django.urls import reverse

from trainings.models import Programme
from trainings.services import attendance_mark, nomination_decide, nominations_add, training_class_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def decided(agency):
    programme = Programme.objects.get(code="sosio-kultural-perekat-bangsa")
    training_class = training_class_create(
        programme=programme,
        name="Angkatan Status",
        start_date=datetime.date(2026, 12, 14),
        capacity=5,
        forum_start=datetime.time(9),
        forum_end=datetime.time(11),
        user=agency.hr.user,
    )
    (andi, rekan), _ = nominations_add(
        training_class=training_class, employees=[agency.participant, agency.colleague_b], user=agency.hr.user
    )
    andi = nomination_decide(nomination=andi, approve=True, user=agency.leader_a.user)
    nomination_decide(
        nomination=rekan, approve=False, reason="Beban kerja akhir tahun", user=agency.leader_b.user
    )
    attendance_mark(
        class_day=training_class.days.get(day_number=1), marks={andi.pk: "present"}, user=agency.hr.user
    )
    return training_class


def test_hr_sees_the_status_per_class_and_per_unit(client, agency, decided):
    client.force_login(agency.hr.user)
    response = client.get(reverse("approval_status"), {"year": 2026})
    per_class, per_unit = response.context["per_class"], response.context["per_unit"]
    assert [(r["training_class__name"], r["attended"], r["declined"]) for r in per_class] == [
        ("Angkatan Status", 1, 1)
    ]
    assert {r["employee__unit__name"]: (r["attended"], r["declined"]) for r in per_unit} == {
        "Subdirektorat A1": (1, 0),
        "Direktorat B": (0, 1),
    }


@pytest.mark.parametrize("role", ["leader_a", "participant"])
def test_only_hr_sees_the_status_page(client, agency, decided, role):
    client.force_login(getattr(agency, role).user)
    assert client.get(reverse("approval_status")).status_code == 403


def test_attendance_counts_show_on_the_class_and_to_the_participant(client, agency, decided):
    client.force_login(agency.hr.user)
    assert "hadir 1 dari 3 forum" in client.get(reverse("class_detail", args=[decided.pk])).content.decode()
    client.force_login(agency.participant.user)
    assert "Kehadiran forum: 1 dari 3 hari." in client.get(reverse("my_classes")).content.decode()
