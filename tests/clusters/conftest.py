"""Fixtures for the clusters tests; the shared data lives in cluster_fixtures.py.

Test modules import that module by its own name: `from conftest import …` resolves to whichever
conftest.py pytest imported last, so it broke depending on which folders a run collected.
"""

from cluster_fixtures import _home, corpus  # noqa: F401  (pytest finds fixtures by name here)
