import datetime

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from employees.roles import FACILITATOR_GROUP

from .models import Programme, http_url


class TrainingClassForm(forms.Form):
    programme = forms.ModelChoiceField(label=_("Program"), queryset=Programme.objects.all())
    name = forms.CharField(label=_("Nama angkatan"), max_length=120, initial=_("Angkatan I"))
    start_date = forms.DateField(
        label=_("Tanggal mulai"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Hari-hari berikutnya melewati akhir pekan dan hari libur."),
    )
    capacity = forms.IntegerField(label=_("Kapasitas"), min_value=1, max_value=500, initial=30)
    forum_start = forms.TimeField(
        label=_("Forum mulai (WIB)"),
        initial=datetime.time(9, 0),
        widget=forms.TimeInput(attrs={"type": "time"}),
    )
    forum_end = forms.TimeField(
        label=_("Forum selesai (WIB)"),
        initial=datetime.time(11, 0),
        widget=forms.TimeInput(attrs={"type": "time"}),
    )
    meeting_url_1 = forms.CharField(
        label=_("Tautan forum hari 1"), required=False, validators=[http_url], max_length=500
    )
    meeting_url_2 = forms.CharField(
        label=_("Tautan forum hari 2"), required=False, validators=[http_url], max_length=500
    )
    meeting_url_3 = forms.CharField(
        label=_("Tautan forum hari 3"), required=False, validators=[http_url], max_length=500
    )
    facilitators = forms.ModelMultipleChoiceField(
        label=_("Fasilitator / narasumber"),
        required=False,
        queryset=get_user_model().objects.filter(groups__name=FACILITATOR_GROUP).order_by("first_name"),
        widget=forms.CheckboxSelectMultiple,
    )

    def clean(self):
        data = super().clean()
        if data.get("forum_start") and data.get("forum_end") and data["forum_end"] <= data["forum_start"]:
            self.add_error("forum_end", _("Jam selesai forum harus setelah jam mulai."))
        return data

    @property
    def meeting_urls(self):
        return [self.cleaned_data.get(f"meeting_url_{n}", "") for n in (1, 2, 3)]


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", _("Setujui")), ("decline", _("Tolak"))])
    reason = forms.CharField(label=_("Alasan (wajib jika menolak)"), required=False, max_length=300)
