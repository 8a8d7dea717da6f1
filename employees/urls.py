from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("kepegawaian/", views.hr_home, name="hr_home"),
    path("unit/", views.unit_tree, name="unit_tree"),
    path("unit-saya/", views.my_unit, name="my_unit"),
    path("pegawai/", views.employee_list, name="employee_list"),
    path("pegawai/<str:nip>/", views.employee_detail, name="employee_detail"),
    path("profil-saya/", views.my_profile, name="my_profile"),
    path("fasilitator/", views.facilitator_home, name="facilitator_home"),
]
