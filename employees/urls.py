from django.urls import path

from . import views
from .importing import views as import_views

urlpatterns = [
    path("", views.home, name="home"),
    path("kepegawaian/", views.hr_home, name="hr_home"),
    path("unit/", views.unit_tree, name="unit_tree"),
    path("unit-saya/", views.my_unit, name="my_unit"),
    path("pegawai/", views.employee_list, name="employee_list"),
    path("pegawai/<str:nip>/", views.employee_detail, name="employee_detail"),
    path("profil-saya/", views.my_profile, name="my_profile"),
    path("impor/", import_views.import_list, name="import_list"),
    path("impor/<int:pk>/", import_views.import_detail, name="import_detail"),
    path("impor/<int:pk>/kemajuan/", import_views.import_progress, name="import_progress"),
    path("impor/<int:pk>/simpan/", import_views.import_confirm, name="import_confirm"),
    path("impor/<int:pk>/berkas/", import_views.import_file, name="import_file"),
    path("impor/<int:pk>/laporan.<str:fmt>", import_views.import_report, name="import_report"),
]
