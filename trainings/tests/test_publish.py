"""Publishing the calendar: each leader gets one e-mail with the classes and their own unit's
nominees, after commit, once, and a failed send is retried without resending the others."""

import datetime
import smtplib
from unittest import mock

import pytest
from django.core import mail
from django.urls import reverse

from trainings.models import Programme, PublicationEmail
from trainings.services import calendar_publish, nominations_add, training_class_create
from trainings.tasks import send_publication_emails

pytestmark = pytest.mark.django_db


@pytest.fixture
def planned(agency):
    for leader, address in ((agency.leader_a, "a@example.go.id"), (agency.leader_b, "b@example.go.id")):
        leader.email = address
        leader.save()
    programme = Programme.objects.get(code="sosio-kultural-perekat-bangsa")
    training_class = training_class_create(
        programme=programme,
        name="Angkatan Terbit",
        start_date=datetime.date(2026, 12, 15),
        capacity=10,
        forum_start=datetime.time(9),
        forum_end=datetime.time(11),
        user=agency.hr.user,
    )
    nominations_add(training_class=training_class, employees=[agency.participant], user=agency.hr.user)
    return training_class


def test_each_leader_gets_the_classes_and_only_their_own_nominees(
    client, agency, planned, django_capture_on_commit_callbacks
):
    client.force_login(agency.hr.user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("calendar_publish"), {"year": 2026})
    assert response.status_code == 302
    by_recipient = {m.to[0]: m for m in mail.outbox}
    assert set(by_recipient) == {"a@example.go.id", "b@example.go.id"}
    assert "Angkatan Terbit" in by_recipient["a@example.go.id"].body
    assert "Andi Peserta" in by_recipient["a@example.go.id"].body
    assert "Angkatan Terbit" in by_recipient["b@example.go.id"].body
    assert "Andi Peserta" not in by_recipient["b@example.go.id"].body


def test_nothing_is_sent_before_commit_and_nothing_twice(agency, planned, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        publication = calendar_publish(year=2026, user=agency.hr.user)
    assert mail.outbox == []  # only queued, after commit
    for callback in callbacks:
        callback()
    assert len(mail.outbox) == 2
    assert send_publication_emails(publication_id=publication.pk) == 0  # a second delivery sends nothing
    assert len(mail.outbox) == 2


def test_a_failed_send_is_retried_without_resending_the_others(
    agency, planned, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        publication = calendar_publish(year=2026, user=agency.hr.user)
    real_send = mail.EmailMessage.send
    calls = {"n": 0}

    def flaky(self, *args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise smtplib.SMTPServerDisconnected("server went away")
        return real_send(self, *args, **kwargs)

    with mock.patch.object(mail.EmailMessage, "send", flaky), pytest.raises(smtplib.SMTPServerDisconnected):
        send_publication_emails.run(publication_id=publication.pk)
    assert len(mail.outbox) == 1
    assert PublicationEmail.objects.filter(publication=publication, sent_at__isnull=True).count() == 1
    send_publication_emails.run(publication_id=publication.pk)  # the retry
    assert len(mail.outbox) == 2
    assert len({m.to[0] for m in mail.outbox}) == 2


@pytest.mark.parametrize("role", ["leader_a", "participant"])
def test_only_hr_publishes(client, agency, planned, role):
    client.force_login(getattr(agency, role).user)
    assert client.post(reverse("calendar_publish"), {"year": 2026}).status_code == 403
