"""Text as Vietnamese users type it: normalisation, control characters, folding.

Vietnamese arrives as NFC from most keyboards and as NFD from some (macOS, older
Telex tools); both must compare and store the same, so every string is NFC.
"""
import unicodedata

ALLOWED_CONTROLS = frozenset("\n\t")


def normalize(value):
    """Return `value` with every string NFC-normalised, trimmed, CRLF made LF.

    Dicts and lists are walked; other values are returned unchanged.
    """
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value.replace("\r\n", "\n")).strip()
    if isinstance(value, dict):
        return {key: normalize(item) for key, item in value.items()}
    if isinstance(value, list):
        return [normalize(item) for item in value]
    return value


def control_character_paths(value, path: str = ""):
    """Yield the JSON Pointer of every string holding a control character
    other than newline and tab (after normalisation)."""
    if isinstance(value, str):
        if any(unicodedata.category(ch) == "Cc" and ch not in ALLOWED_CONTROLS for ch in value):
            yield path
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from control_character_paths(item, f"{path}/{escape_pointer(str(key))}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from control_character_paths(item, f"{path}/{index}")


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
