"""Phone numbers in one form (E.164) so the same number written two ways matches."""

from __future__ import annotations

import phonenumbers


def normalise_phone(phone: str | None, country_code: str | None = None) -> str:
    """'+7 701 234 5678', '8 (701) 234-56-78' with country KZ -> '+77012345678'; '' if not a number.

    A number without an international prefix is read in the contact's country; without a
    country it cannot be placed and is left out of matching rather than guessed.
    """
    text = (phone or "").strip()
    if not text:
        return ""
    try:
        number = phonenumbers.parse(text, (country_code or "").upper() or None)
    except phonenumbers.NumberParseException:
        return ""
    if not phonenumbers.is_possible_number(number):
        return ""
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
