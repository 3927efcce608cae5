"""What can go wrong with award lists, in domain terms: kinds from
chalicelib/errors.py, so the edges map them without knowing award lists."""
from chalicelib.errors import Conflict, NotFound, Problem, UpstreamFailed


class CriteriaError(Exception):
    """The criteria file is missing, not JSON, or breaks schemas/award-criteria.json
    (a fault of the deployment, not of a request). `places` lists (JSON
    Pointer, problem code) for every error.
    """

    def __init__(self, path: str, places):
        self.path = path
        self.places = list(places)
        detail = "; ".join(f"{pointer or '/'}: {code}" for pointer, code in self.places)
        super().__init__(f"{path}: {detail}")


class ListNotFound(NotFound):
    """No award list has that id."""

    def __init__(self, list_id: str = ""):
        self.list_id = list_id
        super().__init__()


class AlreadyApproved(Conflict):
    """The list was approved already; an approved list never changes."""

    def __init__(self, list_id: str = ""):
        self.list_id = list_id
        super().__init__([Problem("", "award_list_approved")])


class Superseded(Conflict):
    """A newer version of the list exists; only the latest may be approved."""

    def __init__(self, latest_version: int):
        self.latest_version = latest_version
        super().__init__([Problem("", "award_list_superseded", {"latest": latest_version})])


class LeadersNotMailed(UpstreamFailed):
    """The list is stored, but SES failed (or another compile is sending right
    now) for some of its leaders' emails; the others went out. Compiling again
    sends only the emails not sent yet. `failures`: (leader id, exception)."""

    def __init__(self, list_id: str, failures: list):
        self.list_id, self.failures = list_id, failures
        super().__init__([Problem("", "award_list_not_mailed", {"count": len(failures)})])

    def __str__(self) -> str:
        return f"{self.list_id}: " + "; ".join(f"{leader}: {error!r}" for leader, error in self.failures)
