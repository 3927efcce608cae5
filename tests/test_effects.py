"""Every effect the workflow may name has a listener, and every listener an effect."""
from chalicelib.effects import LISTENERS
from chalicelib.workflow import definition


def test_known_effects_are_exactly_the_listeners():
    assert set(LISTENERS) == set(definition.KNOWN_EFFECTS)


def test_the_default_definition_names_only_known_effects():
    named = {effect for t in definition.default().transitions.values() for effect in t.effects}
    assert named <= set(LISTENERS) and {"notify_author", "award_candidate"} <= named
