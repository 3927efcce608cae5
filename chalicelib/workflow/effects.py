"""The effects a transition may name in the workflow definition: one registry.

The definition checker refuses any name not here. Each effect is carried out
by a listener outside this pure core, named by its module and function so that
the core imports none of them: the stream consumer (chalicelib/streams.py)
imports a listener only when a history event names its effect. A listener
takes the history event (a plain dict, as the stream delivers it) and must be
idempotent: streams redeliver.
"""
from dataclasses import dataclass


@dataclass(frozen=True)
class Effect:
    name: str
    listener: str  # "<module>:<function>"
    does: str
    # A flag the state the transition leads to must have (checked when the definition loads).
    needs_state: str | None = None


INVITE_COAUTHORS = "invite_coauthors"
CLOSE_INVITATION = "close_invitation"
NOTIFY_REVIEWERS = "notify_reviewers"
RECEIPT = "receipt"


EFFECTS = {effect.name: effect for effect in (
    Effect("notify_author", "chalicelib.notify.authors:on_event",
           "tells each author: an email through SES in their language, and an in-app notification"),
    Effect("notify_reviewers", "chalicelib.notify.reviewers:on_event",
           "tells the reviewers of the queue the initiative is now in (in-app): once per initiative and unit "
           "when it enters that unit's queue for the first time, and again when its authors resubmit it; "
           "also set by the `submitted` history event"),
    Effect("invite_coauthors", "chalicelib.notify.invitations:on_event",
           "invites the members an initiative newly names as co-authors (in-app, with accept and decline); "
           "set by the `submitted` and `edited` history events, never by a transition"),
    Effect("close_invitation", "chalicelib.notify.invitations:on_answer",
           "marks the member's invitation read once they have answered it (it no longer waits in their count); "
           "set by the `coauthor_accepted` and `coauthor_declined` history events, never by a transition"),
    Effect("receipt", "chalicelib.notify.receipt:on_submitted",
           "emails the submitter a receipt: tracking code, date received, date by which a decision is due; "
           "set by the `submitted` history event, never by a transition"),
    Effect("remind_reviewers", "chalicelib.notify.deadlines:on_reminder",
           "reminds the reviewers of the unit whose queue holds the initiative that a deadline is near; set by the "
           "deadline sweep's `reminded` history event, never by a transition"),
    Effect("escalate", "chalicelib.notify.deadlines:on_overdue",
           "tells the reviewers of the queue's unit that a deadline passed, and those of the unit one level above "
           "when the deadline escalates (`escalated_to`); set by the sweep's `overdue` history event, never by a "
           "transition"),
    Effect("award_candidate", "chalicelib.awards.candidates:on_event",
           "makes the recognised initiative a candidate for the award lists of every unit on its path",
           needs_state="recognized"),
)}
