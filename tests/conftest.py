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


def _roomy(call):
    return call()


# CPython 3.11 keeps Python frames in 16 KiB "data stack" chunks: a call that
# does not fit in the current chunk mmaps a new one, and its return munmaps it
# (gh-142183; 3.13.x and 3.14 keep one chunk cached instead). A hot loop of
# Python calls sitting right at a chunk's end, like moto comparing DynamoType
# keys in `sorted()` on every query, pays an mmap+munmap per call: seconds per
# test (strace: 1.2 million 16 KiB mmaps in one test), and which tests suffer
# changes whenever the stack depth does, so an extra frame here or there only
# moves the boundary. A frame of ~256 KiB gets a 512 KiB chunk of its own and
# everything it calls runs in the other half of that chunk, so no test comes
# near a chunk's end. Harmless on 3.13+.
_roomy.__code__ = _roomy.__code__.replace(co_stacksize=1 << 15)
_in_roomy = False


@pytest.hookimpl(tryfirst=True)
def pytest_runtestloop(session):
    """Run the whole test loop (pytest's own hook, called again) inside `_roomy`."""
    global _in_roomy
    if _in_roomy:
        return None  # the inner call: on to pytest's own implementation
    _in_roomy = True
    try:
        return _roomy(lambda: session.config.hook.pytest_runtestloop(session=session))
    finally:
        _in_roomy = False


def pytest_configure(config):
    config.addinivalue_line("markers", "integration: runs against the emulated AWS (moto): the app, its tables, "
                                       "its stream; `-m 'not integration and not e2e'` runs the pure core alone")


def pytest_collection_modifyitems(config, items):
    # A test is an integration test exactly when it asks for the emulated AWS, directly
    # or through another fixture (api, pages, stream, fresh_tables all do).
    for item in items:
        if "aws" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.integration)


def demo_users() -> dict:
    with open(os.path.join(DEMO_DIR, "users.json"), encoding="utf-8") as f:
        return {user["id"]: user for user in json.load(f)["users"]}


@pytest.fixture(scope="session")
def aws():
    """moto for the whole session, with the tables made and the demo reference data loaded."""
    emulation.dynamodb_like_aws()
    with mock_aws():
        from chalicelib.reference import loader

        emulation.prepare()
        loader.load(loader.read_directory(DEMO_DIR))
        yield


@pytest.fixture
def fresh_tables(aws):
    """Empty tables for this test (reference data stays)."""
    from chalicelib import tables
    from chalicelib.reference import catalog

    for kind, table in tables.TABLES.items():
        if kind != "reference" and table.model.exists():
            table.model.delete_table()
    emulation.prepare()
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


class Pages:
    """The web pages through chalice's test client, as a browser signed in as a
    demo user would ask for them (session cookie, form posts, same origin)."""

    HOST = "127.0.0.1:8000"

    def __init__(self, client):
        self.client = client
        self.users = demo_users()

    def cookie(self, user_id: str | None, lang: str | None = None) -> str:
        from chalicelib.auth import tokens

        parts = [f"sk_session={tokens.issue_local(self.users[user_id])}"] if user_id else []
        return "; ".join(parts + ([f"sk_lang={lang}"] if lang else []))

    def get(self, path: str, user: str | None = None, lang: str | None = None, headers=None):
        return self.client.http.get(path, headers={"Host": self.HOST, "Cookie": self.cookie(user, lang),
                                                   **(headers or {})})

    def post(self, path: str, form, user: str | None = None, lang: str | None = None, headers=None):
        """Post `form` (a dict, or a list of (name, value) pairs for repeated names) as a browser would."""
        from urllib.parse import urlencode

        return self.client.http.post(path, body=urlencode(form).encode("utf-8"), headers={
            "Host": self.HOST, "Origin": f"http://{self.HOST}", "Cookie": self.cookie(user, lang),
            "Content-Type": "application/x-www-form-urlencoded", **(headers or {})})


@pytest.fixture
def pages(api):
    """The pages, sharing the `api` fixture's app and tables."""
    return Pages(api.client)


def html_text(response) -> str:
    """A page's visible text, whitespace collapsed (for asserting what a reader sees)."""
    import re
    from html import unescape

    body = response.body.decode("utf-8") if isinstance(response.body, bytes) else response.body
    body = re.sub(r"(?s)<(script|style)[^>]*>.*?</\1>", " ", body)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", body)).split())


class Stream:
    """The initiatives table's stream, delivered to the app's stream handlers
    through chalice's test client, as Lambda would (but only when asked)."""

    from chalicelib.streams import HANDLERS

    def __init__(self, client):
        from chalicelib import settings
        from scripts.stream_feeder import StreamFeeder

        self.client = client
        self.feeder = StreamFeeder(settings.table_name("initiatives"))

    def records(self) -> list[dict]:
        """The records written since the last call."""
        return self.feeder.poll()

    def deliver(self, records: list[dict], handlers=HANDLERS) -> dict:
        """Invoke each handler with `records` as one batch; return their answers by name."""
        from scripts.stream_feeder import StreamFeeder

        answers = {}
        for name in handlers:
            answers[name] = self.client.lambda_.invoke(name, StreamFeeder.event(records)).payload
        return answers


@pytest.fixture
def stream(api):
    return Stream(api.client)


def sent_mail() -> list[dict]:
    """Every email the app sent through (moto's) SES, oldest first."""
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.ses.models import ses_backends

    from chalicelib import settings
    backend = ses_backends[DEFAULT_ACCOUNT_ID][settings.region()]
    return list(backend.sent_messages)


def initiative(**overrides) -> dict:
    """A valid submission body for the Rạng Đông grassroots union (tests/events/submission.json)."""
    with open(os.path.join(ROOT, "tests", "events", "submission.json"), encoding="utf-8") as f:
        body = json.load(f)
    body.update(overrides)
    return body
