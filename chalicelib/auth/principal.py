"""The caller, as the authorizer established it, and what they may see."""
from dataclasses import dataclass

ROLES = ("member", "reviewer", "leader", "admin")


@dataclass(frozen=True)
class Principal:
    user_id: str
    roles: frozenset
    unit_id: str
    name: str = ""

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))

    def to_context(self) -> dict:
        """API Gateway authorizer context values must be strings."""
        return {"user_id": self.user_id, "roles": ",".join(sorted(self.roles)),
                "unit_id": self.unit_id, "name": self.name}

    @classmethod
    def from_context(cls, context: dict) -> "Principal":
        return cls(user_id=context["user_id"], unit_id=context["unit_id"], name=context.get("name", ""),
                   roles=frozenset(r for r in context.get("roles", "").split(",") if r))

    @classmethod
    def from_claims(cls, claims: dict) -> "Principal":
        """Our local tokens carry `roles` and `unit_id`; Cognito ID tokens carry
        `cognito:groups`, `custom:unit_id` and `cognito:username` (users are
        created with the same ids as in `users.json`; `sub` there is a UUID).
        Both map to the same principal."""
        roles = claims.get("roles") or claims.get("cognito:groups") or []
        if isinstance(roles, str):
            roles = roles.split(",")
        user_id = claims.get("cognito:username") or claims.get("sub")
        unit_id = claims.get("unit_id") or claims.get("custom:unit_id")
        if not claims.get("sub") or not user_id or not unit_id:
            raise ValueError("the token names no user or no unit")
        return cls(user_id=user_id, roles=frozenset(r for r in roles if r in ROLES), unit_id=unit_id,
                   name=claims.get("name", ""))


# Who reads what belongs to a unit (its figures, its award lists).
UNIT_READERS = ("leader", "reviewer", "admin")


def reads_unit(principal: Principal, unit_path) -> bool:
    """Leaders, reviewers and admins read what belongs to their own unit and to
    every unit under it (national ones: every unit's)."""
    return principal.has_role(*UNIT_READERS) and principal.unit_id in unit_path


def may_see(principal: Principal, unit_path, author_ids) -> bool:
    """An initiative is visible to its submitter and authors, to admins, and to
    reviewers and leaders whose unit is on its unit's path (contains it)."""
    if principal.user_id in author_ids or principal.has_role("admin"):
        return True
    return principal.has_role("reviewer", "leader") and principal.unit_id in unit_path
