"""Names sort as the reader's language expects, the same on SQLite and PostgreSQL."""

from __future__ import annotations

import re

from sqlalchemy import String, literal, select, union_all

from crm.collation import collation_for, name_order, sort_key
from crm.extensions import db
from crm.models import Contact

# The order PostgreSQL's "ru-x-icu" gives (checked on PostgreSQL 15 with ICU): punctuation,
# digits, the Russian alphabet with ё as е (е before ё when all else is equal), Kazakh қ with к,
# then Latin names; case ignored, then lower case first.
RUSSIAN_ORDER = [
    "(Test)",
    "123 Org",
    "Ахмедов",
    "ёж",
    "Ежов",
    "елка",
    "елкин",
    "Елкин",
    "Ёлкин",
    "Жуков",
    "Иванов",
    "Йодов",
    "Касымов",
    "Қасымов",
    "Лаура",
    "Юлия",
    "Яков",
    "Ян Ли",
    "Янов",
    "anna",
    "Anna",
    "Ärzte",
    "Azamat",
    "Élise",
    "Eva",
    "John Smith",
    "Zed",
]


def test_the_python_key_orders_as_a_russian_speaker_expects():
    shuffled = RUSSIAN_ORDER[::2] + RUSSIAN_ORDER[1::2]
    assert sorted(shuffled, key=sort_key) == RUSSIAN_ORDER
    latin_first = sorted(
        ["Жуков", "Zed", "anna", "Ахмедов", "Ёлкин", "Eva"], key=lambda s: sort_key(s, False)
    )
    assert latin_first == ["anna", "Eva", "Zed", "Ахмедов", "Ёлкин", "Жуков"]


def test_the_database_orders_names_the_same_way(app, db):
    """SQLite through our collation, PostgreSQL through ICU: one expected order for both."""
    with app.test_request_context(headers={"Accept-Language": "ru"}):
        names = union_all(
            *(select(literal(name, String).label("n")) for name in reversed(RUSSIAN_ORDER))
        ).subquery()
        rows = db.session.scalars(select(names.c.n).order_by(names.c.n.collate(_collation())))
        assert list(rows) == RUSSIAN_ORDER


def _collation() -> str:
    return collation_for("ru", db.session)


def test_the_collation_is_the_icu_one_on_postgresql_and_ours_on_sqlite(app, db):
    expected = {"postgresql": "ru-x-icu", "sqlite": "crm_cyrillic_first"}[db.engine.dialect.name]
    assert collation_for("ru", db.session) == expected
    assert (
        collation_for("kk", db.session)
        == {"postgresql": "kk-x-icu", "sqlite": "crm_cyrillic_first"}[db.engine.dialect.name]
    )
    # A language the server has no ICU collation for falls back to the root one.
    assert (
        collation_for("zz", db.session)
        == {"postgresql": "und-x-icu", "sqlite": "crm_latin_first"}[db.engine.dialect.name]
    )


def test_english_keeps_the_indexed_latin_column(app, db):
    """English sorts by the Latin form (an index serves it); only other languages pay for a sort."""
    assert name_order(Contact.full_name, Contact.name_latin, language="en") is Contact.name_latin
    ordered = name_order(Contact.full_name, Contact.name_latin, language="ru")
    assert "COLLATE" in str(ordered.compile(dialect=db.engine.dialect))


NAMES = ["Zed Ashby", "Ёлкин Пётр", "anna Berg", "Ахмедов Тимур", "Елкин Иван", "Жанна Ким"]


def _names_on(client, path: str) -> list[str]:
    html = client.get(path).get_data(as_text=True)
    return [name for name in re.findall(r'<a href="/contacts/\d+">([^<]+)</a>', html) if name in NAMES]


def test_the_contact_list_sorts_names_in_the_readers_language(client, make_user, login, make_contact):
    for n, name in enumerate(NAMES):
        make_contact(full_name=name, email=f"c{n}@example.org")
    login(make_user(locale="ru"))
    russian = ["Ахмедов Тимур", "Елкин Иван", "Ёлкин Пётр", "Жанна Ким", "anna Berg", "Zed Ashby"]
    assert _names_on(client, "/contacts?sort=name") == russian
    assert _names_on(client, "/contacts?sort=-name") == russian[::-1]
    # In English the list follows the Latin forms: Akhmedov, anna, Elkin, Yolkin, Zed, Zhanna.
    client.post("/account/language", data={"locale": "en", "next": "/"})
    english = _names_on(client, "/contacts?sort=name")
    assert english == sorted(NAMES, key=lambda name: db.session.scalar(_latin(name)))


def _latin(name: str):
    return select(Contact.name_latin).where(Contact.full_name == name)


def test_the_country_sort_follows_the_names_shown(client, make_user, login, make_contact):
    # English: Germany, Kazakhstan, Sweden; Russian: Германия, Казахстан, Швеция — but Japan/Япония
    # moves from the middle to the end.
    for n, code in enumerate(["JP", "KZ", "DE", "SE"]):
        make_contact(full_name=f"Person {n}", email=f"p{n}@example.org", country_code=code)
    login(make_user(locale="ru"))
    html = _table(client.get("/contacts?sort=country").get_data(as_text=True))
    assert re.findall(r"(Германия|Казахстан|Швеция|Япония)", html) == [
        "Германия",
        "Казахстан",
        "Швеция",
        "Япония",
    ]
    client.post("/account/language", data={"locale": "en", "next": "/"})
    html = _table(client.get("/contacts?sort=country").get_data(as_text=True))
    assert re.findall(r"(Germany|Japan|Kazakhstan|Sweden)", html) == [
        "Germany",
        "Japan",
        "Kazakhstan",
        "Sweden",
    ]


def _table(html: str) -> str:
    return html[html.index("<tbody") : html.index("</tbody>")]
