"""Every list page costs the same number of queries for 1 row as for 10."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from employees.tests.factories import EmployeeFactory, OrgUnitFactory, PositionFactory

pytestmark = pytest.mark.django_db


def count_queries(client, url):
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context)


def test_employee_list_query_count_is_constant(client, agency):
    client.force_login(agency.hr.user)
    url = reverse("employee_list")
    EmployeeFactory(unit=agency.unit_a)
    one = count_queries(client, url)
    EmployeeFactory.create_batch(9, unit=agency.unit_a, position=PositionFactory())
    ten = count_queries(client, url)
    # session, user, HR permission check (user perms, group perms), page count; then the
    # navigation's roles: led units, own employee, group names; then the unit options,
    # position options and the page's rows (unit and position joined in)
    assert one == ten == 11


def test_leader_employee_list_query_count_is_constant(client, agency):
    client.force_login(agency.leader_a.user)
    url = reverse("employee_list")
    one = count_queries(client, url)
    EmployeeFactory.create_batch(10, unit=agency.unit_a_child)
    assert count_queries(client, url) == one


def test_unit_tree_query_count_is_constant(client, agency):
    client.force_login(agency.hr.user)
    url = reverse("unit_tree")
    one = count_queries(client, url)
    for _ in range(10):
        EmployeeFactory(unit=OrgUnitFactory(parent=agency.unit_b))
    # session, user, HR permissions (2), units with their employee counts (one query for
    # the whole tree), then the navigation's roles: led units, own employee, group names
    assert count_queries(client, url) == one == 8


def test_position_list_query_count_is_constant(client, agency):
    client.force_login(agency.hr.user)
    url = reverse("position_list")
    one = count_queries(client, url)
    PositionFactory.create_batch(10)
    # session, user, HR permissions (2), position count, competencies, page of positions,
    # default levels, standards in force; navigation: led units, own employee, group names
    assert count_queries(client, url) == one == 12


def test_my_unit_query_count_is_constant(client, agency):
    client.force_login(agency.leader_a.user)
    url = reverse("my_unit")
    one = count_queries(client, url)
    for _ in range(10):
        OrgUnitFactory(parent=agency.unit_a)
    assert count_queries(client, url) == one
