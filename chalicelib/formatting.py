"""How numbers, money and times are written for people: one way, everywhere
(emails, the award workbook's mail, the web pages).

Money is integer VND. Vietnamese groups thousands with "." (1.500.000 ₫);
English with "," (1,500,000 VND). Large sums are read in tỷ (10⁹ đồng), as the
press writes them: 33.000 tỷ đồng. Times are Asia/Ho_Chi_Minh, day/month/year.
"""
import re
from datetime import datetime

from chalicelib.clock import VIETNAM

BILLION = 1_000_000_000


def number(value, language: str = "vi") -> str:
    """A whole number with thousands grouped: 12.345 (vi), 12,345 (en)."""
    grouped = f"{int(value):,}"
    return grouped.replace(",", ".") if language != "en" else grouped


def read_money(typed: str, language: str = "vi"):
    """Whole đồng as people type them, read strictly: digits, or digits in
    groups of three split by the language's separator (1.500.000 vi,
    1,500,000 en); spaces around are trimmed. Anything else (a sign, decimals,
    letters, a misplaced separator) is None: never read as another number.
    app.js (data-money) applies the same rule in the browser."""
    separator = "," if language == "en" else "."
    typed = typed.strip()
    if re.fullmatch(r"[0-9]+", typed) or re.fullmatch(r"[0-9]{1,3}(?:%s[0-9]{3})+" % re.escape(separator), typed):
        return int(typed.replace(separator, ""))
    return None


def money(amount, language: str = "vi") -> str:
    """Whole đồng: 1.500.000 ₫ (vi), 1,500,000 VND (en)."""
    return f"{number(amount, language)} ₫" if language != "en" else f"{number(amount, language)} VND"


def large_money(amount, language: str = "vi") -> str:
    """A large sum the way Vietnamese reports write it: 33.000 tỷ đồng, 2,5 tỷ đồng
    (en: 33,000 billion VND). Below one tỷ it is written in full."""
    amount = int(amount)
    if abs(amount) < BILLION:
        return money(amount, language)
    billions = round(amount / BILLION, 1)
    whole = int(billions)
    text = number(whole, language)
    if billions != whole:
        decimal = "," if language != "en" else "."
        text += f"{decimal}{round((billions - whole) * 10)}"
    return f"{text} tỷ đồng" if language != "en" else f"{text} billion VND"


def percent(value, language: str = "vi") -> str:
    """A percentage with at most one decimal: 87,5 % (vi), 87.5% (en)."""
    if value is None:
        return "–"
    rounded = round(float(value), 1)
    text = f"{rounded:.1f}".rstrip("0").rstrip(".")
    return f"{text.replace('.', ',')} %" if language != "en" else f"{text}%"


def local_time(timestamp: str) -> datetime:
    """A stored ISO 8601 timestamp as Vietnam time."""
    return datetime.fromisoformat(timestamp).astimezone(VIETNAM)


def day(timestamp: str) -> str:
    """The date people read, in Vietnam: 21/11/2026 (both languages write day/month/year here)."""
    return local_time(timestamp).strftime("%d/%m/%Y")


def hour(timestamp: str) -> str:
    """The time of day in Vietnam, 24-hour: 10:05."""
    return local_time(timestamp).strftime("%H:%M")


def when(timestamp: str) -> str:
    """Date and time: 31/12/2026 23:59 (Vietnam time)."""
    return local_time(timestamp).strftime("%d/%m/%Y %H:%M")


def iso_day(value: str) -> str:
    """A YYYY-MM-DD date as people read it: 31/05/2022."""
    year, month, day_ = value.split("-")
    return f"{day_}/{month}/{year}"
