import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from assessments.models import PEREKAT_BANGSA, PositionStandard
from employees.models import Employee, Jenis, OrgUnit, Position
from employees.roles import is_facilitator, is_hr, is_leader
from trainings.management.commands.demo_data import (
    ANDI,
    DEMO_PASSWORD,
    FACILITATOR_USERNAME,
    HR_STAFF,
    LEADER_A,
    LEADER_B,
)

pytestmark = pytest.mark.django_db


def snapshot():
    return {
        "units": sorted(OrgUnit.objects.values_list("code", "path")),
        "positions": Position.objects.count(),
        "employees": sorted(Employee.objects.values_list("nip", "name", "unit__code")),
        "standards": sorted(PositionStandard.objects.values_list("position__code", "level")),
        "users": sorted(get_user_model().objects.values_list("username", flat=True)),
    }


def test_demo_data_twice_duplicates_nothing():
    call_command("demo_data", verbosity=0)
    first = snapshot()
    call_command("demo_data", verbosity=0)
    assert snapshot() == first
    assert 25 <= len(first["units"]) <= 40
    assert 200 <= len(first["employees"]) <= 500


def test_demo_agency_has_every_jenis_and_andi_with_standard_3():
    call_command("demo_data", verbosity=0)
    assert set(Position.objects.values_list("jenis", flat=True)) == set(Jenis.values)
    andi = Employee.objects.get(nip=ANDI.nip)
    assert andi.name == "Andi Pratama"
    assert andi.position.jenjang == "penyelia"
    standard = PositionStandard.objects.get(position=andi.position, competency__code=PEREKAT_BANGSA)
    assert standard.level == 3


def test_demo_logins_have_their_roles(client):
    call_command("demo_data", verbosity=0)
    users = get_user_model().objects
    assert is_hr(users.get(username=HR_STAFF.nip))
    assert is_leader(users.get(username=LEADER_A.nip))
    assert is_leader(users.get(username=LEADER_B.nip))
    assert is_facilitator(users.get(username=FACILITATOR_USERNAME))
    assert client.login(username=ANDI.nip, password=DEMO_PASSWORD)


def test_demo_prints_the_logins(capsys):
    call_command("demo_data")
    out = capsys.readouterr().out
    for nip in (HR_STAFF.nip, LEADER_A.nip, LEADER_B.nip, ANDI.nip):
        assert nip in out
    assert DEMO_PASSWORD in out and FACILITATOR_USERNAME in out
