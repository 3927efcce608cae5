"""schemathesis against docs/openapi.json, in-process: every operation, as a
demo user of each role (member, reviewer, leader, admin), with data the
document allows and data it does not. At least MIN_REQUESTS requests per run
(counted), a fixed seed (the same requests every run), a bounded time; every
answer must be below 500, documented (status, content type, headers) and match
its schema, and data the document forbids must be refused.

The app is reached through chalice's test client (the same gateway as
`chalice local`) behind a small WSGI adapter, which is how schemathesis calls
an app in-process; moto stands in for AWS as in every test.
"""
import time

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

import schemathesis
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance, negative_data_rejection, response_headers_conformance, response_schema_conformance,
    status_code_conformance,
)

from tests.conftest import initiative
from tests.test_openapi import DOC_PATH

MIN_REQUESTS = 1000
ROLES = {"member": "worker-rang-dong", "reviewer": "reviewer-rang-dong", "leader": "leader-ha-noi", "admin": "admin"}
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_headers_conformance,
          response_schema_conformance, negative_data_rejection]
# Not positive_data_acceptance: the rules past the schema (a unit that exists, shares adding to 100, a
# cursor the app handed out, a search word of two letters) refuse requests the schema allows, as the
# document says in those parameters' descriptions; tests/test_openapi_drift.py checks those refusals one by one.
# Examples per operation, role and mode (positive, negative): 20 operations x 4 roles x 2 modes x 8 = 1,280
# requests at most; an operation whose inputs are few (GET /health) runs out of new ones sooner.
EXAMPLES = 8
TIME_BUDGET_SECONDS = 240  # a ceiling, not the aim: 1,184 requests took 26 s on 2 cores (75 s at load 7)


def wsgi(client):
    """A WSGI app that hands each request to chalice's test client as sent (the raw path, headers, body)."""
    from http import HTTPStatus

    def app(environ, start_response):
        path = environ.get("REQUEST_URI") or environ.get("RAW_URI") or environ["PATH_INFO"]
        if "?" not in path and environ.get("QUERY_STRING"):
            path += "?" + environ["QUERY_STRING"]
        headers = {key[5:].replace("_", "-").title(): value for key, value in environ.items()
                   if key.startswith("HTTP_")}
        for key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
            if environ.get(key):
                headers[key.replace("_", "-").title()] = environ[key]
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else b""
        response = client.http.request(environ["REQUEST_METHOD"], path, headers=headers, body=body)
        status = response.status_code
        start_response(f"{status} {HTTPStatus(status).phrase}", [(k, str(v)) for k, v in response.headers.items()])
        return [response.body if isinstance(response.body, bytes) else (response.body or "").encode("utf-8")]
    return app


def _negatable(operation) -> bool:
    """True when the operation takes something the document constrains (a body, a query, a path parameter)."""
    return bool(operation.body or operation.query or operation.path_parameters)


@pytest.fixture
def schema():
    return schemathesis.openapi.from_path(DOC_PATH)


def _known_ids(api) -> dict:
    """Real ids for path parameters, so that some requests reach an existing initiative or list."""
    status, created = api.json("POST", "/submissions", initiative(), user="worker-rang-dong")
    assert status == 201
    return {"submission_id": created["id"], "unit_id": "ldld-ha-noi", "list_id": "ldld-ha-noi~sk2627-gd1~1"}


def test_fuzzing_the_document_finds_no_server_error_and_no_drift(api, schema):
    app = wsgi(api.client)
    known = _known_ids(api)
    tokens = {role: api.token(user) for role, user in ROLES.items()}
    sent, failures, statuses, kinds = [0], [], {}, {}
    started = time.monotonic()

    for result in schema.get_all_operations():
        operation = result.ok()
        op_started, op_sent = time.monotonic(), sent[0]
        for role, token in tokens.items():
            for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
                if mode is GenerationMode.NEGATIVE and not _negatable(operation):
                    continue  # GET /health, GET /dev/users: one free-form header, nothing can break the document
                strategy = operation.as_strategy(generation_mode=mode)

                @settings(max_examples=EXAMPLES, derandomize=True, database=None, deadline=None,
                          phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
                @given(case=strategy, use_known=st.booleans())
                def run(case, use_known):
                    if use_known and mode is GenerationMode.POSITIVE:
                        for name in case.path_parameters or {}:
                            case.path_parameters[name] = known.get(name, case.path_parameters[name])
                    headers = {"Authorization": f"Bearer {token}"}
                    response = case.call(app=app, headers=headers)
                    sent[0] += 1
                    statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
                    by_kind = f"{role} {mode.value} {response.status_code}"
                    kinds[by_kind] = kinds.get(by_kind, 0) + 1
                    try:
                        case.validate_response(response, checks=CHECKS, headers=headers,
                                               transport_kwargs={"app": app})
                    except (Exception, BaseExceptionGroup) as error:  # noqa: BLE001 - collected, then reported at once
                        failures.append(f"{role} {mode.value} {operation.label}: {error}"[:1500])
                run()
        print(f"{operation.label}: {sent[0] - op_sent} requests, {time.monotonic() - op_started:.1f} s")

    elapsed = time.monotonic() - started
    print(f"\nschemathesis: {sent[0]} requests in {elapsed:.1f} s; statuses {sorted(statuses.items())}; "
          f"{len(failures)} failures; {sorted(kinds.items())}")
    assert not failures, f"{len(failures)} of {sent[0]} requests failed a check:\n\n" + "\n\n".join(failures[:15])
    assert sent[0] >= MIN_REQUESTS, f"only {sent[0]} requests were made"
    assert not [s for s in statuses if s >= 500]
    assert elapsed < TIME_BUDGET_SECONDS
