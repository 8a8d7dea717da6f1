"""HR keeps the registry and the competency dictionary in the Django admin."""

import pytest
from django.urls import reverse

from assessments.models import CompetencyLevel
from employees.models import Position

pytestmark = pytest.mark.django_db

REGISTRY_MODELS = [
    "employees_orgunit", "employees_position", "employees_employee",
    "assessments_competency", "assessments_competencylevel", "assessments_defaultstandardlevel",
    "assessments_positionstandard", "assessments_institution",
]  # fmt: skip


@pytest.fixture
def hr_admin(client, agency):
    agency.hr.user.is_staff = True
    agency.hr.user.save()
    client.force_login(agency.hr.user)
    return client


@pytest.mark.parametrize("model", REGISTRY_MODELS)
def test_hr_staff_can_open_every_registry_list_and_add_form(hr_admin, model):
    assert hr_admin.get(reverse(f"admin:{model}_changelist")).status_code == 200
    assert hr_admin.get(reverse(f"admin:{model}_add")).status_code == 200


def test_hr_edits_a_perekat_bangsa_level_title_in_the_admin(hr_admin):
    level = CompetencyLevel.objects.get(competency__code="perekat_bangsa", level=3)
    url = reverse("admin:assessments_competencylevel_change", args=[level.pk])
    form = hr_admin.get(url).context["adminform"].form
    data = {**form.initial, "competency": level.competency_id, "title": "Judul baru level 3"}
    indicators = list(level.indicators.all())
    data.update(
        {
            "indicators-TOTAL_FORMS": len(indicators),
            "indicators-INITIAL_FORMS": len(indicators),
            "indicators-MIN_NUM_FORMS": 0,
            "indicators-MAX_NUM_FORMS": 1000,
        }
    )
    for i, indicator in enumerate(indicators):
        data.update(
            {
                f"indicators-{i}-id": indicator.pk,
                f"indicators-{i}-competency_level": level.pk,
                f"indicators-{i}-order": indicator.order,
                f"indicators-{i}-text": indicator.text,
            }
        )
    response = hr_admin.post(url, data)
    assert response.status_code == 302, response.context["errors"] if response.context else ""
    level.refresh_from_db()
    assert level.title == "Judul baru level 3"


def test_admin_rejects_a_fungsional_position_without_jenjang_with_a_clear_message(hr_admin):
    response = hr_admin.post(
        reverse("admin:employees_position_add"),
        {"code": "FUNG-X", "name": "Analis", "jenis": "fungsional", "jenjang": ""},
    )
    assert response.status_code == 200
    assert "Jabatan fungsional wajib punya jenjang." in response.content.decode()


def test_admin_adds_a_structural_position(hr_admin):
    response = hr_admin.post(
        reverse("admin:employees_position_add"),
        {"code": "PGW-Y", "name": "Kepala Seksi Y", "jenis": "pengawas", "jenjang": ""},
    )
    assert response.status_code == 302
    assert Position.objects.get(code="PGW-Y").grade_label == "Pengawas"


@pytest.mark.parametrize("model", ["assessments_assessmentresult", "employees_importrun"])
def test_results_and_import_history_are_readable_but_not_editable_in_the_admin(hr_admin, model):
    assert hr_admin.get(reverse(f"admin:{model}_changelist")).status_code == 200
    assert hr_admin.get(reverse(f"admin:{model}_add")).status_code == 403
