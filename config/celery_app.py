import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("asn")
# Every CELERY_* Django setting configures Celery (CELERY_TASK_ALWAYS_EAGER -> task_always_eager).
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
