from django.urls import path

from . import views
from .urls_completion import urlpatterns as completion_urls
from .urls_followup import urlpatterns as followup_urls
from .urls_reports import urlpatterns as report_urls

urlpatterns = [
    path("diklat/", views.calendar_view, name="training_calendar"),
    path("diklat/kelas/baru/", views.class_create, name="class_create"),
    path("diklat/kelas/<int:pk>/", views.class_detail, name="class_detail"),
    path("diklat/kelas/<int:pk>/nominasi/", views.class_nominate, name="class_nominate"),
    path("diklat/persetujuan/", views.approvals, name="approvals"),
    path("diklat/status/", views.approval_status, name="approval_status"),
    path("diklat/persetujuan/putuskan/", views.approvals_decide, name="approvals_decide"),
    path("diklat/saya/", views.my_classes, name="my_classes"),
    path("diklat/nominasi/<int:pk>/selesai/", views.nomination_finish, name="nomination_finish"),
    path("diklat/jp/", views.jp_report, name="jp_report"),
    path("diklat/terbitkan/", views.calendar_publish, name="calendar_publish"),
    path("fasilitator/", views.facilitator_home, name="facilitator_home"),
    path("diklat/kelas/<int:pk>/presensi/<int:day>/", views.attendance_sheet, name="attendance_sheet"),
    path("diklat/nominasi/<int:pk>/hadir/", views.attendance_check_in, name="attendance_check_in"),
    path("diklat/kelas/<int:pk>/kalender.ics", views.class_ics, name="class_ics"),
    path("diklat/langganan/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
]
urlpatterns += completion_urls + followup_urls + report_urls
