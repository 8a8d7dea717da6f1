"""Materials: a file is accepted only when its extension is allowed **and** its first bytes
are what that extension promises (a PDF renamed .exe, or an .exe renamed .pdf, is refused),
within a size limit. Files go through Django's default storage under a random name."""

import zipfile
from pathlib import PurePosixPath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from ..models import Course, LearningSpace, Material, MaterialDownload, MaterialKind

MATERIAL_TYPES = ("pdf", "pptx", "docx", "xlsx", "mp4")
SUBMISSION_TYPES = ("pdf", "pptx", "docx", "xlsx", "mp4")
# The part every Office Open XML file of that kind must contain.
OOXML_PART = {"pptx": "ppt/presentation.xml", "docx": "word/document.xml", "xlsx": "xl/workbook.xml"}
TYPE_LABELS = {
    "pdf": "PDF",
    "pptx": "PowerPoint (PPTX)",
    "docx": "Word (DOCX)",
    "xlsx": "Excel (XLSX)",
    "mp4": "MP4",
}

MSG_EXTENSION = _(
    "Berkas %(name)s bertipe .%(ext)s tidak diterima. Unggah PDF, PPTX, DOCX, XLSX atau MP4 "
    "(dokumen lama .doc/.ppt/.xls: simpan ulang dalam format baru)."
)
MSG_CONTENT = _(
    "Isi berkas %(name)s bukan %(label)s walaupun namanya berakhiran .%(ext)s. Buka berkas aslinya "
    "dan simpan/ekspor ulang sebagai %(label)s."
)
MSG_TOO_LARGE = _("Berkas %(name)s (%(size)s) melebihi batas %(limit)s MB. Kecilkan atau bagi berkasnya.")
MSG_EMPTY = _("Berkas %(name)s kosong.")
MSG_FILE_OR_LINK = _("Pilih berkas untuk diunggah atau isi tautan (salah satu saja).")
MSG_LINK_SCHEME = _("Tautan harus diawali http:// atau https://.")

http_url = URLValidator(schemes=["http", "https"], message=MSG_LINK_SCHEME)


def _head(upload, length: int = 16) -> bytes:
    upload.seek(0)
    head = upload.read(length)
    upload.seek(0)
    return head


def _content_matches(upload, ext: str) -> bool:
    head = _head(upload)
    if ext == "pdf":
        return head.startswith(b"%PDF-")
    if ext == "mp4":
        return len(head) >= 12 and head[4:8] == b"ftyp"
    if ext in OOXML_PART:
        if not head.startswith(b"PK\x03\x04"):
            return False
        try:
            upload.seek(0)
            with zipfile.ZipFile(upload) as archive:
                return OOXML_PART[ext] in archive.namelist()
        except zipfile.BadZipFile:
            return False
        finally:
            upload.seek(0)
    return False


def max_upload_bytes() -> int:
    return settings.ELEARNING_MAX_UPLOAD_MB * 1024 * 1024


def check_upload(upload, allowed=MATERIAL_TYPES) -> str:
    """The file's checked type (its extension), or ValidationError saying what is wrong and how
    to fix it."""
    name = PurePosixPath(upload.name or "").name
    ext = PurePosixPath(name).suffix.lower().lstrip(".")
    if ext not in allowed:
        raise ValidationError(MSG_EXTENSION % {"name": name, "ext": ext or "?"}, code="extension")
    if upload.size == 0:
        raise ValidationError(MSG_EMPTY % {"name": name}, code="empty")
    if upload.size > max_upload_bytes():
        raise ValidationError(
            MSG_TOO_LARGE
            % {
                "name": name,
                "size": filesizeformat(upload.size),
                "limit": settings.ELEARNING_MAX_UPLOAD_MB,
            },
            code="too_large",
        )
    if not _content_matches(upload, ext):
        raise ValidationError(
            MSG_CONTENT % {"name": name, "ext": ext, "label": TYPE_LABELS[ext]}, code="content"
        )
    return ext


@transaction.atomic
def material_create(
    *,
    space: LearningSpace | None = None,
    course: Course | None = None,
    title: str,
    description: str = "",
    upload=None,
    url: str = "",
    user=None,
) -> Material:
    url = (url or "").strip()
    if bool(upload) == bool(url):
        raise ValidationError(MSG_FILE_OR_LINK)
    material = Material(
        space=space, course=course, title=title.strip(), description=description.strip(), uploaded_by=user
    )
    if upload:
        material.kind = MaterialKind.FILE
        material.file_type = check_upload(upload)
        material.original_name = PurePosixPath(upload.name).name[:255]
        material.size = upload.size
    else:
        http_url(url)
        material.kind, material.url = MaterialKind.LINK, url
    material.full_clean(exclude=["file", "course", "space"])  # refuse before anything is stored
    if upload:
        material.file.save(upload.name, upload, save=False)
    try:
        material.save()
    except Exception:
        if material.file:  # the row was refused: leave no orphan file behind
            material.file.storage.delete(material.file.name)
        raise
    return material


def material_delete(*, material: Material) -> None:
    stored = material.file.name if material.file else ""
    storage = material.file.storage if material.file else None
    material.delete()
    if stored:
        transaction.on_commit(lambda: storage.delete(stored))


def material_download_log(*, material: Material, user) -> MaterialDownload:
    return MaterialDownload.objects.create(material=material, user=user)
