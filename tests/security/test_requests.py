"""Requests that try to change things the wrong way: GET on a mutating URL, SQL in search and sort."""

import re
from urllib.parse import quote

import pytest
from sqlalchemy import func, select

from crm.models import Contact


def test_get_on_every_state_changing_url_is_405(app, client, admin, login):
    login(admin)
    post_only = [r for r in app.url_map.iter_rules() if "POST" in r.methods and "GET" not in r.methods]
    assert len(post_only) >= 30
    for rule in post_only:
        url = re.sub(r"<(?:\w+:)?(\w+)>", "1", rule.rule)
        assert client.get(url).status_code == 405, url


def _total(client, url):
    found = re.search(r"of (\d+)", client.get(url).get_data(as_text=True))
    return int(found.group(1)) if found else 0


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("' OR 1=1--", 0),
        ('" OR ""="', 0),
        ("%", 1),  # only the name with a literal percent sign
        ("_", 1),
        ("\\", 0),
        ("100%", 1),
    ],
)
def test_search_text_is_matched_literally(db, client, staff, login, make_contact, query, expected):
    make_contact(full_name="Legal 100% Aid", email="a@example.org")
    make_contact(full_name="Under_score Centre", email="b@example.org")
    make_contact(full_name="Plain Person", email="c@example.org")
    login(staff)
    assert _total(client, f"/contacts?q={quote(query)}") == expected
    response = client.get(f"/search?q={quote(query)}")
    assert response.status_code == 200


@pytest.mark.parametrize("sort", ["name;DROP TABLE contacts", "full_name desc", "-(SELECT 1)", "__class__"])
def test_an_unknown_sort_falls_back_and_runs_no_sql_from_the_url(
    db, client, staff, login, make_contact, sort
):
    make_contact(full_name="Zed", email="z@example.org")
    make_contact(full_name="Abe", email="a@example.org")
    login(staff)
    page = client.get(f"/contacts?sort={quote(sort)}").get_data(as_text=True)
    assert page.index("Abe") < page.index("Zed")
    assert db.session.scalar(select(func.count()).select_from(Contact)) == 2
