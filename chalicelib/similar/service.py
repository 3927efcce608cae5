"""GET /similar: the initiatives like what a worker is typing.

Anyone signed in may ask: a worker before sending, a support team entering
for a worker, a reviewer. The answer never shows more of an initiative than
its title, state and unit, unless the caller may read it whole (its authors,
reviewers and leaders of a unit on its path, admins: auth.principal.may_see):
then also its id and tracking code, to open it.

Cost: similar.index.candidates (BANDS Queries of at most BAND_LIMIT keys, one
BatchGetItem of at most CANDIDATES documents), then the units' names (cached).
"""
from chalicelib import validation
from chalicelib.auth.principal import may_see
from chalicelib.similar import core, index

SHOWN = 5
MAX_TEXT = 18300  # characters compared: the four fields' limits together (schemas/submission.json, similar-query.json)


def similar_for(principal, params: dict) -> dict:
    """At most SHOWN indexed initiatives scoring at least core.THRESHOLD
    against `params["text"]`, most alike first (schemas/similar.json)."""
    from chalicelib.reference import catalog
    from chalicelib.submissions.service import state_name

    params = validation.normalized("similar-query", params)
    words, bands = index.fingerprint(params["text"])
    answer = {"threshold": core.THRESHOLD, "items": []}
    if not bands:
        return answer
    shown = _alike(words, bands, params.get("exclude"))
    unit_id = params.get("unit_id") or principal.unit_id
    names = {uid: unit.name for uid, unit in catalog.units({doc.unit_id for _, doc in shown}).items()}
    for score, doc in shown:
        item = {"title": doc.title, "state": doc.state, "state_name": state_name(doc.state),
                "unit": {"id": doc.unit_id, "name": names.get(doc.unit_id, doc.unit_id)},
                "same_unit": doc.unit_id == unit_id, "score": round(score, 2)}
        if may_see(principal, doc.unit_path, doc.people or set()):
            item.update(id=doc.pk.removeprefix("DOC#"), code=doc.code)
        answer["items"].append(item)
    return answer


def found_for(attributes: dict) -> list[dict]:
    """What a new initiative stores of the initiatives like it (at most SHOWN,
    most alike first): id, score, same grassroots union or not. Given to
    submissions.service.create by the API."""
    words, bands = index.fingerprint(index.text_of(attributes))
    if not bands:
        return []
    return [{"id": doc.pk.removeprefix("DOC#"), "score": round(score, 2), "same_unit": doc.unit_id == attributes["unit_id"]}
            for score, doc in _alike(words, bands, attributes.get("id"))]


def _alike(words: list[str], bands: list[str], exclude: str | None) -> list[tuple]:
    """(score, document) of the candidates scoring at least core.THRESHOLD, most alike first, at most SHOWN."""
    scored = [(core.score(words, doc.words.split()), doc) for doc in index.candidates(bands, exclude)]
    return sorted((pair for pair in scored if pair[0] >= core.THRESHOLD), key=lambda pair: -pair[0])[:SHOWN]
