"""The platform under every store: one DynamoDB client for every model, and
transactions whose cancellations are read by the names of their actions."""
import pytest

from chalicelib import aws
from tests import helpers


def test_every_model_talks_through_the_containers_one_client(fresh_tables):
    from chalicelib.reference import catalog

    # GIVEN the container's DynamoDB client, watched
    asked = []
    aws.dynamodb().meta.events.register("before-call.dynamodb.*", lambda model, **_: asked.append(model.name),
                                        unique_id="watch")
    try:
        # WHEN a PynamoDB model reads (a unit, not cached)
        catalog.clear_cache()
        assert catalog.unit("cdcs-rang-dong").name
    finally:
        aws.dynamodb().meta.events.unregister("before-call.dynamodb.*", unique_id="watch")
    # THEN it went through that client
    assert asked == ["GetItem"]
    # AND a stand-in put in place replaces it for PynamoDB's calls too, for the block only
    catalog.clear_cache()
    with aws.replaced(dynamodb=helpers.Refusing(aws.dynamodb(), "GetItem")):
        with pytest.raises(RuntimeError, match="GetItem refused"):
            catalog.unit("cdcs-rang-dong")
    assert catalog.unit("cdcs-rang-dong").name


@pytest.mark.parametrize("first", ["fresh", "taken"])
def test_a_cancelled_transaction_names_the_action_whose_condition_failed(fresh_tables, first):
    from chalicelib.tables import Cancelled, CountedMarker, Transaction

    # GIVEN one marker stored, and a transaction putting it again beside a fresh one (in either order)
    CountedMarker("TEST#taken", "v1").save()
    absent = CountedMarker.pk.does_not_exist()
    transaction = Transaction()
    for name in (first, "taken" if first == "fresh" else "fresh"):
        transaction.put(name, CountedMarker(f"TEST#{name}", "v1"), condition=absent)
    # WHEN it is committed
    with pytest.raises(Cancelled) as cancelled:
        transaction.commit()
    # THEN the cancellation names the action whose condition failed, whatever its place
    assert cancelled.value.failed("taken") and not cancelled.value.failed("fresh")
    assert not cancelled.value.conflict
    # AND nothing of it was written
    assert CountedMarker.count("TEST#fresh") == 0


def test_two_actions_of_one_transaction_cannot_share_a_name(fresh_tables):
    from chalicelib.tables import CountedMarker, Transaction

    transaction = Transaction()
    transaction.put("marker", CountedMarker("TEST#a", "v1"))
    with pytest.raises(ValueError, match="two actions named 'marker'"):
        transaction.put("marker", CountedMarker("TEST#b", "v1"))
