def test_health(client):
    r = client.get("/health")
    assert r.status_code == 200
    assert r.json == {"status": "ok", "database": "ok"}


def test_login_and_home(client, staff, login):
    login(staff)
    r = client.get("/")
    assert r.status_code == 200
