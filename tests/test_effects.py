"""Effects: one registry (chalicelib/workflow/effects.py) that the definition
checker reads and the stream consumer runs."""
import pytest

from chalicelib import streams
from chalicelib.workflow import definition
from chalicelib.workflow.effects import EFFECTS


@pytest.mark.parametrize("name", sorted(EFFECTS))
def test_every_registered_effect_has_a_listener_the_stream_consumer_can_run(name):
    # GIVEN an effect of the registry; WHEN the stream consumer looks its listener up
    found = streams.listener(name)
    # THEN it is a function taking the history event
    assert callable(found) and found.__name__ == EFFECTS[name].listener.partition(":")[2]


def test_the_default_definition_names_only_registered_effects():
    named = {effect for t in definition.default().transitions.values() for effect in t.effects}
    assert named <= set(EFFECTS) and {"notify_author", "award_candidate"} <= named
