"""What the tests share: the demo world and its personas, browsers, servers, uploads, clocks, query counts.

``sanke/conftest.py`` turns these into fixtures; docs/testing.md explains how the harness works.

- ``world``: the session's demo world, built once and rolled back per test (the only import of the loader);
- ``personas``: the named people of that world (``county_admin``, ``outsider``, …);
- ``browser``: Chromium's launch arguments and pages logged in as someone;
- ``servers``: a free port and the platform under uvicorn in its own process;
- ``uploads``: .xlsx/.csv files for the import page;
- ``factories``: ID card numbers and sync series placed on the timetable;
- ``clock``: ``@pytest.mark.clock`` for tests that mean a certain moment;
- ``queries``: counting the queries a piece of code sends.
"""
