from django import forms
from django.utils.translation import gettext_lazy as _

from assessments.models import PEREKAT_BANGSA, Competency

from .models import Quiz


class MaterialForm(forms.Form):
    title = forms.CharField(label=_("Judul"), max_length=200)
    description = forms.CharField(
        label=_("Keterangan"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    upload = forms.FileField(
        label=_("Berkas"),
        required=False,
        help_text=_("PDF, PPTX, DOCX, XLSX atau MP4."),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.pptx,.docx,.xlsx,.mp4"}),
    )
    url = forms.URLField(
        label=_("atau tautan"),
        required=False,
        assume_scheme="https",
        help_text=_("Video atau bacaan daring."),
    )
    for_course = forms.BooleanField(
        label=_("Untuk semua angkatan program ini"),
        required=False,
        help_text=_("Hanya bagian kepegawaian."),
    )


class QuizPrepareForm(forms.Form):
    competency = forms.ModelChoiceField(label=_("Kompetensi"), queryset=Competency.objects.all())
    question_count = forms.IntegerField(
        label=_("Jumlah soal per tes"), min_value=1, max_value=100, initial=20
    )
    parallel = forms.TypedChoiceField(
        label=_("Bentuk soal"),
        choices=[
            ("1", _("Paralel: pre-test dan post-test berbeda soal, setara tingkatnya")),
            ("0", _("Sama")),
        ],
        coerce=lambda value: value == "1",
        initial="1",
    )
    time_limit_minutes = forms.IntegerField(
        label=_("Batas waktu (menit)"), min_value=1, max_value=240, initial=30
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["competency"].initial = Competency.objects.filter(code=PEREKAT_BANGSA).first()


class QuizWindowForm(forms.ModelForm):
    class Meta:
        model = Quiz
        fields = ["opens_at", "closes_at", "time_limit_minutes"]
        widgets = {
            "opens_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
            "closes_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        }
