"""The live-lesson quiz storm of ``bench/realtime.py``: its throwaway world, servers, clients and report.

``bench/realtime.py`` is the entry point (options, the order of a run, ``--serve-baseline``) and documents
the benchmark; this package holds the parts it puts together:

- ``environment``: the run's temporary directory, database and Redis database, removed at the end;
- ``world``: live lessons built through the apps' actions, and a session per member;
- ``servers``: sanke under uvicorn and the bare ``websockets`` baseline, as subprocesses of the run;
- ``cpu``: CPU seconds from ``/proc`` and py-spy samples of the server, over the storm only;
- ``clients``: one simulated host page or classroom terminal: joining, reading, sending;
- ``storm``: every client at once, the quiz storm, and what it measured;
- ``report``: the table and the lines under it.

Nothing here imports Django or the platform when it is imported: the baseline server's process needs
neither, and ``world.setup_django`` puts the checkout on the path first.
"""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]  # the checkout: manage.py, sanke/, bench/
