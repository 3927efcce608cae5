"""Identity: bearer JWTs verified against the JWKS; 401 without a valid one."""
import time

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from app import app
from chalicelib import settings
from chalicelib.auth import tokens
from chalicelib.auth.principal import Principal

PUBLIC_ROUTES = {("/health", "GET"), ("/dev/users", "GET"), ("/dev/token", "POST"),
                 # the local run's clock and schedules (local stage only, like the two above)
                 ("/dev/clock", "GET"), ("/dev/clock", "POST"), ("/dev/clock", "DELETE"),
                 ("/dev/schedules/{name}", "POST"),
                 # pages: the front door, signing in and out, the language switch, CSS and JS
                 ("/", "GET"), ("/app/sign-in", "GET"), ("/app/sign-in", "POST"), ("/app/auth/callback", "GET"),
                 ("/app/sign-out", "POST"), ("/app/language", "GET"), ("/app/static/{name}", "GET"),
                 # the public showcase and the unions' posters (issue 13): what they show is public by consent
                 ("/app/showcase", "GET"), ("/app/showcase/{submission_id}", "GET"), ("/app/posters/{unit_id}", "GET")}
# The answer to every unknown URL (chalicelib/web/fallback.py): a 404, for anyone.
PUBLIC_ROUTES |= {("/{proxy+}", method) for method in ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")}


def claims(**overrides):
    now = int(time.time())
    base = {"sub": "worker-rang-dong", "roles": ["member"], "unit_id": "cdcs-rang-dong",
            "iss": settings.jwt_issuer(), "aud": settings.jwt_audience(), "iat": now, "exp": now + 600}
    base.update(overrides)
    return {k: v for k, v in base.items() if v is not None}


def signed(payload, key=None, kid="local", algorithm="RS256"):
    return jwt.encode(payload, key or tokens.local_private_key(), algorithm=algorithm, headers={"kid": kid})


def test_every_route_but_the_public_ones_requires_a_token():
    for path, methods in app.routes.items():
        for method, entry in methods.items():
            public = getattr(entry.view_function, "public", None)
            assert public is not None, f"{method} {path} is not wrapped by api_view or page_view"
            assert public == ((path, method) in PUBLIC_ROUTES), f"{method} {path}"


def test_a_valid_token_is_accepted(api):
    status, _ = api.json("GET", "/programs/current", headers={"Authorization": f"Bearer {signed(claims())}"})
    assert status == 200


def other_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


BAD_TOKENS = {
    "no header": None,
    "not bearer": "Basic d29ya2VyOnB3",
    "bearer without token": "Bearer ",
    "garbage": "Bearer not.a.jwt",
    "signed by another key": "Bearer " + signed(claims(), key=other_key()),
    "unknown key id": "Bearer " + signed(claims(), kid="other"),
    "expired": "Bearer " + signed(claims(exp=int(time.time()) - 10)),
    "wrong issuer": "Bearer " + signed(claims(iss="https://evil.example")),
    "wrong audience": "Bearer " + signed(claims(aud="another-app")),
    "no unit": "Bearer " + signed(claims(unit_id=None)),
    "no subject": "Bearer " + signed(claims(sub=None)),
    "HS256 with the public key as secret": "Bearer " + jwt.encode(claims(), "a-shared-secret-that-is-long-enough-32b", algorithm="HS256",
                                                                  headers={"kid": "local"}),
}


@pytest.mark.parametrize("case", sorted(BAD_TOKENS))
def test_missing_or_bad_tokens_get_401_in_the_error_shape(api, case):
    header = BAD_TOKENS[case]
    status, answer = api.json("GET", "/me/submissions", headers={"Authorization": header} if header else {})
    assert status == 401
    assert answer["errors"] == [{"path": "", "code": "unauthenticated", "message": "Bạn cần đăng nhập."}]


def test_401_in_english_and_with_a_challenge(api):
    response = api.request("POST", "/submissions", {}, headers={"Accept-Language": "en"})
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert b"You need to sign in." in response.body


def test_cognito_claims_map_to_the_same_principal():
    principal = Principal.from_claims({"sub": "5f0c…uuid", "cognito:username": "reviewer-rang-dong",
                                       "cognito:groups": ["reviewer", "unknown-group"],
                                       "custom:unit_id": "cdcs-rang-dong"})
    assert principal == Principal(user_id="reviewer-rang-dong", roles=frozenset({"reviewer"}),
                                  unit_id="cdcs-rang-dong")


def test_dev_routes_list_users_and_issue_tokens_that_work(api):
    status, users = api.json("GET", "/dev/users")
    assert status == 200
    roles = {role for user in users["items"] for role in user["roles"]}
    assert roles == {"member", "reviewer", "leader", "admin"}
    status, answer = api.json("POST", "/dev/token", {"user_id": "reviewer-rang-dong"})
    assert status == 200
    status, _ = api.json("GET", "/me/submissions", headers={"Authorization": f"Bearer {answer['token']}"})
    assert status == 200
    status, answer = api.json("POST", "/dev/token", {"user_id": "khong-ai-ca"})
    assert status == 422 and answer["errors"][0]["path"] == "/user_id"


def test_local_tokens_cannot_be_issued_in_a_deployed_stage(monkeypatch):
    monkeypatch.setenv("STAGE", "prod")
    with pytest.raises(RuntimeError):
        tokens.issue_local({"id": "x", "roles": ["admin"], "unit_id": "tld"})
    # …and a deployed stage does not trust the local key either.
    with pytest.raises(tokens.InvalidToken):
        tokens.verify(signed(claims()))
