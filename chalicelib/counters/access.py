"""Who may read which figures: one rule for the API and the pages."""

READER_ROLES = ("leader", "reviewer", "admin")


def may_read(principal, unit_path) -> bool:
    """Leaders, reviewers and admins read the figures of their own unit and of
    every unit under it (national ones: every unit)."""
    return principal.has_role(*READER_ROLES) and principal.unit_id in unit_path


def may_read_nationwide(principal) -> bool:
    """The ranking of top-level units is the one published nationwide: any reader sees it."""
    return principal.has_role(*READER_ROLES)
