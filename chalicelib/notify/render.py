"""Emails from the Jinja2 templates in `templates/`.

Each email is two files per language: `<name>.<lang>.txt` holds the subject
(`{% block subject %}`) and the plain-text body (`{% block body %}`);
`<name>.<lang>.html` holds the HTML body (HTML-escaped automatically). The
environment is built once per container, on first use.

The formatting helpers are plain Python: money in whole đồng (1.500.000 ₫ in
Vietnamese, 1,500,000 VND in English) and times in Asia/Ho_Chi_Minh.
"""
import os
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from chalicelib import i18n
from chalicelib.clock import VIETNAM

TEMPLATE_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "templates")


@dataclass(frozen=True)
class Email:
    subject: str
    text: str
    html: str


def money(amount, language: str) -> str:
    """Whole đồng for people: 1.500.000 ₫ (vi), 1,500,000 VND (en)."""
    grouped = f"{int(amount):,}"
    if language == "en":
        return f"{grouped} VND"
    return f"{grouped.replace(',', '.')} ₫"


def local_time(timestamp: str) -> datetime:
    """A stored ISO 8601 timestamp as Vietnam time."""
    return datetime.fromisoformat(timestamp).astimezone(VIETNAM)


def day(timestamp: str) -> str:
    """The date people read, in Vietnam: 21/11/2026 (both languages write day/month/year here)."""
    return local_time(timestamp).strftime("%d/%m/%Y")


def hour(timestamp: str) -> str:
    """The time of day in Vietnam, 24-hour: 10:05."""
    return local_time(timestamp).strftime("%H:%M")


@lru_cache(maxsize=1)
def environment():
    """The Jinja2 environment: templates from files, HTML autoescaped, strict
    about undefined names (a typo in a template fails the tests, not a send)."""
    from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

    env = Environment(loader=FileSystemLoader(TEMPLATE_DIR), undefined=StrictUndefined,
                      autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=False),
                      trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    env.filters.update(day=day, hour=hour)
    return env


def _block(template, name: str, context: dict) -> str:
    return "".join(template.blocks[name](template.new_context(context)))


def email(name: str, language: str, context: dict) -> Email:
    """Render email `name` in `language` (Vietnamese if we have no such language)."""
    language = language if language in i18n.LANGUAGES else i18n.DEFAULT_LANGUAGE
    context = dict(context, language=language,
                   t=lambda key, **params: i18n.text(key, language, **params),
                   vnd=lambda amount: money(amount, language))
    env = environment()
    text = env.get_template(f"{name}.{language}.txt")
    # One line, however the template wraps it: a subject is a header.
    subject = " ".join(_block(text, "subject", context).split())
    return Email(subject=subject, text=_block(text, "body", context).strip() + "\n",
                 html=env.get_template(f"{name}.{language}.html").render(context))
