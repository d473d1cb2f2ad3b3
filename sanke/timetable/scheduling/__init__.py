"""The co-scheduler of sync-course series.

- ``solver``: the CP-SAT model and the greedy baseline over small dataclasses, pure Python (no Django), so
  the benchmark and the tests build problems directly; it also says, as plain items, why a series cannot
  be placed.
- ``instance``: builds the solver's problem from the database (period grids, busy times).
- ``explanations``: turns the solver's explanation items into sentences in the reader's language.

This package imports nothing itself, so importing ``solver`` does not need Django.
"""
