"""What answers a URL no route takes: 404 in our error shape (a page under
/app/), in every stage, and never the caller's credentials said back.

Without it API Gateway answers an unknown URL itself with a raw 403
`{"message": "Missing Authentication Token"}`, and, when the request carries an
`Authorization` header, a message that repeats the whole header (the bearer
token); `chalice local` copies both. A greedy route, `/{proxy+}`, takes every
URL no other route matches: API Gateway prefers any more specific resource, so
it only ever sees unknown URLs. A method a known URL does not take is a 405:
Chalice answers it in the local stage (reshaped by `api.http`'s middleware); in
AWS, API Gateway answers it before any Lambda runs, as the gateway response
MISSING_AUTHENTICATION_TOKEN, which deploy/resources.json makes a 405 in our
shape (and every other response of the gateway's own a fixed text, so none
repeats a header).

This lives with the pages because it answers for both: the API's JSON, or a
page for a URL under /app/.
"""
from chalice import Blueprint

from chalicelib.api.http import error_response
from chalicelib.errors import NotFound
from chalicelib.web.pages import PREFIX, Page

bp = Blueprint(__name__)

GREEDY = "/{proxy+}"
# Every method Chalice routes (TRACE and CONNECT it cannot: `chalice local` answers them 501 by itself,
# API Gateway refuses them before anything of ours runs).
METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]


@bp.route(GREEDY, methods=METHODS, content_types=["*/*"])
def unknown_url():
    request = bp.current_request
    path = "/" + (request.uri_params or {}).get("proxy", "")
    if path == PREFIX or path.startswith(PREFIX + "/"):
        return Page(request).error_page(NotFound())
    return error_response(NotFound(), request)


unknown_url.public = True
unknown_url.fallback = True


def route_unknown_urls_locally() -> None:
    """Teach `chalice local` (and chalice's test client, which shares its
    gateway) the greedy route API Gateway knows: its route matcher compares
    URLs segment by segment, so `/{proxy+}` would only ever match a one-segment
    URL. Only ever called in the local stage."""
    from urllib.parse import parse_qs, urlparse

    from chalice import local

    if getattr(local.RouteMatcher.match_route, "greedy", False):
        return
    match_exactly = local.RouteMatcher.match_route

    def match_route(self, url):
        try:
            found = match_exactly(self, url)
        except ValueError:
            if GREEDY not in self.route_urls:
                raise
            found = None
        if found is not None and found.route != GREEDY:
            return found
        # As API Gateway does: the whole path (without its leading "/") is the parameter "proxy".
        parsed = urlparse(url)
        return local.MatchResult(GREEDY, {"proxy": parsed.path.lstrip("/")},
                                 parse_qs(parsed.query, keep_blank_values=True))
    match_route.greedy = True
    local.RouteMatcher.match_route = match_route
