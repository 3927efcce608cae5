"""DynamoDB values as plain Python: stream images (DynamoDB JSON) and the
values PynamoDB hands back (Decimals, map attributes). Whole numbers come
back as int, not Decimal."""


def from_item(raw: dict | None) -> dict | None:
    """DynamoDB JSON as plain Python; None stays None."""
    if raw is None:
        return None
    from boto3.dynamodb.types import TypeDeserializer

    deserializer = TypeDeserializer()
    return {key: plain(deserializer.deserialize(value)) for key, value in raw.items()}


def plain(value):
    """Decimals and whole floats as int (other numbers as float), PynamoDB maps
    and dicts as dicts, sets as sorted lists, Binary as bytes, recursively."""
    from decimal import Decimal

    if hasattr(value, "as_dict"):  # a PynamoDB MapAttribute value
        value = value.as_dict()
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, (set, frozenset)):
        return sorted(plain(v) for v in value)
    if type(value).__name__ == "Binary":
        return bytes(value.value)
    return value
