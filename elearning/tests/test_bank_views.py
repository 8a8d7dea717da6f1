"""The question bank pages: who may use them, the list's filters, the question form's checks
shown beside their fields, the protection of a question in use, and the list's query count."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments.models import Competency
from conftest import ROLES, user_for
from elearning.models import Option, Question
from elearning.services import bank
from elearning.services import quizzes as quiz_services

from .factories import QuestionFactory

pytestmark = pytest.mark.django_db


# --- who may use the pages ------------------------------------------------------------------------

# page -> expected status per role, in ROLES order (hr, leader_a, leader_b, participant,
# facilitator, anonymous)
MATRIX = {
    "question_list":   [200, 403, 403, 403, 200, 302],
    "question_create": [200, 403, 403, 403, 200, 302],
    "question_edit":   [200, 403, 403, 403, 200, 302],
}  # fmt: skip


def url_for(page, question):
    if page == "question_edit":
        return reverse(page, args=[question.pk])
    return reverse(page)


@pytest.mark.parametrize("page", list(MATRIX))
@pytest.mark.parametrize("role", ROLES)
def test_role_page_matrix(client, agency, role, page):
    question = QuestionFactory()
    user = user_for(role, agency)
    if user is not None:
        client.force_login(user)
    response = client.get(url_for(page, question))
    expected = MATRIX[page][ROLES.index(role)]
    assert response.status_code == expected, f"{role} on {page}"
    if expected == 302:
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("role", ["participant", "leader_a", "anonymous"])
def test_others_cannot_write_the_bank(client, agency, role):
    question = QuestionFactory(text="Asli?")
    user = user_for(role, agency)
    if user is not None:
        client.force_login(user)
    response = client.post(reverse("question_edit", args=[question.pk]), form_data(question, text="Diubah?"))
    assert response.status_code in (302, 403)
    question.refresh_from_db()
    assert question.text == "Asli?"


def test_an_unknown_question_is_404(client, agency):
    client.force_login(agency.hr.user)
    assert client.get(reverse("question_edit", args=[999999])).status_code == 404


# --- the list -------------------------------------------------------------------------------------


def test_the_list_shows_perekat_bangsa_by_default(client, agency):
    QuestionFactory(code="PB-1", text="Tentang persatuan?", level=3)
    QuestionFactory(code="INT-1", competency=Competency.objects.get(code="integritas"))
    client.force_login(agency.facilitator_user)
    page = client.get(reverse("question_list")).content.decode()
    assert "PB-1" in page and "Tentang persatuan?" in page
    assert "INT-1" not in page
    every = client.get(reverse("question_list"), {"competency": ""}).content.decode()
    assert "PB-1" in every and "INT-1" in every


def test_the_list_filters_by_level_search_and_status(client, agency):
    QuestionFactory(code="PB-LEVEL2", level=2, text="Soal dua")
    QuestionFactory(code="PB-LEVEL4", level=4, text="Soal empat tentang toleransi")
    QuestionFactory(code="PB-OFF", level=4, text="Soal nonaktif", is_active=False)
    client.force_login(agency.hr.user)
    url = reverse("question_list")

    def codes(**params):
        page = client.get(url, params).content.decode()
        return {code for code in ("PB-LEVEL2", "PB-LEVEL4", "PB-OFF") if code in page}

    assert codes() == {"PB-LEVEL2", "PB-LEVEL4", "PB-OFF"}
    assert codes(level=4) == {"PB-LEVEL4", "PB-OFF"}
    assert codes(q="toleransi") == {"PB-LEVEL4"}
    assert codes(q="level2") == {"PB-LEVEL2"}  # the code too, whatever its case
    assert codes(status="aktif") == {"PB-LEVEL2", "PB-LEVEL4"}
    assert codes(status="nonaktif") == {"PB-OFF"}


def test_the_list_shows_the_option_count_and_pages_by_25(client, agency):
    QuestionFactory.create_batch(26, n_options=3)
    client.force_login(agency.hr.user)
    response = client.get(reverse("question_list"))
    assert len(response.context["page"]) == 25
    assert response.context["page"][0].option_count == 3
    assert "26 soal" in response.content.decode()
    second = client.get(reverse("question_list"), {"page": 2})
    assert len(second.context["page"]) == 1


def test_hr_gets_the_import_link_and_a_facilitator_does_not(client, agency):
    client.force_login(agency.hr.user)
    page = client.get(reverse("question_list")).content.decode()
    assert "Impor dari spreadsheet" in page and reverse("import_list") in page
    client.force_login(agency.facilitator_user)
    assert "Impor dari spreadsheet" not in client.get(reverse("question_list")).content.decode()


def count_queries(client, url):
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context)


def test_question_list_query_count_is_constant(client, agency):
    client.force_login(agency.hr.user)
    url = reverse("question_list")
    QuestionFactory()
    one = count_queries(client, url)
    QuestionFactory.create_batch(9)
    ten = count_queries(client, url)
    # session, user, HR permission check (user perms, group perms), the competency filter's
    # value (perekat_bangsa looked up), page count; then the navigation's roles: led units, own
    # employee, group names; then the filter's competency options and the page's questions
    # (competency joined, options counted in the same query)
    assert one == ten == 11


# --- the form -------------------------------------------------------------------------------------


def form_data(question=None, **changes):
    data = {
        "competency": "perekat_bangsa",
        "level": "2",
        "code": "PB-NEW",
        "text": "Sikap terhadap perbedaan?",
        "option_a": "Menghargai",
        "option_b": "Mengabaikan",
        "option_c": "Menolak",
        "option_d": "",
        "option_e": "",
        "option_f": "",
        "correct": "A",
        "explanation": "Menghargai itu inti Perekat Bangsa.",
        "is_active": "on",
    }
    if question is not None:
        data.update(code=question.code, text=question.text, level=str(question.level or ""))
        for option in question.options.all():
            data[f"option_{option.letter.lower()}"] = option.text
            if option.is_correct:
                data["correct"] = option.letter
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_a_new_question_is_saved_and_the_list_says_so(client, agency):
    client.force_login(agency.facilitator_user)
    response = client.post(reverse("question_create"), form_data(), follow=True)
    assert response.redirect_chain[-1][0] == reverse("question_list") + "?competency=perekat_bangsa"
    assert "Soal PB-NEW ditambahkan" in response.content.decode()
    question = Question.objects.get(code="PB-NEW")
    assert (question.level, question.is_active, question.explanation) == (
        2,
        True,
        "Menghargai itu inti Perekat Bangsa.",
    )
    assert list(question.options.values_list("text", "is_correct")) == [
        ("Menghargai", True),
        ("Mengabaikan", False),
        ("Menolak", False),
    ]


def test_the_create_form_offers_six_option_rows_and_a_benar_radio(client, agency):
    client.force_login(agency.hr.user)
    page = client.get(reverse("question_create")).content.decode()
    for letter in "abcdef":
        assert f'name="option_{letter}"' in page
    assert page.count('name="correct"') == 6 and "benar" in page


def posted_errors(client, data, url=None):
    response = client.post(url or reverse("question_create"), data)
    assert response.status_code == 400
    return response, response.context["form"].errors


def test_one_option_is_refused_beside_the_options(client, agency):
    client.force_login(agency.hr.user)
    response, errors = posted_errors(client, form_data(option_b="", option_c=""))
    assert errors["__all__"] == [bank.MSG_TOO_FEW_OPTIONS % {"min": 2}]
    assert str(bank.MSG_TOO_FEW_OPTIONS % {"min": 2}) in response.content.decode()
    assert not Question.objects.exists()


def test_a_seventh_option_cannot_be_posted(client, agency):
    client.force_login(agency.hr.user)
    data = form_data(option_d="4", option_e="5", option_f="6", option_g="7", correct="F")
    client.post(reverse("question_create"), data)
    question = Question.objects.get(code="PB-NEW")
    assert question.options.count() == 6  # there is no seventh field; "option_g" is ignored
    assert question.options.get(is_correct=True).letter == "F"


def test_no_correct_answer_is_refused_on_the_radio(client, agency):
    client.force_login(agency.hr.user)
    _response, errors = posted_errors(client, form_data(correct=None))
    assert errors["correct"] == [bank.MSG_NO_CORRECT]
    assert not Question.objects.exists()


def test_two_correct_answers_are_refused_on_the_radio(client, agency):
    client.force_login(agency.hr.user)
    _response, errors = posted_errors(client, form_data(correct=["A", "B"]))
    assert errors["correct"] == [bank.MSG_MANY_CORRECT]
    assert not Question.objects.exists()


def test_the_correct_answer_on_an_empty_row_is_refused(client, agency):
    client.force_login(agency.hr.user)
    _response, errors = posted_errors(client, form_data(correct="E"))
    assert errors["correct"] == [bank.MSG_CORRECT_EMPTY % {"letter": "E"}]


def test_a_gap_is_shown_on_the_empty_option(client, agency):
    client.force_login(agency.hr.user)
    response, errors = posted_errors(client, form_data(option_b="", option_c="Menolak"))
    assert errors["option_b"] == [bank.MSG_OPTION_GAP % {"letter": "B"}]
    assert "is-invalid" in response.content.decode()


def test_a_code_already_used_is_shown_on_the_code(client, agency):
    QuestionFactory(code="PB-NEW")
    client.force_login(agency.hr.user)
    _response, errors = posted_errors(client, form_data())
    assert errors["code"] == [bank.MSG_CODE_TAKEN % {"code": "PB-NEW"}]


def test_missing_fields_are_each_named(client, agency):
    client.force_login(agency.hr.user)
    _response, errors = posted_errors(client, form_data(code="", text="", competency="", level="7"))
    assert {"code", "text", "competency", "level"} <= set(errors)


# --- editing --------------------------------------------------------------------------------------


def test_the_edit_form_shows_the_question(client, agency):
    question = QuestionFactory(code="PB-EDIT", text="Pertanyaan lama?", n_options=3)
    client.force_login(agency.hr.user)
    response = client.get(reverse("question_edit", args=[question.pk]))
    form = response.context["form"]
    assert (form["code"].value(), form["text"].value(), form["correct"].value()) == (
        "PB-EDIT",
        "Pertanyaan lama?",
        "A",
    )
    assert form["option_c"].value() == "Pilihan 3" and not form["option_d"].value()
    assert not response.context["in_use"]


def test_editing_moves_the_correct_answer_and_drops_an_option(client, agency):
    question = QuestionFactory(code="PB-EDIT")
    client.force_login(agency.hr.user)
    data = form_data(question, correct="C", option_d="", is_active=None)
    response = client.post(reverse("question_edit", args=[question.pk]), data)
    assert response.status_code == 302
    question.refresh_from_db()
    assert not question.is_active
    assert list(question.options.values_list("position", "is_correct")) == [(1, False), (2, False), (3, True)]


@pytest.fixture
def in_use(classroom, open_quizzes):
    pre, _post = open_quizzes
    attempt = quiz_services.attempt_start(quiz=pre, enrolment=classroom.enrolment)
    return Question.objects.get(pk=attempt.question_order[0])


def test_a_question_in_use_says_so_and_refuses_a_new_answer(client, agency, in_use):
    client.force_login(agency.facilitator_user)
    url = reverse("question_edit", args=[in_use.pk])
    assert client.get(url).context["in_use"]
    response, errors = posted_errors(client, form_data(in_use, correct="B"), url=url)
    assert errors["correct"] == [bank.MSG_USED_CORRECT_CHANGED % {"letter": "A"}]
    assert "buat soal baru dengan kode lain" in response.content.decode()
    _response, errors = posted_errors(client, form_data(in_use, option_d=""), url=url)
    assert errors["option_d"] == [bank.MSG_USED_OPTIONS_REMOVED % {"count": 4, "last": "D"}]
    assert Option.objects.get(question=in_use, is_correct=True).position == 1


def test_a_question_in_use_takes_a_corrected_text(client, agency, in_use):
    client.force_login(agency.facilitator_user)
    url = reverse("question_edit", args=[in_use.pk])
    response = client.post(url, form_data(in_use, text="Diperbaiki?", option_b="Pilihan dua"))
    assert response.status_code == 302
    in_use.refresh_from_db()
    assert in_use.text == "Diperbaiki?"
    assert in_use.options.get(position=2).text == "Pilihan dua"
