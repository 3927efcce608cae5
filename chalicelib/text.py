"""Text as Vietnamese users type it: normalisation, control characters, folding.

Vietnamese arrives as NFC from most keyboards and as NFD from some (macOS, older
Telex tools); both must compare and store the same, so every string is NFC.

Invisible characters (Unicode category Cf: zero-width space and joiners, the
byte-order mark, soft hyphen, the bidirectional overrides that make text read
differently from how it is stored) come with text pasted from Word, Zalo or a
web page, or are put there to deceive: they are removed, so a name made only of
them is empty and a title cannot be disguised. The Hangul fillers are letters
to Unicode but show as nothing, so they go too.
"""
import unicodedata

ALLOWED_CONTROLS = frozenset("\n\t")
INVISIBLE_LETTERS = frozenset("\u115f\u1160\u3164\uffa0")  # Hangul fillers (category Lo, drawn as nothing)


def visible(value: str) -> str:
    """`value` without its invisible characters (category Cf, Hangul fillers)."""
    if value.isascii():
        return value
    return "".join(ch for ch in value if ch not in INVISIBLE_LETTERS and unicodedata.category(ch) != "Cf")


def normalize(value):
    """Return `value` with every string NFC-normalised, stripped of invisible
    characters, trimmed, CRLF made LF. Dict keys are left as sent (the schema
    names unknown ones).

    Dicts and lists are walked; other values are returned unchanged.
    """
    if isinstance(value, str):
        # Invisible characters go first: one between a letter and its accent would keep NFC from joining them.
        return unicodedata.normalize("NFC", visible(value.replace("\r\n", "\n"))).strip()
    if isinstance(value, dict):
        return {key: normalize(item) for key, item in value.items()}
    if isinstance(value, list):
        return [normalize(item) for item in value]
    return value


def control_character_paths(value, path: str = ""):
    """Yield the JSON Pointer of every string holding a control character
    other than newline and tab (after normalisation)."""
    yield from _paths_where(value, path, lambda ch: unicodedata.category(ch) == "Cc" and ch not in ALLOWED_CONTROLS)


def lone_surrogate_paths(value, path: str = ""):
    """Yield the JSON Pointer of every string holding half of a UTF-16
    surrogate pair (JSON's "\\ud800" escape alone): it is no character,
    cannot be stored or encoded, and so is refused rather than guessed at."""
    yield from _paths_where(value, path, lambda ch: "\ud800" <= ch <= "\udfff", keys=True)


def _paths_where(value, path: str, bad, keys: bool = False):
    """The JSON Pointers of the strings in `value` holding a character for which
    `bad` is true (with `keys`, a bad dict key names its object)."""
    if isinstance(value, str):
        if any(bad(ch) for ch in value):
            yield path
    elif isinstance(value, dict):
        for key, item in value.items():
            if keys and any(bad(ch) for ch in str(key)):
                yield path
                continue
            yield from _paths_where(item, f"{path}/{escape_pointer(str(key))}", bad, keys)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _paths_where(item, f"{path}/{index}", bad, keys)


def escape_pointer(token: str) -> str:
    """Escape one JSON Pointer reference token (RFC 6901)."""
    return token.replace("~", "~0").replace("/", "~1")


def fold(value: str) -> str:
    """Lower-case, strip diacritics (đ→d), and reduce to words split by single spaces.

    "Công ty CP Bóng đèn Rạng Đông" → "cong ty cp bong den rang dong".
    """
    decomposed = unicodedata.normalize("NFD", value.lower().replace("đ", "d"))
    kept = []
    for ch in decomposed:
        if unicodedata.category(ch) == "Mn":
            continue
        kept.append(ch if ch.isalnum() else " ")
    return " ".join("".join(kept).split())
