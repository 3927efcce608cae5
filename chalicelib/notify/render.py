"""Emails from the Jinja2 templates in `templates/`.

Each email is two files per language: `<name>.<lang>.txt` holds the subject
(`{% block subject %}`) and the plain-text body (`{% block body %}`);
`<name>.<lang>.html` holds the HTML body (HTML-escaped automatically). The
environment is built once per container, on first use.

Money and times are written by `chalicelib.formatting`, as everywhere else.
"""
import os
from dataclasses import dataclass
from functools import lru_cache

from chalicelib import i18n
from chalicelib.formatting import day, hour, money

TEMPLATE_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "templates")


@dataclass(frozen=True)
class Email:
    subject: str
    text: str
    html: str


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
