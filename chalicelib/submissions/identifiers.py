"""Identifiers: a sortable unique id, and a tracking code people can read over the phone.

The tracking code is ten digits shown as two groups of five ("40173-26958"):
digits read well over a phone line in Vietnamese, and the last digit is a Luhn
check digit, so a digit misheard or mistyped is caught when the code is looked up.
"""
import os
import secrets
import time

CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def new_id() -> str:
    """A ULID: 26 characters, sortable by creation time, 80 random bits."""
    value = (int(time.time() * 1000) << 80) | int.from_bytes(os.urandom(10), "big")
    chars = []
    for _ in range(26):
        value, rest = divmod(value, 32)
        chars.append(CROCKFORD[rest])
    return "".join(reversed(chars))


def luhn_digit(digits: str) -> str:
    """The Luhn check digit to append to `digits`."""
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 0:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return str((10 - total % 10) % 10)


def new_tracking_code() -> str:
    body = f"{secrets.randbelow(10 ** 9):09d}"
    digits = body + luhn_digit(body)
    return f"{digits[:5]}-{digits[5:]}"


def is_valid_tracking_code(code: str) -> bool:
    digits = code.replace("-", "").replace(" ", "")
    return len(digits) == 10 and digits.isdigit() and luhn_digit(digits[:-1]) == digits[-1]
