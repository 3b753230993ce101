"""The security headers of every HTML page the service serves: the dashboard's pages and
the API's offline docs."""

from __future__ import annotations

from starlette.responses import Response

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
)
PAGE_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    # Not the API's no-referrer: under it browsers send "Origin: null" with a form post,
    # and the Origin check against cross-site posts needs the real one. Still nothing
    # leaves the site.
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}


def secured(response: Response) -> Response:
    for name, value in PAGE_HEADERS.items():
        response.headers[name] = value
    return response
