"""What every HTTP route shares: the caller, their language, JSON in and out,
and turning `ApiError` into the one error shape.

Authentication happens here, in the one decorator every view wears, rather than
in an API Gateway authorizer: that way a missing or bad token gets the same 401
in our error shape and the caller's language in every stage, in `chalice local`
and in tests, and a route is protected unless it says `public=True`.
"""
import functools
import json

from chalice import Response

from chalicelib import i18n
from chalicelib.auth.principal import Principal
from chalicelib.errors import ApiError, Problem, unauthenticated

MAX_BODY_BYTES = 64 * 1024
JSON_TYPE = "application/json; charset=utf-8"


def language(request) -> str:
    return i18n.pick_language(request.headers.get("accept-language"))


def authenticate(request) -> Principal:
    """The caller named by a valid `Authorization: Bearer <JWT>`; 401 otherwise."""
    scheme, _, token = (request.headers.get("authorization") or "").strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise unauthenticated()
    return principal_from_token(token.strip())


def principal_from_token(token: str) -> Principal:
    """The caller a JWT names, once verified (the API's bearer token and the
    pages' session cookie are the same token); 401 otherwise."""
    from chalicelib.auth import tokens

    try:
        return Principal.from_claims(tokens.verify(token))
    except (tokens.InvalidToken, ValueError):
        raise unauthenticated()


def json_response(status: int, body, headers: dict | None = None) -> Response:
    return Response(body=json.dumps(body, ensure_ascii=False), status_code=status,
                    headers={"Content-Type": JSON_TYPE, **(headers or {})})


def json_body(request):
    """The parsed request body; 413 past 64 KiB, 400 when it is not JSON."""
    raw = request.raw_body or b""
    if len(raw) > MAX_BODY_BYTES:
        raise ApiError(413, [Problem("", "body_too_large", {"limit": MAX_BODY_BYTES})])
    try:
        return json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise ApiError(400, [Problem("", "invalid_json")])


def query_params(request, schema: str) -> dict:
    """The query parameters, checked by `schemas/<schema>.json`; 400 naming each bad one."""
    from chalicelib import validation

    params = dict(request.query_params or {})
    problems = validation.problems(schema, params)
    if problems:
        raise ApiError(400, problems)
    return params


def api_view(bp, public: bool = False):
    """Decorate a view: unless `public`, authenticate the caller and pass them as
    the view's first argument; turn an ApiError into its JSON error response in
    the caller's language (Chalice catches exceptions before middleware sees them)."""
    def decorate(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            request = bp.current_request
            try:
                if public:
                    return view(*args, **kwargs)
                return view(authenticate(request), *args, **kwargs)
            except ApiError as error:
                lang = language(request)
                headers = {"Content-Language": lang}
                if error.status == 401:
                    headers["WWW-Authenticate"] = 'Bearer realm="sangkien"'
                return json_response(error.status, error.body(lang), headers)
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
    return json_response(response.status_code, ApiError(response.status_code, [Problem("", code)]).body(lang),
                         {**headers, "Content-Language": lang})
