"""Near-duplicate detection measured: precision, recall and CPU per check.

    .venv/bin/python bench/similarity.py           # the figures, one a line
    .venv/bin/python bench/similarity.py --json    # the same as one JSON object
    .venv/bin/python bench/similarity.py --originals 300 --seed 7

The corpus (`corpus`), seeded, made from the demo's templates
(scripts/demo_texts.py: its ideas per field, each kind of workplace's
machines, places, records and services, its extra sentences):

- ORIGINALS: initiatives as the demo writes them: an idea that fits a kind
  of workplace, its blanks filled from that kind's words and numbers drawn
  for it, one more sentence each for the problem, the solution and the
  results (the benefit in money when it has one). No two originals have the
  same idea with the same machine, place, record and service.
- DUPLICATES of a third of them, one to three each, labelled with their
  original: what the issue names, each a way people really enter an idea
  twice, one to three of these per duplicate (`VARIANTS`):
  `unaccented` (typed without diacritics: the support team, a phone without
  Telex), `typos` (a letter dropped, doubled, swapped or hit next to it, a
  diacritic missed, in about one word in twelve), `reordered` (the sentences
  of a part and the clauses of a sentence in another order), `synonyms`
  (SYNONYMS: "giảm"/"hạ", "máy"/"thiết bị", "tiết kiệm"/"tiết giảm" ...,
  most occurrences swapped), `cut` (a sentence left out), `added` (a
  sentence added: what a resubmission adds), `numbers` (the same amounts
  written another way: "1,5 tỷ đồng"/"1.500 triệu đồng"/"1.500.000.000 đ",
  "12%"/"12 phần trăm", "45 phút"/"45phút").
- HARD NEGATIVES of another third, not duplicates: `same_place` (another
  idea of the same field at the same workplace, with the same machine,
  place, record, numbers and the same extra sentences: many words shared, a
  different idea), and for half of them also `elsewhere` (the original's
  idea at another workplace of its kind: another machine or place, other
  numbers and extra sentences).

Labels: two items are DUPLICATES when one is a duplicate of the other or
both are duplicates of one original (a family). Two items of one idea and
two families are RELATED: the same idea applied elsewhere, which the issue
has reviewers mark ("related / applied elsewhere") on what the check shows;
the templates make many of them (about 23 originals an idea, differing
only in a machine, a place, numbers and extra sentences: far closer than
two authors writing one idea in their own words). Every other pair is
UNRELATED, the hard negatives among them.

The check, as the app runs it (`Index`, `check`): a text (title, problem,
solution, results) → normalize.words → core.shingles → core.signature →
core.band_keys; each band key's bucket read with a LIMIT of `BUCKET_LIMIT`
ids (the most recently indexed first), the candidates sharing the most bands
kept, at most `MAX_CANDIDATES`, each re-ranked by core.score against its
own normalised words, and those scoring at least core.THRESHOLD shown, at
most `SHOWN`, best first. Every item of the corpus is indexed, then checked
against all the others (its own entry left out): a shown item of its family
is a true positive, a shown unrelated item a false positive, an item of its
family not shown a false negative; a shown related item is neither (counted
in `related_shown_per_check` and `precision_counting_related`).

Printed, and with `--json` emitted as one JSON object: `precision` and
`recall` (goal: both ≥ 0.9) and their counts; `missed`: why each false
negative was (`shares_no_band`; `over_the_candidates_cap`: it shares a band
but MAX_CANDIDATES others share more, or its buckets' LIMIT left it out;
`under_the_threshold`; `over_the_shown_cap`: SHOWN others scored higher);
`related_shown_per_check`, `precision_counting_related` (related items
counted as false positives) and `duplicate_shown_first` (of the checks with
a duplicate in the corpus, the share whose first shown item is one);
`cpu_ms_p95` and `cpu_ms_mean` per check (time.process_time around the
whole check: normalise, shingles, signature, band keys, the lookup in
memory, the candidates' normalisation and scores; goal ≤ 20 ms);
`candidates_mean` and `candidates_p95` per check; `recall_by_variant` (the
share of the duplicates made with each change whose check shows their
original); `by_threshold` (precision and recall of the same candidates shown at
other thresholds); the parameters (`threshold`, `bands`, `rows`,
`num_perm`, `bucket_limit`, `max_candidates`, `shown`); `corpus` (its sizes,
`seed`); and `rcu_per_check` (None here: see RCU_PER_CHECK). `--bands 16x8`
and `--threshold 0.8` run it with other parameters than core's (tuning).
Exits 1 when a goal is not met.
"""
import argparse
import json
import os
import random
import re
import statistics
import sys
import time
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from chalicelib.similar import core, normalize  # noqa: E402
from scripts import demo_texts as demo  # noqa: E402

SEED = 14
ORIGINALS = 1200  # → about 2,500 items with their duplicates and hard negatives
BUCKET_LIMIT = 20  # ids read per band key (the Query's Limit)
MAX_CANDIDATES = 20  # candidates re-ranked per check
SHOWN = 5  # similar initiatives shown at most
SWEEP = (0.74, 0.76, 0.78, 0.80, 0.82, 0.84, 0.86, 0.88, 0.90)  # other thresholds, for `by_threshold`

# The read cost of one check against the DynamoDB index, at 10,000 and at 1,000,000 indexed: to be filled
# in by the index's own measurement (the lead's part: the band items' sizes, the Query's and BatchGetItem's
# units), not estimated here. None until then.
RCU_PER_CHECK = {"10k": None, "1M": None}


# ------------------------------------------------------------------ the corpus


@dataclass
class Item:
    """One initiative of the corpus: its parts, its family (the original's
    number: duplicates share it), and how it was made."""
    id: str
    family: str
    made: str  # "original", "duplicate", "same_place", "elsewhere"
    idea: str  # its idea's title template: items of one idea and two families are related
    parts: dict
    variants: tuple = ()  # a duplicate's changes (VARIANTS)

    @property
    def text(self) -> str:
        return "\n".join(self.parts[name] for name in ("title", "problem", "solution", "results"))


def _words_for(writer: demo.Writer, kind: str) -> dict:
    """The blanks of one initiative at a workplace of `kind`: its numbers and one of each of the kind's words."""
    rng = writer.rng
    words = {name: str(value) for name, value in writer.numbers().items()}
    words |= {name: value if isinstance(value, str) else rng.choice(value)
              for name, value in demo.VOCABULARY[kind].items()}
    words["authors"] = rng.choice(["tác giả", "nhóm tác giả"])
    for name in ("machine", "tool", "motor", "heat"):
        if name in words and rng.random() < 0.4:
            words[name] += f" số {rng.randint(1, 6)}"
    return words


def _extras(rng: random.Random, idea: demo.Idea) -> dict:
    """The sentences an initiative adds to its idea's: one situation, one way it was done, one gain."""
    benefit = rng.choice([rng.randint(5, 95) * 10 ** 6, rng.randint(11, 49) * 10 ** 8]) if idea.money else None
    gain = rng.choice(demo.GAIN).format(benefit=demo.money(benefit)) if benefit else rng.choice(demo.NO_GAIN)
    return {"context": rng.choice(demo.CONTEXT), "how": rng.choice(demo.HOW), "gain": gain,
            "where": rng.choice([0, 0, 1, 1])}


def _compose(writer: demo.Writer, idea: demo.Idea, words: dict, extras: dict) -> dict:
    fill = writer.fill
    title = fill(idea.title, words)
    if extras["where"] and "{place}" not in idea.title:
        title += f" tại {words['place']}"
    return {"title": demo.nfc(demo.capitalised(title)),
            "problem": demo.nfc(fill(idea.problem, words) + " " + fill(extras["context"], words)),
            "solution": demo.nfc(fill(idea.solution, words) + " " + fill(extras["how"], words)),
            "results": demo.nfc(fill(idea.results, words) + " " + extras["gain"])}


def _identity(idea: demo.Idea, words: dict) -> tuple:
    """What makes two initiatives of one idea the same one: the blanks its templates use."""
    used = sorted({name.lower() for part in (idea.title, idea.problem, idea.solution, idea.results)
                   for name in demo.SLOT.findall(part)} - set(demo.NUMBERS))
    return (idea.title,) + tuple(words[name] for name in used)


def corpus(originals: int = ORIGINALS, seed: int = SEED) -> list[Item]:
    """The labelled corpus (the module's docstring says how it is made), in the order it is indexed."""
    rng = random.Random(seed)
    writer = demo.Writer(rng)
    kinds = list(demo.VOCABULARY)
    seen, items = set(), []

    def draw(kind: str, idea: demo.Idea) -> tuple[dict, dict] | None:
        for _ in range(50):
            words = _words_for(writer, kind)
            if _identity(idea, words) not in seen:
                seen.add(_identity(idea, words))
                return words, _extras(rng, idea)
        return None

    number = 0
    while number < originals:
        kind = rng.choice(kinds)
        idea = rng.choice(writer.ideas_for(kind))
        drawn = draw(kind, idea)
        if drawn is None:
            continue
        words, extras = drawn
        family = f"o{number:05d}"
        original = Item(family, family, "original", idea.title, _compose(writer, idea, words, extras))
        items.append(original)
        number += 1
        role = rng.random()
        if role < 1 / 3:
            for copy in range(rng.choice([1, 1, 2, 3])):
                made = tuple(sorted(rng.sample(VARIANTS, rng.choice([1, 2, 2, 3]))))
                items.append(Item(f"{family}-d{copy}", family, "duplicate", idea.title,
                                  vary(rng, original.parts, made), made))
        elif role < 2 / 3:
            for negative, how in enumerate(["same_place"] + (["elsewhere"] if rng.random() < 0.5 else [])):
                if how == "same_place":  # the first other idea of the field (of any field) not yet written here
                    others = [other for other in writer.ideas_for(kind, idea.field) if other is not idea]
                    rng.shuffle(others)
                    unseen = [other for other in others if _identity(other, words) not in seen]
                    if not unseen:
                        continue
                    seen.add(_identity(unseen[0], words))
                    parts, about = _compose(writer, unseen[0], words, extras), unseen[0].title
                else:
                    drawn = draw(kind, idea)
                    if drawn is None:
                        continue
                    parts, about = _compose(writer, idea, *drawn), idea.title
                items.append(Item(f"{family}-n{negative}", f"{family}-n{negative}", how, about, parts))
    rng.shuffle(items)  # duplicates and negatives come in any time after their original, as in life
    return items


# ------------------------------------------------------------------ the ways an idea is entered twice

# Words and phrases people write one for the other (each way round).
SYNONYMS = [
    ("giảm", "hạ"), ("tiết kiệm", "tiết giảm"), ("máy", "thiết bị"), ("công nhân", "người lao động"),
    ("lắp", "lắp đặt"), ("sử dụng", "dùng"), ("tăng", "nâng"), ("khoảng", "chừng"), ("chi phí", "kinh phí"),
    ("sửa chữa", "khắc phục"), ("hư hỏng", "hỏng hóc"), ("nhanh", "mau"), ("mỗi", "từng"),
    ("thời gian", "thời lượng"),
    ("phải", "cần"), ("hằng ngày", "mỗi ngày"), ("áp dụng", "triển khai"), ("giải pháp", "biện pháp"),
    ("nhiều", "lắm"), ("kiểm tra", "rà soát"), ("lập", "xây dựng"), ("ghi", "chép"), ("đơn vị", "cơ quan"),
    ("bộ phận", "phòng ban"), ("tình trạng", "hiện trạng"), ("hướng dẫn", "chỉ dẫn"), ("thay", "thay thế"),
]
_SYNONYM_OF = {}
for _one, _other in SYNONYMS:
    _SYNONYM_OF[_one], _SYNONYM_OF[_other] = _other, _one
_SYNONYM = re.compile(  # the longest first: "thay thế" before "thay"
    r"(?<!\w)(" + "|".join(sorted(map(re.escape, _SYNONYM_OF), key=len, reverse=True)) + r")(?!\w)", re.IGNORECASE)

# What a resubmission or a copy adds.
ADDED = demo.REVISED + [
    "Giải pháp đã được áp dụng thử tại đơn vị từ đầu năm.",
    "Nhóm đề nghị hội đồng xem xét công nhận ở cấp cơ sở.",
    "Số liệu trước và sau khi áp dụng có xác nhận của trưởng bộ phận.",
    "Có thể nhân rộng sang các bộ phận khác có điều kiện tương tự.",
]

NEIGHBOURS = dict(zip("qwertyuiopasdfghjklzxcvbnm", "wqrtyuiopoadfghjklkzxcvbnmn"))


def unaccented(rng, text: str) -> str:
    """Typed without diacritics, đ as d."""
    stripped = "".join(ch for ch in unicodedata.normalize("NFD", text) if not unicodedata.combining(ch))
    return stripped.replace("đ", "d").replace("Đ", "D")


def typos(rng, text: str) -> str:
    """About one word in twelve mistyped: a letter dropped, doubled, swapped with the next or hit next to it,
    or its diacritics missed."""
    def one(match):
        word = match.group()
        if len(word) < 3 or rng.random() > 1 / 12:
            return word
        i = rng.randrange(len(word) - 1)
        how = rng.randrange(5)
        if how == 0:
            return word[:i] + word[i + 1:]
        if how == 1:
            return word[:i] + word[i] + word[i:]
        if how == 2:
            return word[:i] + word[i + 1] + word[i] + word[i + 2:]
        if how == 3:
            return word[:i] + NEIGHBOURS.get(word[i], word[i]) + word[i + 1:]
        return unaccented(rng, word)
    return re.sub(r"\w+", one, text)


def _sentences(part: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.;])\s+", part.strip()) if s]


def reordered(rng, text: str) -> str:
    """The sentences in another order, and the clauses of one sentence."""
    sentences = _sentences(text)
    if len(sentences) > 1:
        sentences = sentences[1:] + sentences[:1]
    longest = max(range(len(sentences)), key=lambda i: sentences[i].count(","))
    clauses = [c.strip() for c in sentences[longest].rstrip(".;").split(",")]
    if len(clauses) > 1:
        rng.shuffle(clauses)
        sentences[longest] = demo.capitalised(", ".join(clauses)) + "."
    return " ".join(sentences)


def synonyms(rng, text: str) -> str:
    """Most of the words SYNONYMS knows written the other way."""
    def one(match):
        word = match.group()
        if rng.random() > 0.7:
            return word
        other = _SYNONYM_OF[word.lower()]
        return demo.capitalised(other) if word[0].isupper() else other
    return _SYNONYM.sub(one, text)


def numbers(rng, text: str) -> str:
    """The same amounts written another way."""
    def money(match):
        whole, fraction, unit = match.group(1), match.group(2) or "", match.group(3)
        millions = int(whole) * (1000 if unit == "tỷ" else 1) + (int(fraction.ljust(3, "0")) if fraction else 0)
        spelled = rng.choice(["{:,} triệu đồng", "{:,} đ", "{:,}đ"])
        return spelled.format(millions if "triệu" in spelled else millions * 10 ** 6).replace(",", ".")
    text = re.sub(r"(\d+)(?:,(\d+))? (tỷ|triệu) đồng", money, text)
    text = re.sub(r"(\d+)%", lambda m: rng.choice([f"{m.group(1)} phần trăm", f"{m.group(1)} %"]), text)
    return re.sub(r"(\d+) (phút|ngày|giờ|tấn)", lambda m: m.group(1) + m.group(2), text)


def vary(rng, parts: dict, made: tuple) -> dict:
    """A duplicate of `parts` made the ways `made` names (VARIANTS)."""
    out = dict(parts)
    long_parts = ["problem", "solution", "results"]
    if "cut" in made:
        name = rng.choice([n for n in long_parts if len(_sentences(out[n])) > 1])
        sentences = _sentences(out[name])
        del sentences[rng.randrange(len(sentences))]
        out[name] = " ".join(sentences)
    if "added" in made:
        name = rng.choice(long_parts)
        out[name] = out[name] + " " + rng.choice(ADDED)
    for change in ("reordered", "synonyms", "numbers", "typos", "unaccented"):
        if change in made:
            for name in out:
                if change != "reordered" or name != "title":
                    out[name] = VARY[change](rng, out[name])
    return out


VARY = {"unaccented": unaccented, "typos": typos, "reordered": reordered, "synonyms": synonyms, "numbers": numbers}
VARIANTS = ("unaccented", "typos", "reordered", "synonyms", "cut", "added", "numbers")


# ------------------------------------------------------------------ the index and the check


class Index:
    """The band index as the app keeps it, in memory: band key → ids, the most recently indexed first."""

    def __init__(self):
        self.buckets = defaultdict(list)
        self.texts = {}

    def add(self, item_id: str, text: str) -> None:
        found = normalize.words(text)
        self.texts[item_id] = text
        for key in core.band_keys(core.signature(core.shingles(found))):
            self.buckets[key].append(item_id)

    def bucket(self, key: str, limit: int) -> list[str]:
        """A band key's first `limit` ids as the Query returns them (the newest first)."""
        return self.buckets.get(key, [])[::-1][:limit]


@dataclass
class Checked:
    """What one check found: every id sharing a band (with how many bands), the candidates kept, the shown."""
    sharing: Counter
    candidates: list[str]
    scores: dict  # id → score, of the candidates
    shown: list[tuple[str, float]]  # (id, score), best first


def check(index: Index, text: str, leave_out: str | None = None, bucket_limit: int = BUCKET_LIMIT,
          max_candidates: int = MAX_CANDIDATES) -> Checked:
    """The check of `text` as the app runs it: its band keys' buckets read, the ids sharing the most bands kept,
    each scored against its own normalised words, those at core.THRESHOLD or above shown (at most SHOWN)."""
    found = normalize.words(text)
    sharing = Counter()
    for key in core.band_keys(core.signature(core.shingles(found))):
        sharing.update(item_id for item_id in index.bucket(key, bucket_limit) if item_id != leave_out)
    candidates = [item_id for item_id, _ in sharing.most_common(max_candidates)]
    scores = {item_id: core.score(found, normalize.words(index.texts[item_id])) for item_id in candidates}
    shown = sorted((pair for pair in scores.items() if pair[1] >= core.THRESHOLD), key=lambda pair: -pair[1])[:SHOWN]
    return Checked(sharing, candidates, scores, shown)


def _share(good: int, bad: int) -> float:
    """good / (good + bad), to 4 places; 1.0 when there is nothing to count."""
    return round(good / (good + bad), 4) if good + bad else 1.0


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def run(originals: int = ORIGINALS, seed: int = SEED) -> dict:
    """Build the corpus, index it, check every item against the others; the figures."""
    items = corpus(originals, seed)
    index = Index()
    for item in items:
        index.add(item.id, item.text)
    idea_of = {item.id: item.idea for item in items}
    members = defaultdict(set)
    for item in items:
        members[item.family].add(item.id)
    tp = fp = fn = related = with_duplicates = duplicate_first = 0
    swept = {threshold: Counter() for threshold in SWEEP}
    found_by_variant, made_by_variant, missed = Counter(), Counter(), Counter()
    cpu_ms, candidates = [], []
    for item in items:
        started = time.process_time()
        checked = check(index, item.text, leave_out=item.id)
        cpu_ms.append((time.process_time() - started) * 1000)
        candidates.append(len(checked.candidates))
        shown = checked.shown
        expected = members[item.family] - {item.id}
        hits = {item_id for item_id, _ in shown}
        for item_id in expected - hits:
            missed["shares_no_band" if item_id not in checked.sharing else
                   "over_the_candidates_cap" if item_id not in checked.scores else
                   "under_the_threshold" if checked.scores[item_id] < core.THRESHOLD else "over_the_shown_cap"] += 1
        others = hits - expected
        tp += len(hits & expected)
        fn += len(expected - hits)
        # another family's item of the same idea (applied elsewhere) is related: shown, it is no mistake
        related += sum(1 for item_id in others if idea_of[item_id] == item.idea)
        fp += sum(1 for item_id in others if idea_of[item_id] != item.idea)
        for threshold, counts in swept.items():  # the same candidates, shown at another threshold
            at = {item_id for item_id, _ in sorted(((i, v) for i, v in checked.scores.items() if v >= threshold),
                                                    key=lambda pair: -pair[1])[:SHOWN]}
            counts.update(tp=len(at & expected), fn=len(expected - at),
                          fp=sum(1 for item_id in at - expected if idea_of[item_id] != item.idea))
        if expected:
            with_duplicates += 1
            duplicate_first += bool(shown) and shown[0][0] in expected
        if item.made == "duplicate":
            for variant in item.variants:
                made_by_variant[variant] += 1
                found_by_variant[variant] += item.family in hits
    made = Counter(item.made for item in items)
    return {
        "precision": _share(tp, fp), "recall": _share(tp, fn),
        "true_positives": tp, "false_positives": fp, "false_negatives": fn,
        "missed": {why: missed[why] for why in ("shares_no_band", "over_the_candidates_cap", "under_the_threshold",
                                                "over_the_shown_cap")},
        "related_shown_per_check": round(related / len(items), 2),
        "precision_counting_related": _share(tp, fp + related),
        "duplicate_shown_first": _share(duplicate_first, with_duplicates - duplicate_first),
        "cpu_ms_p95": round(percentile(cpu_ms, 0.95), 2), "cpu_ms_mean": round(statistics.fmean(cpu_ms), 2),
        "candidates_mean": round(statistics.fmean(candidates), 2), "candidates_p95": percentile(candidates, 0.95),
        "recall_by_variant": {variant: round(found_by_variant[variant] / made_by_variant[variant], 4)
                              for variant in VARIANTS if made_by_variant[variant]},
        "by_threshold": {f"{threshold:.2f}": {"precision": _share(c["tp"], c["fp"]), "recall": _share(c["tp"], c["fn"])}
                         for threshold, c in swept.items()},
        "threshold": core.THRESHOLD, "bands": core.BANDS, "rows": core.ROWS, "num_perm": core.NUM_PERM,
        "bucket_limit": BUCKET_LIMIT, "max_candidates": MAX_CANDIDATES, "shown": SHOWN,
        "corpus": {"items": len(items), "originals": made["original"], "duplicates": made["duplicate"],
                   "same_place": made["same_place"], "elsewhere": made["elsewhere"], "checks": len(items),
                   "seed": seed},
        "rcu_per_check": RCU_PER_CHECK,
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--originals", type=int, default=ORIGINALS, help=f"originals in the corpus ({ORIGINALS})")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--json", action="store_true", help="the figures as one JSON object")
    parser.add_argument("--bands", help="tuning: another BANDSxROWS than core's (e.g. 16x8, 64x2)")
    parser.add_argument("--threshold", type=float, help="tuning: another threshold than core.THRESHOLD")
    args = parser.parse_args(argv)
    if args.bands:
        core.BANDS, core.ROWS = map(int, args.bands.split("x"))
        assert core.BANDS * core.ROWS == core.NUM_PERM, "BANDS x ROWS must be NUM_PERM"
    if args.threshold is not None:
        core.THRESHOLD = args.threshold
    result = run(args.originals, args.seed)
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
    else:
        for name, value in result.items():
            print(f"{name}: {value}")
    return 0 if result["precision"] >= 0.9 and result["recall"] >= 0.9 and result["cpu_ms_p95"] <= 20 else 1


if __name__ == "__main__":
    sys.exit(main())
