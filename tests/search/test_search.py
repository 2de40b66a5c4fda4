"""One box, either script: names through their romanised key, e-mails, phones, titles."""

from crm.search.services import search


def test_names_match_across_scripts_and_spellings(db, make_contact, make_organisation):
    aigerim = make_contact(full_name="Айгерим Нургалиева", email="a.n@example.kz")
    latin = make_contact(full_name="Aigerim Nurgaliyeva", email="other@example.org")
    make_contact(full_name="Someone Else", email="someone@example.org")
    assert {c.id for c in search("Aigerim").contacts} == {aigerim.id, latin.id}
    assert {c.id for c in search("Нургалиева").contacts} == {aigerim.id, latin.id}
    assert [c.id for c in search("other@EXAMPLE.org").contacts] == [latin.id]
    org = make_organisation(name="Общественный фонд «Право на гражданство»")
    assert search("Pravo na grazhdanstvo").organisations == [org]


def test_a_phone_in_any_format_finds_the_contact(db, make_contact):
    contact = make_contact(full_name="Bakyt Osmonov", email="b@example.kg", phone="+996 555 12-34-56")
    assert search("996555123456").contacts == [contact]
    assert search("555 12 34 56").contacts == [contact]


def test_inquiries_and_threads_by_their_words(db, make_inquiry, make_thread):
    inquiry = make_inquiry(sender_name="Ratna Dewi", subject="Late birth registration", message="Adults too?")
    thread = make_thread(title="Birth registration campaign in Sabah")
    found = search("birth registration")
    assert found.inquiries == [inquiry] and found.threads == [thread]


def test_short_and_wildcard_queries(db, make_contact):
    make_contact(full_name="Ann Lee", email="ann@example.org")
    assert search("a").total == 0  # too short to mean anything
    assert search("%%").total == 0 and search("__").total == 0  # wildcards are literal


def test_the_page_and_the_box_in_the_navigation(client, viewer, login, make_contact):
    make_contact(full_name="<b>Айгерим</b> Нургалиева", email="x@example.kz")
    login(viewer)
    home = client.get("/").get_data(as_text=True)
    assert 'id="nav-q"' in home and 'action="/search"' in home
    page = client.get("/search?q=aigerim").get_data(as_text=True)
    assert "&lt;b&gt;Айгерим&lt;/b&gt;" in page and "<b>Айгерим" not in page
    assert "Type at least two letters" in client.get("/search").get_data(as_text=True)
