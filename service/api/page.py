"""The newsroom page (GET /), its static files, and the API docs served without a CDN.

Everything the page and the docs load comes from this server: the page's files ship in
service/static/ (package data, no build step), and the Swagger UI and ReDoc bundles come from
the `fastapi-offline` wheel (MIT; Swagger UI is Apache-2.0, ReDoc MIT), pinned by hash in
requirements/offline-docs.txt.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from fastapi import APIRouter, FastAPI, Request
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html, get_swagger_ui_oauth2_redirect_html
from fastapi.responses import FileResponse, HTMLResponse, Response
from fastapi.staticfiles import StaticFiles

STATIC = Path(__file__).resolve().parent.parent / "static"

router = APIRouter()


@router.get("/", include_in_schema=False)
def index() -> FileResponse:
    return FileResponse(STATIC / "index.html", media_type="text/html", headers={"Cache-Control": "no-cache"})


def _docs_assets() -> Path:
    import fastapi_offline  # the wheel ships swagger-ui-bundle.js, swagger-ui.css, redoc.standalone.js

    return Path(fastapi_offline.__file__).resolve().parent / "static"


# ReDoc's bundle draws the "API docs by Redocly" logo from Redocly's CDN (a hard-coded URL, no
# option turns it off); served with that one URL blanked, the image fails quietly and is hidden.
_REDOC_LOGO = b"https://cdn.redoc.ly/redoc/logo-mini.svg"


@lru_cache(maxsize=1)
def _redoc_bundle() -> bytes:
    return (_docs_assets() / "redoc.standalone.js").read_bytes().replace(_REDOC_LOGO, b"data:,")


def install(app: FastAPI) -> None:
    """Mount /static and replace FastAPI's CDN-backed /docs and /redoc with local copies."""
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.mount("/static-docs", StaticFiles(directory=_docs_assets()), name="docs-assets")

    docs_url, redoc_url = app.docs_url or "/docs", app.redoc_url or "/redoc"
    oauth_url = app.swagger_ui_oauth2_redirect_url or "/docs/oauth2-redirect"
    app.router.routes[:] = [r for r in app.router.routes if getattr(r, "path", None) not in {docs_url, redoc_url, oauth_url}]
    app.docs_url = app.redoc_url = None

    @app.get(docs_url, include_in_schema=False)
    def swagger(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "")
        return get_swagger_ui_html(
            openapi_url=f"{root}{app.openapi_url}", title=f"{app.title} - Swagger UI",
            oauth2_redirect_url=f"{root}{oauth_url}",
            swagger_js_url=f"{root}/static-docs/swagger-ui-bundle.js",
            swagger_css_url=f"{root}/static-docs/swagger-ui.css",
            swagger_favicon_url=f"{root}/static-docs/favicon.png",
            # no badge from the public validator service: nothing may leave the server
            swagger_ui_parameters={**(app.swagger_ui_parameters or {}), "validatorUrl": None},
        )

    @app.get(oauth_url, include_in_schema=False)
    def swagger_redirect() -> HTMLResponse:
        return get_swagger_ui_oauth2_redirect_html()

    @app.get(f"{redoc_url}/redoc.standalone.js", include_in_schema=False)
    def redoc_js() -> Response:
        return Response(_redoc_bundle(), media_type="text/javascript", headers={"Cache-Control": "public, max-age=86400"})

    @app.get(redoc_url, include_in_schema=False)
    def redoc(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "")
        return get_redoc_html(
            openapi_url=f"{root}{app.openapi_url}", title=f"{app.title} - ReDoc",
            redoc_js_url=f"{root}{redoc_url}/redoc.standalone.js",
            redoc_favicon_url=f"{root}/static-docs/favicon.png", with_google_fonts=False,
        )
