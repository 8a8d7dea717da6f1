"""Two recomputations of the same year at once (two imports committing together) take turns
instead of colliding on the unique key (PostgreSQL advisory lock per year)."""

import datetime
import threading

import pytest
from django.db import connection, connections

from assessments.models import AssessmentResult, Competency, Institution
from conftest import skip_or_fail
from employees.tests.factories import EmployeeFactory
from gaps.models import CompetencyGap
from gaps.services import gaps_compute

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_two_recomputations_of_one_year_at_once_both_succeed():
    if connection.vendor != "postgresql":
        skip_or_fail("the concurrency test needs PostgreSQL (DATABASE_URL)")
    institution = Institution.objects.create(
        code="LAN", name="Pusat", accreditation_number="A", accredited_until=datetime.date(2030, 1, 1)
    )
    competency = Competency.objects.get(code="perekat_bangsa")
    AssessmentResult.objects.bulk_create(
        [
            AssessmentResult(
                employee=e,
                year=2026,
                competency=competency,
                level=1,
                assessed_on=datetime.date(2026, 11, 20),
                institution=institution,
            )
            for e in EmployeeFactory.create_batch(300)
        ]
    )
    barrier, failures = threading.Barrier(2), []

    def recompute():
        try:
            barrier.wait()
            for _ in range(3):
                gaps_compute(year=2026)
        except Exception as exc:  # reported by the assertion below
            failures.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=recompute) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert failures == []
    assert CompetencyGap.objects.filter(year=2026).count() == 300
