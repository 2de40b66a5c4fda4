"""`seed demo` prints working one-time sign-ins, and forgets them once they are replaced."""

import re

from crm.auth import services


def test_seed_demo_writes_one_time_sign_ins_and_drops_them_once_changed(app, db, tmp_path):
    runner = app.test_cli_runner()
    path = tmp_path / "sign-in.txt"
    first = runner.invoke(args=["seed", "demo", "--password-file", str(path)])
    assert first.exit_code == 0, first.output
    assert "Loaded demo data" in first.output and oct(path.stat().st_mode & 0o777) == "0o600"
    logins = re.findall(r"(\S+@\S+)\s+/\s+(\S+)\s+\((\w+)\)", path.read_text())
    assert {role for _e, _p, role in logins} >= {"admin", "staff"}
    email, password, _role = next(entry for entry in logins if entry[2] == "staff")
    user = services.authenticate(email, password)
    assert user is not None and user.must_change_password
    services.change_password(user, password, "my own passphrase")
    again = runner.invoke(args=["seed", "demo", "--password-file", str(path)])
    assert again.exit_code == 0 and "already" in again.output
    assert email not in path.read_text() and len(re.findall(r"@", path.read_text())) == len(logins) - 1
