"""Errors only the HTTP layer knows (mapped to problems in ``interface.http.problems``)."""


class MalformedIfMatchError(Exception):
    """If-Match names no version."""
