"""The API docs (Swagger UI) served from the app itself, under the pages' CSP.

FastAPI's own /docs and /redoc load their scripts from a CDN and start Swagger UI with an
inline script: they fail offline, and would need a CSP that trusts another host. Here the
assets come from the pinned ``fastapi-offline`` package (Swagger UI, Apache-2.0) and the
initializer is a served script, so the page works under ``script-src 'self'``. ReDoc is
not served: it injects inline styles, which the CSP refuses.
"""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any

import fastapi_offline
from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, Response
from starlette.staticfiles import StaticFiles

from interface.http.openapi_answers import declare_answers
from interface.presentation.page_headers import secured

ASSETS = Path(fastapi_offline.__file__).parent / "static"
ASSETS_PATH = "/docs/assets"
INITIALIZER_PATH = "/docs/swagger-initializer.js"

PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{title} - API docs</title>
<link rel="stylesheet" href="{root}{assets}/swagger-ui.css">
<link rel="icon" type="image/png" href="{root}{assets}/favicon.png">
</head>
<body>
<div id="swagger-ui"></div>
<script src="{root}{assets}/swagger-ui-bundle.js"></script>
<script src="{root}{initializer}"></script>
</body>
</html>
"""

# validatorUrl null: Swagger UI would otherwise send the document to an outside validator.
INITIALIZER = """window.ui = SwaggerUIBundle({{
  url: {openapi_url},
  dom_id: "#swagger-ui",
  deepLinking: true,
  validatorUrl: null,
  presets: [SwaggerUIBundle.presets.apis, SwaggerUIBundle.SwaggerUIStandalonePreset],
  layout: "BaseLayout",
}});
"""


def install_docs(app: FastAPI) -> None:
    """Serve /docs from the package; build the app with ``docs_url=None, redoc_url=None``.
    The OpenAPI document it shows declares every answer as sent (``openapi_answers``)."""
    generated = app.openapi

    def openapi() -> dict[str, Any]:
        # Built on first use, after every route is registered; FastAPI caches it.
        if app.openapi_schema is None:
            app.openapi_schema = declare_answers(generated())
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    app.mount(ASSETS_PATH, StaticFiles(directory=ASSETS), name="docs-assets")

    @app.get("/docs", include_in_schema=False)
    def docs_page(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "")
        page = PAGE.format(
            title=html.escape(app.title),
            root=html.escape(root),
            assets=ASSETS_PATH,
            initializer=INITIALIZER_PATH,
        )
        answer = HTMLResponse(page)
        secured(answer)
        return answer

    @app.get(INITIALIZER_PATH, include_in_schema=False)
    def docs_initializer(request: Request) -> Response:
        openapi_url = f"{request.scope.get('root_path', '')}{app.openapi_url}"
        script = INITIALIZER.format(openapi_url=json.dumps(openapi_url))
        return Response(script, media_type="text/javascript")
