"""Forms of the group-task pages. They only check what a form can (required fields, ranges);
the services decide the rest (deadline, group, file content, frozen rubric)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Enrolment, TaskGroup, TaskKind
from .services.materials import SUBMISSION_TYPES
from .services.tasks import MAX_GROUPS, MAX_POINTS, MIN_POINTS

# A starting rubric for a new task: content, presentation, teamwork.
DEFAULT_CRITERIA = [
    {"name": _("Isi dan analisis"), "max_points": 40},
    {"name": _("Penyajian di kelas"), "max_points": 30},
    {"name": _("Kerja sama kelompok"), "max_points": 30},
]
CRITERIA_PREFIX = "kriteria"
EXTRA_CRITERIA_ROWS = 2


class TaskForm(forms.Form):
    kind = forms.ChoiceField(label=_("Jenis tugas"), choices=TaskKind.choices)
    title = forms.CharField(label=_("Judul"), max_length=200)
    instructions = forms.CharField(
        label=_("Petunjuk"), required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    due_at = forms.DateTimeField(
        label=_("Batas pengumpulan (WIB)"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )


class CriterionForm(forms.Form):
    name = forms.CharField(label=_("Kriteria"), max_length=120, required=False)
    max_points = forms.IntegerField(
        label=_("Skor maksimal"), min_value=MIN_POINTS, max_value=MAX_POINTS, required=False
    )

    def clean(self):
        data = super().clean()
        name, points = (data.get("name") or "").strip(), data.get("max_points")
        if name and points is None and "max_points" not in self.errors:
            self.add_error("max_points", _("Isi skor maksimal kriteria ini."))
        if points is not None and not name:
            self.add_error("name", _("Beri nama kriteria ini."))
        return data


class BaseCriterionFormSet(forms.BaseFormSet):
    def criteria(self) -> list[tuple[str, int]]:
        """The filled rows, in order (empty rows are skipped)."""
        return [
            (form.cleaned_data["name"].strip(), form.cleaned_data["max_points"])
            for form in self.forms
            if form.cleaned_data.get("name", "").strip()
        ]


CriterionFormSet = forms.formset_factory(
    CriterionForm, formset=BaseCriterionFormSet, extra=EXTRA_CRITERIA_ROWS, max_num=20, validate_max=True
)


def criterion_formset(data=None, *, task=None):
    if task is None:
        initial = DEFAULT_CRITERIA
    else:
        initial = [{"name": c.name, "max_points": c.max_points} for c in task.criteria.all()]
    # Every row is cleaned, even one left as it was shown: an unchanged row is still a criterion.
    return CriterionFormSet(
        data, initial=initial, prefix=CRITERIA_PREFIX, form_kwargs={"empty_permitted": False}
    )


class SubmissionForm(forms.Form):
    text = forms.CharField(
        label=_("Jawaban / tautan"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Misalnya ringkasan analisis atau tautan video presentasi."),
    )
    file = forms.FileField(
        label=_("Berkas"),
        required=False,
        widget=forms.FileInput(attrs={"accept": ",".join(f".{ext}" for ext in SUBMISSION_TYPES)}),
        help_text=_("PDF, PPTX, DOCX, XLSX atau MP4."),
    )
    keep_file = forms.BooleanField(
        label=_("Pertahankan berkas yang sudah dikumpulkan bila tidak mengunggah berkas baru"),
        required=False,
        initial=True,
    )


class EvaluationForm(forms.Form):
    """One field per rubric criterion (score_<id>) and the feedback."""

    feedback = forms.CharField(
        label=_("Umpan balik"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, criteria, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        scores = {}
        for criterion in self.criteria:
            scores[f"score_{criterion.pk}"] = forms.IntegerField(
                label=f"{criterion.name} (0–{criterion.max_points})",
                min_value=0,
                max_value=criterion.max_points,
                widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
            )
        # The scores first, then the feedback.
        self.fields = {**scores, "feedback": self.fields["feedback"]}

    def points(self) -> dict[int, int]:
        return {c.pk: self.cleaned_data[f"score_{c.pk}"] for c in self.criteria}


def evaluation_initial(work) -> dict:
    """The form's initial values from a GroupWork (its earlier scores and feedback)."""
    if work.evaluation is None:
        return {}
    initial = {f"score_{criterion_id}": points for criterion_id, points in work.points.items()}
    initial["feedback"] = work.evaluation.feedback
    return initial


class AutoGroupForm(forms.Form):
    group_count = forms.IntegerField(label=_("Jumlah kelompok"), min_value=1, max_value=MAX_GROUPS, initial=4)


class GroupCreateForm(forms.Form):
    name = forms.CharField(label=_("Nama kelompok"), max_length=80)


class GroupMoveForm(forms.Form):
    enrolment = forms.ModelChoiceField(label=_("Peserta"), queryset=Enrolment.objects.none())
    group = forms.ModelChoiceField(
        label=_("Kelompok"),
        queryset=TaskGroup.objects.none(),
        required=False,
        empty_label=_("— tanpa kelompok —"),
    )

    def __init__(self, *args, space, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enrolment"].queryset = Enrolment.objects.filter(space=space, is_active=True)
        self.fields["group"].queryset = TaskGroup.objects.filter(space=space)
