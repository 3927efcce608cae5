"""Near-duplicates as arithmetic (issue 14, point 2): the MinHash signatures
are datasketch's, bit for bit; the bands find what is alike and not what is
merely about the same machine (chalicelib/similar/core.py)."""
import json
import os

from chalicelib.similar import core
from chalicelib.similar.normalize import words
from tests.conftest import ROOT

FIXTURE = os.path.join(ROOT, "tests", "fixtures", "minhash-datasketch.json")


def test_signatures_are_datasketchs_own_bit_for_bit():
    # GIVEN datasketch 2.0.0's signatures of some texts' shingles (scripts/make_minhash_fixture.py) and its permutations
    with open(FIXTURE, encoding="utf-8") as f:
        fixture = json.load(f)
    permutations = (tuple(fixture["permutations"]["a"]), tuple(fixture["permutations"]["b"]))  # hashable: cached
    for case in fixture["cases"]:
        # THEN the shingles are the same, and so is every one of the 128 minimums
        assert sorted(core.shingles(words(case["text"]))) == case["shingles"], case["text"]
        assert core.signature(set(case["shingles"]), permutations) == case["hashvalues"], case["text"]


def test_the_same_idea_typed_without_diacritics_has_the_same_signature_and_bands():
    one = core.signature(core.shingles(words("Cải tiến khuôn dập cho máy ép 200 tấn")))
    other = core.signature(core.shingles(words("cai tien khuon dap cho may ep 200 tan")))
    assert one == other and core.band_keys(one) == core.band_keys(other)


def test_a_near_copy_shares_a_band_and_an_unrelated_text_on_the_same_machine_does_not():
    base = ("Cải tiến khuôn dập vỏ quạt: thêm chốt định vị và tấm dẫn hướng để phôi vào đúng vị trí, "
            "giảm phế phẩm từ 4% xuống 1%, tiết kiệm 300 triệu đồng mỗi năm")
    copied = ("Cai tien khuon dap vo quat: them chot dinh vi va tam dan huong de phoi vao dung vi tri, "
              "giam phe pham tu 4% xuong 1%, tiet kiem 300 trieu dong moi nam. Ap dung tai xuong 2")
    unrelated = ("Cải tiến quy trình bảo dưỡng máy ép vỏ quạt: lập lịch tra dầu theo ca, "
                 "thay dầu thủy lực định kỳ, giảm thời gian dừng máy")
    sig = {name: core.signature(core.shingles(words(text)))
           for name, text in (("base", base), ("copied", copied), ("unrelated", unrelated))}
    assert core.estimated_jaccard(sig["base"], sig["copied"]) > 0.6
    assert set(core.band_keys(sig["base"])) & set(core.band_keys(sig["copied"]))
    assert core.estimated_jaccard(sig["base"], sig["unrelated"]) < 0.2
    assert not set(core.band_keys(sig["base"])) & set(core.band_keys(sig["unrelated"]))


def test_nothing_typed_has_the_empty_signature_and_no_shingles():
    assert core.shingles([]) == set() and core.signature(set()) == [core.M32] * core.NUM_PERM
    assert core.shingles(["led"]) == {"led"}  # too short for a 4-gram: the word itself


def test_the_score_forgives_order_and_typos_but_not_another_idea():
    one = words("Lắp cảm biến quang đếm sản phẩm trên băng tải")
    assert core.score(one, words("Trên băng tải: lắp cảm biến quang, đếm sản phẩm")) == 1.0  # reordered
    assert core.score(one, words("lap cam bien quamg dem san pham tren bang tai")) > 0.9  # a typo
    assert core.score(one, words("Lắp biến tần cho quạt hút bụi xưởng sơn")) < core.THRESHOLD
    assert core.score([], one) == 0.0
