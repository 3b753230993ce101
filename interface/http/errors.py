"""Errors only the HTTP layer knows (mapped to problems in ``interface.http.problems``)."""


class MalformedIfMatch(Exception):  # noqa: N818
    """If-Match names no version."""
