"""Our own Standard Webhooks signature is the one the reference package verifies."""

from __future__ import annotations

import base64
import json
import time

import pytest
from standardwebhooks import Webhook, WebhookVerificationError

from application.webhooks import new_message_id, new_secret
from interface.webhooks.signing import webhook_headers


def test_a_new_secret_is_whsec_and_32_random_bytes() -> None:
    secret = new_secret()
    assert secret.startswith("whsec_")
    assert len(base64.b64decode(secret.removeprefix("whsec_"))) == 32
    assert secret != new_secret()


def test_the_reference_package_verifies_our_signature() -> None:
    secret = new_secret()
    body = json.dumps({"type": "ConsentSigned", "data": {"version": 5}}).encode()
    headers = webhook_headers(secret, new_message_id(), int(time.time()), body)
    assert Webhook(secret).verify(body, headers) == json.loads(body)


def test_a_changed_body_or_another_secret_does_not_verify() -> None:
    secret = new_secret()
    body = b'{"type":"ConsentSigned"}'
    headers = webhook_headers(secret, new_message_id(), int(time.time()), body)
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(b'{"type":"JourneyClosed"}', headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(new_secret()).verify(body, headers)
