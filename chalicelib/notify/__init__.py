"""Notifications about initiatives, run by the stream consumer's effect
listeners (named in chalicelib/workflow/effects.py) for every history event
whose transition names them:

- `authors.on_event` (`notify_author`): each author with an email gets one
  email through SES, in their language; each author who is a user, and the
  submitter, gets an in-app notification.
- `reviewers.on_event` (`notify_reviewers`): the reviewers of the unit whose
  queue the initiative is in get an in-app notification (no email).

`inapp` stores in-app notifications and the unread count, `service` serves
them (`GET /me/notifications`, chalicelib/api/me.py); `mail` sends each email exactly once
through claims in the notifications table; `render` fills the Jinja2 templates
in `templates/`. Streams redeliver, so every step is idempotent.
Nothing here talks to AWS at import time.
"""
