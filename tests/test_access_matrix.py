"""Every role against every registry page: who gets the page (200), who is refused (403), whose
object is simply not there (404: an id in a URL reveals nothing), and who must log in (302)."""

import pytest
from django.urls import reverse

from conftest import ROLES, user_for

pytestmark = pytest.mark.django_db


# page name -> expected status per role, in ROLES order
MATRIX = {
    "hr_home":                 [200, 403, 403, 403, 403, 302],
    "unit_tree":               [200, 403, 403, 403, 403, 302],
    "position_list":           [200, 403, 403, 403, 403, 302],
    "employee_list":           [200, 200, 200, 403, 403, 302],
    "my_unit":                 [403, 200, 200, 403, 403, 302],
    "my_profile":              [200, 200, 200, 200, 403, 302],
    "facilitator_home":        [403, 403, 403, 403, 200, 302],
    "detail_of_participant_a": [200, 200, 404, 200, 404, 302],
    "detail_of_colleague_b":   [200, 404, 200, 404, 404, 302],
}  # fmt: skip


def url_for(page, agency):
    if page == "detail_of_participant_a":
        return reverse("employee_detail", args=[agency.participant.nip])
    if page == "detail_of_colleague_b":
        return reverse("employee_detail", args=[agency.colleague_b.nip])
    return reverse(page)


@pytest.mark.parametrize("page", list(MATRIX))
@pytest.mark.parametrize("role", ROLES)
def test_role_page_matrix(client, agency, role, page):
    user = user_for(role, agency)
    if user is not None:
        client.force_login(user)
    response = client.get(url_for(page, agency))
    expected = MATRIX[page][ROLES.index(role)]
    assert response.status_code == expected, f"{role} on {page}"
    if expected == 302:
        assert response["Location"].startswith(reverse("login"))


def test_leader_list_shows_own_subtree_only(client, agency):
    client.force_login(agency.leader_a.user)
    body = client.get(reverse("employee_list")).content.decode()
    assert "Andi Peserta" in body
    assert "Rekan di B" not in body and "Pimpinan B" not in body


def test_leader_cannot_filter_into_another_units_people(client, agency):
    client.force_login(agency.leader_a.user)
    response = client.get(reverse("employee_list"), {"unit": agency.unit_b.pk})
    body = response.content.decode()
    assert "Rekan di B" not in body and "Pimpinan B" not in body
    # The bad filter is named, not silently swapped for another result.
    assert "is-invalid" in body


def test_leader_unit_page_lists_only_their_units(client, agency):
    client.force_login(agency.leader_b.user)
    body = client.get(reverse("my_unit")).content.decode()
    assert "Direktorat B" in body
    assert "Direktorat A" not in body and "Subdirektorat A1" not in body


def test_unknown_nip_is_404_for_hr_too(client, agency):
    client.force_login(agency.hr.user)
    assert client.get(reverse("employee_detail", args=["199001012015011999"])).status_code == 404


def test_non_staff_cannot_enter_the_admin(client, agency):
    client.force_login(agency.leader_a.user)
    response = client.get(reverse("admin:employees_employee_changelist"))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


@pytest.mark.parametrize(
    "role, home",
    [
        ("hr", "hr_home"),
        ("leader_a", "my_unit"),
        ("participant", "my_profile"),
        ("facilitator", "facilitator_home"),
    ],
)
def test_home_leads_each_role_to_its_own_page(client, agency, role, home):
    client.force_login(user_for(role, agency))
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"] == reverse(home)
