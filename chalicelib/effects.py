"""Effects a transition may name in the workflow definition, and the listener
that carries out each. Listeners take the history event (a plain dict, as the
stream delivers it) and must be idempotent: streams redeliver."""


def _notify_author(event):
    from chalicelib.notify import authors
    authors.on_event(event)


def _notify_reviewers(event):
    from chalicelib.notify import reviewers
    reviewers.on_event(event)


def _award_candidate(event):
    from chalicelib.awards import candidates
    candidates.on_event(event)


LISTENERS = {"notify_author": _notify_author, "notify_reviewers": _notify_reviewers,
             "award_candidate": _award_candidate}
