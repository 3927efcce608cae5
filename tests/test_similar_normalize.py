"""The Vietnamese normaliser of near-duplicate detection (issue 14, point 1):
the same idea typed two ways reads the same; different ideas, numbers and
units do not (chalicelib/similar/normalize.py)."""
import pytest

from chalicelib.similar.normalize import joined, words

# Typed two ways, read the same.
SAME = [
    # diacritics typed or not, any case, NFD from a Mac, đ
    ("Cải tiến khuôn dập", "cai tien khuon dap"),
    ("CẢI TIẾN KHUÔN DẬP", "Cải tiến khuôn dập"),
    ("Cải tiến khuôn dập", "Ca\u0309i tie\u0302\u0301n khuo\u0302n da\u0323\u0302p"),
    ("Đồ gá định vị", "do ga dinh vi"),
    # invisible characters pasted from Word or Zalo; punctuation and spacing
    ("máy\u200b ép  nhựa", "may ep nhua"),
    ("Máy ép nhựa: thay khuôn nhanh (SMED)!", "may ep nhua - thay khuon nhanh - smed"),
    # money the Vietnamese ways
    ("tiết kiệm 1,5 tỷ đồng", "tiet kiem 1500 trieu dong"),
    ("tiết kiệm 1,5 tỷ đồng", "tiết kiệm 1.500.000.000đ"),
    ("tiết kiệm 1,5 tỷ đồng", "tiết kiệm 1 500 000 000 VNĐ"),
    ("làm lợi 300 triệu", "lam loi 300tr"),
    ("giá 20 nghìn", "giá 20.000"),
    # decimals, units joined, percent
    ("nặng 3,20 kg", "nặng 3.2kg"),
    ("diện tích 5 m²", "dien tich 5m2"),
    ("giảm 10 % phế phẩm", "giam 10% phe pham"),
    ("giảm 10 phần trăm phế phẩm", "giảm 10% phế phẩm"),
    # the function words say nothing of the idea
    ("Cải tiến của tổ cơ khí và các đồ gá", "cai tien to co khi do ga"),
    ("Những cải tiến này được áp dụng", "cai tien ap dung"),
]

# Different ideas, numbers or units: they must stay apart.
APART = [
    ("Cải tiến khuôn dập", "Cải tiến khuôn đúc"),
    ("tiết kiệm 1,5 tỷ đồng", "tiết kiệm 15 tỷ đồng"),
    ("nặng 5 kg", "nặng 5 g"),
    ("không dừng máy", "dừng máy"),  # a negation is meaning, not a function word
    ("máy M2", "máy M3"),
]


@pytest.mark.parametrize("one, other", SAME)
def test_the_same_idea_typed_two_ways_reads_the_same(one, other):
    assert words(one) == words(other)


@pytest.mark.parametrize("one, other", APART)
def test_different_ideas_numbers_and_units_stay_apart(one, other):
    assert joined(one) != joined(other)


def test_numbers_are_written_one_way_and_units_joined_to_them():
    assert words("Tiết kiệm 1,5 tỷ đồng mỗi năm") == ["tiet", "kiem", "1500000000d", "moi", "nam"]
    assert words("mỗi ca từ 8.000 lên 9.200 sản phẩm") == ["moi", "ca", "tu", "8000", "len", "9200", "san", "pham"]
    assert words("máy M2 và 3 m3 nước") == ["may", "m2", "3m3", "nuoc"]  # a model name is no number
    assert words("ISO 9001:2015") == ["iso", "9001", "2015"]


def test_words_that_fold_onto_words_of_the_shop_floor_are_kept():
    # "có" folds onto "cơ" (cơ khí), "từ" onto "tủ" and "tự", "để" onto "đế", "tại" onto "tải": none is dropped
    assert words("Tủ điện tự động có cơ khí") == ["tu", "dien", "tu", "dong", "co", "co", "khi"]
    assert words("đế giày để trên băng tải tại xưởng") == ["de", "giay", "de", "bang", "tai", "tai", "xuong"]


def test_nothing_typed_is_no_words():
    assert words("") == [] and words("  \u200b ") == [] and words("và của các") == []
