"""Follow-up after a diklat: the leader's observation (supervision) and mentoring, HR's
observation completion page."""

from django.urls import path

from . import views_followup as views

urlpatterns: list = [
    path("diklat/tindak-lanjut/", views.followup_home, name="followup_home"),
    path("diklat/observasi/rekap/", views.observation_completion, name="observation_completion"),
    path("diklat/observasi/kirim-pengingat/", views.followup_remind, name="followup_remind"),
    path("diklat/observasi/<int:pk>/", views.observation_form, name="observation_form"),
    path("diklat/mentoring/<int:pk>/", views.mentoring_plan, name="mentoring_plan"),
    path("diklat/mentoring/<int:pk>/sasaran/", views.mentoring_goal_edit, name="mentoring_goal_add"),
    path(
        "diklat/mentoring/<int:pk>/sasaran/<int:goal>/", views.mentoring_goal_edit, name="mentoring_goal_edit"
    ),
    path(
        "diklat/mentoring/<int:pk>/sasaran/<int:goal>/hapus/",
        views.mentoring_goal_delete,
        name="mentoring_goal_delete",
    ),
    path("diklat/mentoring/<int:pk>/sesi/", views.mentoring_session_edit, name="mentoring_session_add"),
    path(
        "diklat/mentoring/<int:pk>/sesi/<int:session>/",
        views.mentoring_session_edit,
        name="mentoring_session_edit",
    ),
    path(
        "diklat/mentoring/<int:pk>/sesi/<int:session>/refleksi/",
        views.mentoring_reflection,
        name="mentoring_reflection",
    ),
]
