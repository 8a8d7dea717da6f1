"""HR's browser flow for imports: upload → check → preview → confirm → write → summary."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments.models import AssessmentResult, Institution
from employees.models import ImportRun

pytestmark = pytest.mark.django_db


@pytest.fixture
def institution(db):
    return Institution.objects.create(
        code="LAN",
        name="Pusat Penilaian",
        accreditation_number="AK-1",
        accredited_until=datetime.date(2030, 12, 31),
    )


def results_csv(agency, *, bad_level=False):
    level = "tiga" if bad_level else "1"
    lines = [
        "nip;nama;tanggal_asesmen;lembaga;perekat_bangsa;integritas",
        f"{agency.participant.nip};Andi Peserta;20/11/2026;LAN;{level};3",
        f"{agency.colleague_b.nip};Rekan di B;20/11/2026;LAN;2;",
    ]
    return SimpleUploadedFile("hasil-2026.csv", "\n".join(lines).encode(), content_type="text/csv")


def upload(client, file, kind="assessments", year=2026, capture=None):
    with capture(execute=True):
        return client.post(reverse("import_list"), {"kind": kind, "file": file, "year": year})


def test_hr_uploads_previews_confirms_and_the_results_are_written(
    client, agency, institution, django_capture_on_commit_callbacks
):
    client.force_login(agency.hr.user)
    response = upload(client, results_csv(agency), capture=django_capture_on_commit_callbacks)
    run = ImportRun.objects.get()
    assert response["Location"] == reverse("import_detail", args=[run.pk])

    preview = client.get(response["Location"]).content.decode()
    assert "Siap disimpan" in preview and "Simpan ke database" in preview
    run.refresh_from_db()
    assert (run.status, run.rows, run.created) == (ImportRun.Status.READY, 2, 3)
    assert not AssessmentResult.objects.exists()  # nothing before the confirmation

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("import_confirm", args=[run.pk]))
    run.refresh_from_db()
    assert run.status == ImportRun.Status.DONE
    assert (
        AssessmentResult.objects.get(employee=agency.participant, competency__code="perekat_bangsa").level
        == 1
    )
    assert "Tersimpan" in client.get(reverse("import_detail", args=[run.pk])).content.decode()


def test_a_file_with_errors_shows_row_and_column_and_can_be_downloaded(
    client, agency, institution, django_capture_on_commit_callbacks
):
    client.force_login(agency.hr.user)
    upload(client, results_csv(agency, bad_level=True), capture=django_capture_on_commit_callbacks)
    run = ImportRun.objects.get()
    assert run.status == ImportRun.Status.INVALID
    page = client.get(reverse("import_detail", args=[run.pk])).content.decode()
    assert "tidak ada yang disimpan" in page and "tiga" in page
    report = client.get(reverse("import_report", args=[run.pk, "csv"])).content.decode("utf-8-sig")
    assert "2,perekat_bangsa,tiga,kesalahan" in report
    xlsx = client.get(reverse("import_report", args=[run.pk, "xlsx"]))
    assert xlsx["Content-Disposition"].startswith("attachment")
    # a confirmation of an invalid run writes nothing
    client.post(reverse("import_confirm", args=[run.pk]))
    assert not AssessmentResult.objects.exists()


def test_assessments_need_a_year(client, agency):
    client.force_login(agency.hr.user)
    response = client.post(reverse("import_list"), {"kind": "assessments", "file": results_csv(agency)})
    assert response.status_code == 400
    assert "Isi tahun asesmen" in response.content.decode()
    assert not ImportRun.objects.exists()


def test_an_upload_over_the_size_limit_is_refused_with_the_limit(client, agency, settings):
    settings.IMPORT_MAX_UPLOAD_MB = 0
    client.force_login(agency.hr.user)
    response = client.post(
        reverse("import_list"), {"kind": "assessments", "file": results_csv(agency), "year": 2026}
    )
    assert "File terlalu besar" in response.content.decode() and "batas 0 MB" in response.content.decode()
    assert not ImportRun.objects.exists()


def test_a_pdf_is_refused(client, agency):
    client.force_login(agency.hr.user)
    pdf = SimpleUploadedFile("hasil.pdf", b"%PDF-1.4", content_type="application/pdf")
    response = client.post(reverse("import_list"), {"kind": "units", "file": pdf})
    assert "Hanya file .csv atau .xlsx" in response.content.decode()


def test_progress_endpoint_asks_htmx_to_reload_when_finished(
    client, agency, institution, django_capture_on_commit_callbacks
):
    client.force_login(agency.hr.user)
    upload(client, results_csv(agency), capture=django_capture_on_commit_callbacks)
    run = ImportRun.objects.get()
    response = client.get(reverse("import_progress", args=[run.pk]), HTTP_HX_REQUEST="true")
    assert response["HX-Refresh"] == "true"
    ImportRun.objects.filter(pk=run.pk).update(status=ImportRun.Status.WRITING, progress=40)
    polling = client.get(reverse("import_progress", args=[run.pk]), HTTP_HX_REQUEST="true")
    assert "HX-Refresh" not in polling and 'hx-trigger="every 1s"' in polling.content.decode()
    assert "40%" in polling.content.decode()


def test_original_file_is_kept_and_downloadable(
    client, agency, institution, django_capture_on_commit_callbacks
):
    client.force_login(agency.hr.user)
    upload(client, results_csv(agency), capture=django_capture_on_commit_callbacks)
    run = ImportRun.objects.get()
    response = client.get(reverse("import_file", args=[run.pk]))
    assert b"".join(response.streaming_content).startswith(b"nip;nama")
    assert len(run.checksum) == 64


@pytest.mark.parametrize("role", ["leader_a", "participant"])
def test_only_hr_reaches_the_import_pages(
    client, agency, institution, role, django_capture_on_commit_callbacks
):
    client.force_login(agency.hr.user)
    upload(client, results_csv(agency), capture=django_capture_on_commit_callbacks)
    run = ImportRun.objects.get()
    client.force_login(getattr(agency, role).user)
    for url in [
        reverse("import_list"),
        reverse("import_detail", args=[run.pk]),
        reverse("import_file", args=[run.pk]),
        reverse("import_report", args=[run.pk, "csv"]),
        reverse("import_progress", args=[run.pk]),
    ]:
        assert client.get(url).status_code == 403, url
    assert client.post(reverse("import_confirm", args=[run.pk])).status_code == 403


def test_anonymous_is_sent_to_login(client):
    response = client.get(reverse("import_list"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_import_history_query_count_is_constant(client, agency):
    client.force_login(agency.hr.user)

    def make_runs(n):
        for i in range(n):
            ImportRun.objects.create(
                kind="units",
                original_name=f"u{i}.csv",
                checksum="0" * 64,
                created_by=agency.hr.user,
                file="imports/x.csv",
            )

    def count():
        with CaptureQueriesContext(connection) as context:
            assert client.get(reverse("import_list")).status_code == 200
        return len(context)

    make_runs(1)
    ImportRun.objects.create(kind="units", original_name="cli.csv", checksum="0" * 64, via_command=True,
                             file="imports/cli.csv")  # from the command line: nobody signed in
    one = count()
    make_runs(9)
    # session, user, permissions (2, cached for the run_imports check too), run count, page of runs with their
    # uploader; navigation: led units, own employee, group names
    assert count() == one == 9
