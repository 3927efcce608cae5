"""GET /health: a public liveness check that touches no AWS service."""
from chalice import Blueprint

from chalicelib.api.http import api_view, json_response

bp = Blueprint(__name__)


@bp.route("/health", methods=["GET"])
@api_view(bp, public=True)
def health():
    return json_response(200, {"status": "ok"})
