"""docs/openapi.json: valid OpenAPI 3.1, in step with the app's routes, and true
to what the app answers.

The document refers to the JSON Schemas in `schemas/` by relative `$ref`
("../schemas/submission.json"); schema files refer to each other the same way
("submission.json#/$defs/author"). Read as if the document lived at DOC_BASE,
those refs become the schema files' `$id` URLs, so one `referencing` registry
keyed by `$id` resolves them all, and so does a file-based resolver.
"""
import json
import os
from datetime import datetime
from urllib.parse import quote, urljoin

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from chalicelib.clock import VIETNAM
from tests import helpers
from tests.conftest import ROOT, initiative

DOC_PATH = os.path.join(ROOT, "docs", "openapi.json")
SCHEMA_DIR = os.path.join(ROOT, "schemas")
DOC_BASE = "https://sangkien.example/docs/openapi.json"
SCHEMA_BASE = "https://sangkien.example/schemas/"
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
ERROR_SCHEMA = "../schemas/error-response.json"


def _load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


DOC = _load(DOC_PATH)
SCHEMAS = {name: _load(os.path.join(SCHEMA_DIR, name)) for name in sorted(os.listdir(SCHEMA_DIR))
           if name.endswith(".json")}
REGISTRY = Registry().with_resources(
    [(schema["$id"], DRAFT202012.create_resource(schema)) for schema in SCHEMAS.values()]
    + [(DOC_BASE, Resource.from_contents(DOC, default_specification=DRAFT202012))]
).crawl()


def operations():
    """(path, method, operation) for every operation in the document."""
    for path, item in DOC["paths"].items():
        for method in HTTP_METHODS:
            if method in item:
                yield path, method, item[method]


def resolve_doc(node):
    """Follow a Reference Object inside the document (e.g. #/components/headers/...)."""
    while isinstance(node, dict) and "$ref" in node and node["$ref"].startswith("#"):
        node = REGISTRY.resolver(DOC_BASE).lookup(node["$ref"]).contents
    return node


def parameters(path, method):
    item = DOC["paths"][path]
    return [resolve_doc(p) for p in item.get("parameters", []) + item[method].get("parameters", [])]


def app_routes():
    """{(path, method)}: every API route of the Chalice app as conftest configures it
    (STAGE=local). The HTML pages (under /app/, wearing page_view) are not API
    operations; README lists them. Nor is the answer to unknown URLs (/{proxy+}, a 404 for any method)."""
    from app import app

    return {(path, method.lower()): entry for path, methods in app.routes.items() for method, entry in methods.items()
            if not getattr(entry.view_function, "page", False) and not getattr(entry.view_function, "fallback", False)}


def refs(node):
    """Every `$ref` value anywhere in a JSON document."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                yield value
            else:
                yield from refs(value)
    elif isinstance(node, list):
        for item in node:
            yield from refs(item)


# ------------------------------------------------------------ the document itself

# What the test can check without openapi-spec-validator: the outline of an
# OpenAPI 3.1 document as this project writes it.
OUTLINE = {
    "type": "object",
    "required": ["openapi", "info", "servers", "paths", "components", "security"],
    "properties": {
        "openapi": {"type": "string", "pattern": "^3\\.1\\.[0-9]+$"},
        "info": {"type": "object", "required": ["title", "version", "description"],
                 "properties": {"title": {"type": "string"}, "version": {"type": "string"},
                                "description": {"type": "string"}}},
        "servers": {"type": "array", "minItems": 1,
                    "items": {"type": "object", "required": ["url"], "properties": {"url": {"type": "string"}}}},
        "security": {"type": "array", "items": {"type": "object"}},
        "components": {"type": "object", "required": ["securitySchemes"]},
        "paths": {
            "type": "object",
            "propertyNames": {"pattern": "^/"},
            "additionalProperties": {
                "type": "object",
                "propertyNames": {"anyOf": [
                    {"enum": [*HTTP_METHODS, "parameters", "summary", "description", "servers", "$ref"]},
                    {"pattern": "^x-"}]},
            },
        },
    },
}
OPERATION = {
    "type": "object",
    "required": ["operationId", "summary", "responses", "parameters"],
    "properties": {
        "operationId": {"type": "string"},
        "security": {"type": "array"},
        "responses": {
            "type": "object", "minProperties": 1,
            "propertyNames": {"pattern": "^[1-5][0-9][0-9]$"},
            "additionalProperties": {"type": "object", "required": ["description"]},
        },
        "requestBody": {"type": "object", "required": ["content"]},
    },
}


def test_document_has_the_outline_of_openapi_3_1():
    Draft202012Validator(OUTLINE).validate(DOC)
    for path, method, operation in operations():
        Draft202012Validator(OPERATION).validate(operation)
    ids = [operation["operationId"] for _, _, operation in operations()]
    assert len(ids) == len(set(ids)), "operationIds must be unique"
    assert DOC["servers"][0]["url"] == "http://127.0.0.1:8000"
    bearer = DOC["components"]["securitySchemes"]["bearerAuth"]
    assert (bearer["type"], bearer["scheme"], bearer["bearerFormat"]) == ("http", "bearer", "JWT")
    assert DOC["security"] == [{"bearerAuth": []}]
    assert "Accept-Language: en" in DOC["info"]["description"]


def test_document_is_valid_openapi_3_1():
    """The full OpenAPI 3.1 check, schemas and external $refs included.

    openapi-spec-validator is not in requirements-dev.txt: where it is missing
    this test is skipped and the outline test above still runs."""
    validator = pytest.importorskip("openapi_spec_validator")
    validator.validate(DOC, base_uri="file://" + quote(DOC_PATH))


def test_schema_files_are_valid_and_named_by_their_id():
    for name, schema in SCHEMAS.items():
        Draft202012Validator.check_schema(schema)
        assert schema["$id"] == SCHEMA_BASE + name, name
        assert schema.get("$schema") == "https://json-schema.org/draft/2020-12/schema", name


def test_every_schema_ref_resolves():
    """Refs in the document and between schema files, through the registry and on disk."""
    sources = [(DOC_BASE, DOC, os.path.dirname(DOC_PATH))]
    sources += [(schema["$id"], schema, SCHEMA_DIR) for schema in SCHEMAS.values()]
    checked = 0
    for base, document, directory in sources:
        for ref in refs(document):
            target = urljoin(base, ref)
            REGISTRY.resolver(base).lookup(ref)  # raises when it does not resolve
            file_part = ref.split("#")[0]
            if file_part:
                assert target.startswith(SCHEMA_BASE), f"{base}: {ref} points outside schemas/"
                assert os.path.isfile(os.path.join(directory, file_part)), f"{base}: {ref} names no file"
            checked += 1
    assert checked > 50


def test_bodies_and_parameters_reuse_the_schema_files():
    """Every request and response body is a $ref to a file in schemas/; errors
    use the one error shape; query parameters are the query schema's properties."""
    for path, method, operation in operations():
        where = f"{method.upper()} {path}"
        bodies = [("request", operation["requestBody"])] if "requestBody" in operation else []
        bodies += [(status, resolve_doc(response)) for status, response in operation["responses"].items()]
        for status, body in bodies:
            assert set(body.get("content", {})) == {"application/json"}, f"{where} {status}"
            schema = body["content"]["application/json"]["schema"]
            assert set(schema) == {"$ref"} and schema["$ref"].startswith("../schemas/"), f"{where} {status}"
            if status != "request" and status[0] in "45":
                assert schema["$ref"] == ERROR_SCHEMA, f"{where} {status}"
        query = [p for p in parameters(path, method) if p["in"] == "query"]
        query_schemas = {p["schema"]["$ref"].split("#")[0] for p in query}
        assert len(query_schemas) <= 1, where
        if query:
            source = SCHEMAS[os.path.basename(query_schemas.pop())]
            assert {p["name"] for p in query} == set(source["properties"]), where
            for p in query:
                assert p["schema"]["$ref"].endswith(f"#/properties/{p['name']}"), where
                assert p.get("required", False) == (p["name"] in source.get("required", [])), where
        names = [p["name"] for p in parameters(path, method)]
        assert "Accept-Language" in names, where


# ------------------------------------------------------------ document and app in step

def test_every_route_is_documented_and_every_operation_exists():
    routes = app_routes()
    documented = {(path, method) for path, method, _ in operations()}
    missing = sorted(set(routes) - documented)
    stale = sorted(documented - set(routes))
    assert not missing, f"routes the document does not describe: {missing}"
    assert not stale, f"operations in the document that the app does not have: {stale}"

    for (path, method), entry in routes.items():
        operation = DOC["paths"][path][method]
        where = f"{method.upper()} {path}"
        path_params = [p["name"] for p in parameters(path, method) if p["in"] == "path"]
        assert path_params == entry.view_args, where
        public = getattr(entry.view_function, "public", False)
        if public:
            assert operation.get("security") == [], f"{where} is public: it needs `security: []`"
            assert "401" not in operation["responses"], where
        else:
            assert "security" not in operation, f"{where} needs the global bearer security"
            assert "401" in operation["responses"], f"{where} needs a documented 401"
        if "requestBody" in operation or method in ("post", "put", "patch"):
            assert set(operation["requestBody"]["content"]) == set(entry.content_types), where
            for status in ("400", "413", "415"):
                assert status in operation["responses"], f"{where} reads a body: document {status}"
        local_only = path.startswith("/dev/")
        assert (operation.get("x-stage") == "local") == local_only, where
        if local_only:
            assert "only in the local stage" in operation["description"], where

    submit = DOC["paths"]["/submissions"]["post"]
    assert "Idempotency-Key" in [p["name"] for p in parameters("/submissions", "post") if p["in"] == "header"]
    assert submit["requestBody"]["content"]["application/json"]["schema"] == {"$ref": "../schemas/submission.json"}


# ------------------------------------------------------------ answers match the document

def _validator(ref: str):
    return Draft202012Validator({"$ref": urljoin(DOC_BASE, ref)}, registry=REGISTRY,
                                format_checker=Draft202012Validator.FORMAT_CHECKER)


def check(response, method: str, path: str, status: int | None = None):
    """Assert `response` (from the `api` fixture) to `method path` (the route's
    template) is a documented status with a body and headers as documented;
    return the parsed body."""
    where = f"{method.upper()} {path}"
    body = json.loads(response.body) if response.body else None
    if status is not None:
        assert response.status_code == status, (where, response.status_code, body)
    documented = DOC["paths"][path][method]["responses"]
    assert str(response.status_code) in documented, \
        f"{where} answered {response.status_code}, which the document does not describe: {body}"
    spec = resolve_doc(documented[str(response.status_code)])
    headers = {name.lower(): value for name, value in response.headers.items()}
    for name, header in spec.get("headers", {}).items():
        if resolve_doc(header).get("required"):
            assert name.lower() in headers, f"{where} {response.status_code}: no {name} header"
    assert headers.get("content-type", "").startswith("application/json"), (where, response.headers)
    errors = sorted(_validator(spec["content"]["application/json"]["schema"]["$ref"]).iter_errors(body),
                    key=lambda e: list(e.absolute_path))
    assert not errors, f"{where} {response.status_code} does not match its schema: " + "; ".join(
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in errors[:5])
    return body


def test_submission_answers_match_the_document(api):
    created = check(api.request("POST", "/submissions", initiative(), user="worker-rang-dong"),
                    "post", "/submissions", 201)
    assert created["applied_where"] and created["benefit_vnd"]

    minimal = initiative(authors=[{"full_name": "Lê Văn Cường", "share_percent": 100}])
    del minimal["applied_where"], minimal["benefit_vnd"]
    second = check(api.request("POST", "/submissions", minimal, user="worker-rang-dong"), "post", "/submissions", 201)
    assert "applied_where" not in second and "benefit_vnd" not in second

    read = check(api.request("GET", f"/submissions/{created['id']}", user="worker-rang-dong"),
                 "get", "/submissions/{submission_id}", 200)
    allowed = read.pop("allowed_events")
    assert read == created
    assert [event["event"] for event in allowed] == ["withdraw"]
    assert allowed[0]["input"] == {"reason": "optional"} and allowed[0]["label"]["en"]
    as_reviewer = check(api.request("GET", f"/submissions/{created['id']}", user="reviewer-rang-dong"),
                        "get", "/submissions/{submission_id}", 200)
    assert [event["event"] for event in as_reviewer["allowed_events"]] == ["validate", "invalidate", "request_revision"]

    seen, cursor, pages = [], None, 0
    while True:
        query = "?limit=1" + (f"&cursor={cursor}" if cursor else "")
        page = check(api.request("GET", "/me/submissions" + query, user="worker-rang-dong"),
                     "get", "/me/submissions", 200)
        seen += [item["id"] for item in page["items"]]
        cursor, pages = page["next_cursor"], pages + 1
        if cursor is None or pages > 5:
            break
    assert cursor is None and seen == [second["id"], created["id"]]
    empty = check(api.request("GET", "/me/submissions", user="worker-fpt"), "get", "/me/submissions", 200)
    assert empty == {"items": [], "next_cursor": None}


def test_idempotent_submission_answers_match_the_document(api):
    key = {"Idempotency-Key": "openapi-doc-test-1"}
    response = api.request("POST", "/submissions", initiative(), user="worker-rang-dong", headers=key)
    created = check(response, "post", "/submissions", 201)
    assert {k.lower(): v for k, v in response.headers.items()}.get("idempotency-key") == key["Idempotency-Key"]
    replay = check(api.request("POST", "/submissions", initiative(), user="worker-rang-dong", headers=key),
                   "post", "/submissions", 201)
    assert replay == created
    reused = check(api.request("POST", "/submissions", initiative(title="Một nội dung khác cho cùng khóa"),
                               user="worker-rang-dong", headers=key), "post", "/submissions", 422)
    assert reused["errors"][0]["code"] == "idempotency_key_reused"


def test_submission_errors_match_the_document(api, monkeypatch):
    created = check(api.request("POST", "/submissions", initiative(), user="worker-rang-dong"),
                    "post", "/submissions", 201)
    submit = [
        (400, dict(raw=b"{not json")),
        (400, dict(body=initiative(title="", extra="x"))),
        (400, dict(body=initiative(title="Có ký tự điều khiển \x07 ở đây"))),
        (400, dict(body=initiative(), headers={"Idempotency-Key": "not a valid key!"})),
        (413, dict(raw=b" " * (64 * 1024 + 1))),
        (422, dict(body=initiative(unit_id="ldld-ha-noi", applied_from="2030-01-01"))),
        (422, dict(body=initiative(authors=[{"full_name": "Nguyễn Văn An", "share_percent": 50}]))),
    ]
    for status, request in submit:
        check(api.request("POST", "/submissions", user="worker-rang-dong", **request), "post", "/submissions", status)
    check(api.request("POST", "/submissions", initiative()), "post", "/submissions", 401)
    check(api.request("POST", "/submissions", initiative(), headers={"Authorization": "Bearer not-a-jwt"}),
          "post", "/submissions", 401)

    from chalicelib.submissions import store
    monkeypatch.setattr(store, "MAX_ATTEMPTS", 0)  # every attempt "collided"
    busy = check(api.request("POST", "/submissions", initiative(), user="worker-rang-dong"), "post", "/submissions", 503)
    assert busy["errors"][0]["code"] == "busy"
    monkeypatch.undo()

    one = "/submissions/{submission_id}"
    check(api.request("GET", f"/submissions/{created['id']}"), "get", one, 401)
    check(api.request("GET", f"/submissions/{created['id']}", user="worker-fpt"), "get", one, 403)
    missing = check(api.request("GET", "/submissions/01AAAAAAAAAAAAAAAAAAAAAAAA", user="worker-rang-dong",
                                headers={"Accept-Language": "en"}), "get", one, 404)
    assert missing["errors"][0]["message"] == "Not found."

    for query in ("?limit=0", "?limit=abc", "?cursor=bad%21", "?cursor=AAAA", "?page=2"):
        check(api.request("GET", "/me/submissions" + query, user="worker-rang-dong"), "get", "/me/submissions", 400)
    check(api.request("GET", "/me/submissions"), "get", "/me/submissions", 401)


def test_reference_answers_match_the_document(api, now):
    program = check(api.request("GET", "/programs/current", user="worker-rang-dong"), "get", "/programs/current", 200)
    assert program["current_phase"] in [phase["id"] for phase in program["phases"]]
    check(api.request("GET", "/programs/current"), "get", "/programs/current", 401)

    found = check(api.request("GET", "/units?q=rang%20dong", user="worker-rang-dong"), "get", "/units", 200)
    assert "cdcs-rang-dong" in [unit["id"] for unit in found["items"]]
    check(api.request("GET", "/units?q=thanh%20hoa&kind=grassroots&limit=2", user="worker-rang-dong"),
          "get", "/units", 200)
    check(api.request("GET", "/units?q=khongcodonvinao", user="worker-rang-dong"), "get", "/units", 200)
    for query in ("", "?q=a", "?q=a%20b", "?q=rang&kind=village", "?q=rang&limit=51", "?q=rang&sort=name"):
        check(api.request("GET", "/units" + query, user="worker-rang-dong"), "get", "/units", 400)
    check(api.request("GET", "/units?q=rang%20dong"), "get", "/units", 401)

    now(datetime(2025, 6, 1, 9, 0, tzinfo=VIETNAM))  # between two programs: no phase open
    check(api.request("GET", "/programs/current", user="worker-rang-dong"), "get", "/programs/current", 404)


def test_public_and_dev_answers_match_the_document(api):
    check(api.request("GET", "/health"), "get", "/health", 200)
    users = check(api.request("GET", "/dev/users"), "get", "/dev/users", 200)
    assert "worker-rang-dong" in [user["id"] for user in users["items"]]

    issued = check(api.request("POST", "/dev/token", {"user_id": "worker-rang-dong"}), "post", "/dev/token", 200)
    headers = {"Authorization": f"Bearer {issued['token']}"}
    check(api.request("GET", "/programs/current", headers=headers), "get", "/programs/current", 200)

    for status, request in [(400, dict(raw=b"[1, 2")), (400, dict(body={})), (400, dict(body={"user_id": "A B"})),
                            (413, dict(raw=b" " * (64 * 1024 + 1))), (422, dict(body={"user_id": "nobody-here"}))]:
        check(api.request("POST", "/dev/token", **request), "post", "/dev/token", status)


@pytest.mark.parametrize("method, path", [
    ("post", "/submissions"), ("post", "/dev/token"), ("put", "/submissions/{submission_id}"),
    ("post", "/submissions/{submission_id}/transitions"), ("post", "/queue/decisions"),
    ("post", "/me/notifications/read"), ("post", "/award-lists"), ("post", "/award-lists/{list_id}/approve")])
def test_unsupported_media_type_has_the_error_shape(api, method, path):
    url = path.format(submission_id="01KAHQ3M6X2V7E9R0T4B5N8C1D", list_id="ldld-ha-noi~sk2627-gd1~1")
    check(api.request(method.upper(), url, user="worker-rang-dong", headers={"Content-Type": "text/plain"}, raw=b"x"),
          method, path, 415)


# ------------------------------------------------------------ the review workflow

ONE = "/submissions/{submission_id}"
TRANSITIONS = "/submissions/{submission_id}/transitions"
HISTORY = "/submissions/{submission_id}/history"
REVIEW_OPERATIONS = [("get", ONE), ("put", ONE), ("post", TRANSITIONS), ("get", HISTORY), ("get", "/queue"),
                     ("post", "/queue/decisions")]
FPT = dict(unit_id="cdcs-fpt-cau-giay",
           authors=[{"full_name": "Phạm Minh Đức", "member_id": "worker-fpt", "share_percent": 100}])
RECOGNIZE = {"scores": {"novelty": 8, "applicability": 9, "effectiveness": 7}, "confirmed_benefit_vnd": 900000000}
MISSING_ID = "01HZZZZZZZZZZZZZZZZZZZZZZZ"


class Seen:
    """`check` that also records which status each operation answered, to show
    that every status the document lists for an operation really happens."""

    def __init__(self):
        self.statuses = {}

    def __call__(self, response, method, path, status=None):
        body = check(response, method, path, status)
        self.statuses.setdefault((method, path), set()).add(response.status_code)
        return body

    def assert_covers(self, operations, statuses):
        for method, path in operations:
            documented = {int(s) for s in DOC["paths"][path][method]["responses"]} & set(statuses)
            missing = documented - self.statuses.get((method, path), set())
            assert not missing, f"{method.upper()} {path}: documented but never seen: {sorted(missing)}"


def _fire(api, seen, sid, event, version, user, status=200, **extra):
    """`helpers.transition`, its raw response checked against the document (`status`, headers, body
    schema) and its status recorded in `seen`: what `helpers.fire` cannot do, as it only parses the body."""
    return seen(helpers.transition(api, sid, event, version, user, **extra), "post", TRANSITIONS, status)


def _detail(api, seen, sid, user):
    return seen(api.request("GET", f"/submissions/{sid}", user=user), "get", ONE, 200)


def _queue(api, seen, user, query=""):
    return seen(api.request("GET", "/queue" + query, user=user), "get", "/queue", 200)


def _allowed(detail):
    return [event["event"] for event in detail["allowed_events"]]


def test_schemas_that_extend_others_stay_in_step_with_them():
    """submission-detail.json is submission-view.json plus allowed_events, and a
    queue item is submission-page.json's summary (and the queue row's authors'
    names, benefit and claim), property by property (JSON Schema cannot extend
    a closed object, so they list them)."""
    for name, base, ref_base, extra, optional in [
            ("submission-detail.json", SCHEMAS["submission-view.json"], "submission-view.json#/properties/",
             ["allowed_events"], []),
            ("queue-page.json#/$defs/item", SCHEMAS["submission-page.json"]["$defs"]["summary"],
             "submission-page.json#/$defs/summary/properties/", ["author_names"],
             ["benefit_vnd", "claimed_by"])]:
        file_name, _, pointer = name.partition("#")
        schema = REGISTRY.resolver(SCHEMA_BASE + file_name).lookup("#" + pointer).contents
        assert schema["additionalProperties"] is False, name
        assert set(schema["properties"]) == set(base["properties"]) | set(extra) | set(optional), name
        assert schema["required"] == base["required"] + extra, name
        for prop in base["properties"]:
            assert schema["properties"][prop] == {"$ref": ref_base + prop}, (name, prop)


def test_review_path_answers_match_the_document(api):
    """A full review: entered, returned, edited, resubmitted, validated, recognised."""
    seen = Seen()
    created = seen(api.request("POST", "/submissions", initiative(**FPT), user="worker-fpt"),
                   "post", "/submissions", 201)
    sid = created["id"]
    assert _allowed(_detail(api, seen, sid, "worker-fpt")) == ["withdraw"]
    assert _allowed(_detail(api, seen, sid, "reviewer-fpt")) == ["validate", "invalidate", "request_revision"]
    assert _allowed(_detail(api, seen, sid, "reviewer-cau-giay")) == []

    waiting = _queue(api, seen, "reviewer-fpt")
    assert [item["id"] for item in waiting["items"]] == [sid] and waiting["next_cursor"] is None
    assert waiting["items"][0]["waiting_since"] == created["created_at"]
    assert _queue(api, seen, "reviewer-cau-giay") == {"items": [], "next_cursor": None}

    reason = {"reason": "Cần bổ sung số liệu trước và sau khi áp dụng."}
    returned = _fire(api, seen, sid, "request_revision", 1, "reviewer-fpt", client_token="tap-1", **reason)
    assert returned["submission"]["status"] == "needs_revision" and returned["submission"]["version"] == 2
    assert returned["event"]["seq"] == 2 and returned["event"]["input"] == reason
    assert returned["event"]["actor"] == {"id": "reviewer-fpt", "roles": ["reviewer"], "unit_id": "cdcs-fpt-cau-giay"}
    replay = _fire(api, seen, sid, "request_revision", 1, "reviewer-fpt", client_token="tap-1", **reason)
    assert replay == returned
    assert _allowed(_detail(api, seen, sid, "worker-fpt")) == ["resubmit", "withdraw"]
    assert _queue(api, seen, "reviewer-fpt")["items"] == []

    edited = initiative(**FPT, title="Cải tiến khuôn ép đuôi đèn LED (bổ sung số liệu)", benefit_vnd=250000000)
    after_edit = seen(api.request("PUT", f"/submissions/{sid}", edited, user="worker-fpt", headers={"If-Match": '"2"'}),
                      "put", ONE, 200)
    assert after_edit["version"] == 3 and after_edit["status"] == "needs_revision"
    assert after_edit["title"] == edited["title"] and after_edit["benefit_vnd"] == 250000000
    del edited["applied_where"], edited["benefit_vnd"]
    again = seen(api.request("PUT", f"/submissions/{sid}", edited, user="worker-fpt"), "put", ONE, 200)
    assert again["version"] == 4 and "applied_where" not in again and "benefit_vnd" not in again

    _fire(api, seen, sid, "resubmit", 4, "worker-fpt")
    _fire(api, seen, sid, "validate", 5, "reviewer-fpt")
    queue = _queue(api, seen, "reviewer-cau-giay", "?state=valid&limit=10")
    assert [item["id"] for item in queue["items"]] == [sid] and queue["items"][0]["status"] == "valid"
    assert _allowed(_detail(api, seen, sid, "reviewer-cau-giay")) == ["start_review"]
    assert _allowed(_detail(api, seen, sid, "reviewer-fpt")) == []
    _fire(api, seen, sid, "start_review", 6, "reviewer-cau-giay")
    assert _allowed(_detail(api, seen, sid, "reviewer-cau-giay")) == ["recognize", "decline"]
    recognized = _fire(api, seen, sid, "recognize", 7, "reviewer-cau-giay", **RECOGNIZE)
    assert recognized["submission"]["status"] == "recognized" and recognized["submission"]["version"] == 8
    assert recognized["event"]["input"] == RECOGNIZE
    assert recognized["event"]["effects"] == ["notify_author", "award_candidate"]
    assert _queue(api, seen, "reviewer-cau-giay")["items"] == []
    assert _allowed(_detail(api, seen, sid, "worker-fpt")) == []

    history = seen(api.request("GET", f"/submissions/{sid}/history", user="worker-fpt"), "get", HISTORY, 200)
    assert [(e["seq"], e["event"], e["from"], e["to"]) for e in history["items"]] == [
        (1, "submitted", None, "pending"), (2, "request_revision", "pending", "needs_revision"),
        (3, "edited", "needs_revision", "needs_revision"), (4, "edited", "needs_revision", "needs_revision"),
        (5, "resubmit", "needs_revision", "pending"), (6, "validate", "pending", "valid"),
        (7, "start_review", "valid", "under_review"), (8, "recognize", "under_review", "recognized")]
    assert history["items"][7] == recognized["event"]
    seen(api.request("GET", f"/submissions/{sid}/history", user="reviewer-ha-noi"), "get", HISTORY, 200)

    # Queues page by page: two waiting at cdcs-fpt-cau-giay (entered at the same frozen moment).
    both = {seen(api.request("POST", "/submissions", initiative(**FPT), user="worker-fpt"),
                 "post", "/submissions", 201)["id"] for _ in range(2)}
    page = _queue(api, seen, "reviewer-fpt", "?limit=1")
    assert len(page["items"]) == 1 and page["next_cursor"]
    rest = _queue(api, seen, "reviewer-fpt", f"?limit=1&cursor={page['next_cursor']}")
    assert {item["id"] for item in page["items"] + rest["items"]} == both
    seen.assert_covers([op for op in REVIEW_OPERATIONS if op != ("post", "/queue/decisions")], {200})


def test_review_errors_match_the_document(api):
    seen = Seen()

    def new(user="worker-fpt", **overrides):
        return seen(api.request("POST", "/submissions", initiative(**{**FPT, **overrides}), user=user),
                    "post", "/submissions", 201)["id"]
    sid = new()
    url = f"/submissions/{sid}"
    foreign = new(user="worker-rang-dong", unit_id="cdcs-rang-dong",
                  authors=[{"full_name": "Nguyễn Văn An", "member_id": "worker-rang-dong", "share_percent": 100}])

    # GET /submissions/{id} and its history
    for path, template in ((url, ONE), (url + "/history", HISTORY)):
        seen(api.request("GET", path), "get", template, 401)
        seen(api.request("GET", path, user="reviewer-rang-dong"), "get", template, 403)
        seen(api.request("GET", path.replace(sid, MISSING_ID), user="worker-fpt"), "get", template, 404)

    # POST /submissions/{id}/transitions
    transitions = url + "/transitions"
    _fire(api, seen, sid, "validate", 1, None, status=401)
    for status, request in [(400, dict(raw=b"{not json")), (413, dict(raw=b" " * (64 * 1024 + 1)))]:
        seen(api.request("POST", transitions, user="reviewer-fpt", **request), "post", TRANSITIONS, status)
    for body, where in [({"event": "validate"}, "/expected_version"),
                        ({"event": "validate", "expected_version": 0, "colour": "red"}, "/colour"),
                        ({"event": "Validate!", "expected_version": 1}, "/event"),
                        ({"event": "approve", "expected_version": 1}, "/event"),
                        ({"event": "invalidate", "expected_version": 1}, "/reason"),
                        ({"event": "invalidate", "expected_version": 1, "reason": "Có ký tự \x07 lạ"}, "/reason"),
                        ({"event": "validate", "expected_version": 1, "reason": "Không cần lý do"}, "/reason"),
                        ({"event": "validate", "expected_version": 1, "scores": {"novelty": 11}}, "/scores/novelty")]:
        answer = seen(api.request("POST", transitions, body, user="reviewer-fpt"), "post", TRANSITIONS, 422)
        assert where in [error["path"] for error in answer["errors"]], (body, answer)
    _fire(api, seen, MISSING_ID, "validate", 1, "reviewer-fpt", status=404)
    for user in ("worker-fpt", "reviewer-cau-giay", "reviewer-rang-dong", "admin"):
        _fire(api, seen, sid, "validate", 1, user, status=403)
    _fire(api, seen, sid, "validate", 1, "reviewer-fpt", client_token="tap-2")
    stale = _fire(api, seen, sid, "request_revision", 1, "reviewer-fpt", status=409, reason="Thiếu số liệu đo đạc.")
    assert stale["current"] == {"status": "valid", "version": 2} and stale["errors"][0]["code"] == "stale_version"
    wrong = _fire(api, seen, sid, "validate", 2, "reviewer-fpt", status=409)
    assert wrong["current"] == {"status": "valid", "version": 2} and wrong["errors"][0]["code"] == "invalid_state"
    replay = _fire(api, seen, sid, "validate", 1, "reviewer-fpt", client_token="tap-2")
    assert replay["submission"]["version"] == 2 and replay["event"]["seq"] == 2
    reused = _fire(api, seen, sid, "validate", 2, "reviewer-fpt", status=422, client_token="tap-2")
    assert reused["errors"][0]["code"] == "idempotency_key_reused"

    # PUT /submissions/{id}
    returned = new()
    _fire(api, seen, returned, "request_revision", 1, "reviewer-fpt", reason="Cần bổ sung ảnh minh họa.")
    put, edited = f"/submissions/{returned}", initiative(**FPT)
    seen(api.request("PUT", put, edited), "put", ONE, 401)
    for status, request in [(400, dict(raw=b"[1, 2")), (400, dict(body={**edited, "benefit_vnd": -5})),
                            (400, dict(body=initiative(**FPT, extra="x"))), (413, dict(raw=b" " * (64 * 1024 + 1))),
                            (422, dict(body={**edited, "unit_id": "cdcs-rang-dong"})),
                            (422, dict(body={**edited, "applied_from": "2030-01-01"})),
                            (409, dict(body=edited, headers={"If-Match": '"1"'}))]:
        answer = seen(api.request("PUT", put, user="worker-fpt", **request), "put", ONE, status)
        if status == 409:
            assert answer["current"] == {"status": "needs_revision", "version": 2}
            assert answer["errors"][0]["code"] == "stale_version"
    seen(api.request("PUT", put, edited, user="reviewer-fpt"), "put", ONE, 403)
    seen(api.request("PUT", put, edited, user="reviewer-rang-dong"), "put", ONE, 403)
    seen(api.request("PUT", put.replace(returned, MISSING_ID), edited, user="worker-fpt"), "put", ONE, 404)
    not_editable = seen(api.request("PUT", url, edited, user="worker-fpt", headers={"Accept-Language": "en"}),
                        "put", ONE, 409)
    assert not_editable["current"] == {"status": "valid", "version": 2}
    assert not_editable["errors"][0]["code"] == "not_editable"

    # GET /queue
    seen(api.request("GET", "/queue"), "get", "/queue", 401)
    for user in ("worker-fpt", "leader-ha-noi", "admin"):
        seen(api.request("GET", "/queue", user=user), "get", "/queue", 403)
    for query in ("?colour=red", "?limit=0", "?limit=101", "?state=Valid", "?phase=_", "?cursor=bad%21",
                  "?cursor=AAAA"):
        seen(api.request("GET", "/queue" + query, user="reviewer-fpt"), "get", "/queue", 400)
    new()
    new()
    cursor = _queue(api, seen, "reviewer-fpt", "?limit=1")["next_cursor"]
    other = seen(api.request("GET", f"/queue?cursor={cursor}", user="reviewer-cau-giay"), "get", "/queue", 400)
    assert other["errors"][0] == {**other["errors"][0], "path": "/cursor", "code": "invalid_cursor"}

    # POST /queue/decisions: a batch with every kind of result
    decided, fresh, validated = new(), new(), new()
    _fire(api, seen, validated, "validate", 1, "reviewer-fpt")
    batch = {"event": "request_revision", "reason": "Thiếu ảnh minh họa trước và sau.", "client_token": "batch-1",
             "items": [{"id": decided, "expected_version": 1}]}
    seen(api.request("POST", "/queue/decisions", batch, user="reviewer-fpt"), "post", "/queue/decisions", 200)
    mixed = {**batch, "reason": "Một lý do khác cho cùng mã.",
             "items": [{"id": i, "expected_version": 1} for i in (decided, fresh, validated, foreign, MISSING_ID)]}
    answer = seen(api.request("POST", "/queue/decisions", mixed, user="reviewer-fpt"), "post", "/queue/decisions", 200)
    assert [(r["id"], r["status"]) for r in answer["results"]] == [
        (decided, 422), (fresh, 200), (validated, 409), (foreign, 403), (MISSING_ID, 404)]
    assert (answer["succeeded"], answer["failed"]) == (1, 4)
    assert answer["results"][0]["errors"][0]["code"] == "idempotency_key_reused"
    assert answer["results"][1]["submission"]["status"] == "needs_revision"
    assert answer["results"][2]["current"] == {"status": "valid", "version": 2}
    unknown = {"event": "approve", "items": [{"id": fresh, "expected_version": 2}]}
    answer = seen(api.request("POST", "/queue/decisions", unknown, user="reviewer-fpt"),
                  "post", "/queue/decisions", 200)
    assert answer["results"][0]["errors"][0]["code"] == "unknown_event" and answer["failed"] == 1
    seen(api.request("POST", "/queue/decisions", mixed), "post", "/queue/decisions", 401)
    for status, request in [(400, dict(raw=b"{")), (413, dict(raw=b" " * (64 * 1024 + 1))),
                            (422, dict(body={**mixed, "items": [{"id": fresh, "expected_version": 1}] * 101})),
                            (422, dict(body={**mixed, "items": []})),
                            (422, dict(body={**mixed, "items": [{"id": "not-an-id", "expected_version": 0}]})),
                            (422, dict(body={"items": [{"id": fresh, "expected_version": 1}]}))]:
        seen(api.request("POST", "/queue/decisions", user="reviewer-fpt", **request), "post", "/queue/decisions",
             status)
    for method, path in (("put", ONE), ("post", TRANSITIONS), ("post", "/queue/decisions")):
        seen(api.request(method.upper(), path.format(submission_id=sid), user="reviewer-fpt",
                         headers={"Content-Type": "text/plain"}, raw=b"x"), method, path, 415)
    seen.assert_covers(REVIEW_OPERATIONS, range(400, 600))
    seen.assert_covers([("post", "/queue/decisions")], {200})


def test_decision_results_are_either_a_submission_or_an_error():
    """The batch result schema itself: a 200 result carries the initiative and
    no errors; a failure carries errors, and `current` exactly when it is a 409."""
    validator = _validator("../schemas/decisions-response.json#/$defs/result")
    error = {"errors": [{"path": "", "code": "stale_version", "message": "x"}]}
    current = {"current": {"status": "valid", "version": 2}}
    assert not validator.is_valid({"id": MISSING_ID, "status": 200, **error})
    assert not validator.is_valid({"id": MISSING_ID, "status": 409, **error})
    assert validator.is_valid({"id": MISSING_ID, "status": 409, **error, **current})
    assert not validator.is_valid({"id": MISSING_ID, "status": 404, **error, **current})
    assert not validator.is_valid({"id": MISSING_ID, "status": 500, **error})


def test_check_rejects_undocumented_answers():
    """The checker itself: a body that breaks its schema, and an undocumented status, fail."""
    class Fake:
        status_code, headers, body = 200, {"Content-Type": "application/json"}, json.dumps({"status": "down"})
    with pytest.raises(AssertionError, match="does not match its schema"):
        check(Fake(), "get", "/health")
    Fake.status_code = 500
    with pytest.raises(AssertionError, match="does not describe"):
        check(Fake(), "get", "/health")


# ------------------------------------------------------------ notifications, progress, award lists

NOTIFICATIONS, MARK_READ = "/me/notifications", "/me/notifications/read"
UNIT_STATS, RANKINGS = "/stats/units/{unit_id}", "/stats/rankings"
AWARD_LISTS, AWARD_LIST, APPROVE = "/award-lists", "/award-lists/{list_id}", "/award-lists/{list_id}/approve"
PHASE = "sk2627-gd1"  # open on the tests' default date
TOO_LARGE = b" " * (64 * 1024 + 1)


def _recognised(api, seen, title="Cải tiến khuôn ép đuôi đèn LED", revise_with=None):
    """An initiative of worker-fpt taken to `recognized`; returns it as entered.
    With `revise_with` (the `stream` fixture) it is returned for revision and
    resubmitted first, and the stream delivered while it waits in the queue
    again (reviewers hear of a resubmission only while it waits)."""
    created = seen(api.request("POST", "/submissions", initiative(**FPT, title=title), user="worker-fpt"),
                   "post", "/submissions", 201)
    sid, version = created["id"], 1
    if revise_with:
        _fire(api, seen, sid, "request_revision", 1, "reviewer-fpt", reason="Thiếu số liệu trước và sau.")
        _fire(api, seen, sid, "resubmit", 2, "worker-fpt")
        helpers.deliver(revise_with)
        version = 3
    _fire(api, seen, sid, "validate", version, "reviewer-fpt")
    _fire(api, seen, sid, "start_review", version + 1, "reviewer-cau-giay")
    _fire(api, seen, sid, "recognize", version + 2, "reviewer-cau-giay", **RECOGNIZE)
    return created


def test_notification_answers_match_the_document(api, stream):
    seen = Seen()
    created = _recognised(api, seen, revise_with=stream)
    helpers.deliver(stream)  # react_to_events writes the notifications

    # GET /me/notifications, page by page: the author heard of four events, newest first.
    items, cursor, pages = [], None, 0
    while True:
        query = "?limit=3" + (f"&cursor={cursor}" if cursor else "")
        page = seen(api.request("GET", NOTIFICATIONS + query, user="worker-fpt"), "get", NOTIFICATIONS, 200)
        assert page["unread"] == 4
        items += page["items"]
        cursor, pages = page["next_cursor"], pages + 1
        if cursor is None or pages > 5:
            break
    assert cursor is None
    assert [item["event"] for item in items] == ["recognize", "start_review", "validate", "request_revision"]
    assert {item["kind"] for item in items} == {"author_update"}
    assert items[0]["scores"] == RECOGNIZE["scores"] and items[0]["confirmed_benefit_vnd"] == 900000000
    assert items[3]["reason"] and items[3]["submission_id"] == created["id"]
    english = seen(api.request("GET", NOTIFICATIONS + "?limit=1", user="worker-fpt",
                               headers={"Accept-Language": "en"}), "get", NOTIFICATIONS, 200)
    assert english["items"][0]["message"].startswith("Initiative ")
    queue = seen(api.request("GET", NOTIFICATIONS, user="reviewer-fpt"), "get", NOTIFICATIONS, 200)
    assert [(item["kind"], item["event"]) for item in queue["items"]] == [("resubmitted", "resubmit"),
                                                                           ("queued", "submitted")]
    nobody = seen(api.request("GET", NOTIFICATIONS, user="worker-rang-dong"), "get", NOTIFICATIONS, 200)
    assert nobody == {"items": [], "next_cursor": None, "unread": 0}
    # GET and PUT /me/preferences: the daily digest's setting, as documented.
    assert seen(api.request("GET", "/me/preferences", user="reviewer-fpt"), "get", "/me/preferences", 200) == {
        "daily_digest": True}
    assert seen(api.request("PUT", "/me/preferences", {"daily_digest": False}, user="reviewer-fpt"), "put",
                "/me/preferences", 200) == {"daily_digest": False}
    seen(api.request("PUT", "/me/preferences", {"daily_digest": 1}, user="reviewer-fpt"), "put", "/me/preferences",
         400)
    seen(api.request("GET", "/me/preferences"), "get", "/me/preferences", 401)

    # POST /me/notifications/read: once counts, twice does not, another user's ids do nothing.
    ids = [item["id"] for item in items]
    marked = seen(api.request("POST", MARK_READ, {"ids": ids[:1]}, user="worker-fpt"), "post", MARK_READ, 200)
    assert marked == {"marked": 1, "unread": 3}
    again = seen(api.request("POST", MARK_READ, {"ids": ids[:2]}, user="worker-fpt"), "post", MARK_READ, 200)
    assert again == {"marked": 1, "unread": 2}
    foreign = seen(api.request("POST", MARK_READ, {"ids": ids}, user="worker-rang-dong"), "post", MARK_READ, 200)
    assert foreign == {"marked": 0, "unread": 0}
    first = seen(api.request("GET", NOTIFICATIONS + "?limit=1", user="worker-fpt"), "get", NOTIFICATIONS, 200)
    assert first["items"][0]["read"] is True and "read_at" in first["items"][0] and first["unread"] == 2

    # Errors
    seen(api.request("GET", NOTIFICATIONS), "get", NOTIFICATIONS, 401)
    seen(api.request("GET", NOTIFICATIONS, headers={"Authorization": "Bearer not-a-jwt"}), "get", NOTIFICATIONS, 401)
    for query in ("?limit=0", "?limit=101", "?limit=abc", "?cursor=bad%21", "?cursor=AAAA", "?page=2"):
        seen(api.request("GET", NOTIFICATIONS + query, user="worker-fpt"), "get", NOTIFICATIONS, 400)
    owners = seen(api.request("GET", NOTIFICATIONS + "?limit=1", user="worker-fpt"), "get", NOTIFICATIONS, 200)
    stolen = seen(api.request("GET", f"{NOTIFICATIONS}?cursor={owners['next_cursor']}", user="worker-rang-dong"),
                  "get", NOTIFICATIONS, 400)
    assert stolen["errors"][0] == {**stolen["errors"][0], "path": "/cursor", "code": "invalid_cursor"}
    seen(api.request("POST", MARK_READ, {"ids": ids}), "post", MARK_READ, 401)
    for status, request in [(400, dict(raw=b"{not json")), (400, dict(body={})), (400, dict(body={"ids": []})),
                            (400, dict(body={"ids": ["not ok!"]})), (400, dict(body={"ids": ids[:1] * 2})),
                            (400, dict(body={"ids": [f"id{i}" for i in range(101)]})),
                            (400, dict(body={"ids": ids[:1], "all": True})), (413, dict(raw=TOO_LARGE))]:
        seen(api.request("POST", MARK_READ, user="worker-fpt", **request), "post", MARK_READ, status)
    seen(api.request("POST", MARK_READ, user="worker-fpt", headers={"Content-Type": "text/plain"}, raw=b"x"),
         "post", MARK_READ, 415)
    seen.assert_covers([("get", NOTIFICATIONS), ("post", MARK_READ)], range(200, 600))


def test_stats_answers_match_the_document(api, stream, monkeypatch):
    seen = Seen()
    _recognised(api, seen)
    seen(api.request("POST", "/submissions", initiative(**FPT), user="worker-fpt"), "post", "/submissions", 201)
    helpers.deliver(stream)  # count_changes keeps the counters

    def stats(unit, query=f"?phase={PHASE}", user="leader-ha-noi", status=None):
        return seen(api.request("GET", f"/stats/units/{unit}{query}", user=user), "get", UNIT_STATS, status)

    def ranked(query, user="leader-ha-noi", status=None):
        return seen(api.request("GET", RANKINGS + query, user=user), "get", RANKINGS, status)

    # GET /stats/units/{unit_id}
    district = stats("ldld-cau-giay", status=200)
    assert district["unit"]["entered"] == 2 and district["unit"]["by_state"]["recognized"] == 1
    assert district["unit"]["benefit_confirmed_vnd"] == 900000000 and district["unit"]["target"]["total"] > 0
    assert "cdcs-fpt-cau-giay" in [child["unit"]["id"] for child in district["children"]]
    union = stats("cdcs-fpt-cau-giay", user="reviewer-fpt", status=200)
    assert union["children"] == [] and union["unit"]["unit"]["block"] == "enterprise"
    nation = stats("tld", user="admin", status=200)
    assert nation["unit"]["target"] is None and nation["unit"]["reached"]["percent"] is None
    stats("ldld-ha-noi", query=f"?phase={PHASE}", user="leader-national", status=200)

    # GET /stats/rankings
    top = ranked("?phase=sk2627-gd1&level=top", user="reviewer-fpt", status=200)
    assert top["within"] is None and top["by_initiatives"][0]["unit"]["id"] == "ldld-ha-noi"
    within = ranked("?phase=sk2627-gd1&level=grassroots&within=ldld-ha-noi", status=200)
    assert within["within"]["id"] == "ldld-ha-noi"
    assert within["by_initiatives"][0]["unit"]["id"] == "cdcs-fpt-cau-giay"
    ranked("?phase=sk2627-gd1&level=top&within=ldld-ha-noi", status=200)
    ranked("?phase=sk2627-gd1&level=upper_grassroots&within=ldld-ha-noi", status=200)

    # Errors
    seen(api.request("GET", f"/stats/units/ldld-ha-noi?phase={PHASE}"), "get", UNIT_STATS, 401)
    seen(api.request("GET", RANKINGS + f"?phase={PHASE}&level=top"), "get", RANKINGS, 401)
    for query in ("", "?phase=SK%21", f"?phase={PHASE}&sort=name"):
        stats("ldld-ha-noi", query=query, status=400)
    for query in (f"?phase={PHASE}", f"?phase={PHASE}&level=province", f"?phase={PHASE}&level=top&within=A%20B",
                  f"?phase={PHASE}&level=top&colour=red"):
        ranked(query, status=400)
    for unit, user in (("cd-cong-thuong", "leader-ha-noi"), ("tld", "leader-ha-noi"),
                       ("ldld-cau-giay", "reviewer-fpt"), ("cdcs-fpt-cau-giay", "worker-fpt")):
        stats(unit, user=user, status=403)
    ranked(f"?phase={PHASE}&level=top", user="worker-fpt", status=403)
    ranked(f"?phase={PHASE}&level=grassroots&within=ldld-ha-noi", user="leader-thanh-hoa", status=403)
    assert stats("khong-co-don-vi-nay", status=404)["errors"][0]["code"] == "not_found"
    assert stats("ldld-ha-noi", query="?phase=gd-khong-co", status=422)["errors"][0]["path"] == "/phase"
    for query, problem in [("?phase=mtsk-gd9&level=top", ("/phase", "unknown_phase")),
                           (f"?phase={PHASE}&level=grassroots", ("/within", "required")),
                           (f"?phase={PHASE}&level=grassroots&within=tld", ("/within", "within_too_wide")),
                           (f"?phase={PHASE}&level=top&within=khong-co-don-vi-nay", ("/within", "unknown_unit"))]:
        answer = ranked(query, user="leader-national", status=422)
        assert [(e["path"], e["code"]) for e in answer["errors"]] == [problem], query

    from chalicelib import aws, tables
    monkeypatch.setattr(tables, "time", type("NoWait", (), {"sleep": staticmethod(lambda seconds: None)}))
    from chalicelib.reference import catalog

    catalog.clear_cache()  # a cold container: the ranking's targets are read (BatchGetItem), not cached
    with aws.replaced(dynamodb=helpers.Throttled(aws.dynamodb())):
        assert stats("ldld-ha-noi", status=503)["errors"][0]["code"] == "busy"
        assert ranked(f"?phase={PHASE}&level=top", status=503)["errors"][0]["code"] == "busy"
    seen.assert_covers([("get", UNIT_STATS), ("get", RANKINGS)], range(200, 600))


def test_award_list_answers_match_the_document(api, stream):
    seen = Seen()
    _recognised(api, seen)
    helpers.deliver(stream)  # the recognition becomes an award candidate
    request = {"unit_id": "ldld-ha-noi", "phase": PHASE}

    def compile_list(body=request, user="leader-ha-noi", status=None, **extra):
        return seen(api.request("POST", AWARD_LISTS, body, user=user, **extra), "post", AWARD_LISTS, status)

    def approve(list_id, user="leader-ha-noi", status=None, body={"confirm": True}, **extra):
        return seen(api.request("POST", f"/award-lists/{list_id}/approve", body, user=user, **extra), "post", APPROVE,
                    status)

    def read(list_id, user="leader-ha-noi", status=None):
        return seen(api.request("GET", f"/award-lists/{list_id}", user=user), "get", AWARD_LIST, status)

    def compiled(user="leader-ha-noi"):
        """POST (202, with Location), the queue's handler, then GET: the list, or 303 to the same one."""
        response = api.request("POST", AWARD_LISTS, request, user=user)
        asked = seen(response, "post", AWARD_LISTS, 202)
        assert {k.lower(): v for k, v in response.headers.items()}["location"] == f"/award-lists/{asked['id']}"
        assert asked["status"] == "compiling"
        assert read(asked["id"], status=200)["status"] == "compiling"  # until the handler has run
        helpers.run_compiles(api)
        response = api.request("GET", f"/award-lists/{asked['id']}", user="leader-ha-noi")
        if response.status_code == 303:
            moved = seen(response, "get", AWARD_LIST, 303)
            assert {k.lower(): v for k, v in response.headers.items()}["location"] == f"/award-lists/{moved['id']}"
            return read(moved["id"], status=200)
        return seen(response, "get", AWARD_LIST, 200)

    # POST /award-lists: 202 and its progress, then the new version (a draft); then the same list again (303)
    first = compiled()
    assert first["id"] == f"ldld-ha-noi~{PHASE}~1" and first["status"] == "draft" and first["approved_at"] is None
    assert first["counts"]["exemplary_initiatives"] == len(first["entries"]["exemplary_initiatives"])
    same = compiled(user="leader-national")
    assert (same["id"], same["content_hash"]) == (first["id"], first["content_hash"])

    # GET /award-lists/{list_id}
    for user in ("leader-ha-noi", "leader-national", "reviewer-ha-noi", "admin"):
        assert read(first["id"], user=user, status=200)["entries"] == first["entries"]

    # A newer version supersedes the first: only the latest is approved, once (again: as it was).
    _recognised(api, seen, title="Cải tiến dây chuyền sơn tĩnh điện")
    helpers.deliver(stream)
    second = compiled()
    assert second["version"] == 2
    superseded = approve(first["id"], status=409)
    assert superseded["errors"][0]["code"] == "award_list_superseded"
    approved = approve(second["id"], status=200)
    assert (approved["status"], approved["approved_by"]) == ("approved", "leader-ha-noi") and approved["approved_at"]
    twice = approve(second["id"], status=200)
    assert (twice["approved_by"], twice["approved_at"]) == (approved["approved_by"], approved["approved_at"])
    assert read(second["id"], status=200)["status"] == "approved"

    # Errors: POST /award-lists
    compile_list(user=None, status=401)
    for user in ("reviewer-ha-noi", "admin", "worker-fpt", "leader-thanh-hoa"):
        compile_list(user=user, status=403)
    compile_list(user="worker-fpt", body=None, raw=b"{not json", status=403)  # the role comes first
    for status, extra in [(400, dict(body=None, raw=b"{not json")), (400, dict(body={"unit_id": "ldld-ha-noi"})),
                          (400, dict(body={**request, "colour": "red"})),
                          (400, dict(body={**request, "unit_id": "A B"})),
                          (413, dict(body=None, raw=TOO_LARGE)),
                          (415, dict(body=None, raw=b"x", headers={"Content-Type": "text/plain"}))]:
        compile_list(status=status, **extra)
    unknown = compile_list(body={"unit_id": "no-such-unit", "phase": "no-such-phase"}, status=422)
    assert {(e["path"], e["code"]) for e in unknown["errors"]} == {("/unit_id", "unknown_unit"),
                                                                   ("/phase", "unknown_phase")}
    # GET /award-lists/{list_id}
    seen(api.request("GET", f"/award-lists/{first['id']}"), "get", AWARD_LIST, 401)
    for user in ("reviewer-fpt", "leader-thanh-hoa", "worker-fpt"):
        read(first["id"], user=user, status=403)
    for list_id in (f"ldld-ha-noi~{PHASE}~9", "not-an-id", f"no-such-unit~{PHASE}~1", "ldld-ha-noi~no-such-phase~1"):
        read(list_id, status=404)
    # POST /award-lists/{list_id}/approve
    approve(second["id"], user=None, status=401)
    for user in ("leader-national", "reviewer-ha-noi", "admin", "leader-thanh-hoa"):
        approve(second["id"], user=user, status=403)
    for list_id in (f"ldld-ha-noi~{PHASE}~3", "not-an-id"):
        approve(list_id, status=404)
    approve(second["id"], status=415, headers={"Content-Type": "text/plain"}, body=None, raw=b"x")
    # The route takes one input, the confirmation: {"confirm": true} and nothing else.
    approve(second["id"], status=400, body=None, raw=b"{not json")
    for body, found in [(None, ("/confirm", "required")), ({}, ("/confirm", "required")),
                        ({"confirm": "yes"}, ("/confirm", "wrong_type")),
                        ({"confirm": True, "note": "ok"}, ("/note", "unknown_property"))]:
        assert [(e["path"], e["code"]) for e in approve(second["id"], status=400, body=body)["errors"]] == [found]
    unconfirmed = approve(second["id"], status=400, body={"confirm": False}, headers={"Accept-Language": "en"})
    assert [(e["path"], e["code"]) for e in unconfirmed["errors"]] == [("/confirm", "approval_unconfirmed")]
    approve(second["id"], status=413, body=None, raw=TOO_LARGE)
    # POST /award-lists when the queue refuses the message: 502, the request failed, and asking again works
    _recognised(api, seen, title="Cải tiến hệ thống chiếu sáng nhà xưởng")
    helpers.deliver(stream)
    with helpers.Faulty("sqs", "SendMessage", "InternalError"):
        assert compile_list(status=502)["errors"][0]["code"] == "award_list_not_queued"
    failed = read(f"ldld-ha-noi~{PHASE}~3", status=200)
    assert (failed["status"], failed["reason"]["code"]) == ("failed", "queue_unavailable")
    assert compiled()["version"] == 3

    seen.assert_covers([("post", AWARD_LISTS), ("get", AWARD_LIST), ("post", APPROVE)], range(200, 600))
