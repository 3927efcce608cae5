"""Near-duplicates as arithmetic: shingles, MinHash signatures, LSH bands.

An initiative's text (normalize.words) becomes a set of shingles: its
syllable pairs (Vietnamese words are mostly two syllables: "khuôn dập") and
the character 4-grams of the whole (a typo or a reordering changes few of
them). Two sets' Jaccard similarity is estimated by their MinHash
signatures (NUM_PERM minimums of random permutations), and locality-sensitive
hashing cuts a signature into BANDS bands of ROWS rows: two initiatives whose
signatures agree on a whole band share that band's key, so finding the
candidates of a new text is BANDS key lookups whatever the corpus's size.
Candidates are then re-ranked by a real similarity score (rapidfuzz, in
`score`) before anyone sees them.

The MinHash is datasketch's "affine32" scheme (its default since 2.0: the
SHA-1 of each shingle's UTF-8, folded to 32 bits, mixed by the MurmurHash3
finaliser, then a·h + b mod 2³² per permutation), written here in plain
Python: given the same permutations it gives datasketch's signatures bit for
bit (tests/test_similar_core.py holds datasketch 2.0.0's own output), with
numpy as datasketch does, but without datasketch itself: it imports scipy on
import (113 MB unpacked, beside numpy's 45 MB, of the 250 MB a function may
unpack) for what is one vectorised product here.

Pure: no I/O, no AWS.
"""
import functools
import hashlib
import random
import struct

NUM_PERM = 128
# BANDS × ROWS = NUM_PERM; a pair at Jaccard s shares a band with probability 1 − (1 − s⁴)³²: 0.99 at s = 0.6
# (a duplicate typed again with typos, synonyms and a sentence cut: 95 % of bench/similarity.py's are at 0.6 or more),
# 0.4 at s = 0.35 (another idea at the same machine and place), 0.05 at s = 0.2. 16 bands of 8 rows missed
# one duplicate in five (0.24 at s = 0.6); 64 of 2 fill the candidates' cap with other ideas (docs/scale.md).
BANDS, ROWS = 32, 4
SEED = 1
CHAR_GRAM = 4
M32 = (1 << 32) - 1


def _permutations(seed: int = SEED, count: int = NUM_PERM) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """(a, b) of `count` affine permutations h → a·h + b mod 2³², a odd (a bijection)."""
    rng = random.Random(seed)
    a = tuple(rng.randrange(1 << 31) * 2 + 1 for _ in range(count))
    b = tuple(rng.randrange(1 << 32) for _ in range(count))
    return a, b


PERMUTATIONS = _permutations()


def shingles(words: list[str]) -> set[str]:
    """The syllable pairs and the character 4-grams of a normalised text
    (normalize.words). A text of one word is that word."""
    found = {f"{one} {two}" for one, two in zip(words, words[1:])}
    joined = " ".join(words)
    found.update(f"#{joined[i:i + CHAR_GRAM]}" for i in range(len(joined) - CHAR_GRAM + 1))
    if not found and words:
        found.add(words[0])
    return found


def hash32(shingle: str) -> int:
    """datasketch's sha1_hash32 of the shingle's UTF-8, then the MurmurHash3 finaliser (its `_fmix`, 32 bits)."""
    h = struct.unpack("<I", hashlib.sha1(shingle.encode("utf-8")).digest()[:4])[0]
    h ^= h >> 16
    h = (h * 0x85EBCA6B) & M32
    h ^= h >> 13
    h = (h * 0xC2B2AE35) & M32
    return h ^ (h >> 16)


def signature(found: set[str], permutations=PERMUTATIONS) -> list[int]:
    """The MinHash signature of a set of shingles: per permutation, the
    smallest a·h + b mod 2³² over its hashes (2³² − 1 for an empty set).
    With numpy (imported here, so only a caller pays its import): a text of
    1,500 shingles is 192,000 products, ~1 ms, against ~80 ms in a loop."""
    import numpy as np

    if not found:
        return [M32] * len(permutations[0])
    hashes = np.fromiter((hash32(shingle) for shingle in found), dtype=np.uint64, count=len(found))
    a, b = _columns(permutations)
    # a, h < 2³², b < 2³²: a·h + b < 2⁶⁴, so uint64 holds it exactly before the mod 2³²
    return ((a * hashes + b) & np.uint64(M32)).min(axis=1).tolist()


@functools.lru_cache(maxsize=4)
def _columns(permutations) -> tuple:
    """The permutations' a and b as uint64 columns (built once per container)."""
    import numpy as np

    return tuple(np.asarray(values, dtype=np.uint64)[:, None] for values in permutations)


def band_keys(values: list[int]) -> list[str]:
    """One key per band: its index and a 64-bit digest of its ROWS values.
    Two signatures share a key only when they agree on that whole band."""
    keys = []
    for band in range(BANDS):
        rows = values[band * ROWS:(band + 1) * ROWS]
        digest = hashlib.blake2b(struct.pack(f"<{ROWS}I", *rows), digest_size=8).hexdigest()
        keys.append(f"{band:02d}:{digest}")
    return keys


def estimated_jaccard(one: list[int], other: list[int]) -> float:
    """The share of permutations on which two signatures agree."""
    return sum(1 for x, y in zip(one, other) if x == y) / len(one)


# A candidate scoring at least this is shown as similar. bench/similarity.py: duplicates score 0.81 to 1 (1 %
# under 0.85), other ideas at the same machine and place 0.69 to 0.82 (1 % over 0.81); docs/scale.md.
THRESHOLD = 0.82


def score(one: list[str], other: list[str]) -> float:
    """How alike two normalised texts are, 0 … 1, the words' order aside:
    the mean of rapidfuzz's token-sort ratio (an edit distance over the
    sorted words: a typo costs a letter, a reordered sentence nothing, a
    sentence cut or added its length) and its token-set ratio (the words
    both share against each one's own: a sentence cut or added costs little,
    but alone it would call any text inside another the same, as a title
    typed alone against an initiative holding its words). Each forgives half
    of what the other does not."""
    from rapidfuzz import fuzz

    if not one or not other:
        return 0.0
    a, b = " ".join(one), " ".join(other)
    return (fuzz.token_sort_ratio(a, b) + fuzz.token_set_ratio(a, b)) / 200
