from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from employees.models import ImportRun

ALLOWED_SUFFIXES = (".csv", ".xlsx")


class ImportUploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("Jenis data"), choices=ImportRun.Kind.choices)
    file = forms.FileField(label=_("File CSV atau XLSX"))
    year = forms.IntegerField(
        label=_("Tahun asesmen"),
        required=False,
        min_value=1990,
        max_value=2100,
        help_text=_("Wajib untuk hasil asesmen."),
    )
    from_year = forms.IntegerField(
        label=_("Standar berlaku mulai tahun"),
        required=False,
        min_value=1990,
        max_value=2100,
        help_text=_("Untuk jabatan: kosongkan agar berlaku untuk semua tahun."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = settings.IMPORT_MAX_UPLOAD_MB * 1024 * 1024
        if upload.size > limit:
            raise forms.ValidationError(
                _("File terlalu besar (%(size)s MB; batas %(limit)s MB). Pecah menjadi beberapa file.")
                % {"size": round(upload.size / 2**20, 1), "limit": settings.IMPORT_MAX_UPLOAD_MB}
            )
        if not upload.name.lower().endswith(ALLOWED_SUFFIXES):
            raise forms.ValidationError(_("Hanya file .csv atau .xlsx yang dapat diimpor."))
        return upload

    def clean(self):
        data = super().clean()
        if data.get("kind") == ImportRun.Kind.ASSESSMENTS and not data.get("year"):
            self.add_error("year", _("Isi tahun asesmen, mis. 2026."))
        if data.get("kind") != ImportRun.Kind.ASSESSMENTS:
            data["year"] = None
        if data.get("kind") != ImportRun.Kind.POSITIONS:
            data["from_year"] = None
        return data
