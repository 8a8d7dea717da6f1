"""The planning pages cost the same number of queries for 1 row as for 10."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from employees.tests.factories import EmployeeFactory, PositionFactory

from .conftest import MONDAY

pytestmark = pytest.mark.django_db


def count_queries(client, url, data=None):
    client.get(url, data)  # warm-up: a first visit may make the user's calendar feed token
    with CaptureQueriesContext(connection) as context:
        response = client.get(url, data)
    assert response.status_code == 200
    return len(context)


def test_calendar_query_count_is_constant(client, agency, make_class):
    client.force_login(agency.hr.user)
    make_class(start=MONDAY)
    month = {"bulan": MONDAY.strftime("%Y-%m")}
    one = count_queries(client, reverse("training_calendar"), month)
    for i in range(1, 10):  # Mondays to Wednesdays across March
        make_class(start=MONDAY + datetime.timedelta(days=7 * (i // 3) + i % 3))
    assert len(client.get(reverse("training_calendar"), month).context["year_classes"]) == 10
    assert count_queries(client, reverse("training_calendar"), month) == one


def test_calendar_query_count_is_constant_for_a_leader(client, agency, make_class, nominate):
    client.force_login(agency.leader_a.user)
    nominate(make_class(), agency.participant)
    one = count_queries(client, reverse("training_calendar"), {"bulan": "2027-03"})
    for _ in range(9):
        nominate(make_class(), EmployeeFactory(unit=agency.unit_a_child, position=PositionFactory()))
    assert count_queries(client, reverse("training_calendar"), {"bulan": "2027-03"}) == one


def pending_nominees(agency, count):
    return [EmployeeFactory(unit=agency.unit_a_child, position=PositionFactory()) for _ in range(count)]


@pytest.mark.parametrize("who", ["leader_a", "hr"])
def test_approvals_query_count_is_constant(client, agency, make_class, nominate, need, who):
    client.force_login(getattr(agency, who).user)
    training_class = make_class(capacity=20)
    first = pending_nominees(agency, 1)
    need(first[0])
    nominate(training_class, *first)
    one = count_queries(client, reverse("approvals"))
    more = pending_nominees(agency, 9)
    for person in more:
        need(person)
    nominate(make_class(capacity=20), *more)  # in another class too
    page = client.get(reverse("approvals"))
    assert len(page.context["pending"]) == 10
    assert count_queries(client, reverse("approvals")) == one


def test_class_detail_query_count_is_constant(client, agency, make_class, nominate, need):
    client.force_login(agency.hr.user)
    training_class = make_class(capacity=30)
    url = reverse("class_detail", args=[training_class.pk])
    first = pending_nominees(agency, 2)
    for person in first:
        need(person)
    nominate(training_class, first[0])  # one nomination, one still in the pool
    one = count_queries(client, url)
    more = pending_nominees(agency, 18)
    for person in more:
        need(person)
    nominate(training_class, *more[:9])  # ten nominations, ten still in the pool
    response = client.get(url)
    assert len(response.context["nominations"]) == 10 and len(response.context["pool"]) == 10
    assert count_queries(client, url) == one
