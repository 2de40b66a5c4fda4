"""Inquiry pages as a user meets them."""

from datetime import timedelta

from sqlalchemy import func, select

from crm.models import Contact, Inquiry, Thread, Topic
from crm.models.base import utcnow
from crm.models.enums import InquiryStatus, ThreadKind


def count(db, model):
    return db.session.scalar(select(func.count()).select_from(model))


def test_staff_logs_an_inquiry_and_sees_it_in_the_list(db, client, staff, login, make_event):
    event = make_event()
    topic = Topic(name="Amnesties")
    db.session.add(topic)
    db.session.flush()
    login(staff)
    response = client.post(
        "/inquiries/new",
        data={
            "event_id": str(event.id),
            "channel": "webinar_qa",
            "sender_name": "Гульнара Токтогулова",
            "sender_email": "gulnara@example.kg",
            "sender_organisation": "Ферганская долина юристов",
            "sender_country": "Кыргызстан",
            "message": "Could you share the recording and the slides on the amnesty?",
            "topic_ids": [str(topic.id)],
        },
    )
    assert response.status_code == 302
    inquiry = db.session.scalar(select(Inquiry).where(Inquiry.sender_name == "Гульнара Токтогулова"))
    assert response.headers["Location"] == f"/inquiries/{inquiry.id}"
    assert inquiry.event_id == event.id and inquiry.country_code == "KG" and inquiry.topics == [topic]
    page = client.get("/inquiries").get_data(as_text=True)
    assert "Гульнара Токтогулова" in page
    detail = client.get(f"/inquiries/{inquiry.id}").get_data(as_text=True)
    assert "Could you share the recording" in detail and "Kyrgyzstan" in detail


def test_log_and_add_another_returns_to_an_empty_form_for_the_same_event(client, staff, login, make_event):
    event = make_event()
    login(staff)
    response = client.post(
        "/inquiries/new",
        data={"event_id": str(event.id), "channel": "email", "sender_name": "A", "then": "another"},
    )
    assert response.headers["Location"] == f"/inquiries/new?event={event.id}"


def test_a_wrong_form_shows_errors_next_to_fields_keeps_input_and_saves_nothing(db, client, staff, login):
    login(staff)
    before = count(db, Inquiry)
    response = client.post(
        "/inquiries/new",
        data={"channel": "email", "sender_name": "", "sender_email": "not-an-address", "message": "Keep me"},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="sender_name-error"' in page and "Give the sender" in page
    assert 'id="sender_email-error"' in page and "not a valid e-mail address" in page
    assert "Keep me" in page
    assert count(db, Inquiry) == before


def test_a_future_date_is_refused_next_to_the_field(db, client, staff, login):
    login(staff)
    future = (utcnow() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        "/inquiries/new", data={"channel": "email", "sender_name": "A", "received_at": future}
    )
    assert 'id="received_at-error"' in response.get_data(as_text=True)
    assert count(db, Inquiry) == 0


def test_viewer_can_read_but_not_log(db, client, viewer, login, make_inquiry):
    inquiry = make_inquiry()
    login(viewer)
    assert client.get("/inquiries").status_code == 200
    page = client.get(f"/inquiries/{inquiry.id}").get_data(as_text=True)
    assert "Log an inquiry" not in page and "Convert" not in page
    assert client.get("/inquiries/new").status_code == 403
    assert client.post("/inquiries/new", data={"channel": "email", "sender_name": "X"}).status_code == 403
    assert client.post(f"/inquiries/{inquiry.id}/convert", data={"contact": "new"}).status_code == 403
    assert count(db, Inquiry) == 1 and count(db, Contact) == 0


def test_missing_inquiry_is_a_404_page(client, staff, login):
    login(staff)
    response = client.get("/inquiries/999999")
    assert response.status_code == 404 and "Not found" in response.get_data(as_text=True)


def test_detail_shows_likely_contacts_and_organisations(
    client, staff, login, make_inquiry, make_contact, make_organisation
):
    make_contact(full_name="Aigerim Nurgaliyeva", email="aigerim@example.kz")
    make_organisation(name="Stateless Rights Centre")
    inquiry = make_inquiry(sender_name="Айгерим Нургалиева", sender_email="AIGERIM@example.kz")
    login(staff)
    page = client.get(f"/inquiries/{inquiry.id}").get_data(as_text=True)
    assert "Aigerim Nurgaliyeva" in page and "same e-mail, same name" in page
    assert "Stateless Rights Centre" in page


def test_convert_in_one_step_then_never_twice(db, client, staff, login, make_inquiry):
    inquiry = make_inquiry(sender_organisation="Право на гражданство")
    login(staff)
    response = client.post(
        f"/inquiries/{inquiry.id}/convert",
        data={
            "contact": "new",
            "organisation": "new",
            "new_organisation_name": "Право на гражданство",
            "thread_kind": "joint_initiative",
            "thread_title": "",
        },
    )
    thread = db.session.scalar(select(Thread))
    assert response.status_code == 302 and response.headers["Location"] == f"/threads/{thread.id}"
    assert thread.kind == ThreadKind.JOINT_INITIATIVE
    assert inquiry.status == InquiryStatus.CONVERTED
    contacts = count(db, Contact)
    again = client.post(
        f"/inquiries/{inquiry.id}/convert",
        data={"contact": "new", "organisation": "none", "thread_kind": "consultation"},
        follow_redirects=True,
    )
    assert "already been converted" in again.get_data(as_text=True)
    assert count(db, Contact) == contacts and count(db, Thread) == 1


def test_convert_to_a_suggested_existing_contact(db, client, staff, login, make_inquiry, make_contact):
    contact = make_contact(email="aigerim@example.kz")
    inquiry = make_inquiry(sender_email="Aigerim@Example.kz")
    login(staff)
    response = client.post(
        f"/inquiries/{inquiry.id}/convert",
        data={"contact": str(contact.id), "organisation": "none", "thread_kind": ""},
    )
    assert response.headers["Location"] == f"/contacts/{contact.id}"
    assert inquiry.contact == contact and count(db, Contact) == 1


def test_convert_refuses_an_unknown_contact_id(db, client, staff, login, make_inquiry):
    inquiry = make_inquiry()
    login(staff)
    response = client.post(
        f"/inquiries/{inquiry.id}/convert",
        data={"contact": "987654", "organisation": "none", "thread_kind": ""},
    )
    assert response.status_code == 200 and "Not a valid choice" in response.get_data(as_text=True)
    assert inquiry.status == InquiryStatus.NEW and count(db, Contact) == 0


def test_staff_takes_an_inquiry_but_cannot_give_others_work_away(
    db, client, staff, make_user, login, make_inquiry
):
    colleague = make_user()
    mine = make_inquiry()
    theirs = make_inquiry(assignee_id=colleague.id)
    login(staff)
    assert (
        client.post(f"/inquiries/{mine.id}/assign", data={"assign-assignee_id": str(staff.id)}).status_code
        == 302
    )
    assert mine.assignee == staff and mine.status == InquiryStatus.ASSIGNED
    response = client.post(f"/inquiries/{theirs.id}/assign", data={"assign-assignee_id": str(staff.id)})
    assert response.status_code == 403 and theirs.assignee == colleague


def test_coordinator_reassigns(client, coordinator, staff, login, make_inquiry, make_user):
    other = make_user()
    inquiry = make_inquiry(assignee_id=staff.id)
    login(coordinator)
    client.post(f"/inquiries/{inquiry.id}/assign", data={"assign-assignee_id": str(other.id)})
    assert inquiry.assignee == other


def test_close_and_reopen(client, staff, login, make_inquiry):
    inquiry = make_inquiry()
    login(staff)
    client.post(f"/inquiries/{inquiry.id}/close")
    assert inquiry.status == InquiryStatus.CLOSED
    client.post(f"/inquiries/{inquiry.id}/reopen")
    assert inquiry.status == InquiryStatus.NEW


def test_get_on_an_action_is_405(client, staff, login, make_inquiry):
    inquiry = make_inquiry()
    login(staff)
    assert client.get(f"/inquiries/{inquiry.id}/close").status_code == 405
    assert inquiry.status == InquiryStatus.NEW


def test_list_filters_sorting_and_pagination(client, staff, login, make_inquiry, app):
    for i in range(12):
        make_inquiry(sender_name=f"Sender {i:02d}", received_at=utcnow() - timedelta(days=i))
    make_inquiry(sender_name="Somchai Thai", sender_country="Thailand")
    login(staff)
    page1 = client.get("/inquiries").get_data(as_text=True)
    assert "Somchai Thai" in page1 and "Sender 11" not in page1  # newest first, 10 a page in tests
    page2 = client.get("/inquiries?page=2").get_data(as_text=True)
    assert "Sender 11" in page2
    by_sender = client.get("/inquiries?sort=sender").get_data(as_text=True)
    assert by_sender.index("Sender 00") < by_sender.index("Sender 01")
    thai = client.get("/inquiries?region=035").get_data(as_text=True)
    assert "Somchai Thai" in thai and "Sender 00" not in thai
    assert "Somchai Thai" not in client.get("/inquiries?country=KZ").get_data(as_text=True)
    assert client.get("/inquiries?sort=name;DROP TABLE inquiries&page=-3").status_code == 200


def test_names_with_html_are_shown_as_text(client, staff, login, make_inquiry):
    inquiry = make_inquiry(sender_name="<script>alert(1)</script>", message='"><img src=x onerror=alert(1)>')
    login(staff)
    for url in ("/inquiries", f"/inquiries/{inquiry.id}"):
        page = client.get(url).get_data(as_text=True)
        assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page
        assert "<img src=x" not in page


def test_column_headers_know_the_default_sort(client, staff, login, make_inquiry):
    make_inquiry()
    login(staff)
    page = client.get("/inquiries").get_data(as_text=True)
    assert 'aria-sort="descending"' in page  # newest first by default
    assert 'href="/inquiries?sort=received"' in page  # one click flips it


def test_a_shared_name_alone_is_not_pre_selected_but_the_same_email_is(
    client, staff, login, make_inquiry, make_contact
):
    namesake = make_contact(full_name="Aigerim Nurgalieva", email="someone.else@example.kz")
    inquiry = make_inquiry(sender_name="Айгерим Нургалиева", sender_email="aigerim@example.kz")
    login(staff)
    page = client.get(f"/inquiries/{inquiry.id}").get_data(as_text=True)
    assert f'value="{namesake.id}"' in page
    assert _checked(page, "contact") == "new"
    same = make_contact(full_name="A. N.", email="AIGERIM@example.kz")
    page = client.get(f"/inquiries/{inquiry.id}").get_data(as_text=True)
    assert _checked(page, "contact") == str(same.id)


def _checked(page: str, name: str) -> str:
    import re

    for tag in re.findall(r"<input[^>]*>", page):
        if f'name="{name}"' in tag and "checked" in tag:
            return re.search(r'value="([^"]*)"', tag).group(1)
    return ""


def test_a_new_organisation_needs_a_name_and_nothing_is_saved(db, client, staff, login, make_inquiry):
    from tests.helpers import submit

    inquiry = make_inquiry(sender_organisation="")
    login(staff)
    url = f"/inquiries/{inquiry.id}"
    response = submit(client, url, f"{url}/convert", organisation="new", new_organisation_name="")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and 'id="new_organisation_name-error"' in page
    assert inquiry.status == InquiryStatus.NEW and count(db, Contact) == 0 and count(db, Thread) == 0


def test_the_rendered_triage_form_converts(db, client, staff, login, make_inquiry):
    from tests.helpers import submit

    inquiry = make_inquiry(sender_organisation="Tumar Legal Aid Centre")
    login(staff)
    url = f"/inquiries/{inquiry.id}"
    response = submit(client, url, f"{url}/convert", thread_kind="material_exchange")
    assert response.status_code == 302
    assert inquiry.contact.affiliations[0].organisation.name == "Tumar Legal Aid Centre"
    assert inquiry.threads[0].kind == ThreadKind.MATERIAL_EXCHANGE


def test_staff_cannot_log_an_inquiry_for_a_colleague(db, client, staff, make_user, login):
    colleague = make_user()
    login(staff)
    response = client.post(
        "/inquiries/new", data={"channel": "email", "sender_name": "A", "assignee_id": str(colleague.id)}
    )
    assert 'id="assignee_id-error"' in response.get_data(as_text=True)
    assert count(db, Inquiry) == 0
    client.post("/inquiries/new", data={"channel": "email", "sender_name": "B", "assignee_id": str(staff.id)})
    assert db.session.scalar(select(Inquiry)).assignee == staff


def test_odd_query_parameters_stay_plain_data_in_links(client, staff, login, make_inquiry):
    make_inquiry()
    login(staff)
    response = client.get("/inquiries?endpoint=x&_external=1&_anchor=evil")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "http://localhost" not in page and "#evil" not in page


def test_list_and_detail_statement_counts_do_not_grow_with_rows(
    db, client, staff, login, make_inquiry, make_event, make_contact, count_statements
):
    from crm.models import Topic

    event = make_event()
    login(staff)

    def statements(url):
        db.session.expire_all()
        with count_statements() as seen:
            assert client.get(url).status_code == 200
        return len(seen)

    topic = Topic(name="Amnesties")
    db.session.add(topic)
    target = make_inquiry(event_id=event.id, assignee_id=staff.id, topics=[topic])
    make_contact(email="aigerim@example.kz")
    few_list, few_detail = statements("/inquiries"), statements(f"/inquiries/{target.id}")
    for i in range(9):
        extra = Topic(name=f"Topic {i}")
        db.session.add(extra)
        target.topics.append(extra)
        make_inquiry(sender_name=f"Sender {i}", event_id=event.id, assignee_id=staff.id)
        make_contact(full_name="Айгерим Нургалиева", email=f"other{i}@example.kz")
    assert statements("/inquiries") == few_list
    assert statements(f"/inquiries/{target.id}") == few_detail


def test_home_shows_fifteen_and_says_there_are_more(client, staff, login, make_inquiry):
    for i in range(17):
        make_inquiry(
            sender_name=f"Waiting {i:02d}",
            assignee_id=staff.id,
            received_at=utcnow() - timedelta(days=20 - i),
        )
    login(staff)
    page = client.get("/").get_data(as_text=True)
    assert "15+" in page and "Waiting 00" in page and "Waiting 15" not in page
    assert f"/inquiries?owner={staff.id}&amp;unanswered=1&amp;sort=received" in page
    listed = client.get(f"/inquiries?owner={staff.id}&unanswered=1").get_data(as_text=True)
    assert "Showing 1–10 of 17" in listed
