"""Forms of the question bank pages: the list's filters and the question form (six option rows
and one "benar" radio). The rules themselves live in services.bank; its errors come back keyed
by these field names."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from assessments.models import Competency

from .models import MAX_OPTIONS, OPTION_LETTERS, Question
from .services.bank import CODE_MAX_LENGTH, MSG_MANY_CORRECT, MSG_NO_CORRECT, OPTION_MAX_LENGTH

LEVEL_CHOICES = [(level, str(level)) for level in range(1, 6)]
ACTIVE, INACTIVE = "aktif", "nonaktif"


class QuestionFilterForm(forms.Form):
    competency = forms.ModelChoiceField(
        label=_("Kompetensi"),
        queryset=Competency.objects.all(),
        required=False,
        empty_label=_("Semua kompetensi"),
        to_field_name="code",
    )
    level = forms.TypedChoiceField(
        label=_("Level"),
        choices=[("", _("Semua level")), *LEVEL_CHOICES],
        coerce=int,
        empty_value=None,
        required=False,
    )
    q = forms.CharField(label=_("Cari kode atau pertanyaan"), required=False, max_length=100)
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[("", _("Aktif dan nonaktif")), (ACTIVE, _("Aktif")), (INACTIVE, _("Nonaktif"))],
        required=False,
    )

    def filters(self) -> dict:
        """The selector's keyword arguments (no filter at all when the form is invalid)."""
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        return {
            "competency": data["competency"],
            "level": data["level"],
            "search": data["q"],
            "active": {ACTIVE: True, INACTIVE: False}.get(data["status"]),
        }


class QuestionForm(forms.Form):
    competency = forms.ModelChoiceField(
        label=_("Kompetensi"), queryset=Competency.objects.all(), to_field_name="code"
    )
    level = forms.TypedChoiceField(
        label=_("Level"),
        choices=[("", _("Tanpa level")), *LEVEL_CHOICES],
        coerce=int,
        empty_value=None,
        required=False,
    )
    code = forms.CharField(
        label=_("Kode"),
        max_length=CODE_MAX_LENGTH,
        help_text=_(
            "Unik di seluruh bank soal, mis. PB-0001. Impor dengan kode yang sama memperbarui soal ini."
        ),
    )
    text = forms.CharField(label=_("Pertanyaan"), widget=forms.Textarea(attrs={"rows": 3}))
    correct = forms.ChoiceField(
        label=_("Benar"),
        choices=[(letter, letter) for letter in OPTION_LETTERS],
        widget=forms.RadioSelect,
        error_messages={"required": MSG_NO_CORRECT},
    )
    explanation = forms.CharField(
        label=_("Pembahasan"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Boleh kosong. Ditampilkan kepada peserta setelah tes ditutup."),
    )
    is_active = forms.BooleanField(
        label=_("Aktif"),
        required=False,
        initial=True,
        help_text=_("Hanya soal aktif yang diundi untuk pre-test dan post-test baru."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for letter in OPTION_LETTERS:
            self.fields[self.option_field(letter)] = forms.CharField(
                label=_("Pilihan %(letter)s") % {"letter": letter},
                required=False,
                max_length=OPTION_MAX_LENGTH,
            )

    @staticmethod
    def option_field(letter: str) -> str:
        return f"option_{letter.lower()}"

    @classmethod
    def initial_for(cls, question: Question) -> dict:
        initial = {
            "competency": question.competency.code,
            "level": question.level,
            "code": question.code,
            "text": question.text,
            "explanation": question.explanation,
            "is_active": question.is_active,
        }
        for option in question.options.all():
            initial[cls.option_field(option.letter)] = option.text
            if option.is_correct:
                initial["correct"] = option.letter
        return initial

    def clean_correct(self):
        # The radio sends one value; two values can only come from a hand-made request, and
        # are refused rather than silently taking one of them.
        if hasattr(self.data, "getlist") and len(self.data.getlist(self.add_prefix("correct"))) > 1:
            raise ValidationError(MSG_MANY_CORRECT)
        return self.cleaned_data["correct"]

    def option_rows(self):
        """(letter, option field, is this the correct one) for the template's six rows."""
        chosen = self["correct"].value()
        return [(letter, self[self.option_field(letter)], chosen == letter) for letter in OPTION_LETTERS]

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        return {
            "competency": data["competency"],
            "level": data["level"],
            "code": data["code"],
            "text": data["text"],
            "explanation": data["explanation"],
            "is_active": data["is_active"],
            "options": [
                (data[self.option_field(letter)], data["correct"] == letter)
                for letter in OPTION_LETTERS[:MAX_OPTIONS]
            ],
        }

    def add_service_errors(self, error: ValidationError) -> None:
        """Show the service's errors beside the fields they are about."""
        for key, messages in error.message_dict.items():
            for message in messages:
                self.add_error(key if key in self.fields else None, message)
