"""A NUL character in any query or form value is refused with a 400 that says so, on both databases
(PostgreSQL answered 500: it cannot store or compare one), and nothing is saved."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from crm.models import Contact

MESSAGE = "invisible NUL character"


@pytest.mark.parametrize(
    "path",
    [
        "/contacts?q=a%00b",
        "/organisations?q=a%00b",
        "/inquiries?q=a%00b",
        "/threads?q=a%00b",
        "/search?q=ab%00c",
        "/organisations/lookup?q=ab%00c",
        "/contacts?country=K%00Z",
        "/contacts?q%00=1",
    ],
)
def test_a_nul_in_a_query_is_refused_with_a_message(client, login, staff, path):
    login(staff)
    response = client.get(path)
    assert response.status_code == 400 and MESSAGE in response.get_data(as_text=True)


def test_a_nul_in_a_form_is_refused_and_nothing_is_saved(db, client, login, staff):
    login(staff)
    before = db.session.scalar(select(func.count(Contact.id)))
    response = client.post("/contacts/new", data={"full_name": "Айгерим\x00 Нургалиева", "email": ""})
    assert response.status_code == 400 and MESSAGE in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Contact.id))) == before
    assert client.get("/login").status_code in (200, 302)  # the rest of the app carries on


def test_ordinary_text_is_not_refused(client, login, staff):
    login(staff)
    assert client.get("/contacts?q=Айгерим%20%22Sam%22%25_").status_code == 200
