"""The public pages (issue 13), no sign-in needed: the showcase of recognised
initiatives whose authors agreed to publish them, each one's own page (with
Open Graph tags, so a link shared on Zalo or Facebook shows a preview), and
the printable A4 poster of a grassroots union with the QR code that opens the
initiative form with that union already chosen. Signed-in users also get a
page to find any grassroots union's poster.

What the public sees of an initiative is chalicelib/submissions/showcase.py's
whitelist: nothing else of it reaches these templates.
"""
from chalice import Blueprint

from chalicelib import settings
from chalicelib.errors import NotFound
from chalicelib.web.pages import PREFIX, asset, page_view, url

bp = Blueprint(__name__)

OG_IMAGE = "showcase-og.png"  # 1200 × 630, made by scripts/make_og_image.py
OG_DESCRIPTION_CHARS = 200


def absolute(path: str) -> str:
    """A page's full address, as a share or a QR code needs it (LINK_BASE + the page's path)."""
    return settings.link_base() + path


def og_image() -> str:
    """The preview image's full address (a PNG: Facebook and Zalo show no SVG)."""
    return absolute(asset(OG_IMAGE))


def _names(page, program) -> tuple[dict, dict]:
    """{field id: name} and {subject group id: name} of `program`, in the page's language."""
    if program is None:
        return {}, {}
    return ({f["id"]: page.name(f["name"]) for f in program.fields},
            {g["id"]: page.name(g["name"]) for g in program.subject_groups})


def _short(value: str, limit: int = OG_DESCRIPTION_CHARS) -> str:
    value = " ".join(value.split())
    return value if len(value) <= limit else value[:limit].rsplit(" ", 1)[0] + "…"


@bp.route(PREFIX + "/showcase", methods=["GET"])
@page_view(bp, public=True)
def showcase(page):
    from chalicelib.reference import catalog
    from chalicelib.submissions import showcase as service

    params = {name: page.query(name) for name in ("program", "unit", "field", "q", "cursor") if page.query(name)}
    found = service.page(params)
    program = found["program"]
    fields, _ = _names(page, program)
    tops = catalog.top_level_units()
    filters = {k: v for k, v in params.items() if k != "cursor"}
    title = page.t("web.showcase.title")
    return page.render(
        "showcase.html", program=program, items=found["items"], fields=fields, tops=tops, filters=filters,
        unit=found.get("unit"), searched=bool(found["words"]), read=found["read"],
        next_page=url(PREFIX + "/showcase", **filters, cursor=found["next_cursor"]) if found["next_cursor"] else None,
        first_page=url(PREFIX + "/showcase", **filters) if params.get("cursor") else None,
        og={"title": title, "description": page.t("web.showcase.og_description"),
            "url": absolute(url(PREFIX + "/showcase")), "type": "website", "image": og_image()})


@bp.route(PREFIX + "/showcase/{submission_id}", methods=["GET"])
@page_view(bp, public=True)
def showcase_story(page, submission_id):
    from chalicelib.submissions import showcase as service

    story = service.story(submission_id)
    fields, groups = _names(page, story["program"])
    link = absolute(url(f"{PREFIX}/showcase/{story['id']}"))
    return page.render(
        "showcase_story.html", story=story, field_name=fields.get(story["field"], story["field"]),
        group_name=groups.get(story["subject_group"], story["subject_group"]),
        program_name=page.name(story["program"].name) if story["program"] else "",
        og={"title": story["title"], "description": _short(story["results"]), "url": link, "type": "article", "image": og_image()})


# ------------------------------------------------------------------ posters

@bp.route(PREFIX + "/posters", methods=["GET"])
@page_view(bp)
def posters(page):
    """Find a grassroots union's poster (anyone signed in); one's own union first."""
    from chalicelib.reference import catalog

    query = page.query("q").strip()[:100]
    own = catalog.unit(page.principal.unit_id)
    found = catalog.search_units(query, "grassroots", 20) if query else None
    return page.render("posters.html", query=query, found=found,
                       own=own if own is not None and own.is_grassroots else None)


@bp.route(PREFIX + "/posters/{unit_id}", methods=["GET"])
@page_view(bp, public=True)
def poster(page, unit_id):
    """A grassroots union's A4 poster: public (it holds only what a notice
    board shows: the program, the union's name, its support team's public
    phone, and the QR code of the form with the union chosen), so a union
    official, a support team or a worker may print it without an account."""
    from chalicelib.reference import catalog

    unit = catalog.unit(unit_id) if len(unit_id) <= 63 else None
    if unit is None or not unit.is_grassroots:
        raise NotFound()
    found = catalog.current()
    program = found[0] if found else None
    form_url = form_link(unit.id)
    return page.render("poster.html", unit=unit, program_name=page.name(program.name) if program else "",
                       phone=unit.support_phone, form_url=form_url, qr=qr_svg(form_url),
                       showcase_url=absolute(url(PREFIX + "/showcase")))


def form_link(unit_id: str) -> str:
    """What a poster's QR code opens: the initiative form with the union chosen."""
    return absolute(url(PREFIX + "/submit", unit=unit_id))


def qr_svg(payload: str) -> str:
    """`payload` as a QR code, an inline SVG (no image file, nothing fetched):
    error correction M (15 % may be lost: a creased or dirty poster still
    scans), a 4-module quiet zone, drawn black on white at any size."""
    import segno  # only here: ~40 ms of import no other page should pay on a cold start

    code = segno.make(payload, error="m", micro=False, boost_error=False)
    return code.svg_inline(scale=1, border=4, omitsize=True, svgclass="qr", lineclass=None, dark="#000",
                           light="#fff")
