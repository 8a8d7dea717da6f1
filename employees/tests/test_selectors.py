import pytest

from employees.selectors import employee_search, employees_visible_to, units_visible_to
from employees.tests.factories import EmployeeFactory, UserFactory

pytestmark = pytest.mark.django_db


def names(queryset):
    return sorted(e.name for e in queryset)


def test_hr_sees_the_whole_agency(agency):
    assert employees_visible_to(agency.hr.user).count() == 5


def test_leader_sees_their_subtree_and_not_the_sibling_unit(agency):
    visible = names(employees_visible_to(agency.leader_a.user))
    assert visible == ["Andi Peserta", "Pimpinan A"]


def test_leader_b_does_not_see_unit_a(agency):
    visible = names(employees_visible_to(agency.leader_b.user))
    assert visible == ["Pimpinan B", "Rekan di B"]


def test_participant_sees_only_themself(agency):
    assert names(employees_visible_to(agency.participant.user)) == ["Andi Peserta"]


def test_facilitator_without_employee_record_sees_nobody(agency):
    assert not employees_visible_to(agency.facilitator_user).exists()


def test_anonymous_sees_nobody(agency):
    from django.contrib.auth.models import AnonymousUser

    assert not employees_visible_to(AnonymousUser()).exists()


def test_a_login_without_employee_or_role_sees_nobody(agency):
    assert not employees_visible_to(UserFactory()).exists()


def test_units_visible_to_leader_are_their_subtree(agency):
    codes = sorted(u.code for u in units_visible_to(agency.leader_a.user))
    assert codes == ["A", "A1"]


def test_filtering_by_a_foreign_unit_cannot_widen_a_leaders_scope(agency):
    scoped = employees_visible_to(agency.leader_a.user)
    assert not employee_search(scoped, unit=agency.unit_b).exists()


def test_search_matches_name_or_nip_prefix_and_hides_inactive(agency):
    EmployeeFactory(name="Andi Nonaktif", unit=agency.unit_a, is_active=False)
    everyone = employees_visible_to(agency.hr.user)
    assert names(employee_search(everyone, query="andi")) == ["Andi Peserta"]
    assert names(employee_search(everyone, query=agency.leader_b.nip)) == ["Pimpinan B"]
