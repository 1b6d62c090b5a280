"""``corridor serve``: the web app on this machine (loopback unless told otherwise)."""

from __future__ import annotations

import os

import typer

from corridor.cli import _shell as sh
from corridor.errors import RequestError

MAX_WORKERS = 32
"""The most server processes ``--workers`` starts (each holds its own copy of the network)."""


@sh.app.command()
def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on (default: this machine only)."),
    port: int = typer.Option(8000, "--port", help="Port to listen on."),
    workers: int = typer.Option(
        1,
        "--workers",
        help="Server processes answering requests side by side (one per core serves several people at once); "
        "jobs and saved scenarios are shared through the results store.",
    ),
) -> None:
    """The map page and JSON API at http://HOST:PORT/ (offline: no request leaves this machine)."""
    if not 1 <= port <= 65535:
        raise sh.fail(RequestError(f"--port is {port}; expected 1 to 65535"))
    if not 1 <= workers <= MAX_WORKERS:
        raise sh.fail(RequestError(f"--workers is {workers}; expected 1 to {MAX_WORKERS}"))
    if host not in ("127.0.0.1", "localhost", "::1"):
        sh.err_console.print(
            f"[bold yellow]warning:[/] listening on {host}: other machines can reach this server; it has no login"
        )
    import uvicorn

    from corridor.settings import ENV_RESULTS, Settings

    os.environ[ENV_RESULTS] = str(Settings.from_env().results_path)  # every worker process uses the same store
    print(f"corridor: http://{'127.0.0.1' if host in ('0.0.0.0', '::') else host}:{port}/  (Ctrl-C to stop)")
    uvicorn.run("corridor.web:create_app", factory=True, host=host, port=port, workers=workers, log_level="warning")
