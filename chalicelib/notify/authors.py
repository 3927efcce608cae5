"""`notify_author`: tell the authors that their initiative changed state.

For one history event (a plain dict, as the stream delivers it):
- an in-app notification for the submitter and each co-author who accepted
  their invitation (`member_id` naming a user), once each;
- one email through SES to each author with an email address (but not to a
  member named who has not accepted), in the author's language (`language` in the initiative; Vietnamese by default).

Streams redeliver: in-app notifications and emails are each written or sent
exactly once (chalicelib/notify/inapp.py, chalicelib/notify/mail.py). One
author's failed email does not hold back the others': every email is tried,
then the failures are raised together so that the record is retried, and only
the emails not yet sent go out again.
"""
import logging

from chalicelib import i18n
from chalicelib.notify import inapp, mail, render
from chalicelib.notify.exceptions import MailNotSent

logger = logging.getLogger(__name__)

TEMPLATE = "author_update"


def in_app_recipients(submission: dict, users: set) -> list:
    """The submitter, then every co-author who accepted (a member merely named
    is not told about an initiative that is not theirs), once each; only
    members who are users (`users`)."""
    from chalicelib.submissions.rules import accepted_members

    accepted = accepted_members(submission)
    ids = [submission["submitter_id"]] + [a["member_id"] for a in submission["authors"]
                                          if a.get("member_id") in users and a["member_id"] in accepted]
    return list(dict.fromkeys(ids))


def mail_recipients(authors: list) -> list:
    """The authors with an email, one per address (the first who gave it): two
    authors who gave the same address get one email. A member named but not
    (yet) accepting, or who declined, is not an author: no email about an
    initiative they may not read. Authors who are not users (no `member_id`,
    nothing to accept) are mailed at the address given for them."""
    from chalicelib.submissions.rules import ACCEPTED

    seen, recipients = set(), []
    for author in authors:
        address = mail.address_key(author.get("email"))
        if author.get("invitation", ACCEPTED) != ACCEPTED:
            continue
        if address and address not in seen:
            seen.add(address)
            recipients.append(author)
    return recipients


def email_context(note: dict, author: dict, language: str) -> dict:
    """What the author_update templates are given."""
    return {
        "author_name": author["full_name"], "title": note["title"], "code": note["code"],
        "state_name": note["state_name"].get(language) or note["to_state"],
        "event_name": note["event_name"].get(language) or note["event"],
        "at": note["at"], "reason": note["reason"], "link": note["link"],
        "scores": [{"name": name, "value": value} for name, value in (note["scores"] or {}).items()],
        "confirmed_benefit_vnd": note["confirmed_benefit_vnd"],
    }


def on_event(event: dict) -> None:
    """Notify the authors of `event`'s initiative; raise if any email failed."""
    from chalicelib.reference import catalog
    from chalicelib.submissions import store
    from chalicelib.workflow import definition

    record = store.get(event["submission_id"])
    if record is None:  # cannot happen (initiatives are never deleted); nothing to tell
        logger.warning("event %s/%s names no initiative", event["submission_id"], event["seq"])
        return
    submission = store.plain(record)
    note = inapp.content(inapp.AUTHOR_UPDATE, event, submission, definition.default())
    users = set(catalog.users(a.get("member_id") for a in submission["authors"]))
    inapp.deliver(in_app_recipients(submission, users), note)

    failures = []
    for author in mail_recipients(submission["authors"]):
        language = author.get("language") if author.get("language") in i18n.LANGUAGES else i18n.DEFAULT_LANGUAGE
        # Keyed by the address, never by the author's place in the list: the
        # authors may be edited between two deliveries of this event.
        key = mail.ClaimKey.for_event(event["submission_id"], event["seq"], author["email"])
        try:
            message = render.email(TEMPLATE, language, email_context(note, author, language))
            mail.send_once(key, author["email"].strip(), message)
        except Exception as error:  # noqa: BLE001 - every author is tried; all failures are raised below
            logger.warning("email %s not sent: %r", key, error)
            failures.append((str(key), error))
    if failures:
        raise MailNotSent(failures)

