"""E-learning pages, under /belajar/ (participants, facilitators, HR) and /bank-soal/ (HR)."""

from .views import attempts, bank, materials, results, spaces, tasks

urlpatterns = (
    spaces.urlpatterns
    + materials.urlpatterns
    + attempts.urlpatterns
    + bank.urlpatterns
    + tasks.urlpatterns
    + results.urlpatterns
)
