"""Keeping the roll-up fresh: every state change of a lesson is audited, so the audit row is the signal.

Timetable and live sit below supervision and must not know it exists; both already write an audit row
(``sanke.core.models.AuditEvent``, core's own table) when a lesson starts, ends, is missed, cancelled or
moved. A ``post_save`` receiver on that row folds the lesson once the transaction commits. A fold that
fails is logged and left to the next fold of the day (``supervision.fold_recent_lessons``, Celery beat)
or to ``manage.py rebuild_indicators``: the lesson's own change has committed and must stand.
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.db.models.signals import post_save

from sanke.core.models import AuditEvent

log = logging.getLogger(__name__)

LESSON_ACTIONS = frozenset(
    {
        "live.lesson.started",
        "live.lesson.ended",
        "live.lesson.missed",
        "timetable.lesson.cancelled",
        "timetable.lesson.moved",
    }
)


def fold_after_commit(lesson_id: int) -> None:
    def fold() -> None:
        from sanke.supervision.folding import do_fold_lessons

        try:
            do_fold_lessons([lesson_id])
        except Exception:  # the lesson's change stands; the next fold or a rebuild repairs the roll-up
            log.exception("folding lesson %s into the indicators failed", lesson_id)

    transaction.on_commit(fold)


def _audited(sender, instance: AuditEvent, created: bool, **kwargs) -> None:
    if created and instance.action in LESSON_ACTIONS and instance.target_id.isdigit():
        fold_after_commit(int(instance.target_id))


def connect_signals() -> None:
    post_save.connect(_audited, sender=AuditEvent, dispatch_uid="supervision.fold_on_audit")
