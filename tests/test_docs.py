"""Every function the package exports documents itself the numpydoc way, with an example that runs.

The examples themselves run as doctests (``--doctest-modules`` on ``src/``), so they cannot rot.
"""

from __future__ import annotations

import inspect

import pytest

import corridor

FUNCTIONS = sorted(name for name in corridor.__all__ if inspect.isfunction(getattr(corridor, name)))


def test_the_analyses_are_exported():
    wanted = {"shortest_route", "k_shortest_routes", "pareto_routes", "assign", "impact", "transit_dependency",
              "criticality", "risk", "appraise"}  # fmt: skip
    assert wanted <= set(FUNCTIONS)


@pytest.mark.parametrize("name", FUNCTIONS)
def test_exported_function_has_numpydoc_sections(name):
    function = getattr(corridor, name)
    doc = inspect.getdoc(function) or ""
    sections = ["Returns", "Examples"] + (["Parameters"] if inspect.signature(function).parameters else [])
    for section in sections:
        assert f"\n{section}\n{'-' * len(section)}\n" in doc, f"corridor.{name} has no {section} section"
    assert ">>> " in doc.split("Examples")[-1], f"corridor.{name}'s Examples section has no example"


@pytest.mark.parametrize("name", FUNCTIONS)
def test_a_function_that_raises_says_so(name):
    source = inspect.getsource(getattr(corridor, name))
    body = source.split('"""', 2)[-1]
    if "raise " in body:
        assert "\nRaises\n------\n" in (inspect.getdoc(getattr(corridor, name)) or ""), f"corridor.{name} raises"
