"""Uploading materials (managers) and downloading them (enrolled learners, managers): every
download goes through here, is checked and logged; stored paths are never exposed."""

from pathlib import PurePosixPath

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import path
from django.utils.text import get_valid_filename, slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from employees.roles import is_hr

from ..access import require_manager
from ..forms import MaterialForm
from ..models import LearningSpace, MaterialKind
from ..selectors.spaces import material_for
from ..services import materials as material_services


@require_POST
@login_required
def material_add(request, pk):
    space = get_object_or_404(LearningSpace, pk=pk)
    require_manager(request.user, space)
    form = MaterialForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        if data["for_course"] and not is_hr(request.user):
            raise PermissionDenied
        try:
            material_services.material_create(
                space=None if data["for_course"] else space,
                course=space.course if data["for_course"] else None,
                title=data["title"],
                description=data["description"],
                upload=data["upload"],
                url=data["url"],
                user=request.user,
            )
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Materi „%(title)s” ditambahkan.") % {"title": data["title"]})
    else:
        for field, errors in form.errors.items():
            messages.error(request, f"{form.fields[field].label}: {' '.join(errors)}")
    return redirect("space_detail", space.pk)


@require_POST
@login_required
def material_delete(request, pk, space_pk):
    space = get_object_or_404(LearningSpace, pk=space_pk)
    require_manager(request.user, space)
    material = material_for(request.user, pk)
    if material is None or (material.course_id and not is_hr(request.user)):
        raise Http404
    material_services.material_delete(material=material)
    messages.success(request, _("Materi „%(title)s” dihapus.") % {"title": material.title})
    return redirect("space_detail", space.pk)


def _download_name(material) -> str:
    suffix = PurePosixPath(material.original_name).suffix.lower() or f".{material.file_type}"
    stem = PurePosixPath(material.original_name).stem or material.title
    return get_valid_filename(f"{slugify(stem)[:80] or 'materi'}{suffix}")


@login_required
def material_download(request, pk):
    material = material_for(request.user, pk)
    if material is None:
        raise Http404
    if material.kind == MaterialKind.LINK:
        material_services.material_download_log(material=material, user=request.user)
        return redirect(material.url)
    try:
        handle = material.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    material_services.material_download_log(material=material, user=request.user)  # only what was served
    return FileResponse(handle, as_attachment=True, filename=_download_name(material))


urlpatterns = [
    path("belajar/ruang/<int:pk>/materi/", material_add, name="material_add"),
    path("belajar/ruang/<int:space_pk>/materi/<int:pk>/hapus/", material_delete, name="material_delete"),
    path("belajar/materi/<int:pk>/unduh/", material_download, name="material_download"),
]
