"""Materials: what an upload must be to be accepted (allowed extension, matching first bytes,
within the size limit), that a refusal stores nothing, and who may download what. Files go to a
real FileSystemStorage under a temporary MEDIA_ROOT, so "nothing stored" means an empty folder."""

import io
import re
import zipfile

import pytest
from django.contrib.auth.models import Group
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError
from django.urls import reverse
from django.utils import timezone

from elearning.models import Material, MaterialDownload
from elearning.services import materials as material_services
from elearning.services.spaces import enrolment_revoke
from employees.roles import FACILITATOR_GROUP
from employees.tests.factories import EmployeeFactory, UserFactory

from .factories import EnrolmentFactory, LearningSpaceFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64
MP4 = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00" * 64


def ooxml(part: str) -> bytes:
    """A minimal Office Open XML package: a zip holding the content types and `part`."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(part, "<root/>")
    return buffer.getvalue()


DOCX = ooxml("word/document.xml")
XLSX = ooxml("xl/workbook.xml")
PPTX = ooxml("ppt/presentation.xml")
PLAIN_ZIP = ooxml("catatan.txt")


@pytest.fixture
def media(settings, tmp_path):
    """Uploads on disk under tmp_path (the test settings keep them in memory otherwise)."""
    settings.MEDIA_ROOT = str(tmp_path)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    return tmp_path


def stored_files(root) -> list:
    return [path for path in root.rglob("*") if path.is_file()]


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def post_material(client, space, *, name=None, content=b"", **fields):
    data = {"title": "Modul 1", "description": "", **fields}
    if name is not None:
        data["upload"] = SimpleUploadedFile(name, content)
    return client.post(reverse("material_add", args=[space.pk]), data)


def submit(via, client, space, user, name, content) -> list[str]:
    """Upload through the page (as `user`) or the service; the error messages, [] if accepted."""
    if via == "view":
        client.force_login(user)
        response = post_material(client, space, name=name, content=content)
        assert response.status_code == 302
        assert response["Location"] == reverse("space_detail", args=[space.pk])
        return [text for text in messages_of(response) if "ditambahkan" not in text]
    try:
        material_services.material_create(
            space=space, title="Modul 1", upload=SimpleUploadedFile(name, content), user=user
        )
    except ValidationError as exc:
        return exc.messages
    return []


def a_file_material(space=None, course=None, name="Modul Kebangsaan.pdf", content=PDF, user=None):
    return material_services.material_create(
        space=space, course=course, title="Modul", upload=SimpleUploadedFile(name, content), user=user
    )


# --- uploads ----------------------------------------------------------------------------------


def test_facilitator_uploads_a_real_pdf_and_it_is_stored_as_sent(client, agency, classroom, media):
    client.force_login(agency.facilitator_user)
    response = post_material(client, classroom.space, name="Modul Kebangsaan.pdf", content=PDF)

    assert response.status_code == 302
    assert "Materi „Modul 1” ditambahkan." in messages_of(response)
    material = Material.objects.get()
    assert (material.space, material.course, material.kind) == (classroom.space, None, Material.Kind.FILE)
    assert (material.file_type, material.original_name, material.size) == (
        "pdf",
        "Modul Kebangsaan.pdf",
        len(PDF),
    )
    assert material.uploaded_by == agency.facilitator_user
    (stored,) = stored_files(media)
    assert stored.read_bytes() == PDF


@pytest.mark.parametrize("via", ["view", "service"])
@pytest.mark.parametrize(
    "name, content, file_type",
    [
        ("Modul.pdf", PDF, "pdf"),
        ("Panduan.docx", DOCX, "docx"),
        ("Rekap.xlsx", XLSX, "xlsx"),
        ("Paparan.pptx", PPTX, "pptx"),
        ("Bedah Film.mp4", MP4, "mp4"),
        ("MODUL.PDF", PDF, "pdf"),  # the extension is compared case-insensitively
    ],
)
def test_an_allowed_file_whose_content_matches_is_accepted(
    client, agency, classroom, media, via, name, content, file_type
):
    assert submit(via, client, classroom.space, agency.hr.user, name, content) == []
    assert Material.objects.get().file_type == file_type
    (stored,) = stored_files(media)
    assert stored.read_bytes() == content


@pytest.mark.parametrize("via", ["view", "service"])
@pytest.mark.parametrize(
    "name, content, expected",
    [
        # a PDF renamed .exe: the extension is refused, whatever the content
        (
            "modul.exe",
            PDF,
            "Berkas modul.exe bertipe .exe tidak diterima. Unggah PDF, PPTX, DOCX, XLSX atau MP4",
        ),
        ("modul lama.doc", PDF, "bertipe .doc tidak diterima"),
        ("tanpa-akhiran", PDF, "bertipe .? tidak diterima"),
        # an .exe renamed .pdf: the content is refused and the message says what it should be
        ("modul.pdf", EXE, "Isi berkas modul.pdf bukan PDF walaupun namanya berakhiran .pdf"),
        ("laporan.docx", PLAIN_ZIP, "bukan Word (DOCX)"),
        ("laporan.docx", EXE, "bukan Word (DOCX)"),
        ("tabel.xlsx", DOCX, "bukan Excel (XLSX)"),  # a Word file renamed .xlsx
        ("paparan.pptx", b"PK\x03\x04 not really a zip", "bukan PowerPoint (PPTX)"),
        ("video.mp4", PDF, "bukan MP4"),
    ],
)
def test_a_wrong_file_is_refused_with_a_message_and_nothing_is_stored(
    client, agency, classroom, media, via, name, content, expected
):
    errors = submit(via, client, classroom.space, agency.facilitator_user, name, content)

    assert len(errors) == 1 and expected in errors[0]
    assert not Material.objects.exists()
    assert stored_files(media) == []


@pytest.mark.parametrize("via", ["view", "service"])
def test_a_file_over_the_size_limit_is_refused_naming_the_limit(
    client, agency, classroom, media, settings, via
):
    settings.ELEARNING_MAX_UPLOAD_MB = 1
    content = PDF + b"0" * (2 * 1024 * 1024)

    errors = submit(via, client, classroom.space, agency.hr.user, "besar.pdf", content)

    assert len(errors) == 1
    assert "Berkas besar.pdf (2,0\xa0MB) melebihi batas 1 MB" in errors[0]
    assert not Material.objects.exists()
    assert stored_files(media) == []


def test_a_file_at_exactly_the_size_limit_is_accepted(agency, classroom, media, settings):
    settings.ELEARNING_MAX_UPLOAD_MB = 1
    content = PDF + b"0" * (1024 * 1024 - len(PDF))
    material = a_file_material(space=classroom.space, content=content)
    assert material.size == 1024 * 1024


def test_a_link_material_is_accepted_for_http_and_https(client, agency, classroom, media):
    client.force_login(agency.facilitator_user)
    for url in ("https://www.youtube.com/watch?v=abc", "http://perpustakaan.example.go.id/bacaan"):
        response = post_material(client, classroom.space, url=url, title=url[-5:])
        assert response.status_code == 302
    assert sorted(Material.objects.values_list("kind", "url")) == [
        ("link", "http://perpustakaan.example.go.id/bacaan"),
        ("link", "https://www.youtube.com/watch?v=abc"),
    ]
    assert stored_files(media) == []


@pytest.mark.parametrize("url", ["ftp://files.example.org/modul.pdf", "javascript:alert(1)"])
def test_a_link_other_than_http_or_https_is_refused(client, agency, classroom, media, url):
    client.force_login(agency.facilitator_user)
    response = post_material(client, classroom.space, url=url)
    assert response.status_code == 302
    assert messages_of(response)  # the reason is shown on the space page
    assert not Material.objects.exists()
    with pytest.raises(ValidationError, match="Tautan harus diawali http:// atau https://"):
        material_services.material_create(space=classroom.space, title="Liar", url=url)


def test_a_material_is_a_file_or_a_link_not_both_nor_neither(client, agency, classroom, media):
    client.force_login(agency.facilitator_user)
    both = post_material(client, classroom.space, name="m.pdf", content=PDF, url="https://example.org/")
    neither = post_material(client, classroom.space)
    expected = "Pilih berkas untuk diunggah atau isi tautan (salah satu saja)."
    assert expected in messages_of(both) and expected in messages_of(neither)
    assert not Material.objects.exists()
    assert stored_files(media) == []


def test_hr_adds_a_course_wide_material(client, agency, classroom, media):
    client.force_login(agency.hr.user)
    response = post_material(client, classroom.space, name="Modul.pdf", content=PDF, for_course="on")
    assert response.status_code == 302
    material = Material.objects.get()
    assert (material.course, material.space) == (classroom.space.course, None)


def test_a_facilitator_cannot_add_a_course_wide_material(client, agency, classroom, media):
    client.force_login(agency.facilitator_user)
    response = post_material(client, classroom.space, name="Modul.pdf", content=PDF, for_course="on")
    assert response.status_code == 403
    assert not Material.objects.exists()
    assert stored_files(media) == []


@pytest.mark.parametrize("who", ["participant", "leader_a", "colleague_b"])
def test_only_managers_of_the_space_upload(client, agency, classroom, media, who):
    client.force_login(getattr(agency, who).user)
    response = post_material(client, classroom.space, name="Modul.pdf", content=PDF)
    assert response.status_code == 404
    assert not Material.objects.exists()
    assert stored_files(media) == []


def test_the_stored_path_is_random_and_tells_nothing_of_the_original_name(agency, classroom, media):
    first = a_file_material(space=classroom.space, name="Rahasia Negara.pdf")
    second = a_file_material(space=classroom.space, name="Rahasia Negara.pdf")
    for material in (first, second):
        assert re.fullmatch(r"elearning/materials/[0-9a-f]{32}\.pdf", material.file.name)
        assert "rahasia" not in material.file.name.lower()
    assert first.file.name != second.file.name
    assert sorted(p.relative_to(media).as_posix() for p in stored_files(media)) == sorted(
        [first.file.name, second.file.name]
    )


# --- downloads --------------------------------------------------------------------------------


def download(client, material):
    return client.get(reverse("material_download", args=[material.pk]))


def body_of(response) -> bytes:
    # Reading the stream to its end closes the file, as a WSGI server would (calling close()
    # again would fire request_finished and close the test's database connection).
    return b"".join(response.streaming_content)


def test_an_enrolled_learner_downloads_the_file_as_an_attachment_and_it_is_logged(
    client, agency, classroom, media
):
    material = a_file_material(space=classroom.space, name="Modul Kebangsaan.pdf", user=agency.hr.user)
    client.force_login(agency.participant.user)

    response = download(client, material)

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="modul-kebangsaan.pdf"'
    assert body_of(response) == PDF
    (logged,) = MaterialDownload.objects.all()
    assert (logged.material, logged.user) == (material, agency.participant.user)

    body_of(download(client, material))
    assert MaterialDownload.objects.filter(material=material, user=agency.participant.user).count() == 2


@pytest.mark.parametrize(
    "original, expected",
    [
        ("Modul Ünïcode (final) v2.PDF", "modul-unicode-final-v2.pdf"),
        ("../../rahasia/Laporan Akhir.pdf", "laporan-akhir.pdf"),
        ('..\\..\\x"; evil=.pdf', "x-evil.pdf"),  # quotes and backslashes cannot break the header
        ("材料.pdf", "materi.pdf"),
    ],
)
def test_the_download_name_is_the_original_name_made_safe(
    client, agency, classroom, media, original, expected
):
    material = a_file_material(space=classroom.space)
    Material.objects.filter(pk=material.pk).update(original_name=original)
    client.force_login(agency.participant.user)

    response = download(client, material)

    assert response["Content-Disposition"] == f'attachment; filename="{expected}"'
    assert body_of(response) == PDF


def test_a_learner_still_downloads_after_the_class_ended(client, agency, classroom, media):
    material = a_file_material(space=classroom.space)
    past = timezone.localdate().replace(year=timezone.localdate().year - 1)
    type(classroom.space).objects.filter(pk=classroom.space.pk).update(starts_on=past, ends_on=past)
    client.force_login(agency.participant.user)

    response = download(client, material)

    assert response.status_code == 200 and body_of(response) == PDF


def test_a_course_wide_material_reaches_the_learners_of_every_class_of_the_course(
    client, agency, classroom, media
):
    material = a_file_material(course=classroom.space.course)
    later_class = LearningSpaceFactory(course=classroom.space.course)
    newcomer = EmployeeFactory(unit=agency.unit_b, with_login=True)
    EnrolmentFactory(space=later_class, employee=newcomer)

    for employee in (agency.participant, newcomer):
        client.force_login(employee.user)
        response = download(client, material)
        assert response.status_code == 200 and body_of(response) == PDF
    # colleague_b's class belongs to another course
    client.force_login(agency.colleague_b.user)
    assert download(client, material).status_code == 404


@pytest.fixture
def other_facilitator(classroom):
    user = UserFactory(username="fasilitator-lain")
    user.groups.add(Group.objects.get(name=FACILITATOR_GROUP))
    classroom.other_space.facilitators.add(user)
    return user


@pytest.mark.parametrize(
    "who",
    [
        "colleague_b_of_another_class",
        "leader_a",
        "leader_b",
        "revoked_learner",
        "facilitator_of_another_space",
    ],
)
def test_a_material_is_not_there_for_anyone_outside_its_space(
    client, agency, classroom, media, other_facilitator, who
):
    material = a_file_material(space=classroom.space)
    if who == "revoked_learner":
        enrolment_revoke(space=classroom.space, employee=agency.participant)
    user = {
        "colleague_b_of_another_class": agency.colleague_b.user,
        "leader_a": agency.leader_a.user,
        "leader_b": agency.leader_b.user,
        "revoked_learner": agency.participant.user,
        "facilitator_of_another_space": other_facilitator,
    }[who]
    client.force_login(user)

    assert download(client, material).status_code == 404
    assert not MaterialDownload.objects.exists()


def test_an_anonymous_visitor_is_sent_to_log_in(client, classroom, media):
    material = a_file_material(space=classroom.space)
    response = download(client, material)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert not MaterialDownload.objects.exists()


def test_a_link_material_redirects_to_its_url_and_is_logged(client, agency, classroom):
    material = material_services.material_create(
        space=classroom.space, title="Video", url="https://www.youtube.com/watch?v=abc"
    )
    client.force_login(agency.participant.user)

    response = download(client, material)

    assert response.status_code == 302
    assert response["Location"] == "https://www.youtube.com/watch?v=abc"
    assert MaterialDownload.objects.get().user == agency.participant.user


def test_a_material_whose_file_is_gone_answers_404(client, agency, classroom, media):
    material = a_file_material(space=classroom.space)
    (media / material.file.name).unlink()
    client.force_login(agency.participant.user)
    assert download(client, material).status_code == 404


def test_a_material_whose_file_is_gone_logs_no_download(client, agency, classroom, media):
    material = a_file_material(space=classroom.space)
    (media / material.file.name).unlink()
    client.force_login(agency.participant.user)
    assert download(client, material).status_code == 404
    assert not MaterialDownload.objects.exists()


def test_a_row_refused_by_the_database_leaves_no_file_behind(agency, media):
    with pytest.raises(IntegrityError):
        material_services.material_create(title="Tanpa ruang", upload=SimpleUploadedFile("m.pdf", PDF))
    assert stored_files(media) == []
