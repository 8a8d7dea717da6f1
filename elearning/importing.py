"""The question bank's import (kind "questions"), through the shared reading layer: the whole
file is checked first and written only if no row is wrong. One row per question, keyed by
`kode`: a code already in the bank updates that question, an identical row leaves it unchanged.

Rules are the question service's (2–6 options without gaps, exactly one correct, level 1–5, a
question in use keeps its options and its correct answer); its error keys map onto the file's
columns here, so the file and the browser form refuse the same things with the same words."""

from django.utils.translation import gettext as _

from employees.importing import cells
from employees.importing.engine import Counts, Options, register
from employees.importing.rows import MISSING, RowChecker
from employees.models import ImportRun

from .models import OPTION_LETTERS, Option, Question
from .selectors.bank import question_ids_in_use
from .services.bank import question_problems, question_save, used_question_problems

OPTION_COLUMNS = tuple(f"pilihan_{letter.lower()}" for letter in OPTION_LETTERS)
REQUIRED = {"kode", "kompetensi", "pertanyaan", "pilihan_a", "pilihan_b", "jawaban"}
OPTIONAL = {"level", *OPTION_COLUMNS[2:], "pembahasan", "aktif"}
LOOKUP_BATCH = 500

# The service's error keys, as the file's columns.
COLUMN_OF_KEY = {
    "code": "kode",
    "competency": "kompetensi",
    "level": "level",
    "text": "pertanyaan",
    "explanation": "pembahasan",
    "options": "pilihan_b",
    "correct": "jawaban",
    **{f"option_{letter.lower()}": f"pilihan_{letter.lower()}" for letter in OPTION_LETTERS},
}


def _competency_parser(competencies):
    by_key = {}
    for competency in competencies:
        by_key[competency.code.casefold()] = competency
        by_key[competency.name.casefold()] = competency

    def parse(value):
        raw = cells.text(value)
        if not raw:
            raise cells.CellError(
                _("Kompetensi kosong."), _("Isi kode kompetensi, mis. perekat_bangsa, atau namanya.")
            )
        competency = by_key.get(raw.casefold()) or by_key.get(raw.casefold().replace(" ", "_"))
        if competency is None:
            raise cells.CellError(
                _("Kompetensi %(value)s tidak ada di kamus kompetensi.") % {"value": raw},
                _("Isi kode kompetensi (mis. perekat_bangsa) atau namanya persis seperti di kamus."),
            )
        return competency

    return parse


def _answer_letter(value) -> int:
    """A letter A–F; returns its position 1–6."""
    raw = cells.text(value).upper()
    if not raw:
        raise cells.CellError(_("Jawaban kosong."), _("Isi huruf pilihan yang benar, A sampai F."))
    if len(raw) != 1 or raw not in OPTION_LETTERS:
        raise cells.CellError(
            _("Jawaban %(value)s bukan huruf pilihan.") % {"value": raw},
            _("Isi satu huruf A sampai F, sesuai kolom pilihan yang benar."),
        )
    return OPTION_LETTERS.index(raw) + 1


def _active(value) -> bool:
    raw = cells.text(value).upper()
    if raw in ("Y", "YA"):
        return True
    if raw in ("N", "T", "TIDAK"):
        return False
    raise cells.CellError(
        _("Nilai %(value)s tidak dikenali.") % {"value": raw},
        _("Isi Y (aktif) atau N (tidak aktif); kosong berarti Y."),
    )


class QuestionImporter:
    kind = ImportRun.Kind.QUESTIONS
    needs_year = False

    def columns(self):
        return set(REQUIRED), set(OPTIONAL)

    def check(self, table, options: Options, progress):
        from assessments.models import Competency

        competency = _competency_parser(Competency.objects.all())
        staged, seen, rows = [], {}, 0
        for row in table.rows:
            rows += 1
            if rows % 500 == 0:
                progress(min(60, 5 + rows // 500), "")
            check = RowChecker(table, row)
            code = check.get("kode", cells.text)
            found = check.get("kompetensi", competency)
            level = check.get("level", cells.level, required=False)
            text = check.get("pertanyaan", cells.text)
            texts = [
                check.get(column, cells.text, required=index < 2, default="")
                for index, column in enumerate(OPTION_COLUMNS)
            ]
            answer = check.get("jawaban", _answer_letter)
            explanation = check.get("pembahasan", cells.text, required=False, default="")
            is_active = check.get("aktif", _active, required=False, default=True)
            if code is not MISSING and code:
                check.first_time("kode", code, seen, _("Setiap soal cukup satu baris; hapus salah satunya."))
            if MISSING in (code, found, level, text, answer, *texts):
                continue  # the cell's own error says what is wrong; the rules need every value
            item_options = [
                (option_text, position == answer) for position, option_text in enumerate(texts, 1)
            ]
            stored, problems = question_problems(
                competency=found, level=level, code=code, text=text, options=item_options
            )
            for key, message in problems.items():
                check.error(COLUMN_OF_KEY[key], message)
            if check.ok:
                staged.append(
                    (
                        check,
                        {
                            "code": code,
                            "competency": found,
                            "level": level,
                            "text": text,
                            "explanation": explanation,
                            "options": stored,
                            "is_active": is_active,
                        },
                    )
                )
        plan = self._against_the_bank(staged)
        return rows, plan

    def _against_the_bank(self, staged):
        """Pair each checked row with the question of the same code, refuse the changes a
        question in use may not take, and mark the rows that change nothing."""
        codes = [item["code"] for _check, item in staged]
        existing: dict[str, Question] = {}
        for start in range(0, len(codes), LOOKUP_BATCH):
            for question in Question.objects.filter(code__in=codes[start : start + LOOKUP_BATCH]):
                existing[question.code] = question
        current: dict[int, list[tuple[str, bool]]] = {}
        ids = [question.pk for question in existing.values()]
        for start in range(0, len(ids), LOOKUP_BATCH):
            for question_id, option_text, is_correct in (
                Option.objects.filter(question_id__in=ids[start : start + LOOKUP_BATCH])
                .order_by("question_id", "position")
                .values_list("question_id", "text", "is_correct")
            ):
                current.setdefault(question_id, []).append((option_text, is_correct))
        in_use: set[int] = set()
        for start in range(0, len(ids), LOOKUP_BATCH):
            in_use |= question_ids_in_use(ids[start : start + LOOKUP_BATCH])

        plan = []
        for check, item in staged:
            question = existing.get(item["code"])
            if question is not None and question.pk in in_use:
                problems = used_question_problems(
                    current=current.get(question.pk, []), options=item["options"]
                )
                for key, message in problems.items():
                    check.error(COLUMN_OF_KEY[key], message)
                if problems:
                    continue
            item["question"] = question
            item["unchanged"] = question is not None and (
                question.competency_id,
                question.level,
                question.text,
                question.explanation,
                question.is_active,
                current.get(question.pk, []),
            ) == (
                item["competency"].pk,
                item["level"],
                item["text"],
                item["explanation"],
                item["is_active"],
                item["options"],
            )
            plan.append(item)
        return plan

    def apply(self, plan, options: Options) -> Counts:
        counts = Counts()
        for item in plan:
            if item["unchanged"]:
                counts.unchanged += 1
                continue
            question_save(
                question=item["question"],
                competency=item["competency"],
                level=item["level"],
                code=item["code"],
                text=item["text"],
                explanation=item["explanation"],
                options=item["options"],
                is_active=item["is_active"],
                user=options.user,
            )
            if item["question"] is None:
                counts.created += 1
            else:
                counts.updated += 1
        return counts


register(QuestionImporter())
