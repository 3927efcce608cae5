"""Why the workflow refuses a transition or an edit, in domain terms. Each is
a kind from chalicelib/errors.py, so the edges map it to an answer without
knowing the workflow."""
from chalicelib.errors import Conflict, Forbidden, Invalid, Problem


class UnknownEvent(Invalid):
    """The definition has no such event."""

    def __init__(self):
        super().__init__([Problem("/event", "unknown_event")])


class InputRefused(Invalid):
    """The event needs input that is missing, or was given input it does not take."""


class NotPermitted(Forbidden):
    """The caller is not one of the actors the transition names, for this initiative."""


class StateChanged(Conflict):
    """The initiative is no longer at the version the caller saw (`stale_version`),
    or not in a state the event leaves (`invalid_state`), or not one its authors
    may edit (`not_editable`); `extra["current"]` says where it is now."""

    def __init__(self, code: str, status: str, version: int):
        super().__init__([Problem("", code)], {"current": {"status": status, "version": int(version)}})
