"""Two imports for the same year at the same moment cannot interleave or duplicate
(PostgreSQL: advisory lock per kind and year, plus the unique key)."""

import datetime
import threading

import pytest
from django.db import connection, connections

from assessments.models import AssessmentResult, Institution
from conftest import skip_or_fail
from employees.importing.engine import Options, run_import
from employees.tests.factories import EmployeeFactory

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_two_simultaneous_imports_of_one_year_do_not_interleave(tmp_path):
    if connection.vendor != "postgresql":
        skip_or_fail("the concurrency test needs PostgreSQL (DATABASE_URL)")
    Institution.objects.create(
        code="LAN", name="Pusat", accreditation_number="A", accredited_until=datetime.date(2030, 1, 1)
    )
    employees = EmployeeFactory.create_batch(200)
    files = []
    for level in (2, 4):
        path = tmp_path / f"hasil-{level}.csv"
        lines = ["nip,tanggal_asesmen,lembaga,perekat_bangsa,integritas"]
        lines += [f"{e.nip},2026-11-20,LAN,{level},{level}" for e in employees]
        path.write_text("\n".join(lines))
        files.append(path)

    barrier, outcomes, failures = threading.Barrier(2), [], []

    def run(path):
        try:
            barrier.wait()
            outcomes.append(run_import("assessments", path, options=Options(year=2026)))
        except Exception as exc:  # pragma: no cover - reported below
            failures.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(path,)) for path in files]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert not failures
    assert AssessmentResult.objects.count() == 400  # no duplicates
    # One file won entirely, then the other replaced it entirely: never a mix of both.
    assert AssessmentResult.objects.values("level").distinct().count() == 1
    created = sorted(o.counts.created for o in outcomes)
    updated = sorted(o.counts.updated for o in outcomes)
    assert created == [0, 400] and updated == [0, 400]
