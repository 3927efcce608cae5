"""The emulator behaves like DynamoDB where the app relies on it
(scripts/emulation.dynamodb_like_aws, applied to every test and to the local
run): a cancelled transaction leaves no trace in the table or in its stream,
the stream reader never loses its place, an upsert is one stream record."""
import boto3
import pytest
from botocore.exceptions import ClientError

from chalicelib import settings
from scripts.stream_feeder import StreamFeeder


@pytest.fixture
def table(fresh_tables):
    """The initiatives table (it has a stream) and a feeder that has read everything so far."""
    name = settings.table_name("initiatives")
    feeder = StreamFeeder(name)
    feeder.poll()
    return boto3.client("dynamodb"), name, feeder


def put(name: str, pk: str, **condition) -> dict:
    return {"Put": {"TableName": name, "Item": {"pk": {"S": pk}, "sk": {"S": "META"}, "n": {"N": "1"}}, **condition}}


def keys(client, name: str) -> list[str]:
    return sorted(item["pk"]["S"] for item in client.scan(TableName=name)["Items"])


def test_a_transaction_cancelled_by_a_condition_writes_nothing_and_streams_nothing(table):
    client, name, feeder = table
    client.put_item(TableName=name, Item={"pk": {"S": "SUB#taken"}, "sk": {"S": "META"}})
    assert [r["eventName"] for r in feeder.poll()] == ["INSERT"]
    # WHEN a transaction's first write would pass and its second fails its condition
    with pytest.raises(ClientError) as refused:
        client.transact_write_items(TransactItems=[
            put(name, "SUB#new"), put(name, "SUB#taken", ConditionExpression="attribute_not_exists(pk)")])
    assert refused.value.response["Error"]["Code"] == "TransactionCanceledException"
    # THEN neither is in the table, nor in the stream
    assert keys(client, name) == ["SUB#taken"]
    assert feeder.poll() == []
    # and the stream goes on: the next write is read, once
    client.put_item(TableName=name, Item={"pk": {"S": "SUB#after"}, "sk": {"S": "META"}})
    assert [r["dynamodb"]["Keys"]["pk"]["S"] for r in feeder.poll()] == ["SUB#after"]
    assert feeder.poll() == []


def test_a_transaction_failing_while_writing_puts_back_what_it_wrote(table):
    client, name, feeder = table
    client.put_item(TableName=name, Item={"pk": {"S": "SUB#text"}, "sk": {"S": "META"}, "n": {"S": "một"}})
    feeder.poll()
    # WHEN a transaction's second write fails only when applied (adding a number to a string)
    with pytest.raises(ClientError):
        client.transact_write_items(TransactItems=[
            put(name, "SUB#new"),
            {"Update": {"TableName": name, "Key": {"pk": {"S": "SUB#text"}, "sk": {"S": "META"}},
                        "UpdateExpression": "SET n = n + :one", "ExpressionAttributeValues": {":one": {"N": "1"}}}}])
    # THEN the first write is undone, without a trace in the stream
    assert keys(client, name) == ["SUB#text"]
    assert feeder.poll() == []


def test_a_transaction_that_passes_writes_everything_and_streams_each_write_once(table):
    client, name, feeder = table
    client.transact_write_items(TransactItems=[put(name, "SUB#a"), put(name, "SUB#b")])
    assert keys(client, name) == ["SUB#a", "SUB#b"]
    assert sorted(r["dynamodb"]["Keys"]["pk"]["S"] for r in feeder.poll()) == ["SUB#a", "SUB#b"]


def test_an_upsert_is_one_insert_record(table):
    client, name, feeder = table
    client.update_item(TableName=name, Key={"pk": {"S": "SUB#up"}, "sk": {"S": "META"}},
                       UpdateExpression="SET n = :one", ExpressionAttributeValues={":one": {"N": "1"}})
    records = feeder.poll()
    assert [(r["eventName"], r["dynamodb"]["NewImage"].get("n")) for r in records] == [("INSERT", {"N": "1"})]
