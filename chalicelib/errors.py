"""The one error shape: `{"errors": [{"path", "code", "message"}]}`.

Code raises `ApiError` with language-free `Problem`s; the HTTP layer renders the
messages in the caller's language at the very end.
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
        message = i18n.text(f"errors.{self.code}", language,
                            field=i18n.field_label(self.path, language), **self.params)
        return {"path": self.path, "code": self.code, "message": message}


class ApiError(Exception):
    """An error response: status code plus one or more problems."""

    def __init__(self, status: int, problems, extra: dict | None = None):
        self.status = status
        self.problems = list(problems)
        self.extra = extra or {}
        super().__init__(f"{status}: {[p.code for p in self.problems]}")

    def body(self, language: str) -> dict:
        return {"errors": [p.render(language) for p in self.problems], **self.extra}


def bad_request(problems) -> ApiError:
    return ApiError(400, problems)


def unprocessable(problems) -> ApiError:
    return ApiError(422, problems)


def forbidden() -> ApiError:
    return ApiError(403, [Problem("", "forbidden")])


def not_found() -> ApiError:
    return ApiError(404, [Problem("", "not_found")])


def unauthenticated() -> ApiError:
    return ApiError(401, [Problem("", "unauthenticated")])
