"""Doctests run with the public API (and the package itself) in scope, on the built-in network."""

import pytest

import corridor


@pytest.fixture(autouse=True)
def _doctest_namespace(doctest_namespace):
    doctest_namespace["corridor"] = corridor
    for name in corridor.__all__:
        doctest_namespace[name] = getattr(corridor, name)
