"""Each email exactly once, through SES.

SES has no idempotency key, and streams and schedules redeliver, so before
sending, an invocation claims the email with an item in the notifications
table, keyed by what the email is about and by whom it is to (never by a
position in a list, which an edit can change between two deliveries):
`MAIL#<submission>#<seq>` / `<casefolded address>` for an author's email about
a history event, `MAIL#AWARD-LIST#<list id>` / `<leader's user id>` for a
leader's email about one version of an award list, `MAIL#RECEIPT#<submission>`
/ `<submitter's user id>` for a submitter's receipt, `MAIL#DIGEST#<date>` /
`<reviewer's user id>` for a reviewer's daily digest (ClaimKey):

1. put the claim (`status = sending`, a lease, a token of its own), on
   condition that no claim exists OR the one there is an expired lease;
2. send with SES;
3. mark the claim `status = sent` (with SES's MessageId), on condition that it
   is still ours.

A redelivery that finds `sent` sends nothing. If SES raises (after the SES
client's own retries with backoff on throttling, chalicelib/aws.py), the claim
is released (deleted, if still ours) and the error raised, so the stream record
is reported failed and retried; after the bounded retries it goes to the
failure destination (deploy/resources.json), from which scripts/redrive.py
replays it. Claims expire by TTL long after the stream has stopped redelivering
their record.

A crash between sending and marking (SES accepted the email, then the
invocation died or could not mark the claim) leaves the claim `sending`. Once
its lease has ended, a redelivery of the record takes it over and sends the
email again: at-least-once, by choice. A person would rather read the same
news twice (the two emails are identical) than never learn that their
initiative was returned for revision, or that an award list waits for their
signature. The window is short (between SES's answer and the claim's update,
with its retries), and a second email needs a redelivery of the record after
the lease: a failure anywhere else sends each email exactly once.
"""
import logging
import uuid
from dataclasses import dataclass
from datetime import timedelta

from pynamodb.exceptions import DeleteError, PutError, UpdateError

from chalicelib import aws, clock, settings
from chalicelib.notify.exceptions import MailInFlight
from chalicelib.tables import MailClaim

logger = logging.getLogger(__name__)

SENDING, SENT = "sending", "sent"
# Longer than the function timeout (30 s, .chalice/config.json) plus the SES
# client's own time budget: when a lease ends, the invocation that took it has
# ended too, so two invocations never both hold a live claim on one email.
LEASE_SECONDS = 120
# Stream records live 24 h; retries and a redrive from the failure destination
# come within days. A month of claims is plenty, then TTL removes them.
CLAIM_DAYS = 30
CONDITIONAL_FAILURE = "ConditionalCheckFailedException"


def address_key(address: str) -> str:
    """An email address as it identifies a person: trimmed and casefolded
    (`Lan.Vu@Example.vn ` and `lan.vu@example.vn` are one mailbox)."""
    return (address or "").strip().casefold()


@dataclass(frozen=True)
class ClaimKey:
    """Which email a claim is for: what it is about and whom it is to."""
    about: str  # `<submission>#<seq>`, `AWARD-LIST#<list id>`, `RECEIPT#<submission>`, `DIGEST#<date>`
    recipient: str  # a casefolded address, or a user id

    @classmethod
    def for_event(cls, submission_id: str, seq: int, address: str) -> "ClaimKey":
        """An author's email about one history event, by their address: editing
        the authors (reordering, inserting one) between two deliveries of the
        event changes nobody's key."""
        return cls(f"{submission_id}#{int(seq)}", address_key(address))

    @classmethod
    def for_receipt(cls, submission_id: str, user_id: str) -> "ClaimKey":
        """The submitter's receipt for one initiative: one per initiative, whatever
        address their profile gives when it is (re)delivered."""
        return cls(f"RECEIPT#{submission_id}", user_id)

    @classmethod
    def for_digest(cls, day: str, user_id: str) -> "ClaimKey":
        """A reviewer's daily digest: one per user and (Vietnam) date, YYYY-MM-DD."""
        return cls(f"DIGEST#{day}", user_id)

    @classmethod
    def for_award_list(cls, list_id: str, leader_id: str) -> "ClaimKey":
        """A leader's email about one version of an award list."""
        return cls(f"AWARD-LIST#{list_id}", leader_id)

    @property
    def pk(self) -> str:
        return f"MAIL#{self.about}"

    @property
    def sk(self) -> str:
        return self.recipient

    def __str__(self) -> str:
        return f"{self.pk}/{self.sk}"


# ------------------------------------------------------------ conditions

def _no_claim_yet():
    """Closes: two invocations (a redelivery racing the first delivery) both
    sending. Only the first put succeeds; the other finds the claim."""
    return MailClaim.pk.does_not_exist()


def _lease_expired(now_epoch: int):
    """Closes: an email lost because the invocation that claimed it died
    (timeout, crash) before sending or releasing. Once its lease has ended, a
    retry may take the claim over; a `sent` claim is never taken over."""
    return (MailClaim.status == SENDING) & (MailClaim.lease_until < now_epoch)


def _still_ours(token: str):
    """Closes: overwriting or deleting a claim that, after our lease ended,
    another invocation took over (and may have sent)."""
    return (MailClaim.token == token) & (MailClaim.status == SENDING)


# ------------------------------------------------------------ sending

def send_once(key: ClaimKey, to: str, message) -> bool:
    """Send `message` (a render.Email, or anything with subject, text and html)
    to `to` unless the email `key` was sent already. True if this call sent it, False if it had been sent before.
    Raises MailInFlight while another invocation holds a live claim, and SES's
    own error (after releasing the claim) when the send fails."""
    token = uuid.uuid4().hex
    now_epoch = int(clock.now().timestamp())
    claim = MailClaim(key.pk, key.sk, status=SENDING, token=token, lease_until=now_epoch + LEASE_SECONDS,
                      recipient=to, expires_at=timedelta(days=CLAIM_DAYS))
    try:
        claim.save(condition=_no_claim_yet() | _lease_expired(now_epoch))
    except PutError as error:
        if error.cause_response_code != CONDITIONAL_FAILURE:
            raise
        if _current_status(key) == SENT:
            return False
        raise MailInFlight(str(key))

    try:
        answer = aws.ses().send_email(
            Source=settings.mail_sender(),
            Destination={"ToAddresses": [to]},
            Message={"Subject": {"Data": message.subject, "Charset": "UTF-8"},
                     "Body": {"Text": {"Data": message.text, "Charset": "UTF-8"},
                              "Html": {"Data": message.html, "Charset": "UTF-8"}}})
    except Exception:
        # Also on a timeout, when SES may in fact have sent it: we choose to
        # send twice rather than never.
        _release(claim, token, key)
        raise
    _mark_sent(claim, token, answer["MessageId"], key)
    return True


def _current_status(key: ClaimKey) -> str | None:
    try:
        return MailClaim.get(key.pk, key.sk, consistent_read=True).status
    except MailClaim.DoesNotExist:  # released in between: a retry will claim it
        return None


def _mark_sent(claim: MailClaim, token: str, message_id: str, key: ClaimKey) -> None:
    try:
        claim.update(actions=[MailClaim.status.set(SENT), MailClaim.message_id.set(message_id),
                              MailClaim.sent_at.set(clock.timestamp()), MailClaim.lease_until.remove()],
                     condition=_still_ours(token))
    except UpdateError:
        # The email is gone; failing the record now would only send it again.
        # A claim left `sending` is taken over (and the email sent again) only
        # if the record is redelivered after the lease ends.
        logger.exception("email %s was sent (SES %s) but its claim could not be marked sent", key, message_id)


def _release(claim: MailClaim, token: str, key: ClaimKey) -> None:
    try:
        claim.delete(condition=_still_ours(token))
    except DeleteError as error:
        if error.cause_response_code != CONDITIONAL_FAILURE:
            # The claim stays until its lease ends; a retry after that takes it over.
            logger.exception("could not release the claim on email %s", key)
