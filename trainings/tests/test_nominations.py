"""Nominations: never beyond capacity (and a refusal writes nothing), a warning when a unit
would send too many of its people at once, every status change kept, the training need moved
along, and a decline always explained."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from employees.tests.factories import EmployeeFactory
from gaps.models import TrainingNeed
from trainings import services
from trainings.models import Nomination, NominationChange, NominationStatus

from .conftest import MONDAY

pytestmark = pytest.mark.django_db

Status = NominationStatus


def messages_of(response):
    return [(m.level_tag, str(m)) for m in get_messages(response.wsgi_request)]


# --- capacity ---------------------------------------------------------------------------------


def test_nominating_beyond_capacity_is_refused_and_writes_nothing(agency, make_class, need):
    training_class = make_class(capacity=2)
    people = [agency.participant, *EmployeeFactory.create_batch(2, unit=agency.unit_a_child)]
    needs = [need(person) for person in people]
    with pytest.raises(ValidationError) as caught:
        services.nominations_add(training_class=training_class, employees=people, user=agency.hr.user)
    (message,) = caught.value.messages
    assert "Kapasitas" in message and "2 peserta" in message
    assert "sudah terisi 0, jadi hanya 2 lagi" in message and "(bukan 3)" in message
    assert not Nomination.objects.exists()
    assert not NominationChange.objects.exists()
    assert {n.status for n in TrainingNeed.objects.filter(pk__in=[n.pk for n in needs])} == {"identified"}


def test_a_full_class_refuses_one_more(agency, make_class, nominate):
    training_class = make_class(capacity=2)
    nominate(training_class, *EmployeeFactory.create_batch(2, unit=agency.unit_a_child))
    with pytest.raises(ValidationError, match="sudah terisi 2, jadi hanya 0 lagi"):
        nominate(training_class, agency.participant)
    assert training_class.nominations.count() == 2


def test_a_declined_nomination_frees_its_seat(agency, make_class, nominate):
    training_class = make_class(capacity=1)
    (first,) = nominate(training_class, agency.colleague_b)
    services.nomination_decide(
        nomination=first, approve=False, reason="Tugas dinas", user=agency.leader_b.user
    )
    (second,) = nominate(training_class, agency.participant)
    assert second.status == Status.NOMINATED


def test_nominating_someone_already_in_the_class_takes_no_second_seat(agency, make_class, nominate):
    training_class = make_class(capacity=1)
    nominate(training_class, agency.participant)
    assert nominate(training_class, agency.participant) == []
    assert training_class.nominations.count() == 1


def test_hr_nominating_beyond_capacity_in_the_page_sees_why_and_nothing_is_created(
    client, agency, make_class, need
):
    training_class = make_class(capacity=1)
    people = [agency.participant, agency.colleague_b]
    for person in people:
        need(person)
    client.force_login(agency.hr.user)
    response = client.post(
        reverse("class_nominate", args=[training_class.pk]), {"employee": [p.pk for p in people]}
    )
    assert response.status_code == 302
    ((level, text),) = messages_of(response)
    assert level == "error" and "hanya 1 lagi" in text and "(bukan 2)" in text
    assert not Nomination.objects.exists()


def test_hr_nominates_from_the_pool_in_the_page(client, agency, make_class, need):
    training_class = make_class(capacity=5)
    need(agency.participant)
    client.force_login(agency.hr.user)
    page = client.get(reverse("class_detail", args=[training_class.pk])).content.decode()
    assert f'value="{agency.participant.pk}"' in page and "Andi Peserta" in page
    response = client.post(
        reverse("class_nominate", args=[training_class.pk]), {"employee": agency.participant.pk}
    )
    assert response.status_code == 302
    assert ("success", "1 pegawai dinominasikan; menunggu persetujuan pimpinan.") in messages_of(response)
    assert Nomination.objects.get().employee == agency.participant
    page = client.get(reverse("class_detail", args=[training_class.pk])).content.decode()
    assert f'value="{agency.participant.pk}"' not in page  # out of the pool for this class


# --- unit share warning -----------------------------------------------------------------------


def share_warnings(warnings, unit_name):
    return [w for w in warnings if w.startswith(unit_name)]


def test_unit_sending_more_than_30_percent_of_its_people_is_warned(agency, make_class):
    EmployeeFactory.create_batch(2, unit=agency.unit_a_child)  # A1: Andi + 2 = 3 active people
    _created, warnings = services.nominations_add(
        training_class=make_class(), employees=[agency.participant], user=agency.hr.user
    )
    assert share_warnings(warnings, "Subdirektorat A1") == [
        "Subdirektorat A1 akan mengirim 1 dari 3 pegawainya (33%) pada hari yang sama."
    ]


def test_unit_sending_exactly_30_percent_is_not_warned_but_40_percent_is(agency, make_class):
    staff = [agency.participant, *EmployeeFactory.create_batch(9, unit=agency.unit_a_child)]  # 10 in A1
    training_class = make_class()
    _c, warnings = services.nominations_add(
        training_class=training_class, employees=staff[:3], user=agency.hr.user
    )
    assert share_warnings(warnings, "Subdirektorat A1") == []  # 3 / 10 = 30 %: not more than
    _c, warnings = services.nominations_add(
        training_class=training_class, employees=staff[3:4], user=agency.hr.user
    )
    assert share_warnings(warnings, "Subdirektorat A1") == [
        "Subdirektorat A1 akan mengirim 4 dari 10 pegawainya (40%) pada hari yang sama."
    ]


def test_inactive_people_do_not_count_in_the_unit_total(agency, make_class):
    EmployeeFactory.create_batch(2, unit=agency.unit_a_child)
    EmployeeFactory.create_batch(5, unit=agency.unit_a_child, is_active=False)
    _c, warnings = services.nominations_add(
        training_class=make_class(), employees=[agency.participant], user=agency.hr.user
    )
    assert share_warnings(warnings, "Subdirektorat A1") == [
        "Subdirektorat A1 akan mengirim 1 dari 3 pegawainya (33%) pada hari yang sama."
    ]


def test_overlapping_classes_add_up_and_separate_weeks_do_not(agency, make_class):
    staff = [agency.participant, *EmployeeFactory.create_batch(3, unit=agency.unit_a_child)]  # 4 in A1
    monday_class = make_class(start=MONDAY)  # Mon–Wed
    wednesday_class = make_class(start=MONDAY + datetime.timedelta(days=2))  # Wed–Fri: shares Wednesday
    next_week = make_class(start=MONDAY + datetime.timedelta(days=7))
    hr = agency.hr.user
    _c, warnings = services.nominations_add(training_class=monday_class, employees=staff[:1], user=hr)
    assert share_warnings(warnings, "Subdirektorat A1") == []  # 1 / 4
    _c, warnings = services.nominations_add(training_class=next_week, employees=staff[1:2], user=hr)
    assert share_warnings(warnings, "Subdirektorat A1") == []  # another week: still 1 / 4
    _c, warnings = services.nominations_add(training_class=wednesday_class, employees=staff[2:3], user=hr)
    assert share_warnings(warnings, "Subdirektorat A1") == [
        "Subdirektorat A1 akan mengirim 2 dari 4 pegawainya (50%) pada hari yang sama."
    ]


def test_the_page_shows_the_unit_share_warning(client, agency, make_class):
    training_class = make_class()
    client.force_login(agency.hr.user)
    response = client.post(
        reverse("class_nominate", args=[training_class.pk]), {"employee": agency.participant.pk}
    )
    assert (
        "warning",
        "Subdirektorat A1 akan mengirim 1 dari 1 pegawainya (100%) pada hari yang sama.",
    ) in messages_of(response)


# --- history, training need, decisions --------------------------------------------------------


def history(nomination):
    return list(nomination.changes.values_list("from_status", "to_status", "changed_by", "note"))


def test_every_status_change_is_kept_with_who_and_why(agency, make_class, nominate):
    training_class = make_class()
    approved, declined = nominate(training_class, agency.participant, agency.colleague_b)
    services.nomination_decide(nomination=approved, approve=True, user=agency.leader_a.user)
    services.nomination_decide(
        nomination=declined, approve=False, reason="  Sedang cuti besar  ", user=agency.leader_b.user
    )
    hr, leader_a, leader_b = agency.hr.user.pk, agency.leader_a.user.pk, agency.leader_b.user.pk
    assert history(approved) == [("", "nominated", hr, ""), ("nominated", "approved", leader_a, "")]
    assert history(declined) == [
        ("", "nominated", hr, ""),
        ("nominated", "declined", leader_b, "Sedang cuti besar"),
    ]
    declined.refresh_from_db()
    assert (declined.status, declined.reason) == ("declined", "Sedang cuti besar")


def test_training_need_moves_to_nominated_and_back_to_identified_on_decline(
    agency, make_class, nominate, need
):
    pool_need = need(agency.participant)
    (nomination,) = nominate(make_class(), agency.participant)
    pool_need.refresh_from_db()
    assert nomination.need == pool_need
    assert (pool_need.status, pool_need.changed_by) == ("nominated", agency.hr.user)

    services.nomination_decide(
        nomination=nomination, approve=False, reason="Beban kerja", user=agency.leader_a.user
    )
    pool_need.refresh_from_db()
    assert (pool_need.status, pool_need.changed_by) == ("identified", agency.leader_a.user)


def test_approval_keeps_the_need_nominated(agency, make_class, nominate, need):
    pool_need = need(agency.participant)
    (nomination,) = nominate(make_class(), agency.participant)
    services.nomination_decide(nomination=nomination, approve=True, user=agency.leader_a.user)
    pool_need.refresh_from_db()
    assert pool_need.status == "nominated"


def test_nomination_links_the_latest_identified_need(agency, make_class, nominate, need):
    need(agency.participant, year=2025)
    latest = need(agency.participant, year=2026)
    (nomination,) = nominate(make_class(), agency.participant)
    assert nomination.need == latest
    assert TrainingNeed.objects.get(pk=latest.pk).status == "nominated"


@pytest.mark.parametrize("reason", ["", "   "])
def test_decline_requires_a_reason(agency, make_class, nominate, need, reason):
    pool_need = need(agency.participant)
    (nomination,) = nominate(make_class(), agency.participant)
    with pytest.raises(ValidationError) as caught:
        services.nomination_decide(
            nomination=nomination, approve=False, reason=reason, user=agency.leader_a.user
        )
    assert caught.value.message_dict == {
        "reason": ["Tuliskan alasan penolakan, agar pegawai dan bagian kepegawaian memahaminya."]
    }
    nomination.refresh_from_db()
    pool_need.refresh_from_db()
    assert nomination.status == "nominated" and pool_need.status == "nominated"
    assert nomination.changes.count() == 1


def test_decline_without_reason_in_the_page_is_explained_and_changes_nothing(
    client, agency, make_class, nominate
):
    (nomination,) = nominate(make_class(), agency.participant)
    client.force_login(agency.leader_a.user)
    response = client.post(reverse("approvals_decide"), {"nomination": nomination.pk, "decision": "decline"})
    assert response.status_code == 302
    assert messages_of(response) == [
        ("error", "Tuliskan alasan penolakan, agar pegawai dan bagian kepegawaian memahaminya.")
    ]
    nomination.refresh_from_db()
    assert nomination.status == "nominated"


def test_a_decided_nomination_cannot_be_decided_again(agency, make_class, nominate):
    (nomination,) = nominate(make_class(), agency.participant)
    services.nomination_decide(nomination=nomination, approve=True, user=agency.leader_a.user)
    with pytest.raises(ValidationError, match="sudah berstatus Disetujui pimpinan"):
        services.nomination_decide(nomination=nomination, approve=False, reason="x", user=agency.hr.user)
    assert nomination.changes.count() == 2


def test_service_refuses_a_leader_of_another_unit(agency, make_class, nominate):
    (nomination,) = nominate(make_class(), agency.participant)
    with pytest.raises(PermissionDenied):
        services.nomination_decide(nomination=nomination, approve=True, user=agency.leader_b.user)
    nomination.refresh_from_db()
    assert nomination.status == "nominated"
