"""Group commit of lesson events: every lesson room of one server process shares one writer.

Why: in a quiz storm every classroom of every lesson answers within the same two seconds. Storing each
answer in its own transaction queues thousands of commits behind one another on the database thread, and
the last answers reach the host seconds late. The writer takes whatever events have arrived while the
previous batch was being written and stores them together (``actions.do_record_events``: three queries
per batch), broadcasts them once committed (one group send per lesson), then acknowledges each sender.
Under light load a batch is a single event, so nothing waits for a timer; under a storm batches grow and
the database work per event shrinks.
"""

from __future__ import annotations

import asyncio
import logging
import weakref

from channels.db import database_sync_to_async

from sanke.live import actions
from sanke.live.broadcast import broadcast_events

logger = logging.getLogger(__name__)

MAX_BATCH = 500


class EventWriter:
    def __init__(self) -> None:
        self._queue: asyncio.Queue = asyncio.Queue()
        self._task: asyncio.Task | None = None

    async def record(self, pending: actions.PendingEvent):
        """Store ``pending`` with the next batch: the stored event, or None if the lesson is not live."""
        future = asyncio.get_running_loop().create_future()
        self._queue.put_nowait((pending, future))
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._run(), name="lesson-event-writer")
        return await future

    async def _run(self) -> None:
        while True:
            batch = [await self._queue.get()]
            while not self._queue.empty() and len(batch) < MAX_BATCH:
                batch.append(self._queue.get_nowait())
            try:
                stored = await database_sync_to_async(actions.do_record_events)([item for item, _ in batch])
            except Exception as exc:  # nothing was stored: the senders get an error, the writer goes on
                logger.exception("storing %d lesson events failed", len(batch))
                for _, future in batch:
                    if not future.done():
                        future.set_exception(exc)
                continue
            try:
                await broadcast_events([event for event in stored if event is not None])
            except Exception:  # stored all the same: clients get these events when they next resume
                logger.exception("broadcasting %d lesson events failed", len(stored))
            for (_, future), event in zip(batch, stored, strict=True):
                if not future.done():
                    future.set_result(event)


_writers: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def writer() -> EventWriter:
    """The writer of the running event loop (one per server process; tests may run several loops)."""
    loop = asyncio.get_running_loop()
    if loop not in _writers:
        _writers[loop] = EventWriter()
    return _writers[loop]
