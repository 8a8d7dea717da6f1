"""Taking a test through its pages: starting, the take page (stored order, resumed choices),
saving a choice as htmx does, submitting, the result page, who may open whose attempt, and the
learner's gain card on the space page."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from elearning.models import Answer, Attempt, FinishedBy, Option, Question, Quiz
from elearning.services import quizzes as quiz_services
from elearning.services.spaces import enrolment_revoke

from .factories import perekat_bangsa

pytestmark = pytest.mark.django_db

HOUR = datetime.timedelta(hours=1)
MINUTE = datetime.timedelta(minutes=1)
HTMX = {"HTTP_HX_REQUEST": "true"}


def correct(question_id: int) -> int:
    return Option.objects.get(question_id=question_id, is_correct=True).pk


def wrong(question_id: int) -> int:
    return Option.objects.filter(question_id=question_id, is_correct=False).order_by("position")[0].pk


@pytest.fixture
def pre(open_quizzes):
    return open_quizzes[0]


@pytest.fixture
def attempt(pre, classroom):
    return quiz_services.attempt_start(quiz=pre, enrolment=classroom.enrolment)


def url(name, attempt):
    return reverse(name, args=[attempt.pk])


def post_answer(client, attempt, question_id, option_id, seq=1):
    return client.post(
        url("answer_save", attempt), {"question": question_id, "option": option_id, "seq": seq}, **HTMX
    )


def close_window(quiz):
    """Move the quiz's window into the past (its attempts keep their times)."""
    now = timezone.now()
    Quiz.objects.filter(pk=quiz.pk).update(opens_at=now - 3 * HOUR, closes_at=now - MINUTE)


# --- starting and taking ------------------------------------------------------------------------


def test_starting_a_test_leads_to_the_take_page_and_starting_again_resumes(client, agency, pre):
    client.force_login(agency.participant.user)

    response = client.post(reverse("quiz_start", args=[pre.pk]))

    attempt = Attempt.objects.get()
    assert attempt.enrolment.employee == agency.participant
    assert response.status_code == 302 and response["Location"] == url("attempt_take", attempt)
    again = client.post(reverse("quiz_start", args=[pre.pk]))
    assert again["Location"] == url("attempt_take", attempt)
    assert Attempt.objects.count() == 1


def test_a_test_not_open_yet_cannot_be_started_and_says_when_it_opens(client, agency, classroom, pre):
    Quiz.objects.filter(pk=pre.pk).update(opens_at=timezone.now() + HOUR, closes_at=timezone.now() + 2 * HOUR)
    client.force_login(agency.participant.user)

    response = client.post(reverse("quiz_start", args=[pre.pk]), follow=True)

    assert response.redirect_chain == [(reverse("space_detail", args=[classroom.space.pk]), 302)]
    assert "Pre-test baru dibuka" in response.content.decode()
    assert not Attempt.objects.exists()


@pytest.mark.parametrize("who", ["colleague_b", "revoked_participant", "leader_a"])
def test_a_learner_not_enrolled_cannot_start(client, agency, classroom, pre, who):
    if who == "revoked_participant":
        enrolment_revoke(space=classroom.space, employee=agency.participant)
        who = "participant"
    client.force_login(getattr(agency, who).user)
    assert client.post(reverse("quiz_start", args=[pre.pk])).status_code == 404
    assert not Attempt.objects.exists()


def test_the_take_page_shows_the_questions_and_options_in_the_stored_order(client, agency, attempt):
    client.force_login(agency.participant.user)

    body = client.get(url("attempt_take", attempt)).content.decode()

    assert re.findall(r'<section class="card mb-3 question" id="q-(\d+)"', body) == [
        str(q) for q in attempt.question_order
    ]
    shown_options = re.findall(r'name="option" value="(\d+)"', body)
    assert shown_options == [str(o) for q in attempt.question_order for o in attempt.option_order[str(q)]]
    assert 'id="answered-count">0</span> dari 5 terjawab' in body


def test_a_choice_saved_through_htmx_is_stored_and_checked_on_reload(client, agency, attempt):
    client.force_login(agency.participant.user)
    question = attempt.question_order[2]
    option = wrong(question)

    response = post_answer(client, attempt, question, option, seq=1700000000001)

    assert response.status_code == 200
    assert response.json() == {"saved": option, "question": question, "seq": 1700000000001}
    assert list(Answer.objects.values_list("attempt_id", "question_id", "option_id")) == [
        (attempt.pk, question, option)
    ]
    body = client.get(url("attempt_take", attempt)).content.decode()
    assert re.findall(r'value="(\d+)" checked', body) == [str(option)]
    assert f'id="state-{question}" data-state="saved"' in body
    assert 'id="answered-count">1</span> dari 5 terjawab' in body


def test_a_retried_older_click_answers_with_the_newer_choice(client, agency, attempt):
    client.force_login(agency.participant.user)
    question = attempt.question_order[0]
    post_answer(client, attempt, question, correct(question), seq=20)

    response = post_answer(client, attempt, question, wrong(question), seq=10)

    assert response.status_code == 200 and response.json()["saved"] == correct(question)
    assert Answer.objects.get().option_id == correct(question)


@pytest.mark.parametrize(
    "data",
    [
        {"question": "Q"},  # no option
        {"option": "1"},  # no question
        {"question": "x", "option": "y"},
    ],
)
def test_a_malformed_answer_is_400(client, agency, attempt, data):
    client.force_login(agency.participant.user)
    response = client.post(url("answer_save", attempt), data, **HTMX)
    assert response.status_code == 400 and "error" in response.json()
    assert not Answer.objects.exists()


def test_a_seq_out_of_range_is_400(client, agency, attempt):
    client.force_login(agency.participant.user)
    client.raise_request_exception = False
    question = attempt.question_order[0]

    response = post_answer(client, attempt, question, correct(question), seq="9" * 25)

    assert response.status_code == 400
    assert not Answer.objects.exists()


def test_an_option_foreign_to_the_attempt_is_400(client, agency, attempt):
    client.force_login(agency.participant.user)
    first, second = attempt.question_order[:2]

    response = post_answer(client, attempt, first, correct(second))

    assert response.status_code == 400
    assert response.json() == {"error": "Soal atau pilihan itu bukan bagian dari tes ini."}
    assert not Answer.objects.exists()


def test_submitting_twice_leads_both_times_to_the_result_and_submits_once(client, agency, attempt):
    client.force_login(agency.participant.user)
    question = attempt.question_order[0]
    post_answer(client, attempt, question, correct(question))

    first = client.post(url("attempt_submit", attempt))
    submitted_at = Attempt.objects.get().submitted_at
    second = client.post(url("attempt_submit", attempt))

    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == url("attempt_result", attempt)
    stored = Attempt.objects.get()
    assert (stored.submitted_at, stored.finished_by, stored.correct_count) == (
        submitted_at,
        FinishedBy.PARTICIPANT,
        1,
    )


def test_after_submission_saving_is_409_and_the_take_page_goes_to_the_result(client, agency, attempt):
    client.force_login(agency.participant.user)
    question = attempt.question_order[0]
    client.post(url("attempt_submit", attempt))

    response = post_answer(client, attempt, question, correct(question), seq=99)

    assert response.status_code == 409
    assert response.json() == {"error": "Tes ini sudah dikumpulkan; jawaban tidak dapat diubah lagi."}
    assert not Answer.objects.exists()
    take = client.get(url("attempt_take", attempt))
    assert take.status_code == 302 and take["Location"] == url("attempt_result", attempt)


def test_an_attempt_whose_time_ran_out_is_submitted_when_reopened(client, agency, classroom, pre):
    attempt = quiz_services.attempt_start(quiz=pre, enrolment=classroom.enrolment, now=pre.opens_at)
    client.force_login(agency.participant.user)

    response = client.get(url("attempt_take", attempt), follow=True)

    assert response.redirect_chain == [(url("attempt_result", attempt), 302)]
    assert "Waktu habis, jadi jawaban yang tersimpan dikumpulkan otomatis." in response.content.decode()
    assert Attempt.objects.get().finished_by == FinishedBy.DEADLINE


def test_the_result_hides_the_score_until_the_test_closes_then_shows_it_with_explanations(
    client, agency, pre, attempt
):
    Question.objects.update(explanation="Karena keberagaman adalah kekuatan.")
    client.force_login(agency.participant.user)
    q1, q2, q3 = attempt.question_order[:3]
    for question, option in ((q1, correct(q1)), (q2, correct(q2)), (q3, correct(q3))):
        post_answer(client, attempt, question, option)
    client.post(url("attempt_submit", attempt))

    before = client.get(url("attempt_result", attempt)).content.decode()

    assert "3 dari 5 soal terjawab." in before
    assert 'data-testid="score"' not in before
    assert "Nilai dan pembahasan dapat dilihat setelah tes ditutup" in before
    assert "Karena keberagaman adalah kekuatan." not in before

    close_window(pre)
    after = client.get(url("attempt_result", attempt)).content.decode()

    assert re.search(r'data-testid="score">60<', after)
    assert "3 benar dari 5 soal" in after
    assert after.count("Karena keberagaman adalah kekuatan.") == 5
    assert "Nilai dan pembahasan dapat dilihat setelah tes ditutup" not in after


# --- whose attempt ----------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["colleague_b", "leader_a", "leader_b", "hr", "facilitator"])
def test_nobody_else_can_read_or_write_an_attempt(client, agency, classroom, open_quizzes, attempt, who):
    # colleague_b has an attempt of their own in the other space
    other_pre = Quiz.objects.get(space=classroom.other_space, kind=Quiz.Kind.PRE)
    quiz_services.attempt_start(quiz=other_pre, enrolment=classroom.other_enrolment)
    client.force_login(agency.facilitator_user if who == "facilitator" else getattr(agency, who).user)
    question = attempt.question_order[0]

    assert client.get(url("attempt_take", attempt)).status_code == 404
    assert client.get(url("attempt_result", attempt)).status_code == 404
    assert post_answer(client, attempt, question, correct(question)).status_code == 404
    assert client.post(url("attempt_submit", attempt)).status_code == 404
    assert not Answer.objects.filter(attempt=attempt).exists()
    assert Attempt.objects.get(pk=attempt.pk).submitted_at is None


def test_an_anonymous_visitor_is_sent_to_log_in(client, attempt):
    login = reverse("login")
    question = attempt.question_order[0]
    responses = [
        client.get(url("attempt_take", attempt)),
        client.get(url("attempt_result", attempt)),
        client.post(url("attempt_submit", attempt)),
    ]
    assert [r.status_code for r in responses] == [302] * 3
    assert all(r["Location"].startswith(login) for r in responses)
    # An answer sent after the session ended is refused with 401 and a message, not a
    # redirect the page's script would take for a saved answer; the page keeps the answer.
    refused = post_answer(client, attempt, question, correct(question))
    assert refused.status_code == 401
    assert "Masuk lagi" in refused.json()["error"]
    assert not Answer.objects.exists()
    assert Attempt.objects.get().submitted_at is None


# --- the gain card ------------------------------------------------------------------------------


@pytest.fixture
def ten_question_tests(classroom, bank):
    """Pre- and post-test of ten questions; the pre-test ran five to three hours ago, the
    post-test two to one hour ago (both closed now)."""
    pre, post = quiz_services.quizzes_prepare(
        space=classroom.space, competency=perekat_bangsa(), question_count=10, parallel=True
    )
    now = timezone.now()
    Quiz.objects.filter(pk=pre.pk).update(opens_at=now - 5 * HOUR, closes_at=now - 3 * HOUR)
    Quiz.objects.filter(pk=post.pk).update(opens_at=now - 2 * HOUR, closes_at=now - HOUR)
    pre.refresh_from_db()
    post.refresh_from_db()
    return pre, post


def take(quiz, enrolment, user, right: int):
    """Take the quiz inside its window: the first `right` questions right, the rest wrong."""
    moment = quiz.opens_at + MINUTE
    attempt = quiz_services.attempt_start(quiz=quiz, enrolment=enrolment, now=moment)
    for number, question in enumerate(attempt.question_order):
        option = correct(question) if number < right else wrong(question)
        quiz_services.answer_save(
            attempt_id=attempt.pk, user=user, question_id=question, option_id=option, now=moment
        )
    return quiz_services.attempt_submit(attempt=attempt, now=moment + MINUTE)


def gain_card(client, space) -> str:
    body = client.get(reverse("space_detail", args=[space.pk])).content.decode()
    if 'id="my-gain"' not in body:
        return ""
    card = body.split('id="my-gain"', 1)[1].split('<h2 class="h5">', 1)[0]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", card))


def test_the_learner_sees_pre_post_and_gain_once_both_tests_closed(
    client, agency, classroom, ten_question_tests
):
    pre, post = ten_question_tests
    user = agency.participant.user
    take(pre, classroom.enrolment, user, right=4)
    take(post, classroom.enrolment, user, right=7)
    client.force_login(user)

    card = gain_card(client, classroom.space)

    assert "Pre-test 40 Post-test 70 Selisih 30 Gain (g) 0,50" in card
    assert "Kategori gain ternormalisasi: Sedang" in card


def test_a_perfect_pre_test_shows_the_gain_as_undefined(client, agency, classroom, ten_question_tests):
    pre, post = ten_question_tests
    user = agency.participant.user
    take(pre, classroom.enrolment, user, right=10)
    take(post, classroom.enrolment, user, right=9)
    client.force_login(user)

    card = gain_card(client, classroom.space)

    assert "Pre-test 100 Post-test 90 Selisih -10 Gain (g) —" in card
    assert "Tidak terdefinisi (pre-test 100)" in card


def test_no_gain_card_while_the_post_test_is_still_open(client, agency, classroom, ten_question_tests):
    pre, post = ten_question_tests
    user = agency.participant.user
    take(pre, classroom.enrolment, user, right=4)
    take(post, classroom.enrolment, user, right=7)
    Quiz.objects.filter(pk=post.pk).update(closes_at=timezone.now() + HOUR)
    client.force_login(user)

    assert gain_card(client, classroom.space) == ""
