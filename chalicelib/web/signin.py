"""Signing in and out, the language switch, and the front door.

Local stage: a page lists the demo users (as GET /dev/users does) and signing
in as one mints the same local token POST /dev/token hands out.
AWS stages: Cognito's hosted sign-in (authorization code with PKCE); the
callback trades the code for tokens at the pool's token endpoint and keeps the
ID token, which the API verifies like any other.
"""
import base64
import hashlib
import json
import secrets
from urllib.parse import urlencode

from chalice import Blueprint

from chalicelib import i18n, settings
from chalicelib.errors import Malformed, NotFound, Problem, Unavailable, UpstreamFailed
from chalicelib.web.pages import (LANGUAGE_COOKIE, PREFIX, SESSION_COOKIE, cookie_header, cookies, page_view,
                                  redirect, safe_next, url)

bp = Blueprint(__name__)

OAUTH_COOKIE = "sk_oauth"
OAUTH_SECONDS = 600
YEAR = 365 * 24 * 3600


@bp.route("/", methods=["GET"])
@page_view(bp, public=True)
def front_door(page):
    return redirect(url(PREFIX))


@bp.route(PREFIX, methods=["GET"])
@page_view(bp)
def home(page):
    """Each role's first page: leaders their dashboard, reviewers their queue, members their initiatives."""
    if page.has_role("leader", "admin"):
        return redirect(url(PREFIX + "/dashboard"))
    if page.has_role("reviewer"):
        return redirect(url(PREFIX + "/queue"))
    return redirect(url(PREFIX + "/initiatives"))


@bp.route(PREFIX + "/sign-in", methods=["GET"])
@page_view(bp, public=True)
def sign_in(page):
    next_path = page.query("next")
    if settings.is_local():
        return page.render("sign_in.html", users=_demo_users(page), next=next_path, hosted_url=None)
    if not (settings.cognito_domain() and settings.jwt_audience()):
        raise Unavailable([Problem("", "sign_in_unavailable")])
    state, verifier = secrets.token_urlsafe(24), secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).decode().rstrip("=")
    hosted = f"{settings.cognito_domain()}/oauth2/authorize?" + urlencode({
        "response_type": "code", "client_id": settings.jwt_audience(), "redirect_uri": _callback_url(),
        "scope": "openid email profile", "state": state, "code_challenge": challenge,
        "code_challenge_method": "S256", "lang": page.lang})
    return redirect(hosted, {"Set-Cookie": cookie_header(OAUTH_COOKIE, f"{state}.{verifier}.{_encode(next_path)}",
                                                         OAUTH_SECONDS)})


@bp.route(PREFIX + "/sign-in", methods=["POST"], content_types=["application/x-www-form-urlencoded"])
@page_view(bp, public=True)
def sign_in_as_demo_user(page):
    """Local stage only: sign in as a demo user."""
    from chalicelib.auth import demo

    if not settings.is_local():
        raise NotFound()
    form = page.form()
    issued = demo.token_for({"user_id": (form.get("user_id") or [""])[0]})
    return redirect(safe_next((form.get("next") or [""])[0]),
                    {"Set-Cookie": cookie_header(SESSION_COOKIE, issued["token"], issued["expires_in"])})


@bp.route(PREFIX + "/auth/callback", methods=["GET"])
@page_view(bp, public=True)
def cognito_callback(page):
    """Cognito sends the browser back here with `code` and `state`."""
    from chalicelib.api.http import principal_from_token

    saved = cookies(page.request).get(OAUTH_COOKIE, "").split(".")
    code, state = page.query("code"), page.query("state")
    if len(saved) != 3 or not code or not secrets.compare_digest(saved[0], state):
        raise Malformed([Problem("", "sign_in_failed")])
    answer = _exchange(code, saved[1])
    token = answer.get("id_token", "")
    principal_from_token(token)  # 401 page unless Cognito's token verifies
    return redirect(safe_next(_decode(saved[2])),
                    {"Set-Cookie": cookie_header(SESSION_COOKIE, token, int(answer.get("expires_in", 3600)))})


@bp.route(PREFIX + "/sign-out", methods=["POST"], content_types=["application/x-www-form-urlencoded"])
@page_view(bp, public=True)
def sign_out(page):
    gone = {"Set-Cookie": cookie_header(SESSION_COOKIE, "", 0)}
    if settings.is_local() or not settings.cognito_domain():
        return redirect(url(PREFIX + "/sign-in"), gone)
    return redirect(f"{settings.cognito_domain()}/logout?" + urlencode(
        {"client_id": settings.jwt_audience(), "logout_uri": settings.link_base() + url(PREFIX + "/sign-in")}), gone)


@bp.route(PREFIX + "/language", methods=["GET"])
@page_view(bp, public=True)
def choose_language(page):
    """Remember the reader's language (a preference, so a plain link may set it)."""
    chosen = page.query("to")
    if chosen not in i18n.LANGUAGES:
        chosen = i18n.DEFAULT_LANGUAGE
    return redirect(safe_next(page.query("next")), {"Set-Cookie": cookie_header(LANGUAGE_COOKIE, chosen, YEAR)})


def _demo_users(page) -> list[dict]:
    from chalicelib.auth import demo
    from chalicelib.reference import catalog

    users = []
    for user in demo.users():
        unit = catalog.unit(user["unit_id"])
        users.append({**user, "unit_name": unit.name if unit else user["unit_id"],
                      "roles_text": ", ".join(page.t(f"web.role.{role}") for role in user["roles"])})
    return users


def _callback_url() -> str:
    return settings.link_base() + url(PREFIX + "/auth/callback")


def _encode(value: str) -> str:
    return base64.urlsafe_b64encode(value.encode()).decode().rstrip("=")


def _decode(value: str) -> str:
    try:
        return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)).decode()
    except (ValueError, UnicodeDecodeError):
        return ""


def _exchange(code: str, verifier: str) -> dict:
    """The tokens for an authorization code, from the pool's token endpoint."""
    import urllib.request  # only on this path: it costs ~30 ms of every cold start otherwise

    body = urlencode({"grant_type": "authorization_code", "client_id": settings.jwt_audience(), "code": code,
                      "redirect_uri": _callback_url(), "code_verifier": verifier}).encode()
    request = urllib.request.Request(f"{settings.cognito_domain()}/oauth2/token", data=body, method="POST",
                                     headers={"Content-Type": "application/x-www-form-urlencoded"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.loads(response.read().decode("utf-8"))
    except (OSError, ValueError):
        raise UpstreamFailed([Problem("", "sign_in_failed")])
