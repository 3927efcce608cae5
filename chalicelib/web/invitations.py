"""A named member's invitation to co-author, as a page: what the initiative
is (title, code, unit, who entered it, never its content or anyone's contact
details) and two buttons, accept and decline. The notification links here;
the answer is the same service call as POST /submissions/{id}/invitation, so
a double tap, or a second tab, changes nothing more.
"""
from chalice import Blueprint

from chalicelib.errors import Conflict
from chalicelib.web.pages import FORM_TYPE, PREFIX, page_view, redirect, url

bp = Blueprint(__name__)


@bp.route(PREFIX + "/invitations/{submission_id}", methods=["GET"])
@page_view(bp)
def invitation(page, submission_id):
    from chalicelib.submissions import service

    return _page(page, service.invitation(submission_id, page.principal), done=page.query("done"))


@bp.route(PREFIX + "/invitations/{submission_id}", methods=["POST"], content_types=[FORM_TYPE])
@page_view(bp)
def answer(page, submission_id):
    from chalicelib.submissions import service

    given = (page.form().get("answer") or [""])[0]
    try:
        answered = service.answer_invitation(submission_id, page.principal, {"answer": given})
    except Conflict as error:
        # Answered the other way already (another tab, another phone): say so, with the answer that stands.
        return _page(page, service.invitation(submission_id, page.principal), status=409,
                     messages=[p["message"] for p in error.body(page.lang)["errors"]])
    return redirect(url(f"{PREFIX}/invitations/{submission_id}", done=answered["invitation"]))


def _page(page, view: dict, status: int = 200, done: str = "", messages=()):
    return page.render("invitation.html", status=status, invitation=view, done=done, messages=list(messages),
                       initiative=url(f"{PREFIX}/initiatives/{view['submission_id']}"),
                       action=url(f"{PREFIX}/invitations/{view['submission_id']}"))
