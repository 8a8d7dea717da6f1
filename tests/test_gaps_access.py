"""Every gap page against every role (conftest.py's agency): who gets the page (200), who is
refused (403), whose unit or employee is simply not there (404), who must log in (302); and no
page or download shows a person outside what the viewer may see, whatever the filter says."""

import csv
import datetime
import io

import openpyxl
import pytest
from django.urls import reverse

from assessments.models import AssessmentResult, Competency, Institution
from conftest import ROLES, user_for
from gaps.models import TrainingNeed
from gaps.services import gaps_compute

pytestmark = pytest.mark.django_db

YEAR = 2026


@pytest.fixture
def world(agency):
    """Everyone of the agency assessed in Perekat Bangsa (Fungsional Penyelia: standard 3):
    the participant (A1) and the colleague in B have a gap, so both are in the pool."""
    lan = Institution.objects.create(
        code="LAN", name="LAN", accreditation_number="AK-1", accredited_until=datetime.date(2030, 12, 31)
    )
    perekat_bangsa = Competency.objects.get(code="perekat_bangsa")
    for employee, level in [
        (agency.hr, 3),
        (agency.leader_a, 3),
        (agency.leader_b, 2),
        (agency.participant, 1),
        (agency.colleague_b, 1),
    ]:
        AssessmentResult.objects.create(
            employee=employee,
            year=YEAR,
            competency=perekat_bangsa,
            level=level,
            assessed_on=datetime.date(YEAR, 3, 1),
            institution=lan,
        )
    gaps_compute(year=YEAR)
    return agency


def need_pk(agency):
    return TrainingNeed.objects.get(employee=agency.participant).pk


# page -> (method, url builder, POST data), expected status per role in ROLES order
PAGES = {
    "dashboard": ("get", lambda a: reverse("gap_dashboard"), None),
    "dashboard_unit_b": ("get", lambda a: f"{reverse('gap_dashboard')}?unit={a.unit_b.pk}", None),
    "dashboard_unit_a1": ("get", lambda a: f"{reverse('gap_dashboard')}?unit={a.unit_a_child.pk}", None),
    "gap_list": ("get", lambda a: reverse("gap_list"), None),
    "gap_list_unit_b": ("get", lambda a: f"{reverse('gap_list')}?unit={a.unit_b.pk}", None),
    "gap_list_unit_a1": ("get", lambda a: f"{reverse('gap_list')}?unit={a.unit_a_child.pk}", None),
    "export_csv": ("get", lambda a: f"{reverse('gap_list')}?format=csv", None),
    "export_csv_unit_b": ("get", lambda a: f"{reverse('gap_list')}?format=csv&unit={a.unit_b.pk}", None),
    "export_xlsx": ("get", lambda a: f"{reverse('gap_list')}?format=xlsx", None),
    "profile_participant": ("get", lambda a: reverse("competency_profile", args=[a.participant.nip]), None),
    "profile_colleague_b": ("get", lambda a: reverse("competency_profile", args=[a.colleague_b.nip]), None),
    "training_needs": ("get", lambda a: reverse("training_needs"), None),
    "need_add": ("post", lambda a: reverse("training_need_add"), lambda a: {"nip": a.leader_a.nip, "note": "Pimpinan baru", "year": YEAR}),
    "need_exclude": ("post", lambda a: reverse("training_need_exclude", args=[need_pk(a)]), lambda a: {"note": "Cuti panjang"}),
    "need_include": ("post", lambda a: reverse("training_need_include", args=[need_pk(a)]), lambda a: {}),
}  # fmt: skip

MATRIX = {
    #                        hr   ld_a ld_b part fac  anon
    "dashboard":           [200, 200, 200, 403, 403, 302],
    "dashboard_unit_b":    [200, 404, 200, 403, 403, 302],
    "dashboard_unit_a1":   [200, 200, 404, 403, 403, 302],
    "gap_list":            [200, 200, 200, 403, 403, 302],
    "gap_list_unit_b":     [200, 200, 200, 403, 403, 302],  # leader A: filter refused, see below
    "gap_list_unit_a1":    [200, 200, 200, 403, 403, 302],
    "export_csv":          [200, 200, 200, 403, 403, 302],
    "export_csv_unit_b":   [200, 200, 200, 403, 403, 302],
    "export_xlsx":         [200, 200, 200, 403, 403, 302],
    "profile_participant": [200, 200, 404, 200, 404, 302],
    "profile_colleague_b": [200, 404, 200, 404, 404, 302],
    "training_needs":      [200, 403, 403, 403, 403, 302],
    "need_add":            [302, 403, 403, 403, 403, 302],
    "need_exclude":        [302, 403, 403, 403, 403, 302],
    "need_include":        [302, 403, 403, 403, 403, 302],
}  # fmt: skip


def body_of(response) -> str:
    if response.streaming:
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


@pytest.mark.parametrize("page", list(MATRIX))
@pytest.mark.parametrize("role", ROLES)
def test_role_page_matrix(client, world, role, page):
    user = user_for(role, world)
    if user is not None:
        client.force_login(user)
    method, url, data = PAGES[page]
    response = client.get(url(world)) if method == "get" else client.post(url(world), data(world))
    expected = MATRIX[page][ROLES.index(role)]
    assert response.status_code == expected, f"{role} on {page}"
    if expected == 302:
        location = response["Location"]
        if role == "anonymous":
            assert location.startswith(reverse("login"))
        else:
            assert location.startswith(reverse("training_needs"))
    if expected == 200:  # nobody's page or file shows a person outside what they may see
        body = (
            "\n".join(str(row) for row in export_rows(response)) if response.streaming else body_of(response)
        )
        for stranger in hidden_from(role, world):
            assert stranger.nip not in body, f"{role} on {page} shows {stranger.name}"


def hidden_from(role, agency):
    return {
        "hr": [],
        "leader_a": [agency.leader_b, agency.colleague_b],
        "leader_b": [agency.leader_a, agency.participant],
        "participant": [agency.leader_a, agency.leader_b, agency.colleague_b],
        "facilitator": [],
        "anonymous": [],
    }[role]


def test_needs_posts_by_hr_do_what_they_say(client, world):
    client.force_login(world.hr.user)
    need = TrainingNeed.objects.get(employee=world.participant)

    client.post(reverse("training_need_exclude", args=[need.pk]), {"note": ""})
    need.refresh_from_db()
    assert not need.excluded  # no reason, no exclusion
    client.post(reverse("training_need_exclude", args=[need.pk]), {"note": "Cuti panjang"})
    need.refresh_from_db()
    assert (need.excluded, need.note, need.changed_by) == (True, "Cuti panjang", world.hr.user)
    client.post(reverse("training_need_include", args=[need.pk]))
    need.refresh_from_db()
    assert (need.excluded, need.note) == (False, "")

    response = client.post(
        f"{reverse('training_need_add')}?year={YEAR}", {"nip": world.leader_a.nip, "note": "x"}
    )
    assert response["Location"] == f"{reverse('training_needs')}?year={YEAR}"
    added = TrainingNeed.objects.get(employee=world.leader_a)
    assert (added.added_by_hr, added.year, added.note) == (True, YEAR, "x")
    client.post(f"{reverse('training_need_add')}?year={YEAR}", {"nip": world.leader_a.nip, "note": "lagi"})
    assert TrainingNeed.objects.filter(employee=world.leader_a).count() == 1

    assert client.get(reverse("training_needs")).status_code == 200
    assert client.get(reverse("training_need_add")).status_code == 405


def test_leader_list_and_export_show_own_subtree_only(client, world):
    client.force_login(world.leader_a.user)
    body = client.get(reverse("gap_list")).content.decode()
    assert world.participant.nip in body
    assert world.colleague_b.nip not in body and world.leader_b.nip not in body
    export = body_of(client.get(reverse("gap_list"), {"format": "csv", "min_gap": 0}))
    assert world.participant.nip in export and world.leader_a.nip in export
    assert world.colleague_b.nip not in export and world.leader_b.nip not in export


def test_a_foreign_unit_filter_is_refused_and_reveals_nobody(client, world):
    client.force_login(world.leader_a.user)
    response = client.get(reverse("gap_list"), {"unit": world.unit_b.pk, "min_gap": 0})
    body = response.content.decode()
    assert "is-invalid" in body  # the bad filter is named
    assert world.colleague_b.nip not in body and world.leader_b.nip not in body
    assert "Rekan di B" not in body and "Pimpinan B" not in body
    for fmt in ("csv", "xlsx"):
        response = client.get(reverse("gap_list"), {"unit": world.unit_b.pk, "min_gap": 0, "format": fmt})
        nips = {row[0] for row in export_rows(response)[1:]}
        assert world.colleague_b.nip not in nips and world.leader_b.nip not in nips


def test_leader_dashboard_starts_at_their_unit(client, world):
    client.force_login(world.leader_a.user)
    body = client.get(reverse("gap_dashboard")).content.decode()
    assert "Subdirektorat A1" in body
    assert "Direktorat B" not in body and "Kementerian" not in body
    assert client.get(reverse("gap_dashboard"), {"unit": world.root.pk}).status_code == 404


def test_dashboard_unit_that_is_not_a_number_or_not_there_is_404(client, world):
    client.force_login(world.hr.user)
    assert client.get(reverse("gap_dashboard"), {"unit": "abc"}).status_code == 404
    assert client.get(reverse("gap_dashboard"), {"unit": "999999"}).status_code == 404
    assert client.get(reverse("gap_dashboard"), {"unit": world.unit_b.pk}).status_code == 200


def test_pages_without_any_result_still_open(client, agency):
    client.force_login(agency.hr.user)
    for name in ("gap_dashboard", "gap_list", "training_needs"):
        assert client.get(reverse(name)).status_code == 200, name
    assert client.get(reverse("competency_profile", args=[agency.participant.nip])).status_code == 200


def test_participant_sees_own_profile_with_perekat_bangsa_levels(client, world):
    client.force_login(world.participant.user)
    body = client.get(reverse("competency_profile", args=[world.participant.nip])).content.decode()
    assert "Peka memahami dan menerima kemajemukan" in body  # current level 1
    assert "Mempromosikan, mengembangkan sikap toleransi dan persatuan" in body  # target level 3


def export_rows(response) -> list[list]:
    assert response.status_code == 200
    content = b"".join(response.streaming_content)
    if response["Content-Disposition"].endswith('.xlsx"'):
        sheet = openpyxl.load_workbook(io.BytesIO(content), read_only=True).worksheets[0]
        return [["" if v is None else v for v in row] for row in sheet.iter_rows(values_only=True)]
    return list(csv.reader(io.StringIO(content.decode("utf-8"))))
