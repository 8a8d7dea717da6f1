from django import forms
from django.utils.translation import gettext_lazy as _

from employees.models import Jenis


class PositionFilterForm(forms.Form):
    q = forms.CharField(label=_("Cari nama jabatan"), required=False, max_length=100)
    jenis = forms.ChoiceField(
        label=_("Jenis jabatan"), required=False, choices=[("", _("Semua jenis")), *Jenis.choices]
    )
    year = forms.IntegerField(label=_("Standar tahun"), required=False, min_value=2000, max_value=2100)
