import re

import pytest
from django.core import mail
from django.urls import reverse

from conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_employee_logs_in_with_nip(client, agency):
    response = client.post(
        reverse("login"), {"username": agency.participant.nip, "password": PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("my_profile")
    assert "Profil saya" in response.content.decode()


def test_wrong_password_says_what_to_check_in_indonesian(client, agency):
    response = client.post(reverse("login"), {"username": agency.participant.nip, "password": "x"})
    assert response.status_code == 200
    assert "kata sandi salah" in response.content.decode()


def test_logout_is_a_post_and_returns_to_login(client, agency):
    client.force_login(agency.participant.user)
    response = client.post(reverse("logout"))
    assert response.status_code == 302 and response["Location"] == reverse("login")
    assert client.get(reverse("my_profile")).status_code == 302


def test_password_reset_mail_is_sent_through_the_task_and_its_link_works(
    client, agency, django_capture_on_commit_callbacks
):
    user = agency.participant.user
    user.email = "andi@example.go.id"
    user.save()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("password_reset"), {"email": "ANDI@example.go.id"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["andi@example.go.id"]
    assert "kata sandi" in message.subject.lower()
    link = re.search(r"https?://[^/]+(/akun/kata-sandi/atur/\S+/)", message.body).group(1)
    form_page = client.get(link, follow=True)
    assert "Atur kata sandi baru" in form_page.content.decode()
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "Sangat-Baru-2026!", "new_password2": "Sangat-Baru-2026!"},
    )
    assert done.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Sangat-Baru-2026!")


def test_new_login_without_password_sets_its_first_one_through_the_reset_link(
    client, agency, django_capture_on_commit_callbacks
):
    from employees.services import employee_login_ensure
    from employees.tests.factories import EmployeeFactory

    newcomer = EmployeeFactory(unit=agency.unit_b, email="baru@example.go.id")
    user = employee_login_ensure(employee=newcomer)
    assert not user.has_usable_password()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("password_reset"), {"email": "baru@example.go.id"})
    assert [m.to for m in mail.outbox] == [["baru@example.go.id"]]
    assert newcomer.nip in mail.outbox[0].body  # the mail tells them their username


def test_password_reset_for_unknown_email_sends_nothing_and_reveals_nothing(
    client, agency, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("password_reset"), {"email": "siapa@example.go.id"})
    assert response.status_code == 302 and response["Location"] == reverse("password_reset_done")
    assert mail.outbox == []


def test_password_change_page_is_in_indonesian(client, agency):
    client.force_login(agency.participant.user)
    body = client.get(reverse("password_change")).content.decode()
    assert "Ubah kata sandi" in body


def test_password_reset_mail_is_in_the_language_the_user_chose(
    client, agency, django_capture_on_commit_callbacks
):
    user = agency.participant.user
    user.email = "andi@example.go.id"
    user.save()
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("password_reset"), {"email": "andi@example.go.id"})
    assert "kata sandi" not in mail.outbox[0].subject.lower()
    assert "password" in mail.outbox[0].subject.lower()
