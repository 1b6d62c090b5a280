"""The API's documentation pages, Swagger UI at ``/docs`` and ReDoc at ``/redoc``, from the
vendored copies in the package (FastAPI's defaults load them from a CDN, so offline they are blank)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse

router = APIRouter(include_in_schema=False)

VENDOR = "static/vendor"
"""Where the vendored libraries are served, relative to the app's root."""


CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-inline' blob:; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; font-src 'self' data:; worker-src 'self' blob:; connect-src 'self'"
)
"""The docs pages may load nothing from another host (ReDoc's sidebar would fetch its maker's logo)."""


def _offline(page: HTMLResponse) -> HTMLResponse:
    page.headers["Content-Security-Policy"] = CSP
    return page


def _root(request: Request) -> str:
    return str(request.scope.get("root_path", "")).rstrip("/")


@router.get("/docs")
def swagger(request: Request) -> HTMLResponse:
    root = _root(request)
    return _offline(
        get_swagger_ui_html(
            openapi_url=f"{root}/openapi.json",
            title="corridor API",
            swagger_js_url=f"{root}/{VENDOR}/swagger-ui/swagger-ui-bundle.js",
            swagger_css_url=f"{root}/{VENDOR}/swagger-ui/swagger-ui.css",
            swagger_favicon_url=f"{root}/{VENDOR}/swagger-ui/favicon-32x32.png",
            swagger_ui_parameters={"validatorUrl": None},  # no badge fetched from the online validator
        )
    )


REDOC_PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>corridor API</title>
<link rel="icon" href="{root}/{vendor}/swagger-ui/favicon-32x32.png">
<style>body {{ margin: 0; padding: 0; }}</style>
</head>
<body>
<script>
// ReDoc's sidebar loads its maker's logo from a CDN: give it an empty image instead (it then hides it),
// so that the page asks no other host for anything.
const offHost = (value) => (typeof value === "string" && /^https?:/.test(value) ? "data:," : value);
const setAttribute = Element.prototype.setAttribute;
Element.prototype.setAttribute = function (name, value) {{
  return setAttribute.call(this, name, name === "src" ? offHost(value) : value);
}};
const src = Object.getOwnPropertyDescriptor(HTMLImageElement.prototype, "src");
Object.defineProperty(HTMLImageElement.prototype, "src", {{
  get() {{ return src.get.call(this); }},
  set(value) {{ src.set.call(this, offHost(value)); }},
}});
</script>
<redoc spec-url="{root}/openapi.json"></redoc>
<script src="{root}/{vendor}/redoc/redoc.standalone.js"></script>
</body>
</html>
"""


@router.get("/redoc")
def redoc(request: Request) -> HTMLResponse:
    return _offline(HTMLResponse(REDOC_PAGE.format(root=_root(request), vendor=VENDOR)))
