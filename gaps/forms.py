from django import forms
from django.utils.translation import gettext_lazy as _

from assessments.models import Competency
from employees.models import Jenis, Jenjang, OrgUnit


class GapListFilterForm(forms.Form):
    unit = forms.ModelChoiceField(
        label=_("Unit (termasuk unit di bawahnya)"),
        queryset=OrgUnit.objects.none(),
        required=False,
        empty_label=_("Semua unit yang dapat Anda lihat"),
    )
    competency = forms.ModelChoiceField(
        label=_("Kompetensi"),
        queryset=Competency.objects.all(),
        required=False,
        empty_label=_("Semua kompetensi"),
        to_field_name="code",
    )
    jenis = forms.ChoiceField(
        label=_("Jenis jabatan"), choices=[("", _("Semua jenis")), *Jenis.choices], required=False
    )
    jenjang = forms.ChoiceField(
        label=_("Jenjang"), choices=[("", _("Semua jenjang")), *Jenjang.choices], required=False
    )
    min_gap = forms.TypedChoiceField(
        label=_("Gap minimal"),
        coerce=int,
        required=False,
        empty_value=1,
        choices=[(1, "≥ 1"), (2, "≥ 2"), (3, "≥ 3"), (4, "= 4"), (0, _("semua"))],
    )
    sort = forms.ChoiceField(
        label=_("Urutkan"),
        required=False,
        choices=[("gap", _("gap terbesar")), ("nama", _("nama")), ("unit", _("unit")), ("nip", _("NIP"))],
    )

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # only units the viewer may see
        self.fields["unit"].label_from_instance = lambda u: f"{'— ' * u.depth}{u.name}"


class NeedExcludeForm(forms.Form):
    note = forms.CharField(label=_("Alasan dikecualikan"), max_length=300)


class NeedAddForm(forms.Form):
    nip = forms.CharField(label=_("NIP"), max_length=18)
    note = forms.CharField(label=_("Alasan ditambahkan"), max_length=300)
