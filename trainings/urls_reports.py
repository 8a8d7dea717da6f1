from django.urls import path

from . import views_reports

urlpatterns: list = [
    path("diklat/efektivitas/", views_reports.effectiveness_report, name="effectiveness_report"),
    path("diklat/kelas/<int:pk>/efektivitas/", views_reports.class_effectiveness, name="class_effectiveness"),
]
