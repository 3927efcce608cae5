"""The review state machine. For now: its states, their names, and the state a
new initiative enters; the declarative definition and its engine come next."""

# State names are the values stored and returned by the API: one spelling.
STATES = ("pending", "valid", "invalid", "needs_revision", "under_review", "recognized",
          "not_recognized", "withdrawn")
INITIAL_STATE = "pending"
