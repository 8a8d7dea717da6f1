"""The question bank: saving a single-answer multiple-choice question with its 2–6 options, and
switching a question on or off.

Options are kept by position (A = 1 … F = 6): saving updates the options in place, creates the
new ones and deletes the ones past the new last option. A question that a started or submitted
attempt depends on keeps its options and its correct answer (the attempt stored their ids and
was, or will be, scored on them); only its texts may still change.

Error keys are the field names of the question form (`code`, `option_c`, `correct`, ...); the
importer maps them to its columns."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext_lazy as _

from assessments.models import MAX_LEVEL, MIN_LEVEL

from ..models import MAX_OPTIONS, MIN_OPTIONS, OPTION_LETTERS, Option, Question
from ..selectors.bank import question_in_use

CODE_MAX_LENGTH = Question._meta.get_field("code").max_length
OPTION_MAX_LENGTH = Option._meta.get_field("text").max_length

MSG_COMPETENCY_REQUIRED = _("Kompetensi wajib diisi. Pilih kompetensi yang diukur soal ini.")
MSG_CODE_REQUIRED = _("Kode soal wajib diisi. Isi kode yang unik, mis. PB-0001.")
MSG_CODE_TOO_LONG = _("Kode terlalu panjang (%(length)s karakter, maksimal %(max)s). Persingkat kodenya.")
MSG_CODE_TAKEN = _("Kode %(code)s sudah dipakai soal lain. Pilih kode lain, atau ubah soal yang memakainya.")
MSG_LEVEL_RANGE = _("Level %(value)s di luar rentang. Isi angka 1 sampai 5, atau kosongkan.")
MSG_TEXT_REQUIRED = _("Pertanyaan wajib diisi. Tulis teks pertanyaannya.")
MSG_TOO_FEW_OPTIONS = _(
    "Soal perlu paling sedikit %(min)s pilihan jawaban. Isi pilihan A dan B (pilihan C–F boleh kosong)."
)
MSG_TOO_MANY_OPTIONS = _(
    "Soal paling banyak punya %(max)s pilihan jawaban (A–F), tertulis %(count)s. Hapus pilihan yang berlebih."
)
MSG_OPTION_GAP = _(
    "Pilihan %(letter)s kosong, padahal pilihan sesudahnya terisi. Isi pilihan %(letter)s, atau geser "
    "pilihan berikutnya ke atas agar tidak ada yang terlewat."
)
MSG_OPTION_TOO_LONG = _(
    "Pilihan %(letter)s terlalu panjang (%(length)s karakter, maksimal %(max)s). Persingkat pilihannya."
)
MSG_NO_CORRECT = _("Belum ada jawaban benar. Tandai tepat satu pilihan sebagai jawaban benar.")
MSG_MANY_CORRECT = _("Jawaban benar hanya boleh satu. Tandai satu pilihan saja.")
MSG_CORRECT_EMPTY = _(
    "Jawaban benar menunjuk pilihan %(letter)s yang kosong. Isi pilihan %(letter)s, atau pilih jawaban "
    "benar yang lain."
)
MSG_USED_OPTIONS_REMOVED = _(
    "Soal ini sudah dipakai dalam tes yang sudah dimulai atau dikumpulkan peserta, sehingga pilihan "
    "jawabannya tidak dapat dikurangi (sekarang %(count)s pilihan, A–%(last)s). Teks soal dan pilihan "
    "boleh diperbaiki; untuk mengubah pilihan, buat soal baru dengan kode lain."
)
MSG_USED_CORRECT_CHANGED = _(
    "Soal ini sudah dipakai dalam tes yang sudah dimulai atau dikumpulkan peserta, sehingga jawaban "
    "benarnya tidak dapat diganti (tetap %(letter)s). Teks soal dan pilihan boleh diperbaiki; untuk "
    "mengganti kunci jawaban, buat soal baru dengan kode lain."
)

Options = list[tuple[str, bool]]


def option_key(position: int) -> str:
    """The error key (and form field) of the option at a 1-based position: option_a … option_f."""
    return f"option_{OPTION_LETTERS[position - 1].lower()}"


def _letter(position: int) -> str:
    return OPTION_LETTERS[position - 1] if 1 <= position <= len(OPTION_LETTERS) else str(position)


def question_problems(
    *, competency, level, code: str, text: str, options: Options
) -> tuple[Options, dict[str, str]]:
    """Check a question without touching the database. Returns the options as they will be
    stored (texts stripped, trailing empty rows dropped) and the problems by field key."""
    errors: dict[str, str] = {}
    if competency is None:
        errors["competency"] = str(MSG_COMPETENCY_REQUIRED)
    code = (code or "").strip()
    if not code:
        errors["code"] = str(MSG_CODE_REQUIRED)
    elif len(code) > CODE_MAX_LENGTH:
        errors["code"] = str(MSG_CODE_TOO_LONG % {"length": len(code), "max": CODE_MAX_LENGTH})
    if level is not None and not (isinstance(level, int) and MIN_LEVEL <= level <= MAX_LEVEL):
        errors["level"] = str(MSG_LEVEL_RANGE % {"value": level})
    if not (text or "").strip():
        errors["text"] = str(MSG_TEXT_REQUIRED)

    given = [((option_text or "").strip(), bool(correct)) for option_text, correct in options]
    correct = [position for position, (_text, is_correct) in enumerate(given, start=1) if is_correct]
    rows = list(given)
    while rows and not rows[-1][0]:
        rows.pop()  # the form's unused rows, the file's empty pilihan_e / pilihan_f
    for position, (option_text, _correct) in enumerate(rows[:MAX_OPTIONS], start=1):
        letter = OPTION_LETTERS[position - 1]
        if not option_text and position < len(rows):
            errors[option_key(position)] = str(MSG_OPTION_GAP % {"letter": letter})
        elif len(option_text) > OPTION_MAX_LENGTH:
            errors[option_key(position)] = str(
                MSG_OPTION_TOO_LONG % {"letter": letter, "length": len(option_text), "max": OPTION_MAX_LENGTH}
            )
    filled = sum(1 for option_text, _correct in rows if option_text)
    if len(rows) > MAX_OPTIONS:
        errors["options"] = str(MSG_TOO_MANY_OPTIONS % {"max": MAX_OPTIONS, "count": len(rows)})
    elif filled < MIN_OPTIONS and not any(key.startswith("option_") for key in errors):
        errors["options"] = str(MSG_TOO_FEW_OPTIONS % {"min": MIN_OPTIONS})

    if not correct:
        errors["correct"] = str(MSG_NO_CORRECT)
    elif len(correct) > 1:
        errors["correct"] = str(MSG_MANY_CORRECT)
    elif not given[correct[0] - 1][0]:
        errors["correct"] = str(MSG_CORRECT_EMPTY % {"letter": _letter(correct[0])})
    return rows, errors


def used_question_problems(*, current: Options, options: Options) -> dict[str, str]:
    """What a question in use may not change: it keeps every option and its correct answer."""
    errors: dict[str, str] = {}
    if len(options) < len(current):
        errors[option_key(len(options) + 1)] = str(
            MSG_USED_OPTIONS_REMOVED % {"count": len(current), "last": OPTION_LETTERS[len(current) - 1]}
        )
    was = [n for n, (_text, is_correct) in enumerate(current, start=1) if is_correct]
    now = [n for n, (_text, is_correct) in enumerate(options, start=1) if is_correct]
    if was and was != now:
        errors["correct"] = str(MSG_USED_CORRECT_CHANGED % {"letter": OPTION_LETTERS[was[0] - 1]})
    return errors


@transaction.atomic
def question_save(
    *,
    question: Question | None = None,
    competency,
    level: int | None,
    code: str,
    text: str,
    explanation: str = "",
    options: Options,
    is_active: bool = True,
    user=None,
) -> Question:
    """Create a question (question=None) or change one, with its options in position order as
    (text, is correct). Raises ValidationError keyed by form field. `user` is who acted; the
    bank keeps no author yet."""
    code, text, explanation = (code or "").strip(), (text or "").strip(), (explanation or "").strip()
    rows, errors = question_problems(
        competency=competency, level=level, code=code, text=text, options=options
    )
    current: list[Option] = []
    if question is not None:
        question = Question.objects.select_for_update().get(pk=question.pk)
        current = list(Option.objects.filter(question=question).order_by("position"))
    if "code" not in errors:
        taken = Question.objects.filter(code=code)
        if question is not None:
            taken = taken.exclude(pk=question.pk)
        if taken.exists():
            errors["code"] = str(MSG_CODE_TAKEN % {"code": code})
    if question is not None and not errors and question_in_use(question):
        errors.update(used_question_problems(current=[(o.text, o.is_correct) for o in current], options=rows))
    if errors:
        raise ValidationError(errors)

    if question is None:
        question = Question(code=code)
    question.competency, question.level, question.code = competency, level, code
    question.text, question.explanation, question.is_active = text, explanation, is_active
    try:
        with transaction.atomic():
            question.save()
    except IntegrityError:  # the same code saved by someone else a moment ago
        raise ValidationError({"code": str(MSG_CODE_TAKEN % {"code": code})}) from None
    _rewrite_options(question, current, rows)
    return question


def _rewrite_options(question: Question, current: list[Option], rows: Options) -> None:
    """Make the stored options match rows, position by position, touching only what differs."""
    wanted = dict(enumerate(rows, start=1))
    extra = [option.pk for option in current if option.position not in wanted]
    if extra:
        try:
            Option.objects.filter(pk__in=extra).delete()
        except ProtectedError:  # an answer arrived since the in-use check
            raise ValidationError(
                {
                    option_key(len(rows) + 1): str(
                        MSG_USED_OPTIONS_REMOVED
                        % {"count": len(current), "last": OPTION_LETTERS[len(current) - 1]}
                    )
                }
            ) from None
    changed = [
        (option, *wanted[option.position])
        for option in current
        if option.position in wanted and (option.text, option.is_correct) != wanted[option.position]
    ]
    # The old correct option is unmarked before the new one is marked, so "one correct option
    # per question" holds after every statement.
    changed.sort(key=lambda item: item[2])
    for option, option_text, is_correct in changed:
        option.text, option.is_correct = option_text, is_correct
        option.save(update_fields=["text", "is_correct"])
    existing = {option.position for option in current}
    Option.objects.bulk_create(
        [
            Option(question=question, position=position, text=option_text, is_correct=is_correct)
            for position, (option_text, is_correct) in wanted.items()
            if position not in existing
        ]
    )


def question_set_active(*, question: Question, is_active: bool, user=None) -> Question:
    """Switch a question on or off: an inactive question stays in the tests it is in but is
    not drawn for new ones."""
    if question.is_active != is_active:
        question.is_active = is_active
        question.save(update_fields=["is_active", "updated_at"])
    return question
