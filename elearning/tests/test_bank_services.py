"""The question bank's service: 2–6 options without gaps, exactly one correct, a unique code, a
level 1–5 or none; options rewritten by position; a question in use keeps its options and its
correct answer."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from assessments.models import Competency
from elearning.models import Answer, Option, Question
from elearning.selectors.bank import question_ids_in_use, question_in_use
from elearning.services import bank
from elearning.services import quizzes as quiz_services
from elearning.services.bank import question_save, question_set_active

from .factories import QuestionFactory, perekat_bangsa

pytestmark = pytest.mark.django_db

FOUR = [("Menghargai", True), ("Mengabaikan", False), ("Menolak", False), ("Mencela", False)]


def save(**overrides):
    arguments = {
        "competency": perekat_bangsa(),
        "level": 2,
        "code": "PB-0001",
        "text": "Sikap yang tepat terhadap perbedaan?",
        "explanation": "Menghargai perbedaan adalah inti Perekat Bangsa.",
        "options": FOUR,
    }
    arguments.update(overrides)
    return question_save(**arguments)


def stored_options(question):
    return list(question.options.order_by("position").values_list("position", "text", "is_correct"))


def errors_of(excinfo) -> dict:
    return {key: messages[0] for key, messages in excinfo.value.message_dict.items()}


# --- creating -------------------------------------------------------------------------------------


def test_a_question_is_created_with_its_options_in_position_order():
    question = save()
    question.refresh_from_db()
    assert (question.code, question.level, question.competency.code, question.is_active) == (
        "PB-0001",
        2,
        "perekat_bangsa",
        True,
    )
    assert stored_options(question) == [
        (1, "Menghargai", True),
        (2, "Mengabaikan", False),
        (3, "Menolak", False),
        (4, "Mencela", False),
    ]


def test_texts_are_stripped_and_trailing_empty_options_dropped():
    question = save(code="  PB-9  ", options=[(" Ya ", False), ("Tidak", True), ("", False), ("  ", False)])
    assert question.code == "PB-9"
    assert stored_options(question) == [(1, "Ya", False), (2, "Tidak", True)]


def test_a_question_without_level_is_allowed():
    assert save(level=None).level is None


# --- what is refused ------------------------------------------------------------------------------


def test_one_option_is_too_few():
    with pytest.raises(ValidationError) as excinfo:
        save(options=[("Satu-satunya", True)])
    assert errors_of(excinfo) == {"options": bank.MSG_TOO_FEW_OPTIONS % {"min": 2}}
    assert not Question.objects.exists()


def test_seven_options_are_too_many():
    seven = [(f"Pilihan {n}", n == 1) for n in range(1, 8)]
    with pytest.raises(ValidationError) as excinfo:
        save(options=seven)
    assert errors_of(excinfo)["options"] == bank.MSG_TOO_MANY_OPTIONS % {"max": 6, "count": 7}


def test_six_options_are_allowed():
    six = [(f"Pilihan {n}", n == 6) for n in range(1, 7)]
    assert stored_options(save(options=six))[-1] == (6, "Pilihan 6", True)


def test_no_correct_option_is_refused():
    with pytest.raises(ValidationError) as excinfo:
        save(options=[(text, False) for text, _correct in FOUR])
    assert errors_of(excinfo) == {"correct": bank.MSG_NO_CORRECT}


def test_two_correct_options_are_refused():
    with pytest.raises(ValidationError) as excinfo:
        save(options=[("A", True), ("B", True), ("C", False)])
    assert errors_of(excinfo) == {"correct": bank.MSG_MANY_CORRECT}


def test_the_correct_answer_on_an_empty_option_is_refused():
    with pytest.raises(ValidationError) as excinfo:
        save(options=[("A", False), ("B", False), ("", True)])
    assert errors_of(excinfo) == {"correct": bank.MSG_CORRECT_EMPTY % {"letter": "C"}}


def test_an_empty_option_between_filled_ones_is_named_by_its_letter():
    with pytest.raises(ValidationError) as excinfo:
        save(options=[("A", True), ("B", False), ("", False), ("D", False)])
    assert errors_of(excinfo) == {"option_c": bank.MSG_OPTION_GAP % {"letter": "C"}}


def test_an_option_longer_than_the_column_is_refused():
    with pytest.raises(ValidationError) as excinfo:
        save(options=[("A", True), ("x" * 501, False)])
    assert errors_of(excinfo) == {
        "option_b": bank.MSG_OPTION_TOO_LONG % {"letter": "B", "length": 501, "max": 500}
    }


@pytest.mark.parametrize("level", [0, 6, "3"])
def test_a_level_outside_one_to_five_is_refused(level):
    with pytest.raises(ValidationError) as excinfo:
        save(level=level)
    assert errors_of(excinfo) == {"level": bank.MSG_LEVEL_RANGE % {"value": level}}


def test_empty_code_text_and_competency_are_each_named():
    with pytest.raises(ValidationError) as excinfo:
        save(code=" ", text="", competency=None)
    assert errors_of(excinfo) == {
        "code": bank.MSG_CODE_REQUIRED,
        "text": bank.MSG_TEXT_REQUIRED,
        "competency": bank.MSG_COMPETENCY_REQUIRED,
    }


def test_a_code_another_question_has_is_refused():
    QuestionFactory(code="PB-0001")
    with pytest.raises(ValidationError) as excinfo:
        save()
    assert errors_of(excinfo) == {"code": bank.MSG_CODE_TAKEN % {"code": "PB-0001"}}
    assert Question.objects.count() == 1


def test_messages_say_how_to_fix():
    assert "Tandai" in str(bank.MSG_NO_CORRECT)
    assert "buat soal baru dengan kode lain" in str(bank.MSG_USED_CORRECT_CHANGED)
    assert "buat soal baru dengan kode lain" in str(bank.MSG_USED_OPTIONS_REMOVED)


# --- changing -------------------------------------------------------------------------------------


def test_options_are_updated_in_place_by_position():
    question = save()
    ids = list(question.options.order_by("position").values_list("pk", flat=True))
    save(question=question, options=[("Menghargai sesama", True), *FOUR[1:]])
    assert list(question.options.order_by("position").values_list("pk", flat=True)) == ids
    assert stored_options(question)[0] == (1, "Menghargai sesama", True)


def test_fewer_options_delete_the_extra_and_more_create_new_ones():
    question = save()
    save(question=question, options=FOUR[:2])
    assert stored_options(question) == [(1, "Menghargai", True), (2, "Mengabaikan", False)]
    save(question=question, options=[*FOUR[:2], ("Baru C", False), ("Baru D", False), ("Baru E", False)])
    assert [text for _p, text, _c in stored_options(question)] == [
        "Menghargai",
        "Mengabaikan",
        "Baru C",
        "Baru D",
        "Baru E",
    ]


def test_the_correct_answer_can_move_to_another_option():
    question = save()
    save(question=question, options=[("Menghargai", False), ("Mengabaikan", False), ("Menolak", True)])
    assert stored_options(question) == [
        (1, "Menghargai", False),
        (2, "Mengabaikan", False),
        (3, "Menolak", True),
    ]


def test_the_correct_answer_can_move_to_a_new_option():
    question = save(options=FOUR[:2])
    save(question=question, options=[("Menghargai", False), ("Mengabaikan", False), ("Baru", True)])
    assert Option.objects.get(question=question, is_correct=True).position == 3


def test_a_question_keeps_its_own_code_on_update():
    question = save()
    updated = save(
        question=question, text="Teks baru?", level=None, competency=Competency.objects.get(code="integritas")
    )
    updated.refresh_from_db()
    assert (updated.code, updated.text, updated.level, updated.competency.code) == (
        "PB-0001",
        "Teks baru?",
        None,
        "integritas",
    )


def test_set_active_switches_a_question_off_and_on():
    question = save()
    question_set_active(question=question, is_active=False)
    question.refresh_from_db()
    assert not question.is_active
    question_set_active(question=question, is_active=True)
    question.refresh_from_db()
    assert question.is_active


# --- a question in use ----------------------------------------------------------------------------


@pytest.fixture
def started(classroom, open_quizzes):
    """The participant has started the pre-test: its questions are in use."""
    pre, _post = open_quizzes
    attempt = quiz_services.attempt_start(quiz=pre, enrolment=classroom.enrolment)
    question = Question.objects.get(pk=attempt.question_order[0])
    return attempt, question


def current_options(question):
    return [(text, correct) for _p, text, correct in stored_options(question)]


def resave(question, options, **overrides):
    arguments = {
        "question": question,
        "competency": question.competency,
        "level": question.level,
        "code": question.code,
        "text": question.text,
        "explanation": question.explanation,
        "options": options,
    }
    arguments.update(overrides)
    return question_save(**arguments)


def test_a_question_in_a_started_test_is_in_use(started, bank):
    _attempt, question = started
    assert question_in_use(question)
    unused = [q for q in bank if q.pk not in question_ids_in_use([q.pk for q in bank])]
    assert unused and not question_in_use(unused[0])


def test_a_question_in_use_may_not_lose_an_option(started):
    _attempt, question = started
    with pytest.raises(ValidationError) as excinfo:
        resave(question, current_options(question)[:3])
    assert errors_of(excinfo) == {"option_d": bank.MSG_USED_OPTIONS_REMOVED % {"count": 4, "last": "D"}}
    assert question.options.count() == 4


def test_a_question_in_use_may_not_change_its_correct_answer(started):
    _attempt, question = started
    options = [(text, position == 2) for position, (text, _c) in enumerate(current_options(question), 1)]
    with pytest.raises(ValidationError) as excinfo:
        resave(question, options)
    assert errors_of(excinfo) == {"correct": bank.MSG_USED_CORRECT_CHANGED % {"letter": "A"}}
    assert Option.objects.get(question=question, is_correct=True).position == 1


def test_a_question_in_use_may_have_its_texts_corrected(started):
    _attempt, question = started
    ids = list(question.options.order_by("position").values_list("pk", flat=True))
    options = [(f"{text} (diperbaiki)", correct) for text, correct in current_options(question)]
    resave(question, options, text="Pertanyaan yang diperbaiki?", explanation="Pembahasan baru.")
    question.refresh_from_db()
    assert question.text == "Pertanyaan yang diperbaiki?"
    assert list(question.options.order_by("position").values_list("pk", flat=True)) == ids
    assert stored_options(question)[0] == (1, "Pilihan 1 (diperbaiki)", True)


def test_a_question_with_an_answer_is_in_use(started):
    attempt, question = started
    option_id = attempt.option_order[str(question.pk)][0]
    Answer.objects.create(attempt=attempt, question=question, option_id=option_id, saved_at=timezone.now())
    assert question.pk in question_ids_in_use([question.pk])
    with pytest.raises(ValidationError):
        resave(question, current_options(question)[:2])
