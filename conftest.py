"""Doctests run with the public API in scope, on the built-in network."""

import pytest

import corridor


@pytest.fixture(autouse=True)
def _doctest_namespace(doctest_namespace):
    for name in corridor.__all__:
        doctest_namespace[name] = getattr(corridor, name)
    from corridor.synthetic import synthetic_network

    doctest_namespace["synthetic_network"] = synthetic_network
