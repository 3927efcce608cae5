"""Signing in to the pages in an AWS stage: Cognito's hosted sign-in with the
authorization code and PKCE, against a stand-in for the pool's endpoints on
127.0.0.1 (token endpoint and JWKS), so nothing leaves this machine."""
import base64
import hashlib
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

CLIENT_ID = "pages-client"
KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)


class FakeCognito(BaseHTTPRequestHandler):
    """/oauth2/token trades a code for an ID token when the PKCE verifier fits the challenge."""
    challenges: dict = {}
    issuer = ""

    def log_message(self, *args):
        pass

    def _send(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        jwk = json.loads(RSAAlgorithm.to_jwk(KEY.public_key()))
        jwk.update({"kid": "pool-key", "alg": "RS256", "use": "sig"})
        self._send(200, {"keys": [jwk]})

    def do_POST(self):
        form = parse_qs(self.rfile.read(int(self.headers["Content-Length"])).decode())
        code, verifier = form["code"][0], form["code_verifier"][0]
        digest = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).decode().rstrip("=")
        if self.challenges.get(code) != digest or form["client_id"][0] != CLIENT_ID:
            return self._send(400, {"error": "invalid_grant"})
        now = int(time.time())
        token = jwt.encode({"sub": "3f6c-uuid", "cognito:username": "worker-rang-dong", "cognito:groups": ["member"],
                            "custom:unit_id": "cdcs-rang-dong", "name": "Nguyễn Văn An", "iss": self.issuer,
                            "aud": CLIENT_ID, "iat": now, "exp": now + 3600, "token_use": "id"},
                           KEY, algorithm="RS256", headers={"kid": "pool-key"})
        self._send(200, {"id_token": token, "access_token": "unused", "expires_in": 3600, "token_type": "Bearer"})


@pytest.fixture
def cognito(monkeypatch, pages):
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeCognito)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    FakeCognito.issuer = base + "/pool"
    FakeCognito.challenges = {}
    # chalice's test client re-applies the local stage's STAGE on each request: say "dev" where it is read.
    monkeypatch.setattr("chalicelib.settings.stage", lambda: "dev")
    for name, value in {"COGNITO_DOMAIN": base, "JWKS_URL": base + "/jwks.json",
                        "JWT_ISSUER": base + "/pool", "JWT_AUDIENCE": CLIENT_ID}.items():
        monkeypatch.setenv(name, value)
    yield base
    server.shutdown()


def test_an_aws_stage_signs_in_through_the_hosted_page_and_back(cognito, pages):
    # WHEN an anonymous worker opens the sign-in page
    start = pages.get("/app/sign-in?next=/app/initiatives")
    # THEN the browser goes to Cognito's hosted page with a PKCE challenge and a state
    assert start.status_code == 303
    hosted = urlsplit(start.headers["Location"])
    query = {k: v[0] for k, v in parse_qs(hosted.query).items()}
    assert f"{hosted.scheme}://{hosted.netloc}{hosted.path}" == cognito + "/oauth2/authorize"
    assert query["client_id"] == CLIENT_ID and query["code_challenge_method"] == "S256"
    assert query["redirect_uri"].endswith("/app/auth/callback")
    oauth_cookie = start.headers["Set-Cookie"].split(";")[0]
    # AND Cognito sends them back with a code
    FakeCognito.challenges["the-code"] = query["code_challenge"]
    back = pages.get(f"/app/auth/callback?code=the-code&state={query['state']}", headers={"Cookie": oauth_cookie})
    # THEN they are signed in with the pool's ID token, and land where they were going
    assert back.status_code == 303 and back.headers["Location"] == "/app/initiatives"
    session = back.headers["Set-Cookie"].split(";")[0]
    assert session.startswith("sk_session=") and "Secure" in back.headers["Set-Cookie"]
    mine = pages.get("/app/initiatives", headers={"Cookie": session})
    assert mine.status_code == 200


def test_a_callback_with_another_state_signs_nobody_in(cognito, pages):
    start = pages.get("/app/sign-in")
    oauth_cookie = start.headers["Set-Cookie"].split(";")[0]
    back = pages.get("/app/auth/callback?code=x&state=forged", headers={"Cookie": oauth_cookie})
    assert back.status_code == 400 and "Set-Cookie" not in back.headers


def test_demo_users_cannot_sign_in_outside_the_local_stage(cognito, pages):
    response = pages.post("/app/sign-in", {"user_id": "admin"})
    assert response.status_code == 404 and "Set-Cookie" not in response.headers
