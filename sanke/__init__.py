"""Sanke (三课): an open platform for China's Three Classrooms programme."""

from sanke.celery import app as celery_app

__all__ = ["celery_app"]
