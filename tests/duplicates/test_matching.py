"""Matching: real-world name pairs that must and must not match, phones, and the score's reasons."""

from __future__ import annotations

import pytest

from crm.matching.candidates import Probe
from crm.matching.phones import normalise_phone
from crm.matching.scoring import Person, name_similarity, score_people
from crm.names import name_key

SAME_PERSON = [
    ("Айгерим Нургалиева", "Aigerim Nurgaliyeva"),
    ("Aigerim Nurgalieva", "Aigerim Nurgaliyeva"),
    ("Нургалиева Айгерим", "Aigerim Nurgalieva"),  # order swapped, other script
    ("Yuliya Ivanova", "Юлия Иванова"),
    ("Yulia Ivanova", "Yuliya Ivanova"),
    ("Julia Ivanova", "Юлия Иванова"),
    ("Ольга Сергеевна Иванова", "Olga Ivanova"),  # patronymic on one side only
    ("Иванова Ольга Сергеевна", "Olga Sergeevna Ivanova"),
    ("Aleksandr Petrov", "Alexander Petrov"),
    ("Александр Петров", "Alexandr Petrov"),
    ("Мухаммад Рахимов", "Muhammad Rakhimov"),
    ("Dilnoza Karimova", "Дильноза Каримова"),
    ("Zhanna Seitkazieva", "Жанна Сейтказиева"),
    ("Nguyen Thi Anh", "Anh Nguyen Thi"),
    ("A. Nurgalieva", "Aigerim Nurgalieva"),  # an initial for the first name
]

DIFFERENT_PEOPLE = [
    ("Timur Karimov", "Timur Karimova"),  # a relative, not a spelling
    ("Maria Santos", "Mario Santos"),
    ("Aigerim Nurgalieva", "Aigerim Nurlanova"),
    ("Aigerim Nurgalieva", "Aigerim"),  # one shared first name is not a name
    ("Rahim Khan", "Rahman Khan"),
    ("Siti Rahman", "Siti Rahmawati"),
    ("Ерлан Назаров", "Ерлан Жумабаев"),
    ("John Smith", "Jane Smith"),
]


@pytest.mark.parametrize(("a", "b"), SAME_PERSON)
def test_these_names_are_suggested_as_one_person(db, a, b):
    match = score_people(Probe(a).person(), Probe(b).person())
    assert match.suggested, (a, b, match)
    assert match.reasons[0] in ("name", "similar_name")


@pytest.mark.parametrize(("a", "b"), DIFFERENT_PEOPLE)
def test_these_names_are_not_suggested(db, a, b):
    match = score_people(Probe(a).person(), Probe(b).person())
    assert not match.suggested, (a, b, match)
    assert match.score == 0


def test_a_patronymic_costs_a_little_but_still_matches():
    assert name_similarity(name_key("Olga Ivanova"), name_key("Olga Ivanova")) == 100
    assert name_similarity(name_key("Olga Ivanova"), name_key("Olga Sergeevna Ivanova")) == 95


def test_namesakes_in_different_countries_with_different_emails_are_only_suggested(db):
    here = Probe("Aigerim Nurgalieva", "aigerim@ngo.kz", country="KZ").person()
    there = Probe("Айгерим Нургалиева", "a.nurgalieva@uni.example", country="DE").person()
    match = score_people(here, there)
    assert (match.score, match.reasons) == (50, ("name", "other_country"))
    assert match.suggested and not match.likely


def test_the_same_email_is_likely_whatever_the_name(db):
    match = score_people(
        Probe("A. N.", "Aigerim@NGO.kz").person(), Probe("Someone", "aigerim@ngo.kz").person()
    )
    assert (match.score, match.reasons, match.likely) == (80, ("email",), True)


def test_identifiers_name_organisation_and_country_add_up_to_at_most_100(db):
    a = Person(1, name_key("Aigerim Nurgalieva"), "a@x.kz", "+77012345678", "KZ", frozenset({5}))
    b = Person(2, name_key("Нургалиева Айгерим"), "a@x.kz", "+77012345678", "KZ", frozenset({5, 6}))
    assert score_people(a, b).score == 100
    assert score_people(a, b).labels == [
        "same e-mail",
        "same phone",
        "same name",
        "same organisation",
        "same country",
    ]


def test_an_organisation_or_country_alone_is_no_evidence(db):
    a = Person(1, name_key("Aigerim Nurgalieva"), country="KZ", organisations=frozenset({5}))
    b = Person(2, name_key("Timur Rakhimov"), country="KZ", organisations=frozenset({5}))
    assert score_people(a, b).score == 0


@pytest.mark.parametrize(
    ("phone", "country", "expected"),
    [
        ("+7 701 234 5678", None, "+77012345678"),
        ("8 (701) 234-56-78", "KZ", "+77012345678"),
        ("701 234 5678", "KZ", "+77012345678"),
        ("+66 2 123 4567", "KZ", "+6621234567"),  # an international number ignores the country
        ("02 123 4567", "TH", "+6621234567"),
        ("701 234 5678", None, ""),  # no country: cannot be placed, left out of matching
        ("not a phone", "KZ", ""),
        ("", "KZ", ""),
    ],
)
def test_phones_are_normalised_to_e164_in_the_contacts_country(phone, country, expected):
    assert normalise_phone(phone, country) == expected


def test_the_same_phone_written_two_ways_matches(db):
    a = Probe("Dinara A.", phone="8 (701) 234-56-78", country="KZ").person()
    b = Probe("Динара Абдуллаева", phone="+7 701 234 5678", country="KZ").person()
    assert score_people(a, b).reasons == ("phone", "similar_name", "country")  # "A." is an initial
