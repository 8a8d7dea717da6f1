"""Two HR staff nominating into the last free seat at the same moment: the class row is locked,
so exactly one of them gets it (PostgreSQL: SELECT ... FOR UPDATE)."""

import datetime
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from conftest import skip_or_fail
from employees.tests.factories import EmployeeFactory
from trainings import services
from trainings.models import Nomination, NominationChange, Programme

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_two_nominations_for_the_last_seat_at_once_fill_it_exactly_once(agency):
    if connection.vendor != "postgresql":
        skip_or_fail("the concurrency test needs PostgreSQL (DATABASE_URL)")
    training_class = services.training_class_create(
        programme=Programme.objects.get(code="sosio-kultural-perekat-bangsa"),
        name="Angkatan Rebutan",
        start_date=datetime.date(2027, 3, 1),
        capacity=2,
        forum_start=datetime.time(9, 0),
        forum_end=datetime.time(11, 0),
        user=agency.hr.user,
    )
    services.nominations_add(
        training_class=training_class, employees=[agency.colleague_b], user=agency.hr.user
    )
    contenders = [agency.participant, EmployeeFactory(name="Pesaing", unit=agency.unit_a_child)]

    barrier, successes, refusals, failures = threading.Barrier(2), [], [], []

    def run(employee):
        try:
            barrier.wait(timeout=10)
            created, _warnings = services.nominations_add(
                training_class=training_class, employees=[employee], user=agency.hr.user
            )
            successes.append(created)
        except ValidationError as exc:
            refusals.append(exc.messages)
        except Exception as exc:  # pragma: no cover - reported below
            failures.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(employee,)) for employee in contenders]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert not any(thread.is_alive() for thread in threads)
    assert not failures
    assert len(successes) == 1 and len(refusals) == 1
    assert "sudah terisi 2, jadi hanya 0 lagi" in refusals[0][0]
    assert training_class.nominations.count() == 2  # never 3 in a class of 2
    winner = successes[0][0].employee_id
    assert set(Nomination.objects.values_list("employee_id", flat=True)) == {agency.colleague_b.pk, winner}
    assert NominationChange.objects.count() == 2  # the loser wrote nothing
