"""The learning platform. It knows learners (employees), learning spaces and what happens in
them: materials and their downloads, the question bank, pre- and post-tests with their attempts
and answers, and group tasks. It knows nothing of HR's process: trainings opens a space for
each class and enrols the approved participants."""

import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from assessments.models import LEVEL_VALIDATORS, Competency
from employees.models import Employee

MIN_OPTIONS, MAX_OPTIONS = 2, 6
OPTION_LETTERS = "ABCDEF"


class Course(models.Model):
    """What every class of one programme shares: its common materials."""

    code = models.SlugField(_("kode"), max_length=40, unique=True)
    title = models.CharField(_("judul"), max_length=200)

    class Meta:
        verbose_name = _("kursus")
        verbose_name_plural = pgettext_lazy("plural", "kursus")
        ordering = ["title"]

    def __str__(self):
        return self.title


class LearningSpace(models.Model):
    """One class's room: its learners, facilitators, materials, tests and group tasks."""

    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="spaces")
    title = models.CharField(_("judul"), max_length=200)
    starts_on = models.DateField(_("mulai"))
    ends_on = models.DateField(_("selesai"))
    facilitators = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="learning_spaces", verbose_name=_("fasilitator")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("ruang belajar")
        verbose_name_plural = pgettext_lazy("plural", "ruang belajar")
        ordering = ["-starts_on", "title"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")), name="space_ends_after_start"
            )
        ]

    def __str__(self):
        return self.title


class TaskGroup(models.Model):
    """A working group of learners inside one space (kept across the space's tasks)."""

    space = models.ForeignKey(LearningSpace, on_delete=models.CASCADE, related_name="groups")
    name = models.CharField(_("nama kelompok"), max_length=80)

    class Meta:
        verbose_name = _("kelompok")
        verbose_name_plural = pgettext_lazy("plural", "kelompok")
        ordering = ["space", "name"]
        constraints = [models.UniqueConstraint(fields=["space", "name"], name="task_group_name_unique")]

    def __str__(self):
        return self.name


class Enrolment(models.Model):
    """A learner admitted to a space. Access lasts after the class ends (they study again)."""

    space = models.ForeignKey(LearningSpace, on_delete=models.CASCADE, related_name="enrolments")
    employee = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="enrolments")
    group = models.ForeignKey(
        TaskGroup, null=True, blank=True, on_delete=models.SET_NULL, related_name="members"
    )
    is_active = models.BooleanField(_("aktif"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("peserta ruang belajar")
        verbose_name_plural = pgettext_lazy("plural", "peserta ruang belajar")
        ordering = ["space", "employee__name"]
        constraints = [models.UniqueConstraint(fields=["space", "employee"], name="enrolment_unique")]

    def __str__(self):
        return f"{self.employee} @ {self.space}"


class MaterialKind(models.TextChoices):
    FILE = "file", _("Berkas")
    LINK = "link", _("Tautan")


def material_upload_to(instance, filename: str) -> str:
    # A random name: the stored path tells nothing and cannot be guessed; downloads go through
    # a view that checks enrolment and sends the original (sanitised) name.
    suffix = PurePosixPath(filename).suffix.lower()
    return f"elearning/materials/{uuid.uuid4().hex}{suffix}"


class Material(models.Model):
    """A file or a link, for a whole course (every class of a programme) or for one space."""

    Kind = MaterialKind

    course = models.ForeignKey(
        Course, null=True, blank=True, on_delete=models.CASCADE, related_name="materials"
    )
    space = models.ForeignKey(
        LearningSpace, null=True, blank=True, on_delete=models.CASCADE, related_name="materials"
    )
    title = models.CharField(_("judul"), max_length=200)
    description = models.TextField(_("keterangan"), blank=True)
    kind = models.CharField(_("jenis"), max_length=10, choices=MaterialKind.choices)
    file = models.FileField(_("berkas"), upload_to=material_upload_to, blank=True, max_length=300)
    file_type = models.CharField(_("tipe berkas"), max_length=10, blank=True)
    original_name = models.CharField(_("nama berkas asli"), max_length=255, blank=True)
    size = models.PositiveBigIntegerField(_("ukuran (bita)"), default=0)
    url = models.URLField(_("tautan"), max_length=500, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("materi")
        verbose_name_plural = pgettext_lazy("plural", "materi")
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(course__isnull=False, space__isnull=True)
                    | models.Q(course__isnull=True, space__isnull=False)
                ),
                name="material_course_xor_space",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(kind=MaterialKind.FILE, url="") & ~models.Q(file="")
                    | models.Q(kind=MaterialKind.LINK, file="") & ~models.Q(url="")
                ),
                name="material_file_or_link",
            ),
        ]

    def __str__(self):
        return self.title


class MaterialDownload(models.Model):
    """Each download of a file, or opening of a link, by whom and when."""

    material = models.ForeignKey(Material, on_delete=models.CASCADE, related_name="downloads")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    downloaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("unduhan materi")
        verbose_name_plural = pgettext_lazy("plural", "unduhan materi")
        ordering = ["-downloaded_at"]

    def __str__(self):
        return f"{self.material_id} ← {self.user_id}"


class Question(models.Model):
    """A single-answer multiple-choice question of the bank, tagged by competency and level."""

    competency = models.ForeignKey(Competency, on_delete=models.PROTECT, related_name="questions")
    level = models.PositiveSmallIntegerField(_("level"), null=True, blank=True, validators=LEVEL_VALIDATORS)
    code = models.CharField(
        _("kode"),
        max_length=40,
        unique=True,
        help_text=_("Kunci impor: baris dengan kode sama memperbarui soal ini."),
    )
    text = models.TextField(_("pertanyaan"))
    explanation = models.TextField(_("pembahasan"), blank=True)
    is_active = models.BooleanField(_("aktif"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("soal")
        verbose_name_plural = pgettext_lazy("plural", "soal")
        ordering = ["competency", "code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(level__isnull=True) | models.Q(level__gte=1, level__lte=5),
                name="question_level_range",
            )
        ]

    def __str__(self):
        return f"{self.code}: {self.text[:60]}"


class Option(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="options")
    position = models.PositiveSmallIntegerField(
        _("urutan"), validators=[MinValueValidator(1), MaxValueValidator(MAX_OPTIONS)]
    )
    text = models.CharField(_("pilihan"), max_length=500)
    is_correct = models.BooleanField(_("jawaban benar"), default=False)

    class Meta:
        verbose_name = _("pilihan jawaban")
        verbose_name_plural = pgettext_lazy("plural", "pilihan jawaban")
        ordering = ["question", "position"]
        constraints = [
            models.UniqueConstraint(fields=["question", "position"], name="option_position_unique"),
            models.UniqueConstraint(
                fields=["question"], condition=models.Q(is_correct=True), name="option_one_correct"
            ),
        ]

    def __str__(self):
        return f"{self.letter}. {self.text[:60]}"

    @property
    def letter(self) -> str:
        return OPTION_LETTERS[self.position - 1]


class QuizKind(models.TextChoices):
    PRE = "pre", _("Pre-test")
    POST = "post", _("Post-test")


class Quiz(models.Model):
    """A space's pre- or post-test: its questions, window and time limit."""

    Kind = QuizKind

    space = models.ForeignKey(LearningSpace, on_delete=models.CASCADE, related_name="quizzes")
    kind = models.CharField(_("jenis tes"), max_length=10, choices=QuizKind.choices)
    competency = models.ForeignKey(Competency, on_delete=models.PROTECT, related_name="+")
    opens_at = models.DateTimeField(_("dibuka"))
    closes_at = models.DateTimeField(_("ditutup"))
    time_limit_minutes = models.PositiveSmallIntegerField(
        _("batas waktu (menit)"), default=30, validators=[MinValueValidator(1), MaxValueValidator(240)]
    )
    questions = models.ManyToManyField(Question, through="QuizQuestion", related_name="quizzes")

    class Meta:
        verbose_name = _("tes")
        verbose_name_plural = pgettext_lazy("plural", "tes")
        ordering = ["space", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["space", "kind"], name="quiz_kind_unique"),
            models.CheckConstraint(
                condition=models.Q(closes_at__gt=models.F("opens_at")), name="quiz_window"
            ),
            models.CheckConstraint(
                condition=models.Q(time_limit_minutes__gte=1, time_limit_minutes__lte=240),
                name="quiz_time_limit_range",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} – {self.space}"


class QuizQuestion(models.Model):
    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="quiz_questions")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField(_("urutan"))

    class Meta:
        ordering = ["quiz", "position"]
        constraints = [models.UniqueConstraint(fields=["quiz", "question"], name="quiz_question_unique")]

    def __str__(self):
        return f"{self.quiz_id} #{self.position}: {self.question_id}"


class FinishedBy(models.TextChoices):
    PARTICIPANT = "participant", _("Dikumpulkan peserta")
    DEADLINE = "deadline", _("Dikumpulkan otomatis saat waktu habis")


class Attempt(models.Model):
    """One learner's only attempt at a quiz. Its question and option order is drawn once, at the
    start, and stored, so reopening shows the same test."""

    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="attempts")
    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="attempts")
    started_at = models.DateTimeField()
    deadline_at = models.DateTimeField()
    question_order = models.JSONField(default=list)  # [question id, ...]
    option_order = models.JSONField(default=dict)  # {"question id": [option id, ...]}
    submitted_at = models.DateTimeField(null=True, blank=True)
    finished_by = models.CharField(max_length=12, choices=FinishedBy.choices, blank=True)
    correct_count = models.PositiveSmallIntegerField(null=True, blank=True)
    question_total = models.PositiveSmallIntegerField(default=0)
    score = models.DecimalField(_("nilai"), max_digits=5, decimal_places=2, null=True, blank=True)

    class Meta:
        verbose_name = _("pengerjaan tes")
        verbose_name_plural = pgettext_lazy("plural", "pengerjaan tes")
        ordering = ["quiz", "enrolment"]
        constraints = [models.UniqueConstraint(fields=["quiz", "enrolment"], name="attempt_one_per_quiz")]
        indexes = [
            models.Index(
                fields=["deadline_at"],
                condition=models.Q(submitted_at__isnull=True),
                name="attempt_open_deadline",
            )
        ]

    def __str__(self):
        return f"{self.quiz} – {self.enrolment.employee}"

    @property
    def is_submitted(self) -> bool:
        return self.submitted_at is not None


class Answer(models.Model):
    """The option a learner chose for one question, saved the moment it is chosen. client_seq
    orders a participant's own clicks, so a retried older click never overwrites a newer one."""

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    option = models.ForeignKey(Option, on_delete=models.PROTECT, related_name="+")
    client_seq = models.BigIntegerField(default=0)
    saved_at = models.DateTimeField()

    class Meta:
        verbose_name = _("jawaban")
        verbose_name_plural = pgettext_lazy("plural", "jawaban")
        constraints = [
            models.UniqueConstraint(fields=["attempt", "question"], name="answer_one_per_question")
        ]

    def __str__(self):
        return f"{self.attempt_id}: {self.question_id} → {self.option_id}"


class TaskKind(models.TextChoices):
    FILM = "film", _("Bedah film")
    CASE = "case", _("Studi kasus")
    CULTURE = "culture", _("Berbagi budaya")
    OTHER = "other", _("Lainnya")


class GroupTask(models.Model):
    """A group assignment of a space, presented in class and scored with a rubric."""

    Kind = TaskKind

    space = models.ForeignKey(LearningSpace, on_delete=models.CASCADE, related_name="tasks")
    kind = models.CharField(_("jenis tugas"), max_length=10, choices=TaskKind.choices)
    title = models.CharField(_("judul"), max_length=200)
    instructions = models.TextField(_("petunjuk"), blank=True)
    due_at = models.DateTimeField(_("batas pengumpulan"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("tugas kelompok")
        verbose_name_plural = pgettext_lazy("plural", "tugas kelompok")
        ordering = ["space", "due_at", "pk"]

    def __str__(self):
        return self.title


class RubricCriterion(models.Model):
    task = models.ForeignKey(GroupTask, on_delete=models.CASCADE, related_name="criteria")
    name = models.CharField(_("kriteria"), max_length=120)
    max_points = models.PositiveSmallIntegerField(
        _("skor maksimal"), validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    position = models.PositiveSmallIntegerField(_("urutan"), default=1)

    class Meta:
        verbose_name = _("kriteria rubrik")
        verbose_name_plural = pgettext_lazy("plural", "kriteria rubrik")
        ordering = ["task", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(max_points__gte=1, max_points__lte=100), name="criterion_points_range"
            )
        ]

    def __str__(self):
        return self.name


def submission_upload_to(instance, filename: str) -> str:
    suffix = PurePosixPath(filename).suffix.lower()
    return f"elearning/submissions/{uuid.uuid4().hex}{suffix}"


class Submission(models.Model):
    """A group's work for a task: a file, a text, or both. Re-submitting before the deadline
    replaces it."""

    task = models.ForeignKey(GroupTask, on_delete=models.CASCADE, related_name="submissions")
    group = models.ForeignKey(TaskGroup, on_delete=models.CASCADE, related_name="submissions")
    text = models.TextField(_("jawaban/tautan"), blank=True)
    file = models.FileField(_("berkas"), upload_to=submission_upload_to, blank=True, max_length=300)
    file_type = models.CharField(max_length=10, blank=True)
    original_name = models.CharField(max_length=255, blank=True)
    submitted_by = models.ForeignKey(Employee, null=True, on_delete=models.SET_NULL, related_name="+")
    submitted_at = models.DateTimeField()

    class Meta:
        verbose_name = _("pengumpulan tugas")
        verbose_name_plural = pgettext_lazy("plural", "pengumpulan tugas")
        constraints = [models.UniqueConstraint(fields=["task", "group"], name="submission_one_per_group")]

    def __str__(self):
        return f"{self.task} – {self.group}"


class Evaluation(models.Model):
    """The facilitator's scoring of a group's presentation of a task, with feedback."""

    task = models.ForeignKey(GroupTask, on_delete=models.CASCADE, related_name="evaluations")
    group = models.ForeignKey(TaskGroup, on_delete=models.CASCADE, related_name="evaluations")
    feedback = models.TextField(_("umpan balik"), blank=True)
    scored_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    scored_at = models.DateTimeField()

    class Meta:
        verbose_name = _("penilaian tugas")
        verbose_name_plural = pgettext_lazy("plural", "penilaian tugas")
        constraints = [models.UniqueConstraint(fields=["task", "group"], name="evaluation_one_per_group")]

    def __str__(self):
        return f"{self.task} – {self.group}"


class CriterionScore(models.Model):
    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(RubricCriterion, on_delete=models.CASCADE, related_name="+")
    points = models.PositiveSmallIntegerField(_("skor"))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "criterion"], name="criterion_score_unique")
        ]

    def __str__(self):
        return f"{self.criterion_id}: {self.points}"
