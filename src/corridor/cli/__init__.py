"""The ``corridor`` command: parse input, call one library function, render the result.

Each module registers its commands on the Typer app of :mod:`corridor.cli._shell`:
:mod:`~corridor.cli._routes` (routes, network), :mod:`~corridor.cli._flow` (assign, impact),
:mod:`~corridor.cli._sweeps` (criticality, risk, invest), :mod:`~corridor.cli._store` (results,
scenario, demo). Nothing in the library imports this package.
"""

from __future__ import annotations

from corridor.cli import _flow, _routes, _store, _sweeps  # noqa: F401 - importing registers the commands
from corridor.cli._shell import app

__all__ = ["app", "main"]


def main() -> None:
    """Entry point of the ``corridor`` script."""
    app()
