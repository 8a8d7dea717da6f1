import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext

from employees.models import Employee, Jenis, OrgUnit, Position
from employees.tests.factories import EmployeeFactory, OrgUnitFactory, PositionFactory

pytestmark = pytest.mark.django_db


def make_chain(depth):
    """Units nested `depth` levels below a fresh root; returns the root and the deepest."""
    root = OrgUnitFactory()
    unit = root
    for _ in range(depth):
        unit = OrgUnitFactory(parent=unit)
    return root, unit


def test_path_and_depth_follow_the_parent():
    root, leaf = make_chain(3)
    assert leaf.depth == 3
    assert leaf.path.startswith(root.path)
    assert leaf.ancestor_ids[0] == root.pk and leaf.ancestor_ids[-1] == leaf.pk


@pytest.mark.parametrize("depth", [1, 6])
def test_subtree_of_any_depth_is_one_query(depth):
    root, leaf = make_chain(depth)
    EmployeeFactory(unit=leaf)
    with CaptureQueriesContext(connection) as units_queries:
        units = list(OrgUnit.objects.in_subtree(root))
    with CaptureQueriesContext(connection) as employees_queries:
        employees = list(Employee.objects.in_unit_subtree(root))
    assert len(units) == depth + 1 and len(employees) == 1
    assert len(units_queries) == 1
    assert len(employees_queries) == 1


def test_subtree_does_not_include_a_sibling_whose_id_shares_a_prefix():
    root = OrgUnitFactory(id=990_001)
    first = OrgUnitFactory(id=70_001, parent=root)
    OrgUnitFactory(id=700_011, parent=root)  # "70001" is a prefix of "700011"
    assert list(OrgUnit.objects.in_subtree(first)) == [first]


def test_moving_a_unit_moves_its_whole_subtree():
    root_a, leaf = make_chain(3)
    middle = OrgUnit.objects.get(pk=leaf.ancestor_ids[1])
    root_b = OrgUnitFactory()
    middle.parent = root_b
    middle.save()
    leaf.refresh_from_db()
    assert leaf.path.startswith(root_b.path)
    assert leaf.depth == 3
    assert not OrgUnit.objects.in_subtree(root_a).filter(pk=leaf.pk).exists()


def test_a_unit_cannot_become_its_own_descendant():
    root, leaf = make_chain(2)
    root.parent = leaf
    with pytest.raises(ValidationError) as exc:
        root.full_clean()
    assert "parent" in exc.value.message_dict


def test_leader_must_belong_to_the_unit():
    unit, other = OrgUnitFactory(), OrgUnitFactory()
    outsider = EmployeeFactory(unit=other)
    unit.leader = outsider
    with pytest.raises(ValidationError) as exc:
        unit.full_clean()
    assert "leader" in exc.value.message_dict


def test_database_rejects_a_nip_that_is_not_18_characters():
    employee = EmployeeFactory.build(nip="123", unit=OrgUnitFactory(), position=PositionFactory())
    with pytest.raises(IntegrityError):
        employee.save()


def test_database_rejects_a_duplicate_nip():
    first = EmployeeFactory()
    with pytest.raises(IntegrityError):
        EmployeeFactory(nip=first.nip)


def test_database_rejects_jenjang_on_a_structural_position():
    with pytest.raises(IntegrityError):
        Position.objects.create(code="X", name="X", jenis=Jenis.PENGAWAS, jenjang="penyelia")


def test_database_rejects_a_fungsional_position_without_jenjang():
    with pytest.raises(IntegrityError):
        Position.objects.create(code="Y", name="Y", jenis=Jenis.FUNGSIONAL, jenjang="")


def test_employee_clean_reports_nip_problems_on_the_nip_field():
    employee = EmployeeFactory.build(nip="198501012010131001")
    with pytest.raises(ValidationError) as exc:
        employee.clean()
    assert list(exc.value.message_dict) == ["nip"]
