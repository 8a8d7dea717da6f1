"""The results pages and download: every role against each page (conftest.py's agency and the
`classroom`: the participant (A1) in `space`, colleague_b (B) in `other_space`, the facilitator
on `space` only), what a leader sees, the CSV/XLSX download (formula escaping, the NIP kept as
text), and constant query counts."""

import csv
import io
from decimal import Decimal as D

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import ROLES, user_for
from elearning.views.results import EXPORT_COLUMNS
from employees.tests.factories import EmployeeFactory

from .factories import EnrolmentFactory
from .test_results_selectors import CLASS, build_class, take

pytestmark = pytest.mark.django_db

FORMULA_NAME = '=HYPERLINK("http://x","klik")'


def url(name, classroom, space="space", fmt=None):
    if name == "unit_results":
        return reverse("unit_results")
    target = reverse(name, args=[getattr(classroom, space).pk])
    return f"{target}?format={fmt}" if fmt else target


# page -> url builder; expected status per role, in ROLES order
PAGES = {
    "results":             (lambda c: url("space_results", c),                          [200, 200, 404, 404, 200, 302]),
    "results_other":       (lambda c: url("space_results", c, "other_space"),           [200, 404, 200, 404, 404, 302]),
    "export_csv":          (lambda c: url("space_results_export", c, fmt="csv"),        [200, 200, 404, 404, 200, 302]),
    "export_xlsx":         (lambda c: url("space_results_export", c, fmt="xlsx"),       [200, 200, 404, 404, 200, 302]),
    "export_other":        (lambda c: url("space_results_export", c, "other_space"),    [200, 404, 200, 404, 404, 302]),
    "unit_results":        (lambda c: url("unit_results", c),                           [200, 200, 200, 403, 403, 302]),
}  # fmt: skip


@pytest.mark.parametrize("page", list(PAGES))
@pytest.mark.parametrize("role", ROLES)
def test_results_access_matrix(client, agency, classroom, open_quizzes, role, page):
    user = user_for(role, agency)
    if user is not None:
        client.force_login(user)
    build_url, statuses = PAGES[page]
    response = client.get(build_url(classroom))
    expected = statuses[ROLES.index(role)]
    assert response.status_code == expected, f"{role} on {page}"
    if expected == 302:
        assert response["Location"].startswith(reverse("login"))


def test_unknown_space_and_unknown_format_are_404(client, agency, classroom):
    client.force_login(agency.hr.user)
    assert client.get(reverse("space_results", args=[classroom.space.pk + 1000])).status_code == 404
    assert client.get(url("space_results_export", classroom, fmt="pdf")).status_code == 404


@pytest.fixture
def world(agency, classroom, open_quizzes):
    return build_class(agency, classroom, open_quizzes)


def test_results_page_shows_rows_summary_distribution_and_difficulty(client, world):
    client.force_login(world.agency.facilitator_user)
    response = client.get(url("space_results", world.classroom))
    body = response.content.decode()
    for name in CLASS:
        assert name in body
    assert "Fajar Keluar" not in body  # inactive enrolment
    assert "tidak terdefinisi (pre-test 100)" in body  # Citra
    assert "0,444" in body and "0,389" in body  # class-average g, mean of individual g
    assert "-0,500" in body  # Dewi's negative gain
    assert "width: 75%" in body  # three of four post-tests in 80–100
    assert "text-bg-danger" in body and "Sukar" in body and "Mudah" in body
    assert response.context["results"].summary.n == 5
    assert f'href="{reverse("space_detail", args=[world.classroom.space.pk])}"' in body  # the way back


def test_leader_sees_only_their_subtree_rows(client, world):
    client.force_login(world.agency.leader_a.user)
    body = client.get(url("space_results", world.classroom)).content.decode()
    assert "Andi Peserta" in body and "Budi" in body and "Dewi" in body
    assert "Citra" not in body and "Eko" not in body
    assert "Hanya peserta dari unit Anda" in body
    assert f'href="{reverse("space_detail", args=[world.classroom.space.pk])}"' not in body  # 404 for them
    client.force_login(world.agency.leader_b.user)
    body = client.get(url("space_results", world.classroom)).content.decode()
    assert "Citra" in body and "Andi Peserta" not in body  # Citra (B) is enrolled: B sees her


def test_leader_b_gets_404_when_none_of_theirs_is_enrolled(client, agency, classroom, open_quizzes):
    client.force_login(agency.leader_b.user)
    assert client.get(url("space_results", classroom)).status_code == 404
    assert client.get(url("space_results_export", classroom, fmt="csv")).status_code == 404


def test_unit_results_page(client, world):
    client.force_login(world.agency.leader_a.user)
    response = client.get(reverse("unit_results"))
    body = response.content.decode()
    assert world.classroom.space.title in body
    assert reverse("space_results", args=[world.classroom.space.pk]) in body
    assert "Budi" in body and "Citra" not in body and "Rekan di B" not in body
    client.force_login(world.agency.hr.user)
    body = client.get(reverse("unit_results")).content.decode()
    assert "Citra" in body and "Rekan di B" in body and "Fajar Keluar" not in body


# --- the download ----------------------------------------------------------------------------------


@pytest.fixture
def export_world(world):
    """Budi renamed to a formula: the download must not let a spreadsheet run it."""
    world.enrolments["Budi"].employee.__class__.objects.filter(
        pk=world.enrolments["Budi"].employee_id
    ).update(name=FORMULA_NAME)
    return world


def expected_rows(world) -> list[list[str]]:
    """By NIP: the file is sorted by name, and where "=" sorts depends on the collation."""
    nip = {name: e.employee.nip for name, e in world.enrolments.items()}
    return sorted([
        [nip["Andi Peserta"], "Andi Peserta", "Subdirektorat A1", "40.00", "80.00", "40.00", "0.667", "Sedang"],
        [nip["Citra"], "Citra", "Direktorat B", "100.00", "80.00", "-20.00", "", "Tidak terdefinisi (pre-test 100)"],
        [nip["Dewi"], "Dewi", "Subdirektorat A1", "60.00", "40.00", "-20.00", "-0.500", "Rendah"],
        [nip["Eko"], "Eko", "Kementerian", "60.00", "", "", "", ""],
        [nip["Budi"], "'" + FORMULA_NAME, "Direktorat A", "20.00", "100.00", "80.00", "1.000", "Tinggi"],
    ])  # fmt: skip


def test_csv_export(client, export_world):
    client.force_login(export_world.agency.hr.user)
    response = client.get(url("space_results_export", export_world.classroom, fmt="csv"))
    assert response["Content-Type"].startswith("text/csv")
    space_pk = export_world.classroom.space.pk
    assert response["Content-Disposition"] == f'attachment; filename="hasil-tes-ruang-{space_pk}.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8"))))
    assert rows[0] == ["nip", "nama", "unit", "pre", "post", "selisih", "g", "kategori"] == EXPORT_COLUMNS
    assert sorted(rows[1:]) == expected_rows(export_world)


def test_xlsx_export_keeps_the_nip_as_text_and_escapes_formulas(client, export_world):
    client.force_login(export_world.agency.hr.user)
    response = client.get(url("space_results_export", export_world.classroom, fmt="xlsx"))
    assert response["Content-Disposition"].endswith('.xlsx"')
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert [c.value for c in sheet[1]] == EXPORT_COLUMNS
    for nip, name, *_rest in sheet.iter_rows(min_row=2):
        assert nip.data_type == "s" and len(nip.value) == 18  # the NIP stays text, all 18 digits
        assert name.data_type == "s"  # text, never a formula
    # scores are numbers; missing ones are empty cells
    rows = sorted(
        [
            ["" if v is None else v if isinstance(v, str) else D(str(v)) for v in row]
            for row in sheet.iter_rows(min_row=2, values_only=True)
        ]
    )
    expected = [
        [D(v) if 3 <= i <= 6 and v else v for i, v in enumerate(row)] for row in expected_rows(export_world)
    ]
    assert rows == expected
    assert "'" + FORMULA_NAME in [row[1] for row in rows]


def test_leader_export_has_only_their_rows(client, world):
    client.force_login(world.agency.leader_a.user)
    response = client.get(url("space_results_export", world.classroom, fmt="csv"))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8"))))
    assert [r[1] for r in rows[1:]] == ["Andi Peserta", "Budi", "Dewi"]


# --- query counts --------------------------------------------------------------------------------


def add_learners(agency, classroom, open_quizzes, n) -> list:
    pre, post = open_quizzes
    employees = []
    for _ in range(n):
        employee = EmployeeFactory(unit=agency.unit_a_child, with_login=True)
        enrolment = EnrolmentFactory(space=classroom.space, employee=employee)
        take(pre, enrolment, "CCW--")
        take(post, enrolment, "CCCC-")
        employees.append(employee)
    return employees


def count_queries(client, target) -> tuple[int, list[str], str]:
    with CaptureQueriesContext(connection) as context:
        response = client.get(target)
        assert response.status_code == 200
    body = response.content.decode() if not response.streaming else ""
    return len(context), [q["sql"] for q in context.captured_queries], body


# What each page runs, in order, for 1 and for 10 participants alike (the selector's own queries
# are counted exactly in test_results_selectors.py):
#   every page: the session; the user
#   space pages: the space (get_object_or_404)
#   every page: the user's permissions and their groups' permissions (is_hr, in may_manage or
#     hr_or_leader_required)
#   facilitator, leader on a space page: whether the user facilitates the space (may_manage)
#   leader: the units they lead, their own employee record (employees_visible_to; cached on the
#     user for the navigation)
#   space pages (space_results): the quizzes; the active enrolments with employee and unit and
#     both scores (two correlated subqueries; a leader's scope is a subquery too); the answers
#     counted per quiz and question; the quizzes' questions with code and text
#   unit_results: the years with enrolments in scope; the rows with their space and scores
#   HTML pages (navigation): the units the user leads and their employee record unless already
#     read; the user's groups (is_facilitator). The download renders no navigation.
COUNTS = {
    ("hr", "space_results"): 12,
    ("facilitator", "space_results"): 13,
    ("leader_a", "space_results"): 13,
    ("hr", "space_results_export"): 9,
    ("leader_a", "space_results_export"): 12,
    ("leader_a", "unit_results"): 9,
    ("hr", "unit_results"): 9,
}


@pytest.mark.parametrize("role, page", list(COUNTS))
def test_query_count_is_constant(client, agency, classroom, open_quizzes, role, page):
    """1 and then 10 participants with both tests submitted: the same queries (listed above)."""
    client.force_login(user_for(role, agency))
    target = reverse(page) if page == "unit_results" else reverse(page, args=[classroom.space.pk])
    pre, post = open_quizzes
    take(pre, classroom.enrolment, "CCCCC")
    take(post, classroom.enrolment, "CCCCC")
    one, _sql, body = count_queries(client, target)
    added = add_learners(agency, classroom, open_quizzes, 9)
    ten, sql, body = count_queries(client, target)
    assert one == ten, "\n".join(sql)
    assert ten == COUNTS[(role, page)], "\n".join(sql)
    if page != "space_results_export":
        assert all(e.nip in body for e in added)
