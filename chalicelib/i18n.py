"""The message catalogue: every user-facing string, Vietnamese and English side by side.

The catalogue is `messages.json` beside this file. Vietnamese is the default.
The pages are in English only when the reader picks it (the language switch,
a cookie: web/pages.py), whatever the browser's Accept-Language; the JSON API
honours an explicit `Accept-Language: en` (a program's choice, api/http.py).
"""
import json
import os
from functools import lru_cache

LANGUAGES = ("vi", "en")
DEFAULT_LANGUAGE = "vi"


@lru_cache(maxsize=1)
def catalogue() -> dict:
    with open(os.path.join(os.path.dirname(__file__), "messages.json"), encoding="utf-8") as f:
        return json.load(f)


# A header is never refused for its length: what follows this many characters is not read.
ACCEPT_LANGUAGE_READ = 200


def pick_language(accept_language: str | None) -> str:
    """The best of our languages for an Accept-Language header; Vietnamese when unsure."""
    best, best_q = DEFAULT_LANGUAGE, -1.0
    for part in (accept_language or "")[:ACCEPT_LANGUAGE_READ].split(","):
        tag, _, params = part.strip().partition(";")
        primary = tag.strip().lower().split("-")[0]
        if primary not in LANGUAGES:
            continue
        q = 1.0
        params = params.strip()
        if params.startswith("q="):
            try:
                q = float(params[2:])
            except ValueError:
                q = 0.0
        if q > best_q:
            best, best_q = primary, q
    return best


def text(key: str, language: str = DEFAULT_LANGUAGE, **params) -> str:
    """The catalogue entry `key` in `language`, with `{name}` placeholders filled."""
    entry = catalogue().get(key)
    if entry is None:
        return key
    template = entry.get(language) or entry[DEFAULT_LANGUAGE]
    return template.format(**params) if params else template


def both(key: str) -> dict:
    """The entry in both languages, e.g. for a state's name in an API response."""
    entry = catalogue().get(key, {})
    return {language: entry.get(language, key) for language in LANGUAGES}


def is_choice(path: str) -> bool:
    """True when the field a JSON Pointer designates is picked from a list (a
    unit, a subject group, a language), as its catalogue entry says ("choice")."""
    token = next((t for t in reversed(path.split("/")) if t and not t.isdigit()), "")
    return bool(catalogue().get(f"fields.{token}", {}).get("choice"))


def field_label(path: str, language: str) -> str:
    """A readable name for the field a JSON Pointer designates.

    "/authors/1/full_name" → "Tác giả 2 – Họ và tên".
    """
    tokens = [t for t in path.split("/") if t != ""]
    if not tokens:
        return text("fields.body", language)
    parts = []
    for i, token in enumerate(tokens):
        if token.isdigit() and parts:
            parts[-1] = f"{parts[-1]} {int(token) + 1}"
            continue
        label = catalogue().get(f"fields.{token}")
        parts.append(label.get(language, token) if label else token)
    return " – ".join(parts)
