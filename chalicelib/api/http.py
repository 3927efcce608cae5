"""What every HTTP route shares: the caller, their language, JSON in and out,
and the one place where a domain error (chalicelib/errors.py) becomes an HTTP
answer: its status (`status_of`) and the one error shape, in the caller's language.

The convention of every blueprint: authenticate (the decorator), parse (the
JSON body, the query string, the headers it needs), call ONE service function,
and shape the answer (status, headers). The service validates, authorises and
acts; a blueprint does none of that itself.

Authentication happens here, in the one decorator every view wears, rather than
in an API Gateway authorizer: that way a missing or bad token gets the same 401
in our error shape and the caller's language in every stage, in `chalice local`
and in tests, and a route is protected unless it says `public=True`.
"""
import functools
import json

from chalice import Response

from chalicelib import i18n, text
from chalicelib.auth.principal import Principal
from chalicelib.errors import (
    Busy, Conflict, DomainError, Forbidden, Invalid, Malformed, NotFound, Problem, TooLarge, Unauthenticated,
    Unavailable, UpstreamFailed,
)

MAX_BODY_BYTES = 64 * 1024
# No body the API takes nests deeper than 4 (a submission's authors' fields); 32 leaves room and keeps
# every recursive walk after parsing (normalisation, the schema) far from Python's recursion limit.
MAX_BODY_DEPTH = 32
JSON_TYPE = "application/json; charset=utf-8"

# Each kind of domain error and the HTTP status that answers it.
STATUS = ((Malformed, 400), (Unauthenticated, 401), (Forbidden, 403), (NotFound, 404), (Conflict, 409),
          (TooLarge, 413), (Invalid, 422), (UpstreamFailed, 502), (Busy, 503), (Unavailable, 503))


def status_of(error: DomainError) -> int:
    """The HTTP status that answers a domain error."""
    return next(status for kind, status in STATUS if isinstance(error, kind))


def language(request) -> str:
    return i18n.pick_language(request.headers.get("accept-language"))


def authenticate(request) -> Principal:
    """The caller named by a valid `Authorization: Bearer <JWT>`; 401 otherwise."""
    scheme, _, token = (request.headers.get("authorization") or "").strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthenticated()
    return principal_from_token(token.strip())


def principal_from_token(token: str) -> Principal:
    """The caller a JWT names, once verified (the API's bearer token and the
    pages' session cookie are the same token); 401 otherwise."""
    from chalicelib.auth import tokens

    try:
        return Principal.from_claims(tokens.verify(token))
    except (tokens.InvalidToken, ValueError):
        raise Unauthenticated()


def json_response(status: int, body, headers: dict | None = None) -> Response:
    return Response(body=json.dumps(body, ensure_ascii=False), status_code=status,
                    headers={"Content-Type": JSON_TYPE, **(headers or {})})


def json_body(request):
    """The parsed request body; 413 past 64 KiB, 400 when it is not JSON, nests
    deeper than MAX_BODY_DEPTH, or holds a lone surrogate ("\\ud800", which
    JSON can spell but no text can store) in a string, named by its path."""
    raw = request.raw_body or b""
    if len(raw) > MAX_BODY_BYTES:
        raise TooLarge([Problem("", "body_too_large", {"limit": MAX_BODY_BYTES})])
    try:
        body = json.loads(raw.decode("utf-8"), parse_constant=_not_json)
    except (UnicodeDecodeError, ValueError):
        # ValueError: JSONDecodeError, NaN/Infinity (Python's extension, not JSON), an integer past 4,300 digits
        raise Malformed([Problem("", "invalid_json")])
    except RecursionError:  # deeper than the parser's own limit
        raise Malformed([Problem("", "too_deep", {"limit": MAX_BODY_DEPTH})])
    if depth_over(body, MAX_BODY_DEPTH):
        raise Malformed([Problem("", "too_deep", {"limit": MAX_BODY_DEPTH})])
    surrogates = [Problem(path, "lone_surrogate") for path in text.lone_surrogate_paths(body)]
    if surrogates:
        raise Malformed(surrogates)
    return body


def _not_json(constant: str):
    raise ValueError(f"{constant} is not JSON")


def depth_over(value, limit: int) -> bool:
    """True when `value` (parsed JSON) nests arrays and objects deeper than
    `limit`; without recursion, so any depth the parser let through is safe."""
    stack = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, (dict, list)):
            if depth > limit:
                return True
            stack.extend((child, depth + 1) for child in (node.values() if isinstance(node, dict) else node))
    return False


def query_params(request) -> dict:
    """The query parameters as a dict (the service checks them)."""
    return dict(request.query_params or {})


def error_response(error: DomainError, request):
    """A domain error as its HTTP answer, in the caller's language."""
    lang = language(request)
    headers = {"Content-Language": lang}
    status = status_of(error)
    if status == 401:
        headers["WWW-Authenticate"] = 'Bearer realm="sangkien"'
    return json_response(status, error.body(lang), headers)


def api_view(bp, public: bool = False, roles: tuple = ()):
    """Decorate a view: unless `public`, authenticate the caller and pass them as
    the view's first argument, refusing at once a caller with none of `roles`
    (when given: the coarse gate, before the body is even read; the service
    decides the rest); turn a domain error into its JSON error response in the
    caller's language (Chalice catches exceptions before middleware sees them)."""
    def decorate(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            request = bp.current_request
            try:
                if public:
                    return view(*args, **kwargs)
                caller = authenticate(request)
                if roles and not caller.has_role(*roles):
                    raise Forbidden()
                return view(caller, *args, **kwargs)
            except DomainError as error:
                return error_response(error, request)
        wrapper.public = public
        return wrapper
    return decorate


# Answers Chalice gives by itself, before any view runs (a wrong Content-Type,
# a method the route lacks, an unexpected exception), recast in our error shape.
CHALICE_ERRORS = {"UnsupportedMediaType": "unsupported_media_type", "MethodNotAllowedError": "method_not_allowed",
                  "InternalServerError": "internal_error"}


def error_shape_middleware(request, get_response):
    """HTTP middleware: make Chalice's own error answers speak like ours."""
    response = get_response(request)
    if response.status_code < 400 or not isinstance(response.body, dict):
        return response
    code = CHALICE_ERRORS.get(response.body.get("Code"))
    if code is None:
        return response
    lang = language(request)
    headers = {k: v for k, v in response.headers.items() if k.lower() != "content-type"}
    return json_response(response.status_code, DomainError([Problem("", code)]).body(lang),
                         {**headers, "Content-Language": lang})
