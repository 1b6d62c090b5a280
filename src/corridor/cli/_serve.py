"""``corridor serve``: the web app on this machine (loopback unless told otherwise)."""

from __future__ import annotations

import typer

from corridor.cli import _shell as sh
from corridor.errors import RequestError


@sh.app.command()
def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on (default: this machine only)."),
    port: int = typer.Option(8000, "--port", help="Port to listen on."),
) -> None:
    """The map page and JSON API at http://HOST:PORT/ (offline: no request leaves this machine)."""
    if not 1 <= port <= 65535:
        raise sh.fail(RequestError(f"--port is {port}; expected 1 to 65535"))
    if host not in ("127.0.0.1", "localhost", "::1"):
        sh.err_console.print(
            f"[bold yellow]warning:[/] listening on {host}: other machines can reach this server; it has no login"
        )
    import uvicorn

    from corridor.web import create_app

    print(f"corridor: http://{'127.0.0.1' if host in ('0.0.0.0', '::') else host}:{port}/  (Ctrl-C to stop)")
    uvicorn.run(create_app(), host=host, port=port, log_level="warning")
