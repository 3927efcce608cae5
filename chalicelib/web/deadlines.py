"""The page of what is overdue one level below the caller's unit: the
deadline sweep's escalations, for the unit's reviewers and leaders. The rows
come from chalicelib/review/deadlines.py (one Query a page); each opens the
initiative, and says where it waits, since when and how late it is."""
from chalice import Blueprint

from chalicelib.web.pages import PREFIX, page_view

bp = Blueprint(__name__)


@bp.route(PREFIX + "/overdue", methods=["GET"])
@page_view(bp, roles=("reviewer", "leader"))
def overdue(page):
    from chalicelib import clock
    from chalicelib.reference import catalog
    from chalicelib.review import deadlines
    from chalicelib.workflow.deadlines import parse

    answer = deadlines.overdue_below(page.principal, {name: page.query(name) for name in ("cursor", "limit")
                                                      if page.query(name)})
    names = {uid: unit.name for uid, unit in catalog.units(
        {item["waiting_at"] for item in answer["items"] if item["waiting_at"]}).items()}
    today = clock.now()
    rows = [dict(item, waiting_at_name=names.get(item["waiting_at"], item["waiting_at"]),
                 days_late=max(1, (today.date() - parse(item["overdue_since"]).date()).days)
                 if item["overdue_since"] else 0)
            for item in answer["items"]]
    unit = catalog.unit(page.principal.unit_id)
    return page.render("overdue.html", rows=rows, unit_name=unit.name if unit else page.principal.unit_id,
                       next_cursor=answer["next_cursor"], first=bool(page.query("cursor")))
