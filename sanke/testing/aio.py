"""Running a coroutine from a synchronous test.

The session's Playwright driver keeps an event loop running on the main thread once a browser test has
run, so ``asyncio.run`` there fails ("cannot be called from a running event loop") depending on which tests
ran before. A fresh loop in a worker thread works whatever the order.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")


def run_async(coroutine_factory: Callable[[], Coroutine[Any, Any, T]], timeout: float = 60) -> T:
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine_factory()).result(timeout=timeout)
