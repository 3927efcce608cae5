"""The pages' CSS, JavaScript and icon, served by the app itself so the pages
work on a closed network: no CDN, no external font.

Links carry the file's content hash (`?v=`), so a browser may keep a file for a
year and still never use a stale one after a deploy.
"""
import os

from chalice import Blueprint, Response

from chalicelib.errors import NotFound
from chalicelib.web.pages import PREFIX, STATIC_DIR, asset_version, page_view

bp = Blueprint(__name__)

TYPES = {".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8",
         ".svg": "image/svg+xml; charset=utf-8", ".png": "image/png"}
BINARY = (".png",)  # the showcase's preview image (issue 13): served as bytes
FILES = frozenset(name for name in os.listdir(STATIC_DIR) if os.path.splitext(name)[1] in TYPES)


@bp.route(PREFIX + "/static/{name}", methods=["GET"])
@page_view(bp, public=True)
def static_file(page, name):
    if name not in FILES:
        raise NotFound()
    binary = os.path.splitext(name)[1] in BINARY
    with open(os.path.join(STATIC_DIR, name), "rb" if binary else "r", **({} if binary else {"encoding": "utf-8"})) as f:
        body = f.read()
    cache = ("public, max-age=31536000, immutable" if page.query("v") == asset_version(name)
             else "public, max-age=300")
    return Response(body=body, status_code=200, headers={
        "Content-Type": TYPES[os.path.splitext(name)[1]], "Cache-Control": cache, "X-Content-Type-Options": "nosniff"})
