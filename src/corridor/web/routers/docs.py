"""The API's documentation pages, Swagger UI at ``/docs`` and ReDoc at ``/redoc``, from the
vendored copies in the package (FastAPI's defaults load them from a CDN, so offline they are blank)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import HTMLResponse

router = APIRouter(include_in_schema=False)

VENDOR = "static/vendor"
"""Where the vendored libraries are served, relative to the app's root."""


def _root(request: Request) -> str:
    return str(request.scope.get("root_path", "")).rstrip("/")


@router.get("/docs")
def swagger(request: Request) -> HTMLResponse:
    root = _root(request)
    return get_swagger_ui_html(
        openapi_url=f"{root}/openapi.json",
        title="corridor API",
        swagger_js_url=f"{root}/{VENDOR}/swagger-ui/swagger-ui-bundle.js",
        swagger_css_url=f"{root}/{VENDOR}/swagger-ui/swagger-ui.css",
        swagger_favicon_url=f"{root}/{VENDOR}/swagger-ui/favicon-32x32.png",
        swagger_ui_parameters={"validatorUrl": None},  # no badge fetched from the online validator
    )


@router.get("/redoc")
def redoc(request: Request) -> HTMLResponse:
    root = _root(request)
    return get_redoc_html(
        openapi_url=f"{root}/openapi.json",
        title="corridor API",
        redoc_js_url=f"{root}/{VENDOR}/redoc/redoc.standalone.js",
        redoc_favicon_url=f"{root}/{VENDOR}/swagger-ui/favicon-32x32.png",
        with_google_fonts=False,
    )
