"""Country pages: grouping, counts, filters, case-insensitive codes, 404s, and no query per row."""

from __future__ import annotations

import re

import pytest

from crm.models import Country


def _row_html(html: str, alpha2: str) -> str:
    match = re.search(rf'<tr data-country="{alpha2}">(.*?)</tr>', html, re.S)
    assert match, f"{alpha2} is not listed"
    return match.group(1)


def _counts(html: str, alpha2: str) -> dict[str, int]:
    row = _row_html(html, alpha2)
    return {key: int(value) for key, value in re.findall(r'data-count="(\w+)">(\d+)<', row)}


def _listed(html: str) -> set[str]:
    return set(re.findall(r'<tr data-country="(\w\w)">', html))


def _subregion_of(html: str, alpha2: str) -> str:
    """The sub-region heading under which a country's row appears."""
    position = html.index(f'<tr data-country="{alpha2}">')
    headings = list(re.finditer(r'<h3 class="h6 mt-3">(.*?)</h3>', html[:position]))
    return headings[-1].group(1)


@pytest.fixture
def activity(db, make_contact, make_organisation, make_thread, make_inquiry):
    kz, kg = db.session.get(Country, "KZ"), db.session.get(Country, "KG")
    contact = make_contact("Айгерим Нургалиева", "aigerim@example.kz", "KZ")
    make_contact("Daniyar Sultanov", "daniyar@example.kz", "KZ")
    make_contact("Азамат Мамытов", "azamat@example.kg", "KG")
    organisation = make_organisation("Stateless Rights Centre", "KZ")
    thread = make_thread(title="Legal aid network", countries=[kz, kg])
    inquiry = make_inquiry("Гульнара Ахметова", "g@example.kz", country_code="KZ")
    return {"contact": contact, "organisation": organisation, "thread": thread, "inquiry": inquiry}


def test_sign_in_needed(client):
    response = client.get("/countries")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_kazakhstan_under_central_asia_with_counts(client, login, viewer, activity):
    login(viewer)
    html = client.get("/countries").get_data(as_text=True)
    assert _subregion_of(html, "KZ") == "Central Asia"
    assert _counts(html, "KZ") == {"contacts": 2, "organisations": 1, "threads": 1}
    assert _counts(html, "KG") == {"contacts": 1, "organisations": 0, "threads": 1}


def test_default_shows_countries_with_activity_and_links_to_all(client, login, viewer, activity):
    login(viewer)
    html = client.get("/countries").get_data(as_text=True)
    assert _listed(html) == {"KZ", "KG"}
    assert "Show all 249 countries" in html
    assert "with_activity=0" in html


def test_all_249_countries_with_taiwan_in_eastern_asia(client, login, viewer):
    login(viewer)
    html = client.get("/countries?with_activity=0").get_data(as_text=True)
    assert len(_listed(html)) == 249
    assert _subregion_of(html, "TW") == "Eastern Asia"
    assert _counts(html, "TW") == {"contacts": 0, "organisations": 0, "threads": 0}


def test_region_filter(client, login, viewer, activity):
    login(viewer)
    html = client.get("/countries?region=143&with_activity=0").get_data(as_text=True)
    assert _listed(html) == {"KZ", "KG", "TJ", "TM", "UZ"}
    html = client.get("/countries?region=030&with_activity=0").get_data(as_text=True)
    assert "TW" in _listed(html) and "KZ" not in _listed(html)
    html = client.get("/countries?region=143").get_data(as_text=True)
    assert _listed(html) == {"KZ", "KG"}


def test_unknown_region_is_ignored(client, login, viewer):
    login(viewer)
    html = client.get("/countries?region=<script>&with_activity=0").get_data(as_text=True)
    assert len(_listed(html)) == 249
    assert "<script>" not in html


def test_no_activity_yet_offers_all_countries(client, login, viewer):
    login(viewer)
    html = client.get("/countries").get_data(as_text=True)
    assert _listed(html) == set()
    assert "No country matches these filters." in html


def test_query_count_does_not_grow_with_data(client, login, viewer, db, make_contact, count_statements):
    login(viewer)
    make_contact("One", "one@example.kz", "KZ")
    db.session.flush()
    with count_statements() as few:
        client.get("/countries")
    for n, code in enumerate(["KG", "UZ", "TJ", "TM", "FR", "DE", "TH", "MY"]):
        make_contact(f"Contact {n}", f"c{n}@example.org", code)
    db.session.flush()
    with count_statements() as many:
        client.get("/countries?with_activity=0")
    assert len(many) == len(few)


def test_detail_is_case_insensitive_and_lists_records(client, login, viewer, activity):
    login(viewer)
    response = client.get("/countries/kz")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Kazakhstan" in html and "Central Asia" in html and "Asia" in html
    assert 'aria-label="Breadcrumb"' in html
    assert f'href="/contacts/{activity["contact"].id}"' in html
    assert f'href="/organisations/{activity["organisation"].id}"' in html
    assert f'href="/threads/{activity["thread"].id}"' in html
    assert f'href="/inquiries/{activity["inquiry"].id}"' in html
    assert "Азамат Мамытов" not in html  # a Kyrgyz contact


def test_thread_appears_in_every_country_it_concerns(client, login, viewer, activity):
    login(viewer)
    html = client.get("/countries/KG").get_data(as_text=True)
    assert "Legal aid network" in html
    assert "Азамат Мамытов" in html
    assert "Айгерим Нургалиева" not in html


@pytest.mark.parametrize("code", ["zz", "ZZ", "kaz", "k"])
def test_unknown_country_is_404(client, login, viewer, code):
    login(viewer)
    assert client.get(f"/countries/{code}").status_code == 404


def test_detail_query_count_does_not_grow_with_rows(
    client, login, viewer, db, make_thread, make_inquiry, count_statements
):
    login(viewer)
    kz = db.session.get(Country, "KZ")
    make_thread(title="One", countries=[kz])
    make_inquiry("A", "a@example.kz", country_code="KZ")
    db.session.flush()
    with count_statements() as few:
        client.get("/countries/KZ")
    for n in range(5):
        make_thread(title=f"Thread {n}", countries=[kz])
        make_inquiry(f"Sender {n}", f"s{n}@example.kz", country_code="KZ")
    db.session.flush()
    with count_statements() as many:
        client.get("/countries/KZ")
    assert len(many) == len(few)
