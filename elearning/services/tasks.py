"""Group tasks: a space's tasks with their rubric, its working groups (dealt automatically so
units mix, or by hand), each group's submission before the deadline, and the facilitator's
scoring of the presentation with feedback.

A group keeps one submission per task: re-submitting before the deadline replaces it (the old
file leaves storage once the new one is committed). One evaluation per group and task, its
points per rubric criterion, upserted."""

import datetime
import re
from pathlib import PurePosixPath

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..access import may_manage
from ..models import (
    CriterionScore,
    Enrolment,
    Evaluation,
    GroupTask,
    LearningSpace,
    RubricCriterion,
    Submission,
    TaskGroup,
    TaskKind,
)
from . import format_wib
from .materials import SUBMISSION_TYPES, check_upload

MIN_POINTS, MAX_POINTS = 1, 100
MAX_GROUPS = 50
AUTO_GROUP_NAME = "Kelompok %(n)s"
# Groups named like this are the ones an automatic regrouping replaces; others stay as made.
AUTO_GROUP_PATTERN = re.compile(r"^Kelompok \d+$")

MSG_NOT_MANAGER = _("Hanya Kepegawaian atau fasilitator ruang belajar ini yang dapat melakukannya.")
MSG_TITLE_REQUIRED = _("Isi judul tugas.")
MSG_KIND = _("Pilih jenis tugas.")
MSG_DUE_REQUIRED = _("Isi batas pengumpulan.")
MSG_WRONG_SPACE = _("Tugas ini bukan milik ruang belajar ini.")
MSG_NO_CRITERIA = _("Isi minimal satu kriteria rubrik.")
MSG_CRITERION_NAME = _("Kriteria nomor %(position)s belum diberi nama.")
MSG_CRITERION_POINTS = _("Skor maksimal kriteria %(name)s harus %(min)s sampai %(max)s.")
MSG_CRITERIA_LOCKED = _(
    "Tugas ini sudah dinilai untuk %(count)s kelompok; kriteria rubriknya tidak dapat diubah lagi "
    "(judul, petunjuk dan batas pengumpulan masih dapat diubah)."
)
MSG_GROUP_COUNT = _("Jumlah kelompok harus 1 sampai %(max)s.")
MSG_NO_LEARNERS = _("Belum ada peserta aktif di ruang belajar ini.")
MSG_MORE_GROUPS_THAN_LEARNERS = _(
    "Jumlah kelompok (%(groups)s) lebih banyak dari jumlah peserta aktif (%(learners)s)."
)
MSG_GROUPING_LOCKED = _(
    "Sudah ada tugas yang dikumpulkan atau dinilai; kelompok tidak dapat dibentuk ulang otomatis. "
    "Pindahkan anggota satu per satu bila perlu."
)
MSG_GROUP_NAME_REQUIRED = _("Isi nama kelompok.")
MSG_GROUP_NAME_TAKEN = _("Kelompok bernama %(name)s sudah ada di ruang belajar ini.")
MSG_GROUP_OTHER_SPACE = _("Kelompok itu bukan milik ruang belajar peserta ini.")
MSG_NO_GROUP = _("Anda belum masuk kelompok; hubungi fasilitator")
MSG_NOT_ENROLLED = _("Anda bukan peserta aktif ruang belajar tugas ini.")
MSG_DEADLINE_PASSED = _("Batas pengumpulan tugas ini %(due)s WIB sudah lewat; pengumpulan ditutup.")
MSG_SUBMISSION_EMPTY = _("Isi jawaban/tautan atau unggah berkas (boleh keduanya).")
MSG_SCORE_MISSING = _("Isi skor untuk kriteria %(name)s.")
MSG_SCORE_RANGE = _("Skor %(name)s harus 0 sampai %(max)s.")
MSG_SCORE_UNKNOWN = _("Skor diberikan untuk kriteria yang bukan milik tugas ini.")


def _require_manager(user, space: LearningSpace) -> None:
    if user is None or not may_manage(user, space):
        raise ValidationError(MSG_NOT_MANAGER, code="not_manager")


# --- tasks and their rubric ----------------------------------------------------------------------


def _clean_criteria(criteria) -> list[tuple[str, int]]:
    cleaned = []
    for position, (name, points) in enumerate(criteria, start=1):
        name = (name or "").strip()
        if not name:
            raise ValidationError(MSG_CRITERION_NAME % {"position": position}, code="criterion_name")
        try:
            points = int(points)
        except (TypeError, ValueError):
            points = 0
        if not MIN_POINTS <= points <= MAX_POINTS:
            raise ValidationError(
                MSG_CRITERION_POINTS % {"name": name, "min": MIN_POINTS, "max": MAX_POINTS},
                code="criterion_points",
            )
        cleaned.append((name[:120], points))
    if not cleaned:
        raise ValidationError(MSG_NO_CRITERIA, code="no_criteria")
    return cleaned


@transaction.atomic
def task_save(
    *,
    space: LearningSpace,
    task: GroupTask | None = None,
    kind: str,
    title: str,
    instructions: str = "",
    due_at: datetime.datetime,
    criteria: list[tuple[str, int]],
    user,
) -> GroupTask:
    """Create or change a task. Criteria are rewritten by position (the first given becomes
    position 1, keeping the id of the criterion already there), so a criterion's scores stay
    attached to it; once any group is scored the rubric is frozen."""
    _require_manager(user, space)
    title = (title or "").strip()
    if not title:
        raise ValidationError(MSG_TITLE_REQUIRED, code="title")
    if kind not in TaskKind.values:
        raise ValidationError(MSG_KIND, code="kind")
    if due_at is None:
        raise ValidationError(MSG_DUE_REQUIRED, code="due_at")
    wanted = _clean_criteria(criteria)

    if task is None:
        task = GroupTask(space=space)
        existing = []
    else:
        task = GroupTask.objects.select_for_update().get(pk=task.pk)
        if task.space_id != space.pk:
            raise ValidationError(MSG_WRONG_SPACE, code="wrong_space")
        existing = list(task.criteria.order_by("position", "pk"))
        if [(c.name, c.max_points) for c in existing] != wanted:
            scored = task.evaluations.count()
            if scored:
                raise ValidationError(MSG_CRITERIA_LOCKED % {"count": scored}, code="criteria_locked")

    task.kind, task.title, task.instructions, task.due_at = kind, title, (instructions or "").strip(), due_at
    task.save()

    for position, (name, points) in enumerate(wanted, start=1):
        if position <= len(existing):
            criterion = existing[position - 1]
            if (criterion.name, criterion.max_points, criterion.position) != (name, points, position):
                criterion.name, criterion.max_points, criterion.position = name, points, position
                criterion.save(update_fields=["name", "max_points", "position"])
        else:
            RubricCriterion.objects.create(task=task, name=name, max_points=points, position=position)
    if len(existing) > len(wanted):
        RubricCriterion.objects.filter(pk__in=[c.pk for c in existing[len(wanted) :]]).delete()
    return task


# --- groups --------------------------------------------------------------------------------------


def _grouping_locked(space: LearningSpace) -> bool:
    return (
        Submission.objects.filter(task__space=space).exists()
        or Evaluation.objects.filter(task__space=space).exists()
    )


def grouping_locked(*, space: LearningSpace) -> bool:
    """True once any task of the space has a submission or an evaluation (for the page)."""
    return _grouping_locked(space)


@transaction.atomic
def groups_form_automatically(*, space: LearningSpace, group_count: int, user) -> list[TaskGroup]:
    """Deal the space's active learners into "Kelompok 1..N" so units mix: sorted by unit (its
    path keeps a unit's sub-units together) and name, then dealt round-robin, so neighbours
    from one unit land in different groups. Replaces earlier automatic groups; refused once any
    work was submitted or scored, since that work belongs to the groups as they are."""
    _require_manager(user, space)
    LearningSpace.objects.select_for_update().filter(pk=space.pk).first()  # one regrouping at a time
    if not 1 <= group_count <= MAX_GROUPS:
        raise ValidationError(MSG_GROUP_COUNT % {"max": MAX_GROUPS}, code="group_count")
    if _grouping_locked(space):
        raise ValidationError(MSG_GROUPING_LOCKED, code="grouping_locked")
    learners = list(
        Enrolment.objects.filter(space=space, is_active=True)
        .select_related("employee__unit")
        .order_by("employee__unit__path", "employee__name", "pk")
    )
    if not learners:
        raise ValidationError(MSG_NO_LEARNERS, code="no_learners")
    if group_count > len(learners):
        raise ValidationError(
            MSG_MORE_GROUPS_THAN_LEARNERS % {"groups": group_count, "learners": len(learners)},
            code="too_many_groups",
        )

    previous = [g for g in TaskGroup.objects.filter(space=space) if AUTO_GROUP_PATTERN.match(g.name)]
    TaskGroup.objects.filter(pk__in=[g.pk for g in previous]).delete()  # members' group → NULL
    groups = TaskGroup.objects.bulk_create(
        [TaskGroup(space=space, name=AUTO_GROUP_NAME % {"n": n}) for n in range(1, group_count + 1)]
    )
    if not all(g.pk for g in groups):  # backends that return no ids from bulk_create
        groups = sorted(
            (g for g in TaskGroup.objects.filter(space=space) if AUTO_GROUP_PATTERN.match(g.name)),
            key=lambda g: int(g.name.rsplit(" ", 1)[1]),
        )
    for index, enrolment in enumerate(learners):
        enrolment.group = groups[index % group_count]
    Enrolment.objects.bulk_update(learners, ["group"])
    return groups


@transaction.atomic
def group_create(*, space: LearningSpace, name: str) -> TaskGroup:
    name = (name or "").strip()[:80]
    if not name:
        raise ValidationError(MSG_GROUP_NAME_REQUIRED, code="group_name")
    if TaskGroup.objects.filter(space=space, name__iexact=name).exists():
        raise ValidationError(MSG_GROUP_NAME_TAKEN % {"name": name}, code="group_name_taken")
    try:
        with transaction.atomic():
            return TaskGroup.objects.create(space=space, name=name)
    except IntegrityError:  # made at the same moment by someone else
        raise ValidationError(MSG_GROUP_NAME_TAKEN % {"name": name}, code="group_name_taken") from None


@transaction.atomic
def group_assign(*, enrolment: Enrolment, group: TaskGroup | None) -> Enrolment:
    """Move a learner by hand into a group of their space (None: out of every group). Work
    already submitted stays with the group that submitted it."""
    if group is not None and group.space_id != enrolment.space_id:
        raise ValidationError(MSG_GROUP_OTHER_SPACE, code="group_other_space")
    enrolment.group = group
    enrolment.save(update_fields=["group"])
    return enrolment


# --- submissions ---------------------------------------------------------------------------------


@transaction.atomic
def submission_save(
    *,
    task: GroupTask,
    enrolment: Enrolment,
    text: str = "",
    upload=None,
    keep_file: bool = False,
    now: datetime.datetime | None = None,
) -> Submission:
    """The enrolment's group hands in (or replaces) its work for the task. keep_file keeps the
    file already handed in when no new one is uploaded; otherwise the new submission replaces
    the old one whole."""
    now = now or timezone.now()
    if enrolment.space_id != task.space_id or not enrolment.is_active:
        raise ValidationError(MSG_NOT_ENROLLED, code="not_enrolled")
    if enrolment.group_id is None:
        raise ValidationError(MSG_NO_GROUP, code="no_group")
    if now >= task.due_at:
        raise ValidationError(MSG_DEADLINE_PASSED % {"due": format_wib(task.due_at)}, code="deadline")
    text = (text or "").strip()
    file_type = check_upload(upload, SUBMISSION_TYPES) if upload else ""

    submission = Submission.objects.select_for_update().filter(task=task, group_id=enrolment.group_id).first()
    keeps_old_file = bool(keep_file and upload is None and submission is not None and submission.file)
    if not text and not upload and not keeps_old_file:
        raise ValidationError(MSG_SUBMISSION_EMPTY, code="empty")

    if submission is None:
        submission = Submission(task=task, group_id=enrolment.group_id)
    old_file = submission.file.name if submission.file and not keeps_old_file else ""
    storage = submission.file.storage

    submission.text, submission.submitted_by, submission.submitted_at = text, enrolment.employee, now
    if upload:
        submission.file_type = file_type
        submission.original_name = PurePosixPath(upload.name).name[:255]
        submission.file.save(upload.name, upload, save=False)
    elif not keeps_old_file:
        submission.file, submission.file_type, submission.original_name = "", "", ""
    new_file = submission.file.name if upload else ""
    try:
        with transaction.atomic():
            submission.save()
    except IntegrityError:
        # Another member of the group handed in the first version at the same moment: replace it.
        if new_file:
            storage.delete(new_file)
        return submission_save(
            task=task, enrolment=enrolment, text=text, upload=upload, keep_file=keep_file, now=now
        )
    except Exception:
        if new_file:
            storage.delete(new_file)
        raise
    if old_file and old_file != submission.file.name:
        transaction.on_commit(lambda: storage.delete(old_file))
    return submission


def _fill(instance, fields: dict):
    for name, value in fields.items():
        setattr(instance, name, value)
    return instance


# --- evaluations ---------------------------------------------------------------------------------


@transaction.atomic
def evaluation_save(
    *,
    task: GroupTask,
    group: TaskGroup,
    points: dict[int, int],
    feedback: str = "",
    user,
) -> Evaluation:
    """Score a group's presentation of the task on every rubric criterion, with feedback;
    scoring again replaces the earlier scores."""
    _require_manager(user, task.space)
    if group.space_id != task.space_id:
        raise ValidationError(MSG_GROUP_OTHER_SPACE, code="group_other_space")
    criteria = list(task.criteria.order_by("position", "pk"))
    known = {c.pk for c in criteria}
    given = {}
    for criterion_id, value in points.items():
        try:
            criterion_id = int(criterion_id)
        except (TypeError, ValueError):
            criterion_id = None
        if criterion_id not in known:
            raise ValidationError(MSG_SCORE_UNKNOWN, code="score_unknown")
        given[criterion_id] = value
    errors, scores = [], []
    for criterion in criteria:
        value = given.get(criterion.pk)
        if value is None or value == "":
            errors.append(ValidationError(MSG_SCORE_MISSING % {"name": criterion.name}, code="score_missing"))
            continue
        try:
            value = int(value)
        except (TypeError, ValueError):
            value = -1
        if not 0 <= value <= criterion.max_points:
            errors.append(
                ValidationError(
                    MSG_SCORE_RANGE % {"name": criterion.name, "max": criterion.max_points},
                    code="score_range",
                )
            )
            continue
        scores.append((criterion, value))
    if errors:
        raise ValidationError(errors)

    fields = {"feedback": (feedback or "").strip(), "scored_by": user, "scored_at": timezone.now()}
    evaluation = Evaluation.objects.select_for_update().filter(task=task, group=group).first()
    try:
        with transaction.atomic():
            evaluation = _fill(evaluation or Evaluation(task=task, group=group), fields)
            evaluation.save()
    except IntegrityError:  # scored at the same moment by someone else: theirs is replaced
        evaluation = _fill(Evaluation.objects.select_for_update().get(task=task, group=group), fields)
        evaluation.save()
    CriterionScore.objects.bulk_create(
        [CriterionScore(evaluation=evaluation, criterion=c, points=value) for c, value in scores],
        update_conflicts=True,
        unique_fields=["evaluation", "criterion"],
        update_fields=["points"],
    )
    return evaluation
