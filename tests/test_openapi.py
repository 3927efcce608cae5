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
    """{(path, method)}: every route of the Chalice app as conftest configures it (STAGE=local)."""
    from app import app

    return {(path, method.lower()): entry for path, methods in app.routes.items() for method, entry in methods.items()}


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
    assert read == created
    check(api.request("GET", f"/submissions/{created['id']}", user="reviewer-rang-dong"),
          "get", "/submissions/{submission_id}", 200)

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


@pytest.mark.parametrize("path", ["/submissions", "/dev/token"])
def test_unsupported_media_type_has_the_error_shape(api, path):
    check(api.request("POST", path, user="worker-rang-dong", headers={"Content-Type": "text/plain"}, raw=b"x"),
          "post", path, 415)


def test_check_rejects_undocumented_answers():
    """The checker itself: a body that breaks its schema, and an undocumented status, fail."""
    class Fake:
        status_code, headers, body = 200, {"Content-Type": "application/json"}, json.dumps({"status": "down"})
    with pytest.raises(AssertionError, match="does not match its schema"):
        check(Fake(), "get", "/health")
    Fake.status_code = 500
    with pytest.raises(AssertionError, match="does not describe"):
        check(Fake(), "get", "/health")
