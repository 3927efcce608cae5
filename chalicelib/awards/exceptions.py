"""What can go wrong with award lists, in domain terms; the API maps these to
responses (chalicelib/api/awards.py)."""


class CriteriaError(Exception):
    """The criteria file is missing, not JSON, or breaks schemas/award-criteria.json.

    `places` lists (JSON Pointer, problem code) for every error.
    """

    def __init__(self, path: str, places):
        self.path = path
        self.places = list(places)
        detail = "; ".join(f"{pointer or '/'}: {code}" for pointer, code in self.places)
        super().__init__(f"{path}: {detail}")


class ListNotFound(Exception):
    """No award list has that id."""


class AlreadyApproved(Exception):
    """The list was approved already; an approved list never changes."""


class Superseded(Exception):
    """A newer version of the list exists; only the latest may be approved."""

    def __init__(self, latest_version: int):
        self.latest_version = latest_version
        super().__init__(f"superseded by version {latest_version}")
