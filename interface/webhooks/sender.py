"""Post one delivery: signed, with a timeout, redirects not followed, and the outcome
reduced to what the attempt log keeps (the status, or a few words on why none came)."""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from datetime import datetime
from typing import Any

from application.webhooks import Attempt
from application.webhooks_delivery import DueDelivery
from interface.webhooks.signing import webhook_headers


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect is an answer other than 2xx: logged as such, not followed (a body
    and its signature go to the URL the clinic registered, nowhere else)."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_OPENER = urllib.request.build_opener(_NoRedirects)


class WebhookSender:
    def __init__(self, timeout_seconds: float) -> None:
        self.timeout_seconds = timeout_seconds

    def __call__(self, delivery: DueDelivery, at: datetime) -> Attempt:
        body = delivery.body.encode("utf-8")
        headers = webhook_headers(delivery.secret, delivery.id, int(at.timestamp()), body)
        # The URL was checked to be https (or http to this machine) when registered.
        request = urllib.request.Request(  # noqa: S310
            delivery.url, data=body, headers=headers, method="POST"
        )
        started = time.monotonic()
        status: int | None = None
        error: str | None = None
        try:
            with _OPENER.open(request, timeout=self.timeout_seconds) as answer:
                status = answer.status
                answer.read(64 * 1024)  # a receiver's body is not kept
        except urllib.error.HTTPError as refused:
            status = refused.code
            error = f"HTTP {refused.code}"
            refused.close()
        except TimeoutError:
            error = "timed out"
        except (urllib.error.URLError, OSError) as failure:
            reason = getattr(failure, "reason", failure)
            error = f"no answer: {type(reason).__name__}"
        duration_ms = int((time.monotonic() - started) * 1000)
        return Attempt(at, status, error, duration_ms)
