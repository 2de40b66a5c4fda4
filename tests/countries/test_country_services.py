"""Countries: the loaded table, grouping by M49 region, activity counts and one country's page."""

from __future__ import annotations

import pycountry
from sqlalchemy import func, select

from crm.countries.services import countries_by_region, country_activity, country_page
from crm.models import Country


def _row(groups, alpha2):
    """(region group, sub-region group, counts) of one country in the grouped listing."""
    for region in groups:
        for sub in region.subregions:
            for country, counts in sub.countries:
                if country.alpha2 == alpha2:
                    return region, sub, counts
    return None


def _activity(db, make_contact, make_organisation, make_thread):
    kz, kg = db.session.get(Country, "KZ"), db.session.get(Country, "KG")
    make_contact("Айгерим Нургалиева", "aigerim@example.kz", "KZ")
    make_contact("Daniyar Sultanov", "daniyar@example.kz", "KZ")
    make_contact("Азамат Мамытов", "azamat@example.kg", "KG")
    make_organisation("Stateless Rights Centre", "KZ")
    make_thread(title="Legal aid network", countries=[kz, kg])
    make_thread(title="Kyrgyz amnesty follow-up", countries=[kg])


def test_every_pycountry_country_is_loaded(db):
    assert db.session.scalar(select(func.count()).select_from(Country)) == len(pycountry.countries) == 249


def test_taiwan_is_in_eastern_asia(db):
    taiwan = db.session.get(Country, "TW")
    assert taiwan is not None
    assert (taiwan.region_code, taiwan.region) == ("142", "Asia")
    assert (taiwan.subregion_code, taiwan.subregion) == ("030", "Eastern Asia")


def test_activity_counts_contacts_organisations_and_threads(db, make_contact, make_organisation, make_thread):
    _activity(db, make_contact, make_organisation, make_thread)
    activity = country_activity()
    assert (activity["KZ"].contacts, activity["KZ"].organisations, activity["KZ"].threads) == (2, 1, 1)
    assert (activity["KG"].contacts, activity["KG"].organisations, activity["KG"].threads) == (1, 0, 2)
    assert "FR" not in activity


def test_kazakhstan_is_grouped_under_central_asia(db, make_contact, make_organisation, make_thread):
    _activity(db, make_contact, make_organisation, make_thread)
    region, sub, counts = _row(countries_by_region(), "KZ")
    assert (region.code, region.name) == ("142", "Asia")
    assert (sub.code, sub.name) == ("143", "Central Asia")
    assert (counts.contacts, counts.organisations, counts.threads) == (2, 1, 1)


def test_all_countries_listed_without_filters(db):
    groups = countries_by_region()
    assert sum(region.country_count for region in groups) == 249
    # Antarctica has no M49 region: it is listed last rather than lost.
    assert groups[-1].code == ""
    assert _row(groups[-1:], "AQ") is not None


def test_with_activity_keeps_only_countries_the_network_works_with(
    db, make_contact, make_organisation, make_thread
):
    _activity(db, make_contact, make_organisation, make_thread)
    groups = countries_by_region(with_activity=True)
    listed = {
        country.alpha2 for region in groups for sub in region.subregions for country, _ in sub.countries
    }
    assert listed == {"KZ", "KG"}


def test_region_filter_takes_a_region_or_a_subregion(db):
    central_asia = countries_by_region("143")
    assert [sub.code for region in central_asia for sub in region.subregions] == ["143"]
    codes = {c.alpha2 for region in central_asia for sub in region.subregions for c, _ in sub.countries}
    assert codes == {"KZ", "KG", "TJ", "TM", "UZ"}
    asia = countries_by_region("142")
    assert [region.code for region in asia] == ["142"]
    assert _row(asia, "TW") is not None and _row(asia, "KZ") is not None
    assert _row(asia, "FR") is None


def test_country_page_lists_the_countrys_records(
    db, make_contact, make_organisation, make_thread, make_inquiry
):
    _activity(db, make_contact, make_organisation, make_thread)
    make_inquiry("Гульнара", "g@example.kz", country_code="KZ")
    make_inquiry("Someone in Bishkek", "b@example.kg", country_code="KG")
    page = country_page(db.session.get(Country, "KZ"))
    assert sorted(c.full_name for c in page.contacts) == ["Daniyar Sultanov", "Айгерим Нургалиева"]
    assert [o.name for o in page.organisations] == ["Stateless Rights Centre"]
    assert [t.title for t in page.threads] == ["Legal aid network"]
    assert [i.sender_name for i in page.inquiries] == ["Гульнара"]
    assert page.totals == {"contacts": 2, "organisations": 1, "threads": 1, "inquiries": 1}


def test_country_page_caps_long_lists_but_counts_them_all(db, make_contact):
    for n in range(4):
        make_contact(f"Contact {n}", f"c{n}@example.kz", "KZ")
    page = country_page(db.session.get(Country, "KZ"), limit=3)
    assert len(page.contacts) == 3
    assert page.totals["contacts"] == 4
