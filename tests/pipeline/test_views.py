"""Boards in the browser's terms: who may see them, moving cards, bulk reassign, statement counts."""

from datetime import date, timedelta

from sqlalchemy import select

from crm.models import AuditEntry
from crm.models.enums import InquiryStatus, MembershipStatus, ThreadKind, ThreadStage
from tests.helpers import submit


def test_boards_are_for_coordinators(client, staff, viewer, login):
    for user in (staff, viewer):
        login(user)
        for url in ("/pipeline/inquiries", "/pipeline/threads", "/pipeline/membership"):
            assert client.get(url).status_code == 403
        assert "Pipelines" not in client.get("/").get_data(as_text=True)
        client.post("/logout")


def test_thread_board_with_kind_switch_and_cards(client, coordinator, login, make_thread):
    make_thread(
        title="Консультация по закону",
        next_action="Позвонить",
        next_action_due=date.today() - timedelta(days=3),
    )
    make_thread(kind=ThreadKind.JOINT_INITIATIVE, title="Joint campaign")
    login(coordinator)
    page = client.get("/pipeline/threads").get_data(as_text=True)
    assert "Консультация по закону" in page and "Joint campaign" not in page
    assert "Overdue" in page and "3 days overdue" in page and "Позвонить" in page
    joint = client.get("/pipeline/threads?kind=joint_initiative").get_data(as_text=True)
    assert "Joint campaign" in joint and "Exploring" in joint
    assert client.get("/pipeline/threads?kind=nonsense").status_code == 200


def test_move_a_card_through_the_rendered_form(db, client, coordinator, login, make_thread):
    thread = make_thread(title="Move me")
    login(coordinator)
    url = "/pipeline/threads?owner=&kind=consultation"
    response = submit(client, url, f"/pipeline/threads/{thread.id}/move", to="scheduled")
    assert response.status_code == 302 and response.headers["Location"].startswith("/pipeline/threads")
    assert thread.stage == ThreadStage.SCHEDULED
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "stage")).one()
    assert entry.actor_id == coordinator.id and entry.entity_id == thread.id


def test_a_move_the_service_refuses_changes_nothing(db, client, coordinator, login, make_inquiry):
    inquiry = make_inquiry()
    login(coordinator)
    page = client.post(
        f"/pipeline/inquiries/{inquiry.id}/move",
        data={"to": "converted", "next": "/pipeline/inquiries"},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "Conversion is done on the inquiry" in page and inquiry.status == InquiryStatus.NEW
    bad = client.post(
        f"/pipeline/inquiries/{inquiry.id}/move", data={"to": "nowhere", "next": "https://evil.example"}
    )
    assert bad.headers["Location"] == "/" and inquiry.status == InquiryStatus.NEW


def test_move_an_organisation_on_the_membership_board(db, client, coordinator, login, make_organisation):
    org = make_organisation(name="Invited NGO", membership_status=MembershipStatus.INVITED)
    login(coordinator)
    submit(client, "/pipeline/membership", f"/pipeline/membership/{org.id}/move", to="applied")
    assert org.membership_status == MembershipStatus.APPLIED and org.membership_since == date.today()


def test_staff_cannot_move_or_reassign_from_boards(client, staff, login, make_thread, make_user):
    thread = make_thread()
    login(staff)
    assert client.post(f"/pipeline/threads/{thread.id}/move", data={"to": "scheduled"}).status_code == 403
    response = client.post(
        "/pipeline/reassign",
        data={"kind": "thread", "ids": [str(thread.id)], "owner_id": str(make_user().id)},
    )
    assert response.status_code == 403 and thread.stage == ThreadStage.REQUESTED and thread.owner == staff


def test_bulk_reassign_selected_cards(db, client, coordinator, login, make_thread, make_user):
    one, two, three = (make_thread(title=f"T{i}") for i in range(3))
    owner = make_user(name="Бахыт")
    login(coordinator)
    response = client.post(
        "/pipeline/reassign",
        data={
            "kind": "thread",
            "ids": [str(one.id), str(two.id)],
            "owner_id": str(owner.id),
            "next": "/pipeline/threads",
        },
        follow_redirects=True,
    )
    assert "2 reassigned to Бахыт" in response.get_data(as_text=True)
    assert one.owner == owner and two.owner == owner and three.owner != owner
    nothing = client.post(
        "/pipeline/reassign", data={"kind": "thread", "owner_id": str(owner.id)}, follow_redirects=True
    )
    assert "Select at least one" in nothing.get_data(as_text=True)


def test_the_board_renders_the_bulk_form_and_checkboxes_that_belong_to_it(
    client, coordinator, login, make_thread
):
    thread = make_thread()
    login(coordinator)
    page = client.get("/pipeline/threads").get_data(as_text=True)
    assert 'id="bulk-form"' in page
    assert f'name="ids" value="{thread.id}" form="bulk-form"' in page


def test_board_statement_count_does_not_grow_with_cards(
    db, client, coordinator, login, make_thread, make_inquiry, make_organisation, count_statements
):
    from crm.models import Country

    login(coordinator)
    kz = db.session.get(Country, "KZ")

    def statements(url):
        db.session.expire_all()
        with count_statements() as seen:
            assert client.get(url).status_code == 200
        return len(seen)

    make_thread(countries=[kz], organisations=[make_organisation(name="Org A")])
    make_inquiry()
    make_organisation(name="Member A", membership_status=MembershipStatus.MEMBER)
    urls = ["/pipeline/threads", "/pipeline/inquiries", "/pipeline/membership"]
    before = [statements(u) for u in urls]
    for i in range(8):
        make_thread(title=f"T{i}", countries=[kz], organisations=[make_organisation(name=f"Org {i}")])
        make_inquiry(sender_name=f"S{i}")
        make_organisation(name=f"Member {i}", membership_status=MembershipStatus.PROSPECT)
    assert [statements(u) for u in urls] == before


def test_bulk_reassign_from_list_rows(
    client, coordinator, staff, login, make_thread, make_inquiry, make_user
):
    thread = make_thread()
    inquiry = make_inquiry()
    owner = make_user(name="Owner From List")
    login(staff)
    assert 'id="bulk-form"' not in client.get("/threads").get_data(as_text=True)
    client.post("/logout")
    login(coordinator)
    submit(client, "/threads", "/pipeline/reassign", ids=str(thread.id), owner_id=str(owner.id))
    assert thread.owner == owner
    submit(client, "/inquiries", "/pipeline/reassign", ids=str(inquiry.id), owner_id=str(owner.id))
    assert inquiry.assignee == owner


def _column(page: str, key: str) -> str:
    """The HTML of one board column."""
    start = page.index(f'<section class="board-column" aria-labelledby="col-{key}"')
    end = page.find("</section>", start)
    return page[start:end]


def test_an_open_column_shows_the_twenty_most_urgent_and_links_to_all_of_them(
    app, client, coordinator, staff, login, make_thread, monkeypatch
):
    today = date.today()
    for i in range(21):
        make_thread(title=f"Waiting {i:02d}", next_action="Call", next_action_due=today + timedelta(days=i))
    make_thread(kind=ThreadKind.MATERIAL_EXCHANGE, title="Another kind, also requested")
    from crm.threads.services import change_stage

    change_stage(make_thread(title="Scheduled one"), ThreadStage.SCHEDULED, actor=staff)
    login(coordinator)
    page = client.get("/pipeline/threads").get_data(as_text=True)
    requested, scheduled = _column(page, "requested"), _column(page, "scheduled")
    assert '<span class="badge bg-secondary">21</span>' in requested  # the header counts them all
    assert requested.count('class="card board-card') == 20
    assert "Waiting 00" in requested and "Waiting 19" in requested and "Waiting 20" not in requested
    # The list holds them all, in the board's order (next action due soonest first).
    assert 'href="/threads?stage=requested&amp;kind=consultation&amp;sort=due">Show all 21</a>' in requested
    assert "Show all" not in scheduled and "Scheduled one" in scheduled

    monkeypatch.setitem(app.config, "PER_PAGE", 50)
    listed = client.get("/threads?stage=requested&kind=consultation&sort=due").get_data(as_text=True)
    positions = [listed.index(f"Waiting {i:02d}") for i in range(21)]
    assert positions == sorted(positions)
    assert "Scheduled one" not in listed and "Another kind" not in listed


def test_a_finished_column_links_to_all_of_its_items(
    app, client, coordinator, staff, login, make_inquiry, monkeypatch
):
    from crm.inquiries.services import close_inquiry
    from crm.pipeline import services

    monkeypatch.setattr(services, "DONE_LIMIT", 1)
    for name in ("Closed first", "Closed second"):
        close_inquiry(make_inquiry(sender_name=name), actor=staff)
    make_inquiry(sender_name="Still new")
    login(coordinator)
    page = client.get("/pipeline/inquiries").get_data(as_text=True)
    assert 'href="/inquiries?status=closed">Show all 2</a>' in _column(page, "closed")
    assert "Show all" not in _column(page, "new")
    listed = client.get("/inquiries?status=closed").get_data(as_text=True)
    assert "Closed first" in listed and "Closed second" in listed and "Still new" not in listed


def test_board_filters_change_the_counts_and_follow_into_the_list(
    client, coordinator, login, make_thread, make_user, monkeypatch
):
    from crm.pipeline import services

    monkeypatch.setattr(services, "CARD_LIMIT", 1)
    owner = make_user(name="Filtered Owner")
    make_thread(title="Theirs A", owner=owner)
    make_thread(title="Theirs B", owner=owner)
    make_thread(title="Someone else's")
    login(coordinator)
    everyone = client.get("/pipeline/threads").get_data(as_text=True)
    theirs = client.get(f"/pipeline/threads?owner={owner.id}").get_data(as_text=True)
    assert "Show all 3</a>" in everyone and "Show all 2</a>" in theirs
    assert (
        f'href="/threads?stage=requested&amp;owner={owner.id}&amp;kind=consultation&amp;sort=due">Show all 2</a>'
        in theirs
    )
    listed = client.get(f"/threads?stage=requested&owner={owner.id}&kind=consultation&sort=due").get_data(
        as_text=True
    )
    assert "Theirs A" in listed and "Theirs B" in listed and "Someone else" not in listed
    assert "no interaction for 14 days" in theirs
    assert "no change for 14 days" in client.get("/pipeline/inquiries").get_data(as_text=True)


def test_no_show_all_link_when_the_list_cannot_apply_the_boards_filter(
    client, coordinator, login, make_thread, make_contact, make_tag, monkeypatch
):
    from crm.pipeline import services

    monkeypatch.setattr(services, "CARD_LIMIT", 1)
    tag = make_tag("Lawyers")
    for title in ("Tagged A", "Tagged B"):
        make_thread(title=title, contacts=[make_contact(tags=[tag])])
    make_thread(title="Untagged")
    login(coordinator)
    page = client.get(f"/pipeline/threads?tag={tag.id}").get_data(as_text=True)
    requested = _column(page, "requested")
    # The thread list has no tag filter: a link would lead to more threads than the column holds.
    assert (
        "Showing 1 of 2." in requested and "Show all" not in requested and 'href="/threads?' not in requested
    )


def test_card_links_built_once_per_board_are_those_url_for_gives(app):
    from flask import url_for

    from crm.pipeline.views import PAGES, _url_with_id

    with app.test_request_context("/pipeline/threads", base_url="http://example.org/crm"):
        for pages in PAGES.values():
            for endpoint, arg in ((pages.detail, pages.detail_arg), (pages.move, pages.move_arg)):
                url = _url_with_id(endpoint, arg)
                for record_id in (1, 9, 10, 918273645, 4_000_000_017):
                    assert url(record_id) == url_for(endpoint, **{arg: record_id})
