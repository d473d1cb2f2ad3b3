"""Settings of ``bench/pages.py``'s servers: the platform's own, plus one URL that only the bench serves.

The baseline of the bench is a minimal Django view answered by the same server, settings and middleware
as the pages (sessions, authentication, CSRF, CSP, the idle timeout...), so the ratio measures what the
pages themselves cost. The view is added here, in the bench's own settings module, and never becomes a
route of the product.
"""

from sanke.settings import *  # noqa: F403

ROOT_URLCONF = "bench.pages_urls"
