"""What can go wrong, in domain terms, and the one error shape.

Services and the pure core raise a `DomainError` of one of the kinds below,
holding language-free `Problem`s. Nothing below the edges knows HTTP: the API
maps each kind to a status once (chalicelib/api/http.py, `status_of`) and the
pages once (chalicelib/web/pages.py). Packages subclass these kinds for their
own exceptions (chalicelib/workflow/exceptions.py, chalicelib/awards/exceptions.py),
so the edges map those too without knowing them.

The shape every edge shows: `{"errors": [{"path", "code", "message"}], ...extra}`,
with messages rendered in the caller's language at the very end.
"""
from dataclasses import dataclass, field

from chalicelib import i18n


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a request.

    path: JSON Pointer into the request body (or into the query parameters of a
    GET, e.g. "/cursor"); "" for the request as a whole.
    code: a stable machine-readable code; its message is `errors.<code>`.
    """
    path: str
    code: str
    params: dict = field(default_factory=dict)

    def render(self, language: str) -> dict:
        key = f"errors.{self.code}"
        if i18n.is_choice(self.path) and f"{key}.choice" in i18n.catalogue():
            key += ".choice"  # a field picked from a list is chosen, not typed: "phải chọn"
        message = i18n.text(key, language, field=i18n.field_label(self.path, language),
                            **{name: _in_words(name, value, language) for name, value in self.params.items()})
        return {"path": self.path, "code": self.code, "message": message}


def _in_words(name: str, value, language: str):
    """A parameter as a person reads it: a type or a unit's kind in words
    ("một số nguyên", not "integer"), a number grouped (1.000.000)."""
    from chalicelib import formatting

    if name == "expected":
        return i18n.text("words.or", language).join(i18n.text(f"types.{one}", language) for one in value.split("/"))
    if name == "kind":
        return i18n.text(f"kinds.{value}", language)
    if isinstance(value, int) and not isinstance(value, bool):
        return formatting.number(value, language)
    return value


class DomainError(Exception):
    """A request that cannot be done: `problems` say why (every one found, at
    once), `extra` what the caller needs to go on (e.g. the state now)."""
    default_code = "invalid"

    def __init__(self, problems=None, extra: dict | None = None):
        self.problems = list(problems) if problems else [Problem("", self.default_code)]
        self.extra = extra or {}
        super().__init__(f"{type(self).__name__}: {[p.code for p in self.problems]}")

    def body(self, language: str) -> dict:
        """The one error shape, in `language`."""
        return {"errors": [p.render(language) for p in self.problems], **self.extra}


class Malformed(DomainError):
    """The request is not in the shape the operation takes (its schema, a cursor, a header)."""


class Unauthenticated(DomainError):
    """No valid credentials came with the request."""
    default_code = "unauthenticated"


class Forbidden(DomainError):
    """The caller may not do this (or see this)."""
    default_code = "forbidden"


class NotFound(DomainError):
    """What the request names does not exist."""
    default_code = "not_found"


class Conflict(DomainError):
    """What the request acts on changed since the caller saw it, or is in no
    state for it; `extra` says what it is now, so the caller can decide again."""
    default_code = "stale_version"


class TooLarge(DomainError):
    """The request is larger than the operation takes."""


class Invalid(DomainError):
    """The request is well formed but breaks a rule."""


class Busy(DomainError):
    """The data store is throttling or contended: try again shortly."""
    default_code = "busy"


class Unavailable(DomainError):
    """Something this depends on is not set up here (e.g. the hosted sign-in)."""


class UpstreamFailed(DomainError):
    """A service this called answered with an error, or not at all."""
