from django.urls import path

from . import views

urlpatterns = [
    path("jabatan/", views.position_list, name="position_list"),
]
