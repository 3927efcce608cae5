"""Write tests/fixtures/minhash-datasketch.json: datasketch's own MinHash
signatures of a few shingle sets, with the permutations it drew, so that
tests/test_similar_core.py checks chalicelib/similar/core.py against the
library bit for bit without installing it (it brings numpy and scipy).

Run once with datasketch installed (pip install datasketch==2.0.0):
    python scripts/make_minhash_fixture.py
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from datasketch import MinHash  # noqa: E402 - a tool's dependency, not the app's

from chalicelib.similar import core, normalize  # noqa: E402

TEXTS = ["Cải tiến khuôn dập", "cai tien khuon dap", "Làm đồ gá hàn khung xe, tiết kiệm 1,5 tỷ đồng mỗi năm",
         "Thay bóng đèn sợi đốt bằng đèn LED ở xưởng lắp ráp", ""]


def main() -> None:
    cases = []
    for text in TEXTS:
        found = sorted(core.shingles(normalize.words(text)))
        minhash = MinHash(num_perm=core.NUM_PERM, seed=core.SEED, scheme="affine32")
        minhash.update_batch([shingle.encode("utf-8") for shingle in found])
        cases.append({"text": text, "shingles": found, "hashvalues": [int(v) for v in minhash.hashvalues]})
    a, b = MinHash(num_perm=core.NUM_PERM, seed=core.SEED, scheme="affine32").permutations
    out = {"library": "datasketch 2.0.0", "scheme": "affine32", "num_perm": core.NUM_PERM, "seed": core.SEED,
           "permutations": {"a": [int(v) for v in a], "b": [int(v) for v in b]}, "cases": cases}
    path = os.path.join(os.path.dirname(__file__), "..", "tests", "fixtures", "minhash-datasketch.json")
    with open(path, "w", encoding="utf-8") as f:
        json.dump(out, f, ensure_ascii=False, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
