"""Clients for the two ways in: a page session and the /api/v1/ bearer token; and reading a download."""

from __future__ import annotations

import io

from django.test import Client
from openpyxl import load_workbook

from wangge.accounts.services import api_token_issue

# Axes and the address throttle sit before Django's backend; a forced login names the backend.
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


def force_login(client: Client, user) -> Client:
    """Log ``client`` (pytest-django's ``client`` fixture, say) in as ``user`` and return it."""
    client.force_login(user, backend=MODEL_BACKEND)
    return client


def login(user, **defaults) -> Client:
    """A fresh page client with ``user``'s session; ``defaults`` go to every request (``REMOTE_ADDR=...``)."""
    return force_login(Client(**defaults), user)


def api_client(user, **defaults) -> Client:
    """A plain client that sends ``user``'s bearer token with every request (paths are written in full)."""
    return Client(headers={"Authorization": f"Bearer {api_token_issue(user=user)}"}, **defaults)


class Api:
    """A client of /api/v1/ as ``user`` (bearer token), or anonymous with ``user=None``.

    Paths are relative to /api/v1 (``Api(user).get("/residents", q="张")``); bodies are JSON.
    """

    prefix = "/api/v1"

    def __init__(self, user=None, **defaults):
        defaults.setdefault("REMOTE_ADDR", "10.1.2.3")
        self.client = api_client(user, **defaults) if user is not None else Client(**defaults)

    def get(self, path, **params):
        return self.client.get(f"{self.prefix}{path}", params)

    def post(self, path, body=None):
        return self.client.post(f"{self.prefix}{path}", body if body is not None else {},
                                content_type="application/json")

    def patch(self, path, body):
        return self.client.patch(f"{self.prefix}{path}", body, content_type="application/json")

    def put(self, path, body):
        return self.client.put(f"{self.prefix}{path}", body, content_type="application/json")

    def delete(self, path):
        return self.client.delete(f"{self.prefix}{path}")


def rows_of(response) -> list[list]:
    """The first sheet of an Excel download (streamed or not), as a list of rows of cell values."""
    content = b"".join(response.streaming_content) if response.streaming else response.content
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    return [[c.value for c in row] for row in sheet.iter_rows()]
