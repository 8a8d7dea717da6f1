"""Closing a class: feedback, completion, STTPP and its public verification."""

from django.urls import path

from . import views_completion as views

urlpatterns: list = [
    path("diklat/nominasi/<int:pk>/umpan-balik/", views.feedback_form, name="feedback_form"),
    path("diklat/kelas/<int:pk>/umpan-balik/", views.feedback_summary, name="feedback_summary"),
    path("diklat/kelas/<int:pk>/umpan-balik/anonim/", views.feedback_anonymity, name="feedback_anonymity"),
    path("diklat/kelas/<int:pk>/kelulusan/", views.class_completion, name="class_completion"),
    path(
        "diklat/kelas/<int:pk>/kelulusan/tetapkan/",
        views.class_completion_apply,
        name="class_completion_apply",
    ),
    path(
        "diklat/kelas/<int:pk>/kelulusan/sttpp/",
        views.class_certificates_issue,
        name="class_certificates_issue",
    ),
    path("diklat/sttpp/<int:pk>/unduh/", views.certificate_pdf, name="certificate_pdf"),
    path("diklat/sttpp/<int:pk>/cabut/", views.certificate_revoke, name="certificate_revoke"),
    path("verifikasi/", views.certificate_verify_lookup, name="certificate_verify_lookup"),
    path("verifikasi/<str:code>/", views.certificate_verify, name="certificate_verify"),
]
