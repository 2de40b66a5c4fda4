"""One box, either script: names through their romanised key, e-mails, phones, titles."""

import pytest

from crm.search.services import search


def _names(found) -> list[str]:
    return [c.full_name for c in found]


def test_names_match_across_scripts_and_spellings(db, make_contact, make_organisation):
    aigerim = make_contact(full_name="Айгерим Нургалиева", email="a.n@example.kz")
    latin = make_contact(full_name="Aigerim Nurgaliyeva", email="other@example.org")
    make_contact(full_name="Someone Else", email="someone@example.org")
    assert {c.id for c in search("Aigerim").contacts} == {aigerim.id, latin.id}
    assert {c.id for c in search("Нургалиева").contacts} == {aigerim.id, latin.id}
    assert {c.id for c in search("Nurgalieva Aigerim").contacts} == {aigerim.id, latin.id}
    assert [c.id for c in search("other@EXAMPLE.org").contacts] == [latin.id]
    org = make_organisation(name="Общественный фонд «Право на гражданство»")
    assert search("Pravo na grazhdanstvo").organisations == [org]
    assert search("Гражданство").organisations == [org]


@pytest.mark.parametrize(
    "fragment", ["Nurgal", "Nurgali", "Nurgaliy", "nurg", "Нургал", "Нургали", "Aiger Nurg"]
)
def test_a_prefix_of_a_word_finds_the_name_in_either_script(db, make_contact, fragment):
    cyrillic = make_contact(full_name="Айгерим Нургалиева", email="a.n@example.kz")
    latin = make_contact(full_name="Aigerim Nurgaliyeva", email="other@example.org")
    make_contact(full_name="Nurlan Galiev", email="nurlan@example.org")
    assert {c.id for c in search(fragment).contacts} == {cyrillic.id, latin.id}


def test_a_fragment_inside_a_word_is_not_a_match(db, make_contact):
    make_contact(full_name="Aigerim Nurgaliyeva", email="a@example.org")
    assert search("galiyeva").contacts == []


@pytest.mark.parametrize(
    "typed",
    ["+7 701 234 5678", "87012345678", "701-234-56-78", "+77012345678", "8 (701) 234-56-78", "7012345"],
)
def test_a_phone_in_any_format_finds_the_contact(db, make_contact, typed):
    contact = make_contact(full_name="Bakyt Osmonov", email="b@example.kz", phone="+7 701 234 5678")
    written_locally = make_contact(full_name="Dana Serikova", email="d@example.kz", phone="8 (701) 234-56-78")
    make_contact(full_name="Other Person", email="o@example.kz", phone="+7 702 234 5678")
    assert {c.id for c in search(typed).contacts} == {contact.id, written_locally.id}


def test_a_phone_with_a_three_digit_country_code(db, make_contact):
    contact = make_contact(full_name="Bakyt Osmonov", email="b@example.kg", phone="+996 555 12-34-56")
    assert search("996555123456").contacts == [contact]
    assert search("555 12 34 56").contacts == [contact]
    assert search("0555 123 456").contacts == [contact]


def test_e_mail_whole_or_in_part(db, make_contact):
    aigerim = make_contact(full_name="Aigerim Nurgaliyeva", email="Aigerim.N@Example.kz")
    other = make_contact(full_name="Nurlan Aigerimov", email="nurlan@example.org")
    assert search("aigerim.n@example.kz").contacts == [aigerim]
    assert search("aigerim.n@").contacts == [aigerim]
    assert {c.id for c in search("@example").contacts} == {aigerim.id, other.id}


def test_exact_before_whole_words_before_prefixes(db, make_contact):
    make_contact(full_name="Lina Ng", email="ng@example.org")  # 'Lin' begins a word
    make_contact(full_name="Lin Chen", email="chen@example.org")  # 'Lin' is a whole word
    make_contact(full_name="Lin", email="lin@example.org")  # the whole name
    make_contact(full_name="Linh Wu", email="wu@example.org")
    make_contact(full_name="Marat Lindqvist", email="linn@example.org")
    assert _names(search("Lin").contacts) == ["Lin", "Lin Chen", "Lina Ng", "Linh Wu", "Marat Lindqvist"]
    # A name in the other script counts as the same name.
    make_contact(full_name="Лин", email="lin2@example.org")
    assert _names(search("Lin").contacts)[:3] == ["Lin", "Лин", "Lin Chen"]
    # An exact e-mail comes before an e-mail that only begins the same way, however short the name.
    make_contact(full_name="Bo", email="lin@example.orgs")
    assert _names(search("lin@example.org").contacts) == ["Lin", "Bo"]


def test_organisations_rank_the_exact_name_first(db, make_organisation):
    make_organisation(name="Legal Aid Network of Central Asia")
    make_organisation(name="Legal Aid")
    make_organisation(name="Legal Aid Centre")
    found = [o.name for o in search("legal aid").organisations]
    assert found == ["Legal Aid", "Legal Aid Centre", "Legal Aid Network of Central Asia"]


def test_inquiries_by_sender_and_message_threads_by_title(db, make_inquiry, make_thread):
    older = make_inquiry(
        sender_name="Somchai W.", subject="Question", message="Late birth registration for adults?"
    )
    inquiry = make_inquiry(sender_name="Ratna Dewi", subject="Late birth registration", message="Adults too?")
    thread = make_thread(title="Birth registration campaign in Sabah")
    found = search("birth registration")
    assert found.inquiries == [inquiry, older] and found.threads == [thread]
    assert search("Ratna").inquiries == [inquiry]
    assert search("ratna.dewi@example.org").inquiries == []
    assert search("Sabah campaign").threads == [thread]
    assert search("Aigerim@Example.kz").inquiries == [inquiry, older]  # the factory's sender e-mail


def test_short_wildcard_and_syntax_queries(db, make_contact):
    make_contact(full_name="Ann Lee", email="ann@example.org")
    assert search("a").total == 0  # too short to mean anything
    assert search("%%").total == 0 and search("__").total == 0  # wildcards are literal
    for typed in [
        '"',
        'ann" OR "',
        "ann*",
        "NEAR(ann lee)",
        "{full_name}: ann",
        "ann AND",
        "ann:*",
        "'ann' | lee",
    ]:
        assert _names(search(typed).contacts) in (["Ann Lee"], []), typed
    assert _names(search("ann AND").contacts) == []  # 'and' is a word to find, not an operator
    assert _names(search("ann*").contacts) == ["Ann Lee"]


def test_special_category_data_is_never_searched_or_shown(client, db, viewer, login, make_contact):
    make_contact(
        full_name="Bakyt Osmonov",
        email="b@example.kg",
        lived_experience=True,
        sensitive_notes="Undocumented since birth, Osh",
    )
    assert search("Undocumented").total == 0 and search("Osh").total == 0
    login(viewer)
    page = client.get("/search?q=Bakyt").get_data(as_text=True)
    assert "Bakyt Osmonov" in page and "Undocumented" not in page


def test_four_statements_whatever_the_number_of_hits(db, make_contact, make_organisation, count_statements):
    for n in range(12):
        make_contact(full_name=f"Aigerim Test{n}", email=f"a{n}@example.org", country_code="KZ")
        make_organisation(name=f"Aigerim Foundation {n}", country_code="KG")
    db.session.flush()
    db.session.expire_all()
    with count_statements() as statements:
        found = search("aigerim")
        assert [c.country.alpha2 for c in found.contacts] == ["KZ"] * 10
        assert [o.country.alpha2 for o in found.organisations] == ["KG"] * 10
    assert len(statements) == 4  # one per kind, the countries joined in


def test_the_page_and_the_box_in_the_navigation(client, viewer, login, make_contact):
    make_contact(full_name="<b>Айгерим</b> Нургалиева", email="x@example.kz")
    login(viewer)
    home = client.get("/").get_data(as_text=True)
    assert 'id="nav-q"' in home and 'action="/search"' in home
    page = client.get("/search?q=aigerim").get_data(as_text=True)
    assert "&lt;b&gt;Айгерим&lt;/b&gt;" in page and "<b>Айгерим" not in page
    assert "Type at least two letters" in client.get("/search").get_data(as_text=True)
    make_contact(full_name="Bakyt Osmonov", email="b@example.kg", phone="+996 555 12-34-56")
    page = client.get("/search?q=0555+123+456").get_data(as_text=True)
    assert "Bakyt Osmonov" in page and "+996 555 12-34-56" in page  # the phone that matched is shown
