"""Vietnamese text made comparable: the same idea typed two ways reads the same.

Workers type on phones with or without Telex, paste from Word or Zalo, write
"1,5 tỷ", "1.500 triệu" or "1500000000đ" for one sum, and a support team may
enter "cai tien khuon dap" for "cải tiến khuôn dập". Before two initiatives
are compared (chalicelib/similar/core.py) both go through `words`:

- NFC, invisible characters removed (text.normalize), case folded;
- diacritics folded, đ → d (text.fold): "khuôn dập" and "khuon dap" are one;
- numbers written one way: thousands separators dropped ("1.500.000" and
  "1 500 000"), the decimal comma made a point ("1,5"), the Vietnamese
  multipliers applied ("1,5 tỷ" = "1500 triệu" = 1500000000), a number and
  its unit joined ("5 kg", "5kg" → "5kg"; "m²" → "m2"; "10 %", "10 phần
  trăm" → "10%"; "đồng", "đ", "VNĐ" → "d");
- punctuation and spacing gone (words split by single spaces);
- a small list of function words dropped ("của", "các", "và"): they are in
  every initiative and say nothing of its idea. The list holds folded forms
  that are function words whatever their diacritics were, and leaves out
  those that fold onto words of the shop floor ("có"/"cơ" → "co", as in "cơ
  khí"; "để"/"đế" → "de", as in "đế giày"; "tại"/"tải" → "tai", as in "băng
  tải").

Pure: no I/O, no AWS. tests/test_similar_normalize.py holds the pairs that
must and must not read the same.
"""
import re

from chalicelib import text

# Folded function words: frequent in any Vietnamese text, never an initiative's subject. Left out,
# because they fold onto words of the shop floor: da (đã / da giày), de (để / đế giày), ma (mà / mã vạch,
# mạ kẽm), bi (bị / vòng bi), o (ở / ô tô), tai (tại / băng tải, tái chế), bang (bằng / bảng điện),
# nen (nên / khí nén), vi (vì / định vị), khi (khi / cơ khí), thi (thì / thi đua), voi (với / vôi),
# la (là / lá thép), duoi (dưới / đuôi đèn), cung (cũng / cung cấp), su (sự / sứ cách điện), lai, dang,
# trong, cho, ve, co, tu.
STOP_WORDS = frozenset({
    "va", "cua", "cac", "nhung", "mot", "duoc", "nay", "neu", "rat", "hoac", "hay", "theo", "viec", "tren",
    "nhu", "se", "ra",
})

# Multipliers people write after a number (folded): "1,5 tỷ", "300 triệu", "20 nghìn", "5 vạn".
MULTIPLIERS = {"ty": 10 ** 9, "trieu": 10 ** 6, "nghin": 10 ** 3, "ngan": 10 ** 3, "van": 10 ** 4,
               "tr": 10 ** 6, "k": 10 ** 3}
# Units (folded, lower case) → one spelling, joined to the number before them.
UNITS = {
    "d": "d", "dong": "d", "vnd": "d",
    "kg": "kg", "kilogam": "kg", "g": "g", "gam": "g", "tan": "tan",
    "m": "m", "met": "m", "cm": "cm", "mm": "mm", "km": "km", "m2": "m2", "m3": "m3",
    "kw": "kw", "kwh": "kwh", "w": "w", "v": "v", "a": "a", "l": "l", "lit": "l",
    "h": "h", "gio": "h", "phut": "phut", "giay": "giay", "ngay": "ngay", "ca": "ca", "thang": "thang",
    "nam": "nam", "pct": "%",
}
# What folding alone would not join: signs and superscripts that belong to a unit.
SPELLINGS = (("²", "2"), ("³", "3"), ("％", "%"), ("phần trăm", "%"), ("phan tram", "%"))

MARK = "zzn"  # before a number's one spelling, between `words`'s two passes (nobody types it)
_MARKED = re.compile(MARK + r"(\d+)(?:p(\d+))?")
# A number as typed: digits with "." or "," or spaces between groups of three, maybe a decimal part.
_NUMBER = re.compile(r"(?<![^\W\d])(?:\d+(?:[.,\u00a0 ]\d{3})+(?:,\d+)?(?!\d)|\d+(?:[.,]\d+)?)")


def words(value: str) -> list[str]:
    """The words of `value` as compared: folded, numbers and units written
    one way, function words dropped. "Tiết kiệm 1,5 tỷ đồng mỗi năm" →
    ["tiet", "kiem", "1500000000d", "moi", "nam"]."""
    if not value:
        return []
    cleaned = text.normalize(value).casefold()
    for typed, spelled in SPELLINGS:
        cleaned = cleaned.replace(typed, spelled)
    # Each number becomes one marked word that folding keeps whole ("1.5" → "zzn1p5").
    cleaned = _NUMBER.sub(lambda m: f" {MARK}{_number(m.group()).replace('.', 'p')} ", cleaned)
    tokens = text.fold(cleaned.replace("%", " pct ")).split()
    return [token for token in _numbers_joined(tokens) if token not in STOP_WORDS]


def joined(value: str) -> str:
    """`words(value)` as one string (what a similarity score compares)."""
    return " ".join(words(value))


def _number(typed: str) -> str:
    """A typed number in one spelling: "1.500.000" → "1500000", "1,5" → "1.5",
    "2.5" (a decimal point, as Excel writes it) → "2.5"."""
    compact = typed.replace("\u00a0", " ")
    if re.fullmatch(r"\d+(?:[., ]\d{3})+(?:,\d+)?", compact):
        whole, _, fraction = compact.partition(",") if "," in compact and "." in compact else (compact, "", "")
        digits = re.sub(r"[., ]", "", whole)
        return f"{int(digits)}.{fraction}".rstrip(".") if fraction else str(int(digits))
    return _plain(compact.replace(",", "."))


def _plain(number: str) -> str:
    """"1.50" → "1.5", "007" → "7": one spelling of a decimal."""
    whole, _, fraction = number.partition(".")
    fraction = fraction.rstrip("0")
    return f"{int(whole)}.{fraction}" if fraction else str(int(whole))


def _numbers_joined(tokens: list[str]) -> list[str]:
    """Each marked number (`words`): a multiplier after it applied, then a
    unit after it joined ("zzn1p5", "ty", "dong" → "1500000000d")."""
    out, i = [], 0
    while i < len(tokens):
        marked = _MARKED.fullmatch(tokens[i])
        i += 1
        if marked is None:
            out.append(tokens[i - 1])
            continue
        number = marked.group(1) + (f".{marked.group(2)}" if marked.group(2) else "")
        if i < len(tokens) and tokens[i] in MULTIPLIERS:
            number = _scaled(number, MULTIPLIERS[tokens[i]])
            i += 1
        if i < len(tokens) and tokens[i] in UNITS:
            number += UNITS[tokens[i]]
            i += 1
        out.append(number)
    return out


def _scaled(number: str, factor: int) -> str:
    """"1.5" × 10⁹ → "1500000000", exactly (no float)."""
    whole, _, fraction = number.partition(".")
    scaled = int(whole) * factor + (int(fraction) * factor // 10 ** len(fraction) if fraction else 0)
    return str(scaled)

