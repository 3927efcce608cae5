"""The leaders' email when a new version of an award list is written: how many
of each kind, the top exemplary initiatives, a time-limited link to the Excel
file, and the list's page. Jinja2 templates in `templates/`, Vietnamese by
default, English for leaders whose language is `en`; sent through SES from
`settings.mail_sender()`, each exactly once per leader and version (the
claims of chalicelib/notify/mail.py)."""
import logging
import os
from functools import lru_cache

from chalicelib import settings
from chalicelib.i18n import LANGUAGES
from chalicelib.formatting import money, when

TEMPLATE_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "templates")
TOP = 5

logger = logging.getLogger(__name__)


def leaders(unit_id: str) -> list[dict]:
    """The unit's leaders who have an email, by id (catalog.users_of: one Query)."""
    from chalicelib.reference import catalog

    people = [{"id": user.id, "full_name": user.full_name, "email": user.email,
               "language": user.language if user.language in LANGUAGES else "vi"}
              for user in catalog.users_of(unit_id) if user.has_role("leader") and user.email]
    return sorted(people, key=lambda person: person["id"])


@lru_cache(maxsize=1)
def environment():
    """The Jinja2 environment, built once per container."""
    from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

    env = Environment(loader=FileSystemLoader(TEMPLATE_DIR), undefined=StrictUndefined,
                      autoescape=select_autoescape(["html"]), trim_blocks=True, lstrip_blocks=True,
                      keep_trailing_newline=True)
    env.filters["vnd"] = money
    env.filters["when"] = when
    return env


def message(award_list, leader: dict, unit_name: str, phase_name: dict, link: dict) -> dict:
    """The email for one leader: {"subject", "text", "html"}."""
    language = leader["language"]
    context = {
        "leader": leader, "language": language, "unit_name": unit_name,
        "phase_name": phase_name.get(language) or phase_name.get("vi", ""),
        "version": award_list.version, "counts": award_list.counts,
        "top": award_list.lists["exemplary_initiatives"][:TOP],
        "link": link, "page": f"{settings.link_base()}/app/award-lists/{award_list.id}",
        "compiled_at": award_list.compiled_at, "by_schedule": award_list.compiled_by == "schedule",
    }
    env = environment()
    return {"subject": env.get_template(f"award_list.subject.{language}.txt").render(context).strip(),
            "text": env.get_template(f"award_list.{language}.txt").render(context),
            "html": env.get_template(f"award_list.{language}.html").render(context)}


def notify_leaders(award_list, unit_name: str, phase_name: dict, link: dict) -> list[str]:
    """Email every leader of the list's unit who has not had this version's
    email yet. One claim per leader and version (notify.mail.send_once,
    `MAIL#AWARD-LIST#<list id>` / `<leader id>`, a conditional write), so a
    compile that failed partway and is run again mails only the leaders not
    mailed yet, and two compiles racing never mail anyone twice. Every leader
    is tried; returns the addresses written to by this call, or raises
    LeadersNotMailed naming the leaders whose email failed (or is being sent by
    another compile right now), after the others went out."""
    from chalicelib.awards.exceptions import LeadersNotMailed
    from chalicelib.notify import mail as once
    from chalicelib.notify.render import Email

    sent, failures = [], []
    for leader in leaders(award_list.unit_id):
        key = once.ClaimKey.for_award_list(award_list.id, leader["id"])
        try:
            if once.send_once(key, leader["email"], Email(**message(award_list, leader, unit_name, phase_name, link))):
                sent.append(leader["email"])
        except Exception as error:  # noqa: BLE001 - every leader is tried; the failures are raised below
            logger.warning("award list %s: email to %s not sent: %r", award_list.id, leader["id"], error)
            failures.append((leader["id"], error))
    if failures:
        raise LeadersNotMailed(award_list.id, failures)
    return sent
