"""What can go wrong while notifying. Each one makes the stream record fail,
so it is retried and, if it keeps failing, ends in the failure destination."""


class NotifyError(Exception):
    """Base of the notification errors."""


class MailInFlight(NotifyError):
    """Another invocation holds a live claim on this email: it may be sending it
    now. Retry later; once its lease ends, a retry takes the email over."""


class MailNotSent(NotifyError):
    """SES refused or failed to send one or more of an event's emails; their
    claims were released, so a retry sends them (and only them)."""

    def __init__(self, failures: list):
        self.failures = failures  # (claim key, exception)
        super().__init__("; ".join(f"{key}: {error!r}" for key, error in failures))
