"""The leaders' email when a new version of an award list is written: how many
of each kind, the top exemplary initiatives, a time-limited link to the Excel
file, and the list's page. Jinja2 templates in `templates/`, Vietnamese by
default, English for leaders whose language is `en`; sent through SES from
`settings.mail_sender()`."""
import os
from functools import lru_cache

from chalicelib import aws, settings
from chalicelib.i18n import LANGUAGES
from chalicelib.formatting import money, when

TEMPLATE_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "templates")
TOP = 5


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
    """Email every leader of the list's unit; returns the addresses written to."""
    sent = []
    for leader in leaders(award_list.unit_id):
        mail = message(award_list, leader, unit_name, phase_name, link)
        aws.ses().send_email(
            Source=settings.mail_sender(), Destination={"ToAddresses": [leader["email"]]},
            Message={"Subject": {"Data": mail["subject"], "Charset": "UTF-8"},
                     "Body": {"Text": {"Data": mail["text"], "Charset": "UTF-8"},
                              "Html": {"Data": mail["html"], "Charset": "UTF-8"}}})
        sent.append(leader["email"])
    return sent
