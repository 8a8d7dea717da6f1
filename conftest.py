"""Shared fixtures: an agency with two sibling units (A with a child unit, and B), a leader for
each, a participant in A's child unit, an HR staff member and a facilitator."""

import os
from dataclasses import dataclass

import pytest
from django.contrib.auth.models import Group

from employees.models import Employee, OrgUnit
from employees.roles import FACILITATOR_GROUP, HR_GROUP
from employees.tests.factories import EmployeeFactory, OrgUnitFactory, UserFactory

PASSWORD = "rahasia-123"


def services_required() -> bool:
    """CI sets REQUIRE_SERVICES=1: a test that would skip for want of PostgreSQL, Redis or
    Chromium fails instead, so a missing service can never pass silently."""
    return os.environ.get("REQUIRE_SERVICES") == "1"


def skip_or_fail(reason: str):
    if services_required():
        pytest.fail(f"REQUIRE_SERVICES=1 but: {reason}")
    pytest.skip(reason)


@dataclass
class Agency:
    root: OrgUnit
    unit_a: OrgUnit
    unit_a_child: OrgUnit
    unit_b: OrgUnit
    hr: Employee
    leader_a: Employee
    leader_b: Employee
    participant: Employee
    colleague_b: Employee
    facilitator_user: object


@pytest.fixture
def agency(db) -> Agency:
    root = OrgUnitFactory(code="ROOT", name="Kementerian")
    unit_a = OrgUnitFactory(code="A", name="Direktorat A", parent=root)
    unit_a_child = OrgUnitFactory(code="A1", name="Subdirektorat A1", parent=unit_a)
    unit_b = OrgUnitFactory(code="B", name="Direktorat B", parent=root)

    hr = EmployeeFactory(name="Staf Kepegawaian", unit=root, with_login=True)
    hr.user.groups.add(Group.objects.get(name=HR_GROUP))
    leader_a = EmployeeFactory(name="Pimpinan A", unit=unit_a, with_login=True)
    leader_b = EmployeeFactory(name="Pimpinan B", unit=unit_b, with_login=True)
    unit_a.leader, unit_b.leader = leader_a, leader_b
    unit_a.save()
    unit_b.save()
    participant = EmployeeFactory(name="Andi Peserta", unit=unit_a_child, with_login=True)
    colleague_b = EmployeeFactory(name="Rekan di B", unit=unit_b, with_login=True)
    facilitator_user = UserFactory(username="fasilitator")
    facilitator_user.groups.add(Group.objects.get(name=FACILITATOR_GROUP))
    return Agency(
        root, unit_a, unit_a_child, unit_b, hr, leader_a, leader_b, participant, colleague_b, facilitator_user
    )


@pytest.fixture
def login(client):
    """Log the test client in as a user (or an employee's user) and return the client."""

    def _login(who):
        user = getattr(who, "user", who)
        client.force_login(user)
        return client

    return _login


# The roles of the access matrices, in the order their expected-status rows list them.
ROLES = ["hr", "leader_a", "leader_b", "participant", "facilitator", "anonymous"]


def user_for(role: str, agency: Agency):
    """The login behind a role of the `agency` fixture (None: anonymous)."""
    return {
        "hr": agency.hr.user,
        "leader_a": agency.leader_a.user,
        "leader_b": agency.leader_b.user,
        "participant": agency.participant.user,
        "facilitator": agency.facilitator_user,
        "anonymous": None,
    }[role]
