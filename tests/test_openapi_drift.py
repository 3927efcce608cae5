"""Where schemathesis found the document and the app apart (issue 10): each
refusal below is what the document says, in its status and its code, and the
document says it where a client reads the parameter."""
import json

from tests.test_openapi import DOC, check, resolve_doc

NOT_A_CURSOR = "0"


def _parameter(path, method, name):
    return next(resolve_doc(p) for p in DOC["paths"][path].get("parameters", []) + DOC["paths"][path][method]["parameters"]
                if resolve_doc(p)["name"] == name)


def test_a_cursor_the_app_did_not_give_is_the_documented_400(api):
    for path, user in (("/me/submissions", "worker-rang-dong"), ("/me/notifications", "worker-rang-dong"),
                       ("/queue", "reviewer-rang-dong")):
        answer = check(api.request("GET", f"{path}?cursor={NOT_A_CURSOR}", user=user), "get", path, 400)
        assert [(e["path"], e["code"]) for e in answer["errors"]] == [("/cursor", "invalid_cursor")]
        assert "invalid_cursor" in _parameter(path, "get", "cursor")["description"]
        assert "`0`" in _parameter(path, "get", "cursor")["description"]


def test_a_search_without_a_word_of_two_letters_is_the_documented_400(api):
    for q in ("a", "a%20b", "%E2%80%8B%E2%80%8Bx", "..%20!"):
        answer = check(api.request("GET", f"/units?q={q}", user="worker-rang-dong"), "get", "/units", 400)
        assert [e["path"] for e in answer["errors"]] == ["/q"], (q, answer)
        assert answer["errors"][0]["code"] in ("query_too_short", "too_short")
    assert "query_too_short" in _parameter("/units", "get", "q")["description"]


def test_an_unknown_id_is_the_documented_404_whatever_its_form(api):
    for sid in ("01HZZZZZZZZZZZZZZZZZZZZZZZ", "0", "not-a-ulid", "%E2%80%8B"):
        check(api.request("GET", f"/submissions/{sid}", user="worker-rang-dong"), "get", "/submissions/{submission_id}",
              404)
    assert "404" in _parameter("/submissions/{submission_id}", "get", "submission_id")["description"]


def test_a_long_accept_language_is_read_not_refused(api):
    """The document sets no length on Accept-Language, and the app refuses none (it reads 200 characters)."""
    assert "maxLength" not in _parameter("/health", "get", "Accept-Language")["schema"]
    long_english = "en;q=0.9," + ",".join(["x-private"] * 2000)
    response = api.request("GET", "/submissions/0", user="worker-rang-dong", headers={"Accept-Language": long_english})
    assert response.status_code == 404 and response.headers["Content-Language"] == "en"
    assert json.loads(response.body)["errors"][0]["message"] == "Not found."


def test_the_new_body_refusals_are_documented_400s(api):
    for raw, code in ((b"[" * 1000 + b"]" * 1000, "too_deep"), (b'{"title": "C\\ud800"}', "lone_surrogate"),
                      (b'{"benefit_vnd": NaN}', "invalid_json")):
        answer = check(api.request("POST", "/submissions", user="worker-rang-dong", raw=raw), "post", "/submissions", 400)
        assert answer["errors"][0]["code"] == code
        assert f"`{code}`" in DOC["paths"]["/submissions"]["post"]["responses"]["400"]["description"]
