"""Group tasks, the pages: who may open what (the role matrix), handing in through the page,
scoring, who sees the scores and feedback, who may download a group's file, and the cost of
the facilitator's task list."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from conftest import ROLES, user_for
from elearning.forms_tasks import CRITERIA_PREFIX
from elearning.models import Enrolment, Evaluation, GroupTask, Submission, TaskGroup
from elearning.services import tasks as services
from elearning.views.tasks import _safe_filename
from employees.tests.factories import EmployeeFactory

from .factories import EnrolmentFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
EXE = b"MZ\x90\x00" + bytes(200)
FEEDBACK = "Analisis tajam; tambahkan contoh dari unit sendiri."


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def task(classroom, agency):
    return services.task_save(
        space=classroom.space,
        kind="case",
        title="Studi kasus pelayanan",
        instructions="Bahas kasusnya.",
        due_at=timezone.now() + datetime.timedelta(days=1),
        criteria=[("Isi dan analisis", 40), ("Penyajian", 30)],
        user=agency.facilitator_user,
    )


@pytest.fixture
def groups(classroom, agency):
    """Kelompok Garuda: Andi (the participant) and Budi; Kelompok Elang: Citra (with a login)."""
    garuda = services.group_create(space=classroom.space, name="Kelompok Garuda")
    elang = services.group_create(space=classroom.space, name="Kelompok Elang")
    services.group_assign(enrolment=classroom.enrolment, group=garuda)
    budi = EnrolmentFactory(
        space=classroom.space, employee=EmployeeFactory(name="Budi", unit=agency.unit_b), group=garuda
    )
    citra = EnrolmentFactory(
        space=classroom.space,
        employee=EmployeeFactory(name="Citra", unit=agency.unit_a, with_login=True),
        group=elang,
    )
    return garuda, elang, budi, citra


@pytest.fixture
def submission(task, groups, classroom):
    """Kelompok Garuda's PDF."""
    upload = SimpleUploadedFile("Analisis Garuda.pdf", PDF)
    return services.submission_save(task=task, enrolment=classroom.enrolment, text="Ringkasan", upload=upload)


def as_user(client, user):
    if user is not None:
        client.force_login(user)
    return client


def score(task, group, user, first=30, second=20, feedback=FEEDBACK):
    a, b = task.criteria.all()
    return services.evaluation_save(
        task=task, group=group, points={a.pk: first, b.pk: second}, feedback=feedback, user=user
    )


# --- the access matrix --------------------------------------------------------------------------

# page -> expected status per role, in ROLES order (hr, leader_a, leader_b, participant,
# facilitator, anonymous). Leaders are neither managers nor learners of the space: 404. A
# learner on a manager's page of their own space: 403.
GET_MATRIX = {
    "task_list":    [200, 404, 404, 200, 200, 302],
    "task_detail":  [200, 404, 404, 200, 200, 302],
    "group_manage": [200, 404, 404, 403, 200, 302],
    "task_create":  [200, 404, 404, 403, 200, 302],
    "task_edit":    [200, 404, 404, 403, 200, 302],
}  # fmt: skip


def url_for(page, task):
    if page in ("task_list", "group_manage", "task_create"):
        return reverse(page, args=[task.space_id])
    return reverse(page, args=[task.pk])


@pytest.mark.parametrize("page", list(GET_MATRIX))
@pytest.mark.parametrize("role", ROLES)
def test_page_matrix(client, agency, task, groups, role, page):
    response = as_user(client, user_for(role, agency)).get(url_for(page, task))
    expected = GET_MATRIX[page][ROLES.index(role)]
    assert response.status_code == expected, f"{role} on {page}"
    if expected == 302:
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("page", list(GET_MATRIX))
def test_a_learner_of_another_space_gets_404(client, agency, task, page):
    response = as_user(client, agency.colleague_b.user).get(url_for(page, task))
    assert response.status_code == 404


def test_an_inactive_enrolment_no_longer_opens_the_tasks(client, agency, task, classroom):
    Enrolment.objects.filter(pk=classroom.enrolment.pk).update(is_active=False)
    assert as_user(client, agency.participant.user).get(url_for("task_list", task)).status_code == 404


def test_unknown_ids_are_404(client, agency):
    client.force_login(agency.hr.user)
    for url in (
        reverse("task_list", args=[999999]),
        reverse("task_detail", args=[999999]),
        reverse("submission_download", args=[999999]),
    ):
        assert client.get(url).status_code == 404


# --- managers: creating a task, groups, scoring ---------------------------------------------------


def task_post(title="Bedah film", due="2030-01-15T16:00", rows=(("Isi", "60"), ("Penyajian", "40"))):
    data = {
        "kind": "film",
        "title": title,
        "instructions": "Tonton dan analisis.",
        "due_at": due,
        f"{CRITERIA_PREFIX}-TOTAL_FORMS": str(len(rows)),
        f"{CRITERIA_PREFIX}-INITIAL_FORMS": "0",
        f"{CRITERIA_PREFIX}-MIN_NUM_FORMS": "0",
        f"{CRITERIA_PREFIX}-MAX_NUM_FORMS": "20",
    }
    for n, (name, points) in enumerate(rows):
        data[f"{CRITERIA_PREFIX}-{n}-name"] = name
        data[f"{CRITERIA_PREFIX}-{n}-max_points"] = points
    return data


def test_a_facilitator_creates_a_task_with_its_rubric(client, agency, classroom):
    client.force_login(agency.facilitator_user)
    page = client.get(reverse("task_create", args=[classroom.space.pk]))
    assert "Isi dan analisis" in page.content.decode()  # the starting rubric
    response = client.post(
        reverse("task_create", args=[classroom.space.pk]),
        task_post(rows=(("Isi", "60"), ("", ""), ("Penyajian", "40"))),
    )
    task = GroupTask.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("task_detail", args=[task.pk])
    assert [(c.name, c.max_points, c.position) for c in task.criteria.all()] == [
        ("Isi", 60, 1),
        ("Penyajian", 40, 2),
    ]
    assert timezone.localtime(task.due_at).strftime("%d-%m-%Y %H:%M") == "15-01-2030 16:00"  # WIB


def test_a_task_without_criteria_is_refused_on_the_page(client, agency, classroom):
    client.force_login(agency.hr.user)
    response = client.post(reverse("task_create", args=[classroom.space.pk]), task_post(rows=(("", ""),)))
    assert response.status_code == 400
    assert str(services.MSG_NO_CRITERIA) in response.content.decode()
    assert not GroupTask.objects.exists()


def test_a_learner_cannot_create_or_score(client, agency, task, groups):
    client.force_login(agency.participant.user)
    created = client.post(reverse("task_create", args=[task.space_id]), task_post())
    scored = client.post(reverse("task_evaluate", args=[task.pk, groups[0].pk]), {})
    assert (created.status_code, scored.status_code) == (403, 403)
    assert GroupTask.objects.count() == 1 and not Evaluation.objects.exists()


def test_editing_the_rubric_of_a_scored_task_is_refused_on_the_page(client, agency, task, groups):
    score(task, groups[0], agency.facilitator_user)
    client.force_login(agency.facilitator_user)
    response = client.post(reverse("task_edit", args=[task.pk]), task_post(title=task.title))
    assert response.status_code == 400
    assert str(services.MSG_CRITERIA_LOCKED % {"count": 1}) in response.content.decode()


def test_a_scored_task_keeps_its_rubric_but_its_title_can_change_on_the_page(client, agency, task, groups):
    score(task, groups[0], agency.facilitator_user)
    client.force_login(agency.facilitator_user)
    url = reverse("task_edit", args=[task.pk])
    page = client.get(url).content.decode()
    assert "kriterianya tidak dapat diubah lagi" in page and "readonly" in page
    rows = [(c.name, str(c.max_points)) for c in task.criteria.all()]
    response = client.post(url, task_post(title="Studi kasus (revisi)", rows=rows))
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.title == "Studi kasus (revisi)"


def evaluation_post(task, group, first, second, feedback=FEEDBACK):
    a, b = task.criteria.all()
    prefix = f"g{group.pk}"
    return {f"{prefix}-score_{a.pk}": first, f"{prefix}-score_{b.pk}": second, f"{prefix}-feedback": feedback}


def test_the_facilitator_scores_a_group_with_the_rubric(client, agency, task, groups, submission):
    garuda = groups[0]
    client.force_login(agency.facilitator_user)
    page = client.get(reverse("task_detail", args=[task.pk])).content.decode()
    assert reverse("submission_download", args=[submission.pk]) in page
    assert page.count('action="' + reverse("task_evaluate", args=[task.pk, garuda.pk])) == 1
    response = client.post(
        reverse("task_evaluate", args=[task.pk, garuda.pk]), evaluation_post(task, garuda, "35", "25")
    )
    assert response.status_code == 302
    evaluation = Evaluation.objects.get(task=task, group=garuda)
    assert sorted(evaluation.scores.values_list("points", flat=True)) == [25, 35]
    assert evaluation.feedback == FEEDBACK and evaluation.scored_by == agency.facilitator_user


def test_an_out_of_range_score_is_refused_on_the_page(client, agency, task, groups):
    garuda = groups[0]
    client.force_login(agency.facilitator_user)
    response = client.post(
        reverse("task_evaluate", args=[task.pk, garuda.pk]), evaluation_post(task, garuda, "41", "10")
    )
    assert response.status_code == 400
    assert not Evaluation.objects.exists()


def test_a_group_of_another_space_cannot_be_scored_through_this_task(client, agency, task, classroom):
    foreign = TaskGroup.objects.create(space=classroom.other_space, name="Kelompok Lain")
    client.force_login(agency.hr.user)
    response = client.post(reverse("task_evaluate", args=[task.pk, foreign.pk]), {})
    assert response.status_code == 404


def test_the_facilitator_forms_groups_automatically_and_moves_a_member(client, agency, classroom):
    EnrolmentFactory(space=classroom.space, employee=EmployeeFactory(unit=agency.unit_b))
    client.force_login(agency.facilitator_user)
    url = reverse("group_manage", args=[classroom.space.pk])
    assert client.post(url, {"action": "auto", "group_count": "2"}).status_code == 302
    groups = list(TaskGroup.objects.filter(space=classroom.space).order_by("name"))
    assert [g.name for g in groups] == ["Kelompok 1", "Kelompok 2"]
    assert client.post(url, {"action": "create", "name": "Kelompok Rajawali"}).status_code == 302
    rajawali = TaskGroup.objects.get(name="Kelompok Rajawali")
    moved = client.post(url, {"action": "move", "enrolment": classroom.enrolment.pk, "group": rajawali.pk})
    assert moved.status_code == 302
    classroom.enrolment.refresh_from_db()
    assert classroom.enrolment.group == rajawali
    page = client.get(url).content.decode()
    assert "Kelompok Rajawali" in page and "Andi Peserta" in page


def test_moving_a_learner_of_another_space_is_refused(client, agency, classroom, groups):
    client.force_login(agency.hr.user)
    url = reverse("group_manage", args=[classroom.space.pk])
    response = client.post(
        url, {"action": "move", "enrolment": classroom.other_enrolment.pk, "group": groups[0].pk}
    )
    assert response.status_code == 400
    classroom.other_enrolment.refresh_from_db()
    assert classroom.other_enrolment.group is None


def test_automatic_regrouping_is_refused_on_the_page_once_work_is_in(client, agency, classroom, submission):
    client.force_login(agency.facilitator_user)
    url = reverse("group_manage", args=[classroom.space.pk])
    assert str(services.MSG_GROUPING_LOCKED) in client.get(url).content.decode()
    response = client.post(url, {"action": "auto", "group_count": "1"})
    assert response.status_code == 400
    assert not TaskGroup.objects.filter(name="Kelompok 1").exists()


def test_a_learner_cannot_manage_groups(client, agency, classroom, groups):
    client.force_login(agency.participant.user)
    url = reverse("group_manage", args=[classroom.space.pk])
    assert client.post(url, {"action": "auto", "group_count": "1"}).status_code == 403
    assert TaskGroup.objects.count() == 2


# --- learners: handing in, seeing their score ----------------------------------------------------


def test_a_learner_hands_in_a_file_and_text(client, agency, task, groups):
    client.force_login(agency.participant.user)
    url = reverse("task_detail", args=[task.pk])
    page = client.get(url).content.decode()
    assert 'enctype="multipart/form-data"' in page and "Budi" in page  # the form and the group's members
    response = client.post(
        url, {"text": "Tautan video: https://video.example/1", "file": SimpleUploadedFile("kami.pdf", PDF)}
    )
    assert response.status_code == 302
    submission = Submission.objects.get()
    assert (submission.group, submission.original_name) == (groups[0], "kami.pdf")


def test_an_exe_renamed_pdf_is_refused_on_the_page(client, agency, task, groups):
    client.force_login(agency.participant.user)
    response = client.post(
        reverse("task_detail", args=[task.pk]), {"text": "", "file": SimpleUploadedFile("kami.pdf", EXE)}
    )
    assert response.status_code == 400
    assert "bukan PDF" in response.content.decode()
    assert not Submission.objects.exists()


def test_after_the_deadline_the_page_is_read_only_and_refuses_posts(client, agency, task, groups, submission):
    GroupTask.objects.filter(pk=task.pk).update(due_at=timezone.now() - datetime.timedelta(minutes=1))
    client.force_login(agency.participant.user)
    url = reverse("task_detail", args=[task.pk])
    page = client.get(url).content.decode()
    assert 'enctype="multipart/form-data"' not in page and "Pengumpulan ditutup" in page
    assert "Ringkasan" in page  # their work is still shown
    response = client.post(url, {"text": "Telat"})
    assert response.status_code == 400
    submission.refresh_from_db()
    assert submission.text == "Ringkasan"


def test_a_learner_outside_every_group_is_told_to_ask_the_facilitator(client, agency, task):
    client.force_login(agency.participant.user)
    for url in (reverse("task_list", args=[task.space_id]), reverse("task_detail", args=[task.pk])):
        page = client.get(url).content.decode()
        assert str(services.MSG_NO_GROUP) in page
        assert 'enctype="multipart/form-data"' not in page


def test_a_manager_without_enrolment_cannot_hand_in(client, agency, task, groups):
    client.force_login(agency.facilitator_user)
    response = client.post(reverse("task_detail", args=[task.pk]), {"text": "Bukan peserta"})
    assert response.status_code == 403
    assert not Submission.objects.exists()


def test_members_of_the_group_see_scores_and_feedback_and_other_groups_do_not(client, agency, task, groups):
    garuda, elang, _budi, citra = groups
    score(task, garuda, agency.facilitator_user, first=33, second=21)
    client.force_login(agency.participant.user)  # Andi, in Garuda
    detail = client.get(reverse("task_detail", args=[task.pk])).content.decode()
    listing = client.get(reverse("task_list", args=[task.space_id])).content.decode()
    assert FEEDBACK in detail and "33 / 40" in detail and "21 / 30" in detail and "54 / 70" in detail
    assert "<strong>54</strong> / 70" in listing

    client.force_login(citra.employee.user)  # Citra, in Elang: not scored yet
    detail = client.get(reverse("task_detail", args=[task.pk])).content.decode()
    listing = client.get(reverse("task_list", args=[task.space_id])).content.decode()
    assert FEEDBACK not in detail and "33 / 40" not in detail and "Belum dinilai" in detail
    assert "<strong>54</strong>" not in listing and "Belum dikumpulkan" in listing


def test_the_learners_list_shows_their_group_and_submission_state(client, agency, task, groups, submission):
    client.force_login(agency.participant.user)
    page = client.get(reverse("task_list", args=[task.space_id])).content.decode()
    assert "Kelompok Garuda" in page and "Budi" in page and "Citra" not in page
    assert "Sudah dikumpulkan" in page


def test_the_managers_list_shows_each_group(client, agency, task, groups, submission):
    score(task, groups[0], agency.hr.user)
    client.force_login(agency.hr.user)
    page = client.get(reverse("task_list", args=[task.space_id]))
    board = page.context["board"]
    assert [
        (g.group.name, bool(g.submission), g.evaluation.total if g.evaluation else None)
        for g in board[0].groups
    ] == [
        ("Kelompok Elang", False, None),
        ("Kelompok Garuda", True, 50),
    ]
    assert "Tugas baru" in page.content.decode()


# --- downloads ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("participant", 200),  # a member of the group
        ("budi", 200),  # another member (given a login below)
        ("facilitator", 200),
        ("hr", 200),
        ("citra", 404),  # another group's member in the same space
        ("colleague_b", 404),  # a learner of the other space
        ("leader_a", 404),  # the participant's own leader: not of this space
        ("anonymous", 302),
    ],
)
def test_download_scope(client, agency, groups, submission, who, expected):
    _garuda, _elang, budi, citra = groups
    if who == "budi":
        budi.employee.user = EmployeeFactory.build(with_login=True).user
        budi.employee.user.save()
        budi.employee.save()
    user = {
        "participant": agency.participant.user,
        "budi": budi.employee.user,
        "facilitator": agency.facilitator_user,
        "hr": agency.hr.user,
        "citra": citra.employee.user,
        "colleague_b": agency.colleague_b.user,
        "leader_a": agency.leader_a.user,
        "anonymous": None,
    }[who]
    response = as_user(client, user).get(reverse("submission_download", args=[submission.pk]))
    assert response.status_code == expected, who
    if expected == 200:
        assert response["Content-Disposition"] == 'attachment; filename="Analisis Garuda.pdf"'
        assert b"".join(response.streaming_content) == PDF
    if expected == 302:
        assert response["Location"].startswith(reverse("login"))


def test_a_download_sends_a_sanitised_original_name(client, agency, submission):
    Submission.objects.filter(pk=submission.pk).update(original_name='..\\..\\eva"l\r\n.pdf')
    client.force_login(agency.participant.user)
    response = client.get(reverse("submission_download", args=[submission.pk]))
    assert response["Content-Disposition"] == 'attachment; filename="eval.pdf"'


def test_safe_filename():
    assert _safe_filename("../../etc/passwd", "x.pdf") == "passwd"
    assert _safe_filename('a"b<c>.pdf', "x.pdf") == "abc.pdf"
    assert _safe_filename("...", "cadangan.pdf") == "cadangan.pdf"


def test_a_text_only_submission_has_nothing_to_download(client, agency, task, groups, classroom):
    text_only = services.submission_save(
        task=task, enrolment=classroom.enrolment, text="Hanya teks", upload=None
    )
    client.force_login(agency.hr.user)
    assert client.get(reverse("submission_download", args=[text_only.pk])).status_code == 404


# --- query counts -------------------------------------------------------------------------------


def count_queries(client, url):
    client.get(url)  # warm-up
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context), response


def add_groups_with_work(task, count, start, agency):
    for n in range(start, start + count):
        group = TaskGroup.objects.create(space=task.space, name=f"Kelompok {n}")
        enrolment = EnrolmentFactory(
            space=task.space, employee=EmployeeFactory(unit=agency.unit_b), group=group
        )
        services.submission_save(task=task, enrolment=enrolment, text=f"Kerja {n}", upload=None)
        score(task, group, agency.facilitator_user)


def test_task_list_query_count_is_constant_for_a_manager(client, agency, task):
    """The facilitator's list costs the same for 1 group as for 10 groups (and 2 tasks), each
    with a submission and an evaluation. The queries:
     1 the session                       2 the user
     3 the space
     4 the user's own permissions        5 their groups' permissions (is_hr, in may_manage)
     6 is the user a facilitator of the space (may_manage)
     7 the user's employee record (enrolment_of; a facilitator has none, so no enrolment query)
     8 the space's groups                9 its tasks
    10 the tasks' criteria              11 their submissions (with who handed in)
    12 their evaluations, each with its total (SUM of its scores)
    13 the units the user leads (navigation)
    14 the user's group names (navigation: is the user a facilitator)"""
    client.force_login(agency.facilitator_user)
    url = reverse("task_list", args=[task.space_id])
    add_groups_with_work(task, 1, 1, agency)
    one, _response = count_queries(client, url)
    add_groups_with_work(task, 9, 2, agency)
    services.task_save(
        space=task.space, kind="culture", title="Berbagi budaya", due_at=task.due_at, criteria=[("Isi", 10)],
        user=agency.hr.user,
    )  # fmt: skip
    ten, response = count_queries(client, url)
    assert [len(item.groups) for item in response.context["board"]] == [10, 10]
    assert sum(item.submitted_count for item in response.context["board"]) == 10
    assert ten == one


def test_task_list_query_count_is_constant_for_a_learner(client, agency, task, groups, submission):
    client.force_login(agency.participant.user)
    url = reverse("task_list", args=[task.space_id])
    score(task, groups[0], agency.hr.user)
    one, _response = count_queries(client, url)
    for n in range(9):
        more = services.task_save(
            space=task.space, kind="other", title=f"Tugas {n}", due_at=task.due_at, criteria=[("Isi", 10)],
            user=agency.hr.user,
        )  # fmt: skip
        services.submission_save(task=more, enrolment=groups[2], text="x", upload=None)
        EnrolmentFactory(space=task.space, employee=EmployeeFactory(unit=agency.unit_b), group=groups[0])
    ten, response = count_queries(client, url)
    assert len(response.context["rows"]) == 10
    assert ten == one


def test_task_detail_query_count_is_constant_for_a_manager(client, agency, task):
    client.force_login(agency.facilitator_user)
    url = reverse("task_detail", args=[task.pk])
    add_groups_with_work(task, 1, 1, agency)
    one, _response = count_queries(client, url)
    add_groups_with_work(task, 9, 2, agency)
    ten, response = count_queries(client, url)
    assert len(response.context["rows"]) == 10
    assert ten == one
