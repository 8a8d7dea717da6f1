"""The completion pages: who may open what (the role matrix), HR's completion page and its
actions, the STTPP download, and the public verification page, which shows valid or revoked and
only the minimum (never the unit, the e-mail, the full NIP or the revocation reason)."""

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import formats, timezone, translation

from conftest import ROLES, user_for
from employees.tests.factories import EmployeeFactory
from trainings import completion, services
from trainings.models import Certificate, NominationStatus

from .test_completion_rules import attend, class_with, meet_everything

pytestmark = pytest.mark.django_db


@pytest.fixture
def finished(agency):
    """An ended class: Andi met every rule, was completed and holds a valid STTPP."""
    agency.participant.email = "andi.peserta@kementerian.go.id"
    agency.participant.save()
    training_class, (nomination,) = class_with(agency, [agency.participant])
    meet_everything(agency, nomination)
    certificate = completion.nomination_complete(
        nomination=nomination, user=agency.hr.user, today=training_class.end_date
    )
    return training_class, nomination, certificate


# page -> expected status per role, in ROLES order
GET_MATRIX = {
    "class_completion": [200, 403, 403, 403, 403, 302],
    "feedback_summary": [200, 403, 403, 403, 200, 302],  # the facilitator teaches this class
    "certificate_pdf":  [200, 200, 404, 200, 404, 302],  # HR, Andi's leader, Andi himself
    "feedback_form":    [404, 404, 404, 200, 403, 302],  # only Andi's own; no employee record: 403
}  # fmt: skip


def url_for(page, finished):
    training_class, nomination, certificate = finished
    pk = {"certificate_pdf": certificate.pk, "feedback_form": nomination.pk}.get(page, training_class.pk)
    return reverse(page, args=[pk])


@pytest.mark.parametrize("page", list(GET_MATRIX))
@pytest.mark.parametrize("role", ROLES)
def test_page_matrix(client, agency, finished, role, page):
    user = user_for(role, agency)
    if user is not None:
        client.force_login(user)
    response = client.get(url_for(page, finished))
    expected = GET_MATRIX[page][ROLES.index(role)]
    assert response.status_code == expected, f"{role} on {page}"
    if expected == 302:
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("role", ["leader_a", "leader_b", "participant", "facilitator", "anonymous"])
def test_only_hr_applies_issues_and_revokes(client, agency, finished, role):
    training_class, _nomination, certificate = finished
    user = user_for(role, agency)
    if user is not None:
        client.force_login(user)
    expected = 302 if role == "anonymous" else 403
    for name, pk, data in (
        ("class_completion_apply", training_class.pk, {}),
        ("class_certificates_issue", training_class.pk, {}),
        ("certificate_revoke", certificate.pk, {"reason": "Iseng"}),
        ("feedback_anonymity", training_class.pk, {"anonymous": "1"}),
    ):
        assert client.post(reverse(name, args=[pk]), data).status_code == expected, name
    certificate.refresh_from_db()
    training_class.refresh_from_db()
    assert certificate.is_valid and not training_class.feedback_anonymous


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_the_completion_page_shows_each_rule_with_its_numbers_and_applies_them(client, agency):
    andi_ready = agency.participant
    training_class, (andi, colleague) = class_with(agency, [andi_ready, agency.colleague_b])
    meet_everything(agency, andi)
    attend(agency, colleague, 2, status="late")
    client.force_login(agency.hr.user)
    url = reverse("class_completion", args=[training_class.pk])
    body = client.get(url).content.decode()
    assert "Forum harian: 3 / 3" in body and "Forum harian: 2 / 3" in body
    assert "Tetapkan kelulusan (1 memenuhi syarat)" in body

    response = client.post(reverse("class_completion_apply", args=[training_class.pk]))
    assert response.status_code == 302 and response["Location"] == url
    assert messages_of(response) == [
        "1 peserta dinyatakan lulus dan menerima STTPP; 1 belum memenuhi syarat.",
        "Rekan di B belum memenuhi syarat kelulusan: Forum harian: hadir 2 dari 3 forum yang disyaratkan. "
        "Post-test: belum dikumpulkan (0 dari 1 yang disyaratkan). "
        "Tugas kelompok: peserta belum masuk kelompok mana pun (0 dari 1 tugas).",
    ]
    andi.refresh_from_db()
    colleague.refresh_from_db()
    assert (andi.status, colleague.status) == (NominationStatus.COMPLETED, NominationStatus.ATTENDED)
    certificate = Certificate.objects.get()
    body = client.get(url).content.decode()
    assert certificate.number in body and "Berlaku" in body


def test_hr_issues_certificates_for_those_completed_by_hand(client, agency):
    training_class, (andi,) = class_with(agency, [agency.participant])
    services.nomination_finish(
        nomination=andi, completed=True, user=agency.hr.user
    )  # the class page's button
    client.force_login(agency.hr.user)
    response = client.post(reverse("class_certificates_issue", args=[training_class.pk]))
    assert messages_of(response) == ["1 STTPP diterbitkan."]
    assert Certificate.objects.get().nomination_id == andi.pk


def test_revoking_in_the_page_needs_a_reason(client, agency, finished):
    _training_class, _nomination, certificate = finished
    client.force_login(agency.hr.user)
    url = reverse("certificate_revoke", args=[certificate.pk])
    assert messages_of(client.post(url, {"reason": "  "})) == ["Tuliskan alasan pencabutan STTPP."]
    certificate.refresh_from_db()
    assert certificate.is_valid
    client.get(reverse("class_completion", args=[certificate.nomination.training_class_id]))
    response = client.post(url, {"reason": "Nilai post-test tertukar"})
    assert messages_of(response) == [f"STTPP {certificate.number} dicabut."]
    certificate.refresh_from_db()
    assert not certificate.is_valid and certificate.revoke_reason == "Nilai post-test tertukar"


def test_the_pdf_downloads_as_a_pdf(client, agency, finished):
    _training_class, _nomination, certificate = finished
    client.force_login(agency.participant.user)
    response = client.get(reverse("certificate_pdf", args=[certificate.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert certificate.number.replace("/", "-") in response["Content-Disposition"]


def test_a_revoked_certificate_is_no_longer_offered_to_the_participant(client, agency, finished):
    _training_class, _nomination, certificate = finished
    client.force_login(agency.participant.user)
    pdf_url = reverse("certificate_pdf", args=[certificate.pk])
    assert pdf_url in client.get(reverse("my_classes")).content.decode()
    completion.certificate_revoke(certificate=certificate, reason="Salah input", user=agency.hr.user)
    assert pdf_url not in client.get(reverse("my_classes")).content.decode()
    assert client.get(pdf_url).status_code == 404
    client.force_login(agency.leader_a.user)
    assert client.get(pdf_url).status_code == 404
    client.force_login(agency.hr.user)
    assert client.get(pdf_url).status_code == 200  # HR keeps the record (marked DICABUT)


# --- the public verification page --------------------------------------------------------------


def test_verification_shows_a_valid_certificate_with_the_minimum_only(client, agency, finished):
    training_class, _nomination, certificate = finished
    response = client.get(reverse("certificate_verify", args=[certificate.verification_code]))
    assert response.status_code == 200
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    body = response.content.decode()
    nip = agency.participant.nip
    for shown in (
        "STTPP ini sah dan berlaku.",
        certificate.number,
        "Andi Peserta",
        f"{nip[:6]}********{nip[-4:]}",
        "Sosio Kultural – Perekat Bangsa",
    ):
        assert shown in body, shown
    for hidden in (
        nip,
        "andi.peserta@kementerian.go.id",
        "Subdirektorat A1",
        "Direktorat A",
        "Pimpinan A",
        training_class.name,
        "24 JP",
        "Dr. Siti Rahmawati",
    ):
        assert hidden not in body, hidden


def test_verification_shows_a_revoked_certificate_with_its_date_not_its_reason(client, agency, finished):
    _training_class, _nomination, certificate = finished
    revoked = completion.certificate_revoke(
        certificate=certificate, reason="Pelanggaran kode etik", user=agency.hr.user
    )
    body = client.get(reverse("certificate_verify", args=[certificate.verification_code])).content.decode()
    assert "DICABUT" in body and "sah dan berlaku" not in body
    with translation.override("id"):
        revoked_on = formats.date_format(timezone.localdate(revoked.revoked_at), "j F Y")
    assert f"DICABUT pada {revoked_on}" in body and certificate.number in body
    assert "Pelanggaran kode etik" not in body


def test_an_unknown_code_is_a_404_that_says_not_found(client, agency, finished):
    response = client.get(reverse("certificate_verify", args=["bukan-kode-yang-ada"]))
    assert response.status_code == 404
    assert "STTPP tidak ditemukan" in response.content.decode()


def test_lookup_by_number_and_nip_redirects_to_the_verification_page(client, agency, finished):
    _training_class, _nomination, certificate = finished
    url = reverse("certificate_verify_lookup")
    assert client.get(url).status_code == 200
    response = client.post(url, {"number": certificate.number, "nip": agency.participant.nip})
    assert response.status_code == 302
    assert response["Location"] == reverse("certificate_verify", args=[certificate.verification_code])


@pytest.mark.parametrize(
    "number, nip",
    [
        ("STTPP/SOSIO-KULTURAL-PEREKAT-BANGSA/2020/00001", "participant"),  # unknown number
        ("own", "colleague"),  # the right number with someone else's NIP
        ("own", ""),  # the number alone
    ],
)
def test_lookup_without_the_matching_pair_tells_nothing(client, agency, finished, number, nip):
    _training_class, _nomination, certificate = finished
    data = {
        "number": certificate.number if number == "own" else number,
        "nip": {"participant": agency.participant.nip, "colleague": agency.colleague_b.nip, "": ""}[nip],
    }
    response = client.post(reverse("certificate_verify_lookup"), data)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Andi Peserta" not in body and certificate.verification_code not in body
    if nip:
        assert "STTPP tidak ditemukan" in body


# --- query counts ------------------------------------------------------------------------------


def count_queries(client, url) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context)


def test_completion_page_query_count_is_constant(client, agency):
    # session, user, HR permissions; class + programme; nominations + employee + certificate;
    # attendance counts; enrolments + groups; post-test exists; submitted attempts; group submissions
    people = [EmployeeFactory(unit=agency.unit_b) for _ in range(10)]
    training_class, (first,) = class_with(agency, people[:1])
    meet_everything(agency, first)
    completion.nomination_complete(nomination=first, user=agency.hr.user, today=training_class.end_date)
    client.force_login(agency.hr.user)
    url = reverse("class_completion", args=[training_class.pk])
    one = count_queries(client, url)
    more, _warnings = services.nominations_add(
        training_class=training_class, employees=people[1:], user=agency.hr.user
    )
    for index, nomination in enumerate(more):
        services.nomination_decide(nomination=nomination, approve=True, user=agency.hr.user)
        meet_everything(agency, nomination, group_name=f"Kelompok {index % 3}")
        completion.nomination_complete(
            nomination=nomination, user=agency.hr.user, today=training_class.end_date
        )
    assert len(client.get(url).context["rows"]) == 10 and Certificate.objects.count() == 10
    assert count_queries(client, url) == one
