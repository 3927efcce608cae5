"""The near-duplicate index in DynamoDB: the owner of the `similar` table.

Per indexed initiative, a document (`DOC#<id>` / `DOC`: its normalised words,
title, state, code, unit, who may read it whole, its band keys, the
initiative's `version` it was made from) and one entry per band of its
MinHash signature (`BAND#<band key>` / `<id>`, keys only). Finding the
candidates of a text is BANDS Queries of its band partitions (eight at a
time), each with Limit BAND_LIMIT, newest first, then ONE BatchGetItem of at most CANDIDATES
documents: the same reads at ten thousand initiatives as at two million.

Kept by the stream consumer `index_similar` (chalicelib/streams.py) from
every change of an initiative's `META` item, exactly once: each change reads
the document (consistent), then writes the document and the band entries
that changed in ONE transaction on condition that the document is still the
one read. A replayed or late record (its version not newer than the
document's) writes nothing; a withdrawn initiative keeps its document (its
state shows where it was found before) but loses its bands (no longer found).
"""
from chalicelib.similar import core, normalize

WORDS_KEPT = 3000  # characters of normalised words a document keeps: what `score` compares
BAND_LIMIT = 20  # entries read per band partition (newest first)
CANDIDATES = 20  # documents re-ranked per check: the ids found in the most bands first
NOT_INDEXED = frozenset({"withdrawn"})  # states whose initiatives are no longer found
PARALLEL_QUERIES = 8  # band Queries in flight at once


def doc_key(submission_id: str) -> str:
    return f"DOC#{submission_id}"


def band_partition(band: str) -> str:
    return f"BAND#{band}"


DOC = "DOC"


def text_of(initiative: dict) -> str:
    """What is compared of an initiative: its title, problem, solution and results."""
    return "\n".join(initiative.get(name) or "" for name in ("title", "problem", "solution", "results"))


def fingerprint(text: str) -> tuple[list[str], list[str]]:
    """(normalised words, band keys) of a text; no bands for a text of no words."""
    words = normalize.words(text)
    if not words:
        return words, []
    return words, core.band_keys(core.signature(core.shingles(words)))


def apply(old: dict | None, new: dict | None) -> str:
    """Bring the index in line with one change of an initiative (a stream
    record's old and new `META` images, plain). Returns what it did:
    "indexed", "updated" (the document only), "unindexed", "removed" or
    "skipped" (a replay, or nothing the index keeps changed)."""
    from chalicelib.submissions.rules import author_ids
    from chalicelib.tables import SimilarDoc

    submission_id = (new or old)["id"]
    try:
        doc = SimilarDoc.get(doc_key(submission_id), DOC, consistent_read=True)
    except SimilarDoc.DoesNotExist:
        doc = None
    held = set(doc.bands or ()) if doc is not None else set()
    if new is None:  # the item itself was deleted
        if doc is None:
            return "skipped"
        _write(submission_id, doc, None, held, set())
        return "removed"
    if doc is not None and doc.version >= int(new["version"]):
        return "skipped"  # a replay, or a record older than what is indexed
    words, bands = fingerprint(text_of(new))
    if new.get("status") in NOT_INDEXED:
        bands = []
    joined = " ".join(words)[:WORDS_KEPT]
    written = SimilarDoc(doc_key(submission_id), DOC, words=joined, bands=set(bands) or None,
                         title=new["title"], state=new["status"], code=new["code"], unit_id=new["unit_id"],
                         unit_path=list(new["unit_path"]), phase_id=new["phase_id"],
                         people=author_ids(new) or None, created_at=new["created_at"], version=int(new["version"]))
    if doc is not None and _same(doc, written):
        return "skipped"
    _write(submission_id, doc, written, held, set(bands))
    if not bands and held:
        return "unindexed"
    return "indexed" if set(bands) != held else "updated"


def _same(doc, written) -> bool:
    """Nothing a check reads has changed (a change of scores, deadlines or queue keys only)."""
    names = ("words", "bands", "title", "state", "code", "unit_id", "unit_path", "phase_id", "people")
    return all(getattr(doc, name) == getattr(written, name) for name in names)


def _write(submission_id: str, doc, written, held: set, bands: set) -> None:
    """The document put (or deleted) and the band entries added and taken back,
    in one transaction, on condition that the document is still `doc` (as
    read): two records of the same initiative handled at once cannot both
    write. A lost race raises, so the stream retries the record."""
    from chalicelib.tables import SimilarBand, SimilarDoc, Transaction

    still = (SimilarDoc.pk.does_not_exist() if doc is None else SimilarDoc.version == doc.version)
    transaction = Transaction()
    if written is None:
        transaction.delete("doc", SimilarDoc(doc_key(submission_id), DOC), condition=still)
    elif not (bands ^ held):
        written.save(condition=still)  # the bands are as they were: one PutItem, no transaction
        return
    else:
        transaction.put("doc", written, condition=still)
    for band in sorted(bands - held):
        transaction.put(f"add {band}", SimilarBand(band_partition(band), submission_id))
    for band in sorted(held - bands):
        transaction.delete(f"take {band}", SimilarBand(band_partition(band), submission_id))
    transaction.commit()


def candidates(bands: list[str], exclude: str | None = None) -> list:
    """The documents of the initiatives sharing bands with a text's: each
    band's newest BAND_LIMIT entries (one Query each), the CANDIDATES ids found
    in the most bands (newest first among equals), their documents in ONE
    BatchGetItem. Documents of initiatives no longer found are left out."""
    from collections import Counter
    from concurrent.futures import ThreadPoolExecutor

    from chalicelib.tables import BatchRead, SimilarDoc

    found = Counter()
    # The band Queries at once (a worker waits on the form for them): ~1 round trip instead of 32.
    with ThreadPoolExecutor(max_workers=PARALLEL_QUERIES) as pool:
        for ids in pool.map(_band_ids, bands):
            found.update(sid for sid in ids if sid != exclude)
    chosen = sorted(found, key=lambda sid: (-found[sid], _newest_first(sid)))[:CANDIDATES]
    if not chosen:
        return []
    read = BatchRead()
    keys = [read.want(SimilarDoc, doc_key(sid), DOC) for sid in chosen]
    read.run()
    docs = [read.found(key) for key in keys]
    return [doc for doc in docs if doc is not None and doc.bands]


def _band_ids(band: str) -> list[str]:
    """The newest BAND_LIMIT ids of one band partition: one Query, keys only.
    Through the container's boto3 client, which is thread-safe (PynamoDB's
    connection object is not documented to be)."""
    from chalicelib import aws, settings

    page = aws.dynamodb().query(
        TableName=settings.table_name("similar"), KeyConditionExpression="pk = :band",
        ExpressionAttributeValues={":band": {"S": band_partition(band)}}, Limit=BAND_LIMIT, ScanIndexForward=False,
        ProjectionExpression="sk")
    return [item["sk"]["S"] for item in page["Items"]]


def _newest_first(submission_id: str) -> str:
    """A ULID sorts by creation time: inverted, the newest sorts first."""
    return "".join(chr(0x10FFFF - ord(ch)) for ch in submission_id)
