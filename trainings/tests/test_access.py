"""Who may see and do what in diklat planning: the page matrix per role, the approval matrix
(a leader decides for their own subtree only, never for themselves; HR decides all), and what a
participant sees in "Diklat saya"."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from conftest import ROLES, user_for
from employees.tests.factories import EmployeeFactory
from trainings import services
from trainings.models import Nomination, TrainingClass

pytestmark = pytest.mark.django_db


# page -> expected status per role, in ROLES order
GET_MATRIX = {
    "training_calendar": [200, 200, 200, 403, 403, 302],
    "class_create":      [200, 403, 403, 403, 403, 302],
    "class_detail":      [200, 403, 403, 403, 403, 302],
    "approvals":         [200, 200, 200, 403, 403, 302],
    "my_classes":        [200, 200, 200, 200, 403, 302],
}  # fmt: skip


@pytest.fixture
def a_class(make_class):
    return make_class(capacity=5, urls=["https://zoom.us/j/1", "https://zoom.us/j/2", "https://zoom.us/j/3"])


def url_for(page, a_class):
    return reverse(page, args=[a_class.pk]) if page in ("class_detail", "class_nominate") else reverse(page)


@pytest.mark.parametrize("page", list(GET_MATRIX))
@pytest.mark.parametrize("role", ROLES)
def test_page_matrix(client, agency, a_class, role, page):
    user = user_for(role, agency)
    if user is not None:
        client.force_login(user)
    response = client.get(url_for(page, a_class))
    expected = GET_MATRIX[page][ROLES.index(role)]
    assert response.status_code == expected, f"{role} on {page}"
    if expected == 302:
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("role", ["leader_a", "leader_b", "participant", "facilitator", "anonymous"])
def test_only_hr_may_nominate_or_schedule(client, agency, a_class, programme, role):
    user = user_for(role, agency)
    if user is not None:
        client.force_login(user)
    response = client.post(reverse("class_nominate", args=[a_class.pk]), {"employee": agency.participant.pk})
    created = client.post(
        reverse("class_create"),
        {"programme": programme.pk, "name": "Liar", "start_date": "2027-03-01", "capacity": "5",
         "forum_start": "09:00", "forum_end": "11:00"},
    )  # fmt: skip
    expected = 302 if role == "anonymous" else 403
    assert (response.status_code, created.status_code) == (expected, expected)
    assert not Nomination.objects.exists()
    assert list(TrainingClass.objects.all()) == [a_class]


# --- the approval matrix ----------------------------------------------------------------------


@pytest.fixture
def pending(agency, a_class, nominate):
    """Andi (A1, under leader A) and a colleague in B, both nominated by HR."""
    andi, colleague = nominate(a_class, agency.participant, agency.colleague_b)
    return andi, colleague


def approvals_page(client, user):
    client.force_login(user)
    response = client.get(reverse("approvals"))
    assert response.status_code == 200
    return {n.pk for n in response.context["pending"]}


def decide(client, user, nomination, decision="approve", reason=""):
    client.force_login(user)
    return client.post(
        reverse("approvals_decide"), {"nomination": nomination.pk, "decision": decision, "reason": reason}
    )


def status_of(nomination):
    return Nomination.objects.get(pk=nomination.pk).status


def test_leader_of_a_parent_unit_approves_a_nominee_in_a_child_unit(client, agency, pending):
    andi, colleague = pending
    assert approvals_page(client, agency.leader_a.user) == {andi.pk}
    response = decide(client, agency.leader_a.user, andi)
    assert response.status_code == 302
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["1 nominasi disetujui."]
    assert (status_of(andi), status_of(colleague)) == ("approved", "nominated")


def test_leader_of_another_unit_finds_nothing_to_decide(client, agency, pending):
    andi, colleague = pending
    assert approvals_page(client, agency.leader_b.user) == {colleague.pk}
    body = client.get(reverse("approvals")).content.decode()
    assert "Andi Peserta" not in body
    response = decide(client, agency.leader_b.user, andi, "decline", "Bukan urusan saya")
    assert response.status_code == 302
    assert [str(m) for m in get_messages(response.wsgi_request)] == []
    assert status_of(andi) == "nominated"
    assert andi.changes.count() == 1  # only the nomination itself


@pytest.mark.parametrize("role", ["participant", "facilitator"])
def test_participant_and_facilitator_are_refused(client, agency, pending, role):
    andi, _colleague = pending
    user = user_for(role, agency)
    client.force_login(user)
    assert client.get(reverse("approvals")).status_code == 403
    assert decide(client, user, andi).status_code == 403
    assert status_of(andi) == "nominated"


def test_anonymous_is_sent_to_log_in(client, pending):
    andi, _colleague = pending
    get = client.get(reverse("approvals"))
    post = client.post(reverse("approvals_decide"), {"nomination": andi.pk, "decision": "approve"})
    for response in (get, post):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    assert status_of(andi) == "nominated"


def test_hr_decides_every_unit(client, agency, pending):
    andi, colleague = pending
    assert approvals_page(client, agency.hr.user) == {andi.pk, colleague.pk}
    client.post(reverse("approvals_decide"), {"nomination": [andi.pk, colleague.pk], "decision": "approve"})
    assert (status_of(andi), status_of(colleague)) == ("approved", "approved")


def test_a_leader_never_decides_their_own_nomination(client, agency, a_class, nominate):
    (own,) = nominate(a_class, agency.leader_a)
    assert approvals_page(client, agency.leader_a.user) == set()
    decide(client, agency.leader_a.user, own)
    assert status_of(own) == "nominated"
    # HR (or the leader above) still can
    assert approvals_page(client, agency.hr.user) == {own.pk}
    decide(client, agency.hr.user, own)
    assert status_of(own) == "approved"


def test_hr_staff_never_decide_their_own_nomination(client, agency, a_class, nominate):
    (own,) = nominate(a_class, agency.hr)
    listed = own.pk in approvals_page(client, agency.hr.user)
    decide(client, agency.hr.user, own)
    assert (listed, status_of(own)) == (False, "nominated")  # actually (True, "approved")


def test_a_leader_of_a_leaf_unit_decides_only_that_unit(client, agency, a_class, nominate):
    child_leader = EmployeeFactory(name="Pimpinan A1", unit=agency.unit_a_child, with_login=True)
    agency.unit_a_child.leader = child_leader
    agency.unit_a_child.save()
    in_a = EmployeeFactory(name="Staf A", unit=agency.unit_a)
    andi, staff_a = nominate(a_class, agency.participant, in_a)
    assert approvals_page(client, child_leader.user) == {andi.pk}
    decide(client, child_leader.user, staff_a)
    assert status_of(staff_a) == "nominated"


# --- my classes ---------------------------------------------------------------------------------


def my_classes(client, agency):
    client.force_login(agency.participant.user)
    response = client.get(reverse("my_classes"))
    assert response.status_code == 200
    return response.content.decode()


def test_approved_class_shows_its_forum_links(client, agency, a_class, nominate):
    (andi,) = nominate(a_class, agency.participant)
    services.nomination_decide(nomination=andi, approve=True, user=agency.leader_a.user)
    body = my_classes(client, agency)
    assert a_class.name in body and "Disetujui pimpinan" in body
    assert body.count("Buka forum") == 3
    for n in (1, 2, 3):
        assert f'href="https://zoom.us/j/{n}"' in body


def test_links_stay_hidden_while_only_nominated(client, agency, a_class, nominate):
    nominate(a_class, agency.participant)
    body = my_classes(client, agency)
    assert a_class.name in body and "Dinominasikan" in body and "Menunggu izin pimpinan" in body
    assert "Buka forum" not in body and "zoom.us" not in body


def test_declined_class_shows_the_reason_and_no_links(client, agency, a_class, nominate):
    (andi,) = nominate(a_class, agency.participant)
    services.nomination_decide(
        nomination=andi, approve=False, reason="Tugas luar kota", user=agency.leader_a.user
    )
    body = my_classes(client, agency)
    assert "Ditolak pimpinan" in body and "Tugas luar kota" in body
    assert "zoom.us" not in body


def test_someone_elses_approved_class_is_not_in_my_classes(client, agency, a_class, nominate):
    (colleague,) = nominate(a_class, agency.colleague_b)
    services.nomination_decide(nomination=colleague, approve=True, user=agency.leader_b.user)
    body = my_classes(client, agency)
    assert a_class.name not in body and "zoom.us" not in body


# --- robustness of the inputs HR and leaders send ---------------------------------------------


@pytest.mark.parametrize("month", ["9999-12", "1-1"])
def test_calendar_survives_a_month_at_the_edge_of_the_date_range(client, agency, month):
    client.force_login(agency.hr.user)
    client.raise_request_exception = False
    assert client.get(reverse("training_calendar"), {"bulan": month}).status_code < 500


@pytest.mark.parametrize("month", ["2027-13", "x", "2027", "2027-03-01", ""])
def test_calendar_falls_back_to_this_month_on_a_bad_month(client, agency, month):
    client.force_login(agency.hr.user)
    assert client.get(reverse("training_calendar"), {"bulan": month}).status_code == 200


@pytest.mark.parametrize("page", ["approvals_decide", "class_nominate"])
def test_a_unicode_digit_id_is_ignored_not_a_server_error(client, agency, a_class, page):
    client.force_login(agency.hr.user)
    client.raise_request_exception = False
    response = client.post(
        url_for(page, a_class), {"nomination": "²", "employee": "²", "decision": "approve"}
    )
    assert response.status_code == 302
