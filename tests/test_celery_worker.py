"""A real Celery worker on the real Redis broker (REDIS_URL): CI runs this for real; on a
machine without Redis it skips (and fails under REQUIRE_SERVICES=1)."""

import uuid

import pytest
from django.conf import settings
from django.core import mail

from conftest import skip_or_fail
from employees.tasks import send_password_reset_email

# A queue of its own for this run, so a worker elsewhere on the same Redis can't take the
# tasks. One name per run: Celery caches its queue table after first use.
TEST_QUEUE = f"test-{uuid.uuid4().hex}"

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def real_worker():
    if not settings.REDIS_URL:
        skip_or_fail("REDIS_URL is not set: no broker for a real worker")
    from celery.contrib.testing.worker import start_worker

    from config.celery_app import app

    saved = {key: app.conf[key] for key in ("task_always_eager", "task_default_queue")}
    app.conf.update(task_always_eager=False, task_default_queue=TEST_QUEUE)
    try:
        with start_worker(app, perform_ping_check=False, shutdown_timeout=30):
            yield app
    finally:
        app.conf.update(saved)


def test_password_reset_email_runs_on_a_real_worker_through_redis(real_worker, agency):
    assert real_worker.conf.broker_url.startswith("redis://")
    user = agency.participant.user
    user.email = "andi@example.go.id"
    user.save()

    result = send_password_reset_email.delay(user_id=user.pk, domain="asn.test", protocol="https")

    assert result.get(timeout=30) is True
    assert [m.to for m in mail.outbox] == [["andi@example.go.id"]]
    assert "https://asn.test/akun/kata-sandi/atur/" in mail.outbox[0].body


def test_task_for_a_vanished_user_does_nothing_on_the_worker(real_worker, agency):
    result = send_password_reset_email.delay(user_id=987654, domain="asn.test", protocol="https")
    assert result.get(timeout=30) is False
    assert mail.outbox == []


def test_an_import_is_checked_and_written_by_a_real_worker(real_worker, agency, tmp_path):
    import datetime

    from django.core.files import File

    from assessments.models import AssessmentResult, Institution
    from employees.importing.runs import import_run_create
    from employees.importing.tasks import check_import, write_import
    from employees.models import ImportRun

    Institution.objects.create(code="LAN", name="Pusat Penilaian", accreditation_number="AK-1",
                               accredited_until=datetime.date(2030, 12, 31))
    path = tmp_path / "hasil.csv"
    path.write_text(f"nip,tanggal_asesmen,lembaga,perekat_bangsa\n{agency.participant.nip},2026-11-20,LAN,1\n")
    with open(path, "rb") as handle:
        run = import_run_create(kind="assessments", content=File(handle), filename="hasil.csv", year=2026)

    assert check_import.delay(run_id=run.pk).get(timeout=60) == ImportRun.Status.READY
    assert not AssessmentResult.objects.exists()
    assert write_import.delay(run_id=run.pk).get(timeout=60) == ImportRun.Status.DONE
    # the task is idempotent: delivered twice, it changes nothing the second time
    assert write_import.delay(run_id=run.pk).get(timeout=60) == ImportRun.Status.DONE
    assert AssessmentResult.objects.get().level == 1
