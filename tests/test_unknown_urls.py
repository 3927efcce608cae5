"""Unknown URLs and methods: a 404 (our error shape for the API, a page under
/app/) for a URL no route takes, a 405 for a method a URL does not take, and
no answer ever repeats the caller's credentials. API Gateway's own answers
(deploy/resources.json's gateway responses) say the same in the same shape."""
import json
import os

import pytest

from chalicelib.errors import DomainError, Problem
from tests.conftest import ROOT, html_text

UNKNOWN_API = ["/nonexistent", "/submissions/01KAHQ3M6X2V7E9R0T4B5N8C1D/comments", "/stats/units/ldld-ha-noi/x/y/z",
               "/me/", "/.env", "/health/../admin", "/%2e%2e/etc/passwd", "/units/extra?q=rang"]
UNKNOWN_PAGES = ["/app/nonexistent", "/app/submissions/01KAHQ3M6X2V7E9R0T4B5N8C1D/delete", "/app/static/x/y"]


def _headers(response) -> dict:
    return {name.lower(): value for name, value in response.headers.items()}


def _says_nothing_of(response, secret: str):
    body = response.body.decode("utf-8") if isinstance(response.body, bytes) else (response.body or "")
    assert secret not in body, body[:300]
    assert not [value for value in response.headers.values() if secret in str(value)], response.headers


@pytest.mark.parametrize("path", UNKNOWN_API)
@pytest.mark.parametrize("method", ["GET", "POST", "PUT", "DELETE", "PATCH"])
def test_an_unknown_api_url_is_a_404_in_our_shape_that_repeats_no_token(api, path, method):
    # GIVEN a signed-in caller
    token = api.token("worker-rang-dong")
    # WHEN they ask for a URL no route takes, whatever the method and body
    response = api.client.http.request(method, path, headers={
        "Authorization": f"Bearer {token}", "Content-Type": "text/plain", "Accept-Language": "en"}, body=b"x")
    # THEN the answer is our 404, in the caller's language
    assert response.status_code == 404, (path, response.status_code, response.body[:200])
    body = json.loads(response.body)
    assert body == {"errors": [{"path": "", "code": "not_found", "message": "Not found."}]}
    assert _headers(response)["content-language"] == "en"
    # AND nothing of the token comes back
    _says_nothing_of(response, token)
    _says_nothing_of(response, token.split(".")[1])


def test_an_unknown_url_without_a_token_is_a_404_too(api):
    response = api.client.http.get("/nonexistent")
    assert response.status_code == 404
    assert json.loads(response.body)["errors"][0]["message"] == "Không tìm thấy."


@pytest.mark.parametrize("path", UNKNOWN_PAGES)
@pytest.mark.parametrize("user", [None, "worker-rang-dong"])
def test_an_unknown_page_is_a_404_page(pages, path, user):
    response = pages.get(path, user=user)
    assert response.status_code == 404
    assert _headers(response)["content-type"].startswith("text/html")
    assert "Không tìm thấy." in html_text(response)
    if user:
        _says_nothing_of(response, pages.cookie(user).split("=", 1)[1])


@pytest.mark.parametrize("method, path, allow", [
    ("DELETE", "/health", "GET"), ("PUT", "/submissions", "POST"), ("PATCH", "/submissions/01KAHQ3M6X2V7E9R0T4B5N8C1D",
                                                                   "GET, PUT"),
    ("POST", "/queue", "GET"), ("DELETE", "/app/submit", None)])
def test_a_method_a_url_does_not_take_is_a_405_in_our_shape(api, method, path, allow):
    token = api.token("reviewer-rang-dong")
    response = api.client.http.request(method, path, headers={"Authorization": f"Bearer {token}"}, body=b"")
    assert response.status_code == 405, (method, path, response.status_code)
    assert json.loads(response.body)["errors"][0]["code"] == "method_not_allowed"
    if allow:
        assert set(_headers(response)["allow"].split(", ")) == set(allow.split(", "))
    _says_nothing_of(response, token)


def test_a_known_route_still_answers_with_its_own_view(api):
    """The catch-all takes only what no route takes (a one-segment URL included)."""
    assert api.client.http.get("/health").status_code == 200
    assert api.json("GET", "/units?q=rang%20dong", user="worker-rang-dong")[0] == 200
    assert api.json("GET", "/submissions/01HZZZZZZZZZZZZZZZZZZZZZZZ", user="worker-rang-dong")[0] == 404


# ------------------------------------------------------------ in AWS: API Gateway's own answers

def _gateway_responses() -> dict:
    with open(os.path.join(ROOT, "deploy", "resources.json"), encoding="utf-8") as f:
        template = json.load(f)
    return template["Resources"]["RestAPI"]["Properties"]["DefinitionBody"]["x-amazon-apigateway-gateway-responses"]


@pytest.mark.parametrize("kind, status, code, params", [
    ("MISSING_AUTHENTICATION_TOKEN", "405", "method_not_allowed", {}),
    ("REQUEST_TOO_LARGE", "413", "body_too_large", {"limit": 64 * 1024}),
    ("THROTTLED", "429", "busy", {}), ("DEFAULT_4XX", None, "invalid", {}), ("DEFAULT_5XX", None, "gateway_error", {})])
def test_api_gateways_own_answers_are_in_our_shape_and_repeat_nothing(kind, status, code, params):
    """API Gateway answers a method a resource lacks as MISSING_AUTHENTICATION_TOKEN (an unknown URL reaches
    /{proxy+}), and its default 4xx would repeat an Authorization header: each is a fixed text in our shape,
    the catalogue's Vietnamese message, with no `$context`/`$input` value in it."""
    response = _gateway_responses()[kind]
    assert response.get("statusCode") == status
    template = response["responseTemplates"]["application/json"]
    assert json.loads(template) == DomainError([Problem("", code, params)]).body("vi")
    assert "$" not in template
    assert response["responseParameters"]["gatewayresponse.header.Content-Language"] == "'vi'"
