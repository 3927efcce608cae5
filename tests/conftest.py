"""Shared fixtures. AWS is emulated in-process by moto's `mock_aws`; fake
credentials and no endpoint make sure nothing can reach real AWS."""
import json
import os
from datetime import datetime

# Before anything imports boto3 or the app.
from scripts import emulation  # noqa: E402

emulation.apply(emulation.environment())

import pytest  # noqa: E402
from moto import mock_aws  # noqa: E402

from chalicelib import clock  # noqa: E402
from chalicelib.clock import VIETNAM  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEMO_DIR = os.path.join(ROOT, "data", "demo")
# A moment inside phase 1 of the demo's current edition (sk2627-gd1).
DEFAULT_NOW = datetime(2026, 11, 21, 10, 0, tzinfo=VIETNAM)


def demo_users() -> dict:
    with open(os.path.join(DEMO_DIR, "users.json"), encoding="utf-8") as f:
        return {user["id"]: user for user in json.load(f)["users"]}


@pytest.fixture(scope="session")
def aws():
    """moto for the whole session, with the tables made and the demo reference data loaded."""
    with mock_aws():
        import boto3

        from chalicelib import settings, tables
        from chalicelib.reference import loader

        tables.create_tables(wait=False)
        loader.load(loader.read_directory(DEMO_DIR), boto3.client("dynamodb"), settings.table_name("reference"))
        yield


@pytest.fixture
def fresh_tables(aws):
    """Empty initiatives and idempotency tables for this test (reference data stays)."""
    from chalicelib import tables
    from chalicelib.reference import catalog

    for model in (tables.SubmissionRecord, tables.IdempotencyRecord):
        if model.exists():
            model.delete_table()
    tables.create_tables(wait=False)
    catalog.clear_cache()
    yield


@pytest.fixture
def now():
    """Freeze the app's clock; returns a setter. Defaults to DEFAULT_NOW."""
    moment = {"value": DEFAULT_NOW}
    clock.set_clock(lambda: moment["value"])

    def set_now(value: datetime):
        moment["value"] = value
    yield set_now
    clock.set_clock(lambda: datetime.now(VIETNAM))


class Api:
    """The app through chalice's test client, as a given demo user."""

    def __init__(self, client):
        self.client = client
        self.users = demo_users()

    def token(self, user_id: str) -> str:
        from chalicelib.auth import tokens
        return tokens.issue_local(self.users[user_id])

    def request(self, method: str, path: str, body=None, user: str | None = None, headers=None, raw=None):
        all_headers = {"Content-Type": "application/json", **(headers or {})}
        if user:
            all_headers["Authorization"] = f"Bearer {self.token(user)}"
        payload = raw if raw is not None else (json.dumps(body, ensure_ascii=False).encode() if body is not None else None)
        response = self.client.http.request(method, path, headers=all_headers, body=payload or b"")
        return response

    def json(self, method: str, path: str, body=None, user=None, headers=None, raw=None):
        response = self.request(method, path, body, user, headers, raw)
        return response.status_code, (json.loads(response.body) if response.body else None)


@pytest.fixture
def api(fresh_tables, now):
    from chalice.test import Client

    from app import app

    with Client(app, stage_name="local") as client:
        yield Api(client)


def initiative(**overrides) -> dict:
    """A valid submission body for the Rạng Đông grassroots union (tests/events/submission.json)."""
    with open(os.path.join(ROOT, "tests", "events", "submission.json"), encoding="utf-8") as f:
        body = json.load(f)
    body.update(overrides)
    return body
