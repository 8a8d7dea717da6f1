"""STTPP certificates: numbered STTPP/{PROGRAMME}/{year}/{sequence:05d} from the year's locked
counter (unique even when two classes are issued at the same moment, on PostgreSQL), issued once
(re-issuing returns the same number), revocable only with a reason, and rendered as an A4
landscape PDF whose QR code carries the public verification URL."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections
from django.test import override_settings
from django.utils import timezone

from conftest import skip_or_fail
from employees.tests.factories import EmployeeFactory
from trainings import completion, services
from trainings.models import Certificate, CertificateCounter, NominationStatus

from .test_completion_rules import class_with

PREFIX = "STTPP/SOSIO-KULTURAL-PEREKAT-BANGSA"


def complete_all(agency, nominations):
    for nomination in nominations:
        services.nomination_finish(nomination=nomination, completed=True, user=agency.hr.user)


@pytest.fixture
def completed_class(agency):
    """Andi and Rekan di B, both completed (HR's own button), no certificate yet."""
    training_class, nominations = class_with(agency, [agency.participant, agency.colleague_b])
    complete_all(agency, nominations)
    return training_class, nominations


@pytest.mark.django_db
def test_bulk_issue_numbers_the_class_in_name_order_from_the_years_counter(agency, completed_class):
    training_class, (andi, colleague) = completed_class
    issued = completion.certificates_issue_for_class(training_class=training_class, user=agency.hr.user)
    year = timezone.localdate().year
    assert [(c.nomination_id, c.number) for c in issued] == [
        (andi.pk, f"{PREFIX}/{year}/00001"),  # Andi Peserta before Rekan di B
        (colleague.pk, f"{PREFIX}/{year}/00002"),
    ]
    assert CertificateCounter.objects.get(year=year).last == 2
    first = issued[0]
    assert (first.year, first.sequence, first.issued_by) == (year, 1, agency.hr.user)
    assert first.signatory_name == "Dr. Siti Rahmawati, M.Si." and first.is_valid
    assert len(first.verification_code) >= 16


@pytest.mark.django_db
def test_re_issuing_returns_the_same_certificate_and_takes_no_number(agency, completed_class):
    training_class, (andi, _colleague) = completed_class
    first = completion.certificate_issue(nomination=andi, user=agency.hr.user)
    again = completion.certificate_issue(nomination=andi, user=agency.hr.user)
    assert (again.pk, again.number, again.verification_code) == (
        first.pk,
        first.number,
        first.verification_code,
    )
    completion.certificates_issue_for_class(training_class=training_class, user=agency.hr.user)
    assert completion.certificates_issue_for_class(training_class=training_class, user=agency.hr.user) == []
    assert Certificate.objects.count() == 2
    assert CertificateCounter.objects.get().last == 2


@pytest.mark.django_db
def test_the_counter_runs_on_across_classes_of_the_year(agency, completed_class):
    training_class, _nominations = completed_class
    completion.certificates_issue_for_class(training_class=training_class, user=agency.hr.user)
    other_class, others = class_with(
        agency, [EmployeeFactory(name="Citra", unit=agency.unit_b)], name="Angkatan II"
    )
    complete_all(agency, others)
    (third,) = completion.certificates_issue_for_class(training_class=other_class, user=agency.hr.user)
    assert third.sequence == 3 and third.number.endswith("/00003")


@pytest.mark.django_db
def test_only_a_completed_participant_gets_a_certificate(agency):
    _training_class, (andi,) = class_with(agency, [agency.participant])
    with pytest.raises(ValidationError) as exc:
        completion.certificate_issue(nomination=andi, user=agency.hr.user)
    assert exc.value.messages == [
        "STTPP hanya diterbitkan untuk peserta yang lulus (Andi Peserta: Disetujui pimpinan)."
    ]
    assert not Certificate.objects.exists() and not CertificateCounter.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("reason", ["", "   "])
def test_revoking_requires_a_reason(agency, completed_class, reason):
    _training_class, (andi, _colleague) = completed_class
    certificate = completion.certificate_issue(nomination=andi, user=agency.hr.user)
    with pytest.raises(ValidationError) as exc:
        completion.certificate_revoke(certificate=certificate, reason=reason, user=agency.hr.user)
    assert exc.value.message_dict == {"reason": ["Tuliskan alasan pencabutan STTPP."]}
    certificate.refresh_from_db()
    assert certificate.is_valid


@pytest.mark.django_db
def test_a_revoked_certificate_stays_revoked_and_keeps_its_number(agency, completed_class):
    _training_class, (andi, _colleague) = completed_class
    certificate = completion.certificate_issue(nomination=andi, user=agency.hr.user)
    revoked = completion.certificate_revoke(
        certificate=certificate, reason="Data kehadiran dipalsukan", user=agency.hr.user
    )
    assert not revoked.is_valid and revoked.revoked_by == agency.hr.user
    assert revoked.revoke_reason == "Data kehadiran dipalsukan"
    again = completion.certificate_issue(nomination=andi, user=agency.hr.user)
    assert again.pk == certificate.pk and not again.is_valid  # re-issuing never makes a new number
    with pytest.raises(ValidationError) as exc:
        completion.certificate_revoke(certificate=certificate, reason="lagi", user=agency.hr.user)
    assert "sudah dicabut" in exc.value.messages[0]


@pytest.mark.django_db
def test_the_pdf_is_an_a4_landscape_pdf_with_the_number_and_the_verification_url(agency, completed_class):
    _training_class, (andi, _colleague) = completed_class
    certificate = completion.certificate_issue(nomination=andi, user=agency.hr.user)
    url = f"https://diklat.example.go.id/verifikasi/{certificate.verification_code}/"
    compressed = completion.certificate_pdf(certificate, verify_url=url)
    assert compressed.startswith(b"%PDF")
    plain = completion.certificate_pdf(certificate, verify_url=url, compress=False)
    assert plain.startswith(b"%PDF")
    for text in (
        certificate.number,
        "Andi Peserta",
        agency.participant.nip,
        url,
        "24 JP",
        "Dr. Siti Rahmawati",
    ):
        assert text.encode() in plain, text
    assert b"/MediaBox [ 0 0 841.8898 595.2756 ]" in plain  # A4 landscape
    assert b"DICABUT" not in plain
    assert completion.qr_payload(completion.qr_drawing(url, 100)) == url


@pytest.mark.django_db
def test_a_revoked_certificates_pdf_says_so(agency, completed_class):
    _training_class, (andi, _colleague) = completed_class
    certificate = completion.certificate_issue(nomination=andi, user=agency.hr.user)
    completion.certificate_revoke(certificate=certificate, reason="Salah orang", user=agency.hr.user)
    certificate.refresh_from_db()
    assert b"DICABUT" in completion.certificate_pdf(
        certificate, verify_url="https://x.test/v/", compress=False
    )


@pytest.mark.django_db
def test_the_verification_url_uses_the_public_address_when_set(agency, completed_class, rf):
    _training_class, (andi, _colleague) = completed_class
    certificate = completion.certificate_issue(nomination=andi, user=agency.hr.user)
    path = f"/verifikasi/{certificate.verification_code}/"
    assert completion.verification_url(certificate, rf.get("/")) == f"http://testserver{path}"
    with override_settings(STTPP_VERIFY_BASE_URL="https://diklat.example.go.id/"):
        assert completion.verification_url(certificate, rf.get("/")) == f"https://diklat.example.go.id{path}"


def test_the_nip_is_masked_in_the_middle():
    assert completion.masked_nip("198703152010011002") == "198703********1002"


@pytest.mark.django_db
def test_lookup_needs_the_exact_number_and_the_holders_nip(agency, completed_class):
    _training_class, (andi, _colleague) = completed_class
    certificate = completion.certificate_issue(nomination=andi, user=agency.hr.user)
    nip = agency.participant.nip
    assert completion.certificate_lookup(number=certificate.number, nip=nip) == certificate
    assert (
        completion.certificate_lookup(number=f"  {certificate.number.lower()} ", nip=f" {nip} ")
        == certificate
    )
    assert completion.certificate_lookup(number=certificate.number, nip=agency.colleague_b.nip) is None
    assert completion.certificate_lookup(number=certificate.number[:-1], nip=nip) is None  # no prefix match
    assert completion.certificate_lookup(number=certificate.number, nip="") is None


# --- concurrency (PostgreSQL) -----------------------------------------------------------------


@pytest.mark.services
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("how", ["bulk", "one_by_one"])
def test_two_classes_issued_at_the_same_moment_never_share_or_skip_a_number(agency, how):
    if connection.vendor != "postgresql":
        skip_or_fail("the concurrency test needs PostgreSQL (DATABASE_URL)")
    classes = []
    for label in ("I", "II"):
        people = [EmployeeFactory(name=f"Peserta {label}-{i}", unit=agency.unit_a_child) for i in range(6)]
        training_class, nominations = class_with(agency, people, name=f"Angkatan {label}")
        complete_all(agency, nominations)
        classes.append(training_class)
    assert not CertificateCounter.objects.exists()  # both threads race to make the year's row too

    barrier, failures = threading.Barrier(2), []

    def run(training_class):
        try:
            barrier.wait(timeout=10)
            if how == "bulk":
                completion.certificates_issue_for_class(training_class=training_class, user=agency.hr.user)
            else:  # one transaction per certificate: the two classes' numbers interleave
                for nomination in training_class.nominations.all():
                    completion.certificate_issue(nomination=nomination, user=agency.hr.user)
        except Exception as exc:  # pragma: no cover - reported below
            failures.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(c,)) for c in classes]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert not any(thread.is_alive() for thread in threads)
    assert not failures, failures
    year = timezone.localdate().year
    sequences = sorted(Certificate.objects.values_list("sequence", flat=True))
    assert sequences == list(range(1, 13))  # twelve certificates, 1..12: none shared, none skipped
    assert Certificate.objects.values("number").distinct().count() == 12
    assert CertificateCounter.objects.get(year=year).last == 12
    assert set(Certificate.objects.values_list("nomination__status", flat=True)) == {
        NominationStatus.COMPLETED
    }
