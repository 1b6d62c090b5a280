"""The web app: a JSON API over the library, one offline map page and the API's docs.

The endpoints live in routers (:mod:`corridor.web.routers`), one per concern, and reach the
app's shared state through a dependency (:class:`corridor.web.context.WebContext`). Each is
one library call. No request can name a file on the server: scenarios are
named (built-in or saved in the results store) and names must match :data:`NAME`; static files
come only from the package's asset folder; request bodies are capped at :data:`MAX_BODY` bytes.
"""

from __future__ import annotations

import importlib.util
import re
from importlib import resources
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import FileResponse, JSONResponse
from fastapi.staticfiles import StaticFiles

from corridor.errors import CorridorError, DataError, NoRouteError, ScenarioError, StoreError, UnknownNodeError
from corridor.settings import Settings
from corridor.web.context import NAME_PATTERN, WebContext
from corridor.web.routers import docs, impact, news, places, routes, scenarios

__all__ = ["MAX_BODY", "NAME", "create_app"]

MAX_BODY = 1_000_000
"""The largest request body accepted, in bytes."""
NAME = re.compile(NAME_PATTERN)
"""What a scenario name may look like: never a path."""
ASSETS = Path(str(resources.files("corridor").joinpath("web", "assets")))
STATUS = {UnknownNodeError: 404, NoRouteError: 404, StoreError: 409, ScenarioError: 422, DataError: 422}


def _status(err: CorridorError) -> int:
    return next((code for kind, code in STATUS.items() if isinstance(err, kind)), 422)


class _Limit:
    """ASGI middleware: refuse a body over MAX_BODY with 413, whether or not it says its length."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = dict(scope.get("headers") or []).get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > MAX_BODY):
            await JSONResponse({"detail": f"request body over {MAX_BODY:,} bytes"}, status_code=413)(
                scope, receive, send
            )
            return
        seen = 0

        async def capped() -> Any:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > MAX_BODY:
                raise _TooLargeError
            return message

        try:
            await self.app(scope, capped, send)
        except _TooLargeError:
            await JSONResponse({"detail": f"request body over {MAX_BODY:,} bytes"}, status_code=413)(
                scope, receive, send
            )


class _TooLargeError(Exception):
    pass


def create_app(settings: Settings | None = None) -> FastAPI:
    """The corridor web app (FastAPI): the JSON API under ``/api``, the map page at ``/`` and the
    API's documentation at ``/docs`` and ``/redoc``, all served from the package (no CDN).

    Parameters
    ----------
    settings
        Where the results store is (default: :meth:`corridor.settings.Settings.from_env`).

    Returns
    -------
    fastapi.FastAPI
        Serve it with uvicorn (``corridor serve``; ``--workers`` for several processes).

    Examples
    --------
    >>> paths = create_app().openapi()["paths"]
    >>> "/api/routes" in paths, sorted(paths["/api/scenarios"])
    (True, ['get', 'post'])
    """
    app = FastAPI(
        title="corridor",
        version=_version(),
        description="Trade-corridor routes, scenarios and impacts over the Eurasian network.",
        docs_url=None,
        redoc_url=None,
    )
    app.state.context = WebContext(settings or Settings.from_env())
    app.add_middleware(_Limit)
    app.add_exception_handler(CorridorError, _corridor_error)  # type: ignore[arg-type]
    for router in (places.router, routes.router, scenarios.router, impact.router, docs.router):
        app.include_router(router)
    if importlib.util.find_spec("corridor.news") is not None:
        from corridor.web._incidents import incidents_router

        app.include_router(news.router)
        context: WebContext = app.state.context
        app.include_router(incidents_router(lambda: context.settings.results_path))
    app.mount("/static", StaticFiles(directory=ASSETS), name="static")
    app.add_api_route("/", _page, include_in_schema=False)
    return app


def _page() -> FileResponse:
    return FileResponse(ASSETS / "index.html", media_type="text/html")


async def _corridor_error(_: Request, err: CorridorError) -> JSONResponse:
    body: dict[str, Any] = {"detail": _for_the_page(err)}
    if isinstance(err, UnknownNodeError):
        body["suggestions"] = [ident for _, ident in err.suggestions]
        body["suggestion_labels"] = [{"label": label, "id": ident} for label, ident in err.suggestions]
    return JSONResponse(body, status_code=_status(err))


def _for_the_page(err: CorridorError) -> str:
    """The error's message, less advice that only makes sense at a command line."""
    text = str(err)
    if isinstance(err, UnknownNodeError) and not err.suggestions:
        text = f"no place called {err.name!r} on the network; type a few letters and pick one of the suggestions"
    return text


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("corridor")
    except PackageNotFoundError:  # run from a source tree that was never installed
        return "0+unknown"
