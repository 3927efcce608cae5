"""The near-duplicate index (issue 14, point 2): kept by the stream consumer
`index_similar` from every change of an initiative, exactly once; found by a
handful of key lookups (chalicelib/similar/index.py)."""
from chalicelib.similar import core, index
from tests.helpers import deliver, enter, fire, table_items

COPY = {"title": "Cai tien khuon ep duoi den LED",  # the same idea typed again, without diacritics, by the support team
        "problem": "Khuon ep cu lam hong 3% duoi den va phai dung may de chinh.",
        "solution": "Thiet ke lai ranh thoat khi cua khuon va them cam bien nhiet do khuon.",
        "results": "Ty le hong giam con 0,5%, khong phai dung may giua ca."}
OTHER = {"title": "Lắp biến tần cho quạt hút bụi xưởng sơn",
         "problem": "Quạt hút bụi chạy hết công suất cả khi xưởng nghỉ, tốn điện.",
         "solution": "Lắp biến tần và cảm biến bụi để quạt chạy theo nhu cầu.",
         "results": "Điện năng của quạt giảm 35%."}


def items() -> list[dict]:
    from chalicelib.dynamo_json import from_item

    return [from_item(item) for item in table_items("similar")]


def entries(submission_id: str) -> list[str]:
    """The band partitions holding `submission_id`."""
    return sorted(item["pk"] for item in items() if item["pk"].startswith("BAND#") and item["sk"] == submission_id)


def found(text_fields: dict, exclude: str | None = None) -> list[str]:
    _, bands = index.fingerprint(index.text_of(text_fields))
    return [doc.pk.removeprefix("DOC#") for doc in index.candidates(bands, exclude=exclude)]


def test_a_new_initiative_is_indexed_once_and_its_copy_finds_it(api, stream):
    # GIVEN Rạng Đông's initiative entered, and an unrelated one
    original = enter(api)
    other = enter(api, **OTHER)
    records = deliver(stream)
    # THEN each is indexed under every band of its signature, its document holding what a check shows
    assert len(entries(original["id"])) == core.BANDS and len(entries(other["id"])) == core.BANDS
    [doc] = [item for item in items() if item["pk"] == f"DOC#{original['id']}"]
    assert (doc["title"], doc["state"], doc["unit_id"], doc["code"]) == (
        "Cải tiến khuôn ép đuôi đèn LED", "pending", "cdcs-rang-dong", original["code"])
    assert doc["words"].startswith("cai tien khuon ep duoi den led")
    # AND the same idea typed without diacritics finds it, and not the other
    assert found(COPY) == [original["id"]]
    # AND the same records delivered again (a stream redelivery) change nothing
    before = table_items("similar")
    deliver(stream, records, handlers=("index_similar",))
    assert table_items("similar") == before


def test_an_edit_moves_its_bands_and_a_late_record_is_ignored(api, stream):
    # GIVEN an initiative returned for revision, indexed
    entered = enter(api)
    fire(api, entered["id"], "request_revision", entered["version"], "reviewer-rang-dong", reason="Ghi rõ số liệu")
    first = deliver(stream)
    old_bands = entries(entered["id"])
    # WHEN its author rewrites it into another idea
    from tests.conftest import initiative

    body = initiative(**OTHER)
    status, answer = api.json("PUT", f"/submissions/{entered['id']}", body, user="worker-rang-dong",
                              headers={"If-Match": f'"{entered["version"] + 1}"'})
    assert status == 200, answer
    deliver(stream)
    # THEN it is found as the new idea and no longer as the old, under all its bands, none of them stale
    assert found(OTHER) == [entered["id"]]
    assert found({"title": "Cải tiến khuôn ép đuôi đèn LED", **{k: v for k, v in COPY.items() if k != "title"}}) == []
    assert len(entries(entered["id"])) == core.BANDS and not set(entries(entered["id"])) & set(old_bands)
    # AND the first records, delivered late, do not bring the old text back
    deliver(stream, first, handlers=("index_similar",))
    assert found(OTHER) == [entered["id"]] and set(entries(entered["id"])).isdisjoint(old_bands)


def test_a_withdrawn_initiative_is_no_longer_found_but_keeps_its_document(api, stream):
    entered = enter(api)
    deliver(stream)
    assert found(COPY) == [entered["id"]]
    fire(api, entered["id"], "withdraw", entered["version"], "worker-rang-dong")
    deliver(stream)
    assert found(COPY) == [] and entries(entered["id"]) == []
    [doc] = [item for item in items() if item["pk"] == f"DOC#{entered['id']}"]
    assert doc["state"] == "withdrawn"


def test_a_state_change_rewrites_the_document_only(api, stream):
    entered = enter(api)
    deliver(stream)
    bands = entries(entered["id"])
    fire(api, entered["id"], "validate", entered["version"], "reviewer-rang-dong")
    deliver(stream)
    [doc] = [item for item in items() if item["pk"] == f"DOC#{entered['id']}"]
    assert doc["state"] == "valid" and entries(entered["id"]) == bands


def test_the_backfill_indexes_what_the_stream_never_saw_and_a_second_run_changes_nothing(api, stream):
    from scripts import backfill_similar

    # GIVEN two initiatives stored before the index existed (their records never reached index_similar)
    original = enter(api)
    enter(api, **OTHER)
    records = deliver(stream, handlers=("count_changes",))
    assert found(COPY) == []
    # WHEN the backfill runs, THEN both are indexed and the copy finds the original
    assert backfill_similar.backfill() == {"indexed": 2}
    assert found(COPY) == [original["id"]]
    # AND a second run (or the stream catching up) changes nothing
    before = items()
    assert backfill_similar.backfill() == {"skipped": 2}
    deliver(stream, records, handlers=("index_similar",))
    assert items() == before
