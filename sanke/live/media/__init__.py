"""The media of live lessons, which Django never carries itself.

- ``backend``: which backend serves the lessons (a Janus VideoRoom, or peer-to-peer).
- ``janus``: a small client of Janus' HTTP API (the control plane), and Janus' signed tokens.
- ``rooms``: one Janus VideoRoom per lesson: created when the lesson starts, destroyed after it ends.
- ``config``: the configuration folder of the local Janus server (``manage.py janus_config``).
"""
