"""What every page shares: who is signed in, their language, rendering a
template, reading a posted form, redirects, and errors shown as pages.

The session is the same JWT the API takes (local key or Cognito), in the
HttpOnly, SameSite=Lax cookie `sk_session`, so a page knows the caller by the
same verification as the API. Posts are refused when the browser says they
come from another site (Origin); SameSite=Lax already keeps the cookie off
cross-site posts, this is the second lock.

Every page is reached under /app/ so it never shadows an API route.
"""
import functools
import hashlib
import os
from functools import lru_cache
from http.cookies import SimpleCookie
from urllib.parse import parse_qs, quote, urlencode, urlsplit

from chalice import Response

from chalicelib import formatting, i18n, settings
from chalicelib.errors import DomainError, Forbidden, Malformed, Problem, TooLarge

SESSION_COOKIE = "sk_session"
LANGUAGE_COOKIE = "sk_lang"
PREFIX = "/app"
HTML_TYPE = "text/html; charset=utf-8"
FORM_TYPE = "application/x-www-form-urlencoded"
MAX_FORM_BYTES = 64 * 1024
WEB_DIR = os.path.dirname(os.path.abspath(__file__))
STATIC_DIR = os.path.join(WEB_DIR, "static")
TEMPLATE_DIR = os.path.join(WEB_DIR, "templates")

# Everything a page needs comes from this app: no CDN, no external font, no
# inline script or style (charts are SVG with presentation attributes).
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
                               "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}


def url(path: str, **params) -> str:
    """A page's address: PAGE_BASE_PATH (empty behind the custom domain) + path + query."""
    query = urlencode({k: v for k, v in params.items() if v not in (None, "")})
    return f"{settings.page_base_path()}{path}" + (f"?{query}" if query else "")


@lru_cache(maxsize=None)
def asset_version(name: str) -> str:
    with open(os.path.join(STATIC_DIR, name), "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()[:12]


def asset(name: str) -> str:
    """A static file's address with its content hash, so it can be cached for good."""
    return url(f"{PREFIX}/static/{name}", v=asset_version(name))


def cookies(request) -> dict:
    jar = SimpleCookie()
    try:
        jar.load(request.headers.get("cookie") or "")
    except Exception:  # a malformed Cookie header is as good as none
        return {}
    return {name: morsel.value for name, morsel in jar.items()}


def cookie_header(name: str, value: str, max_age: int) -> str:
    secure = "" if settings.is_local() else "; Secure"
    return f"{name}={value}; Max-Age={max_age}; Path=/; HttpOnly; SameSite=Lax{secure}"


class Page:
    """One page request: the caller (or None), their language and helpers for templates."""

    def __init__(self, request):
        self.request = request
        jar = cookies(request)
        chosen = jar.get(LANGUAGE_COOKIE)
        # Vietnamese unless the reader picked English with the switch (kept in a
        # cookie): a phone set to English is no choice of the worker's for these pages.
        self.lang = chosen if chosen in i18n.LANGUAGES else i18n.DEFAULT_LANGUAGE
        self.principal = _principal(jar.get(SESSION_COOKIE))
        self._unread = None

    # ---- text and formats, in the page's language
    def t(self, key: str, **params) -> str:
        return i18n.text(key, self.lang, **params)

    def name(self, names) -> str:
        """The page's language from a {"vi", "en"} pair."""
        if isinstance(names, str):
            return names
        return (names or {}).get(self.lang) or (names or {}).get(i18n.DEFAULT_LANGUAGE, "")

    def money(self, amount) -> str:
        return formatting.money(amount, self.lang)

    def large_money(self, amount) -> str:
        return formatting.large_money(amount, self.lang)

    def number(self, value) -> str:
        return formatting.number(value, self.lang)

    def percent(self, value) -> str:
        return formatting.percent(value, self.lang)

    # ---- the request
    @property
    def path(self) -> str:
        """The page's own path and query (for "come back here" links)."""
        path = self.request.context.get("path") or PREFIX
        # Behind an execute-api URL the stage name comes first: keep from /app on.
        path = path[path.find(PREFIX):] if PREFIX in path else PREFIX
        query = urlencode(self.request.query_params or {})
        return f"{path}?{query}" if query else path

    def query(self, name: str, default: str = "") -> str:
        return (self.request.query_params or {}).get(name, default)

    def has_role(self, *roles) -> bool:
        return self.principal is not None and self.principal.has_role(*roles)

    @property
    def unread(self) -> int:
        """Unread notifications, for the badge in the header (one read per page)."""
        if self._unread is None:
            from chalicelib.notify import inapp

            self._unread = inapp.unread_count(self.principal.user_id) if self.principal else 0
        return self._unread

    def form(self) -> dict:
        """The posted form as {name: [values]}; 413 past 64 KiB."""
        raw = self.request.raw_body or b""
        if len(raw) > MAX_FORM_BYTES:
            raise TooLarge([Problem("", "body_too_large", {"limit": MAX_FORM_BYTES})])
        try:
            return parse_qs(raw.decode("utf-8"), keep_blank_values=True)
        except UnicodeDecodeError:
            raise Malformed([Problem("", "invalid_form")])

    # ---- answers
    def render(self, template: str, status: int = 200, headers: dict | None = None, **context) -> Response:
        html = environment().get_template(template).render(page=self, **context)
        return Response(body=html, status_code=status,
                        headers={"Content-Type": HTML_TYPE, "Content-Language": self.lang, **SECURITY_HEADERS,
                                 **(headers or {})})

    def error_page(self, error: DomainError) -> Response:
        """A domain error as a page: the same status the API would answer, its messages in the page's language."""
        from chalicelib.api.http import status_of

        status = status_of(error)
        messages = [p["message"] for p in error.body(self.lang)["errors"]]
        return self.render("error.html", status=status, status_code=status, messages=messages)


def redirect(location: str, headers: dict | None = None) -> Response:
    """303 See Other: after a post, the browser GETs the next page (no re-post on reload)."""
    return Response(body="", status_code=303, headers={"Location": location, "Cache-Control": "no-store",
                                                       **(headers or {})})


def new_token() -> str:
    """A one-use token for a form (idempotency key, client token): a double tap sends it twice."""
    import uuid

    return uuid.uuid4().hex


def safe_next(value: str | None) -> str:
    """Where to go after sign-in: only a path of ours, never another site."""
    if value and (value == PREFIX or value.startswith(PREFIX + "/") or value.startswith(PREFIX + "?")) \
            and "\\" not in value:
        return url(value)
    return url(PREFIX)


def _principal(token: str | None):
    if not token:
        return None
    from chalicelib.api.http import principal_from_token

    try:
        return principal_from_token(token)
    except DomainError:
        return None


def same_origin(request) -> bool:
    """False when the browser says the post comes from another site."""
    origin = request.headers.get("origin")
    if not origin or origin == "null":
        # Older browsers send none on same-origin posts; SameSite=Lax keeps the cookie off cross-site ones.
        return origin is None
    host = request.headers.get("host", "")
    return urlsplit(origin).netloc == host


def page_view(bp, roles: tuple = (), public: bool = False):
    """Decorate a page: pass the `Page` as first argument; unless `public`,
    send an anonymous caller to sign in (and back), and show 403 to a caller
    without one of `roles`. A domain error becomes an error page in the caller's
    language; posts from another site are refused."""
    def decorate(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            request = bp.current_request
            page = Page(request)
            try:
                if request.method == "POST" and not same_origin(request):
                    raise Forbidden()
                if not public:
                    if page.principal is None:
                        return redirect(url(f"{PREFIX}/sign-in", next=page.path))
                    if roles and not page.principal.has_role(*roles):
                        raise Forbidden()
                return view(page, *args, **kwargs)
            except DomainError as error:
                return page.error_page(error)
        wrapper.public = public
        wrapper.page = True
        return wrapper
    return decorate


@lru_cache(maxsize=1)
def environment():
    """The pages' Jinja2 environment: HTML autoescaped, strict about undefined names."""
    from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

    env = Environment(loader=FileSystemLoader(TEMPLATE_DIR), undefined=StrictUndefined,
                      autoescape=select_autoescape(default=True), trim_blocks=True, lstrip_blocks=True)
    from chalicelib.workflow.definition import SCORES

    env.globals.update(url=url, asset=asset, PREFIX=PREFIX, SCORES=SCORES)
    env.filters.update(day=formatting.day, when=formatting.when, iso_day=formatting.iso_day,
                       urlquote=lambda value: quote(str(value), safe=""))
    return env


def problems_by_field(error: DomainError, language: str) -> dict:
    """An error's messages keyed by the JSON Pointer of the field they are about
    ("" for the form as a whole), to show each next to its field."""
    found: dict[str, list] = {}
    for problem in error.body(language)["errors"]:
        found.setdefault(problem["path"], []).append(problem["message"])
    return found
