"""Settings of a Celery worker started by the tests: the platform's, on the tests' database."""

import os

from sanke.settings import *  # noqa: F403
from sanke.settings import DATABASES

if os.environ.get("SANKE_TEST_DATABASE_NAME"):
    DATABASES["default"]["NAME"] = os.environ["SANKE_TEST_DATABASE_NAME"]
