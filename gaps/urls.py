from django.urls import path

from . import views

urlpatterns = [
    path("gap/", views.dashboard, name="gap_dashboard"),
    path("gap/pegawai/", views.gap_list, name="gap_list"),
    path("pegawai/<str:nip>/kompetensi/", views.competency_profile, name="competency_profile"),
    path("kebutuhan-diklat/", views.training_needs, name="training_needs"),
    path("kebutuhan-diklat/tambah/", views.training_need_add, name="training_need_add"),
    path("kebutuhan-diklat/<int:pk>/kecualikan/", views.training_need_exclude, name="training_need_exclude"),
    path("kebutuhan-diklat/<int:pk>/kembalikan/", views.training_need_include, name="training_need_include"),
]
