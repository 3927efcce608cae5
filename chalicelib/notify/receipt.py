"""`receipt`: the submitter's receipt, emailed once when an initiative is
entered (the `submitted` history event's effect).

Thông tư 18/2013/TT-BKHCN (Article 6): the applicant gets a receipt stating
the date by which they will be answered. The email gives the tracking code,
the date received and the date by which a decision is due (the workflow's
overall deadline counted from when it was received:
workflow/deadlines.py decision_due_at), with links to the printable receipt
page and the initiative.

It goes to the submitter's address in their profile (the reference data),
else to the address they gave for themselves as an author; in their
language (Vietnamese unless their profile says English). Sent exactly once
per initiative (mail.ClaimKey.for_receipt): a redelivered event sends nothing.
"""
import logging

from chalicelib import i18n, settings
from chalicelib.notify import mail, render

logger = logging.getLogger(__name__)

TEMPLATE = "receipt"


def receipt_link(submission_id: str) -> str:
    """The printable receipt page."""
    return f"{settings.link_base()}/app/initiatives/{submission_id}/receipt"


def decision_due(received_at: str) -> str | None:
    """When a decision is due on an initiative received at `received_at`
    (clock.timestamp), by the definition in force; None when it sets no
    overall deadline."""
    from chalicelib.workflow import deadlines, definition

    return deadlines.decision_due_at(definition.default(), received_at)


def address_of(submission: dict, profile) -> tuple[str | None, str]:
    """(address, language) of the submitter: their profile's, else what they gave as an author."""
    own = next((a for a in submission["authors"] if a.get("member_id") == submission["submitter_id"]), {})
    address = (profile.email if profile is not None else None) or own.get("email")
    language = (profile.language if profile is not None else None) or own.get("language")
    return (address.strip() if address else None), (language if language in i18n.LANGUAGES
                                                     else i18n.DEFAULT_LANGUAGE)


def email_context(submission: dict, name: str, due_at: str | None) -> dict:
    """What the receipt templates are given."""
    return {"name": name, "title": submission["title"], "code": submission["code"],
            "received_at": submission["created_at"], "due_at": due_at,
            "receipt_link": receipt_link(submission["id"]),
            "link": f"{settings.link_base()}/app/initiatives/{submission['id']}"}


def on_submitted(event: dict) -> None:
    """Email the submitter their receipt, once."""
    from chalicelib.reference import catalog
    from chalicelib.submissions import store

    record = store.get(event["submission_id"])
    if record is None:
        return
    submission = store.plain(record)
    profile = catalog.users([submission["submitter_id"]]).get(submission["submitter_id"])
    address, language = address_of(submission, profile)
    if not address:
        logger.info("receipt of %s: the submitter has no email", submission["id"])
        return  # the confirmation page and the receipt page still give it
    name = profile.full_name if profile is not None else submission["submitter_id"]
    message = render.email(TEMPLATE, language,
                           email_context(submission, name, decision_due(submission["created_at"])))
    mail.send_once(mail.ClaimKey.for_receipt(submission["id"], submission["submitter_id"]), address, message)
