"""The Celery application.

Broker: kombu's filesystem transport under ./var by default, Redis in production.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sanke.settings")

app = Celery("sanke")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
