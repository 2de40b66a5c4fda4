"""Passwords: 8 to 1024 characters of anything, no composition rules, common ones refused."""

import pytest

from crm.auth import services
from crm.auth.passwords import MAX_LENGTH, common_passwords, policy_error
from tests.conftest import PASSWORD


def _change(client, new, current=PASSWORD):
    return client.post(
        "/account/password", data={"current_password": current, "new_password": new, "confirm": new}
    )


@pytest.mark.parametrize(
    "password",
    [
        "eightchr",  # exactly 8, lower-case letters only: no composition rules
        "correct horse battery staple",
        "Жили-были дед да баба 🐓",
        "ქართული პაროლი",
        "x" * 3 + "🙂" * 5,
        "a long passphrase " * 7,  # 126 characters
        "é" * 200,
    ],
)
def test_any_characters_from_8_up_to_far_beyond_64_are_accepted(client, staff, login, password):
    login(staff)
    response = _change(client, password)
    assert response.status_code == 302, response.get_data(as_text=True)
    assert staff.password_hash.startswith(client.application.config["PASSWORD_HASH_METHOD"] + "$")
    client.post("/logout")
    assert client.post("/login", data={"email": staff.email, "password": password}).status_code == 302


def test_seven_characters_are_too_few(client, staff, login):
    login(staff)
    page = _change(client, "7 chars").get_data(as_text=True)
    assert 'id="new_password-error"' in page
    client.post("/logout")
    assert client.post("/login", data={"email": staff.email, "password": "7 chars"}).status_code == 200


@pytest.mark.parametrize(
    "password", ["password123", "Qwertyuiop", "P@ssw0rd1", "йцукенгшщз", "iloveyou1", "12345678"]
)
def test_common_passwords_are_refused(client, staff, login, password):
    login(staff)
    page = _change(client, password).get_data(as_text=True)
    assert 'id="new_password-error"' in page and "most common" in page
    assert client.get("/").headers.get("Location") is None  # still signed in, password unchanged
    client.post("/logout")
    assert client.post("/login", data={"email": staff.email, "password": PASSWORD}).status_code == 302


def test_the_shipped_list_is_a_few_hundred_well_known_passwords():
    shipped = common_passwords()
    assert len(shipped) >= 450
    assert {"password", "123456789", "qwerty123", "1q2w3e4r", "пароль"} <= shipped
    assert all(entry == entry.lower() for entry in shipped)


def test_the_users_own_email_is_refused(app):
    with app.test_request_context():
        assert policy_error("someone.long@example.org", email="someone.long@example.org")
        assert policy_error("Someone.Long", email="someone.long@example.org")
        assert policy_error("x" * (MAX_LENGTH + 1))
        assert policy_error("x" * MAX_LENGTH) is None


def test_changing_needs_the_current_password(db, client, staff, login):
    login(staff)
    page = _change(client, "a brand new phrase", current="not my password").get_data(as_text=True)
    assert 'id="current_password-error"' in page
    with pytest.raises(services.AccountError) as raised:
        services.change_password(staff, "not my password", "a brand new phrase")
    assert raised.value.field == "current_password"


def test_first_sign_in_with_a_one_time_password_forces_a_change(db, client, admin):
    from crm.models.enums import Role

    user, one_time = services.create_user("first@example.org", "First", Role.STAFF, actor=admin)
    db.session.commit()
    response = client.post("/login", data={"email": "first@example.org", "password": one_time})
    assert response.headers["Location"] == "/account/password"
    for url in ("/", "/contacts", "/admin/users", "/search?q=a"):
        assert client.get(url).headers["Location"] == "/account/password", url
    assert _change(client, "my own good phrase", current=one_time).status_code == 302
    assert not user.must_change_password and client.get("/contacts").status_code == 200
