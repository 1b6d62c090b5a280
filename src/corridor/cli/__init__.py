"""The ``corridor`` command: parse input, call one library function, render the result.

Each module registers its commands on the Typer app of :mod:`corridor.cli._shell`:
:mod:`~corridor.cli._routes` (routes, network), :mod:`~corridor.cli._flow` (assign, impact),
:mod:`~corridor.cli._sweeps` (criticality, risk, invest), :mod:`~corridor.cli._store` (results,
scenario, demo), :mod:`~corridor.cli._serve` (serve), :mod:`~corridor.cli._news` (news draft), :mod:`~corridor.cli._monitor` (news ingest, incidents, scenario, watch). Nothing in the library imports this package.
"""

from __future__ import annotations

from corridor.cli import _calibrate, _flow, _monitor, _news, _routes, _serve, _store, _sweeps  # noqa: F401 - importing registers the commands
from corridor.cli._shell import app

__all__ = ["app", "main"]


def main() -> None:
    """Entry point of the ``corridor`` script: an unexpected error is one line and exit code 1
    (``--debug`` shows its traceback); corridor's own errors have their codes (errors.py)."""
    import sys

    from corridor.cli._shell import DEBUG, err_console

    try:
        app()
    except (KeyboardInterrupt, SystemExit):
        raise
    except Exception as err:
        if DEBUG["on"]:
            raise
        err_console.print("[bold red]error:[/] ", end="")
        err_console.print(
            f"{type(err).__name__}: {err} (an unexpected failure; run again with --debug for the traceback "
            "and report it)",
            markup=False,
            highlight=False,
            soft_wrap=True,
        )
        sys.exit(1)
