"""Every role against every learning page: who gets it (200), whose object is simply not there
(404: an id in a URL reveals nothing), and who must log in (302); and the learning pages cost
the same number of queries for 1 row as for 10."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from conftest import ROLES, user_for
from elearning.models import MaterialDownload
from elearning.services import materials as material_services
from elearning.services import quizzes as quiz_services

from .factories import EnrolmentFactory, LearningSpaceFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%%EOF\n"

# page -> expected status per role, in ROLES order (hr, leader_a, leader_b, participant,
# facilitator, anonymous). The participant is enrolled in classroom.space and the facilitator
# runs it; colleague_b learns in other_space, which nobody of the matrix but HR may enter.
MATRIX = {
    "learning_home":                 [200, 200, 200, 200, 200, 302],
    "space_detail":                  [200, 404, 404, 200, 200, 302],
    "space_detail_of_other_space":   [200, 404, 404, 404, 404, 302],
    "material_download":             [200, 404, 404, 200, 200, 302],
    "material_of_other_space":       [200, 404, 404, 404, 404, 302],
    "attempt_take_of_participant":   [404, 404, 404, 200, 404, 302],
    "attempt_result_of_participant": [404, 404, 404, 200, 404, 302],
}  # fmt: skip


def a_material(space, title="Modul"):
    return material_services.material_create(
        space=space, title=title, upload=SimpleUploadedFile(f"{title}.pdf", PDF)
    )


@pytest.fixture
def objects(classroom, open_quizzes):
    """The participant's pre-test attempt (submitted) and post-test attempt (running), and a
    material in each space."""
    pre, post = open_quizzes
    submitted = quiz_services.attempt_submit(
        attempt=quiz_services.attempt_start(quiz=pre, enrolment=classroom.enrolment)
    )
    running = quiz_services.attempt_start(quiz=post, enrolment=classroom.enrolment)
    return {
        "learning_home": reverse("learning_home"),
        "space_detail": reverse("space_detail", args=[classroom.space.pk]),
        "space_detail_of_other_space": reverse("space_detail", args=[classroom.other_space.pk]),
        "material_download": reverse("material_download", args=[a_material(classroom.space).pk]),
        "material_of_other_space": reverse("material_download", args=[a_material(classroom.other_space).pk]),
        "attempt_take_of_participant": reverse("attempt_take", args=[running.pk]),
        "attempt_result_of_participant": reverse("attempt_result", args=[submitted.pk]),
    }


@pytest.mark.parametrize("page", list(MATRIX))
@pytest.mark.parametrize("role", ROLES)
def test_role_page_matrix(client, agency, objects, role, page):
    user = user_for(role, agency)
    if user is not None:
        client.force_login(user)
    response = client.get(objects[page])
    if response.streaming:
        b"".join(response.streaming_content)  # read to the end: closes the downloaded file
    expected = MATRIX[page][ROLES.index(role)]
    assert response.status_code == expected, f"{role} on {page}"
    if expected == 302:
        assert response["Location"].startswith(reverse("login"))


def test_a_refused_download_is_not_logged(client, agency, objects):
    client.force_login(agency.leader_a.user)
    client.get(objects["material_download"])
    client.force_login(agency.participant.user)
    client.get(objects["material_of_other_space"])
    assert not MaterialDownload.objects.exists()


# --- query counts -------------------------------------------------------------------------------


def get_counting(client, url, django_assert_num_queries, queries):
    with django_assert_num_queries(len(queries)):
        response = client.get(url)
    assert response.status_code == 200
    return response


# The learner's home: one query for the enrolments, one for the managed spaces, whatever their number.
LEARNER_HOME_QUERIES = [
    "session",
    "user",
    "the user's employee record (spaces_learning)",
    "the user's own permissions (is_hr, for spaces_managed)",
    "the user's groups' permissions (is_hr)",
    "units the user leads (navigation)",
    "the user's group names (navigation: facilitator?)",
    "the active enrolments with their spaces and courses",
    "the managed spaces with their learner counts (none for a learner)",
]

# A facilitator's home: no employee record, so no enrolment query; the managed spaces in one.
FACILITATOR_HOME_QUERIES = [
    "session",
    "user",
    "the user's employee record (none)",
    "the user's own permissions (is_hr)",
    "the user's groups' permissions (is_hr)",
    "units the user leads (navigation)",
    "the user's group names (navigation)",
    "the spaces the facilitator runs, with their learner counts",
]


def test_learning_home_query_count_is_constant_in_enrolments(client, agency, django_assert_num_queries):
    client.force_login(agency.participant.user)
    url = reverse("learning_home")
    EnrolmentFactory(space=LearningSpaceFactory(), employee=agency.participant)
    response = get_counting(client, url, django_assert_num_queries, LEARNER_HOME_QUERIES)
    assert len(response.context["enrolments"]) == 1
    for _ in range(9):
        EnrolmentFactory(space=LearningSpaceFactory(), employee=agency.participant)
    response = get_counting(client, url, django_assert_num_queries, LEARNER_HOME_QUERIES)
    assert len(response.context["enrolments"]) == 10


def test_learning_home_query_count_is_constant_in_managed_spaces(client, agency, django_assert_num_queries):
    client.force_login(agency.facilitator_user)
    url = reverse("learning_home")

    def managed_space():
        space = LearningSpaceFactory()
        space.facilitators.add(agency.facilitator_user)
        EnrolmentFactory(space=space, employee=agency.participant)

    managed_space()
    response = get_counting(client, url, django_assert_num_queries, FACILITATOR_HOME_QUERIES)
    assert len(response.context["managed"]) == 1
    for _ in range(9):
        managed_space()
    response = get_counting(client, url, django_assert_num_queries, FACILITATOR_HOME_QUERIES)
    assert [space.learners for space in response.context["managed"]] == [1] * 10


# The space page as its learner: the materials come in one query, with their download counts.
LEARNER_SPACE_QUERIES = [
    "session",
    "user",
    "the space with its course",
    "the user's own permissions (may_manage: is_hr)",
    "the user's groups' permissions (is_hr)",
    "is the user a facilitator of the space (may_manage)",
    "the user's employee record (enrolment_of)",
    "the user's active enrolment in the space",
    "the space's tests with their question counts",
    "the learner's own attempts at those tests (prefetch)",
    "units the user leads (navigation)",
    "the user's group names (navigation)",
    "the materials (course-wide and the space's own) with their download counts",
]

# The space page as its facilitator: no enrolment, but the forms to manage it.
FACILITATOR_SPACE_QUERIES = [
    "session",
    "user",
    "the space with its course",
    "the user's own permissions (is_hr)",
    "the user's groups' permissions (is_hr)",
    "is the user a facilitator of the space",
    "the user's employee record (none)",
    "the space's tests with their question counts",
    "the Perekat Bangsa competency (initial of the prepare form)",
    "units the user leads (navigation)",
    "the user's group names (navigation)",
    "the materials with their download counts",
    "the competencies (choices of the prepare form)",
]


@pytest.mark.parametrize(
    "who, queries", [("participant", LEARNER_SPACE_QUERIES), ("facilitator", FACILITATOR_SPACE_QUERIES)]
)
def test_space_page_query_count_is_constant_in_materials(
    client, agency, classroom, open_quizzes, django_assert_num_queries, who, queries
):
    space = classroom.space
    made = []

    def add_materials(count):
        for _ in range(count):
            number = len(made) + 1
            if number % 3 == 0:
                material = material_services.material_create(
                    space=space, title=f"Video {number}", url=f"https://example.org/{number}"
                )
            elif number % 3 == 1:
                material = a_material(space, title=f"Modul {number}")
            else:  # course-wide
                material = material_services.material_create(
                    course=space.course, title=f"Bacaan {number}", upload=SimpleUploadedFile("b.pdf", PDF)
                )
            material_services.material_download_log(material=material, user=agency.participant.user)
            made.append(material)

    client.force_login(agency.facilitator_user if who == "facilitator" else agency.participant.user)
    url = reverse("space_detail", args=[space.pk])
    add_materials(1)
    response = get_counting(client, url, django_assert_num_queries, queries)
    assert len(response.context["materials"]) == 1
    add_materials(9)
    response = get_counting(client, url, django_assert_num_queries, queries)
    assert [m.download_count for m in response.context["materials"]] == [1] * 10
