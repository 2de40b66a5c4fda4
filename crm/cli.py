"""Command-line interface: `flask --app wsgi users|seed|countries|export ...`."""

from __future__ import annotations

import time
from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup

from crm.exports.cli import export_cli
from crm.extensions import db
from crm.followups.cli import followups_cli
from crm.imports.cli import import_cli
from crm.models.enums import Role
from crm.privacy.cli import retention_cli

users_cli = AppGroup("users", help="Manage staff accounts.")
seed_cli = AppGroup("seed", help="Load data sets.")
countries_cli = AppGroup("countries", help="Reference data for countries.")


@users_cli.command("create")
@click.argument("email")
@click.option(
    "--role", type=click.Choice([r.value for r in Role]), default=Role.STAFF.value, show_default=True
)
@click.option("--name", default="", help="Display name (defaults to the part of the e-mail before @).")
def create_user_command(email: str, role: str, name: str) -> None:
    """Create an account and print its one-time password."""
    from crm.auth.services import AccountError, create_user

    try:
        user, password = create_user(email, name, Role(role), actor=None)
    except AccountError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from None
    db.session.commit()
    click.echo(f"Created {user.role.value} account {user.email}.")
    click.echo(f"One-time password: {password}")
    click.echo("It must be changed at first sign-in.")


@countries_cli.command("load")
def load_countries_command() -> None:
    """Load or refresh all ISO 3166-1 countries with their UN M49 regions."""
    from crm.countries.services import load_countries

    count = load_countries()
    db.session.commit()
    click.echo(f"{count} countries loaded.")


@seed_cli.command("demo")
@click.option(
    "--password-file",
    type=click.Path(dir_okay=False),
    default=None,
    help="Also write the sign-in details to this file.",
)
def seed_demo_command(password_file: str | None) -> None:
    """Load a realistic post-webinar month (idempotent: does nothing if demo data exists)."""
    from crm.seed.demo import load_demo

    result = load_demo()
    db.session.commit()
    click.echo(result.summary)
    sign_in = result.sign_in
    if not sign_in and password_file and Path(password_file).exists():
        sign_in = _still_one_time(Path(password_file))
    if not sign_in:
        if password_file:
            Path(password_file).unlink(missing_ok=True)
        click.echo("Sign in with the password you chose for your demo account.")
        return
    lines = ["Sign in at http://127.0.0.1:5000/login with:"]
    lines += [f"  {email}  /  {password}   ({role})" for email, password, role in sign_in]
    lines.append("These are one-time passwords: you will be asked to choose your own.")
    text = "\n".join(lines)
    if password_file:
        path = Path(password_file)
        path.write_text(text + "\n", encoding="utf-8")
        path.chmod(0o600)  # one-time passwords: readable by this user only
        click.echo(f"Sign-in details written to {password_file}.")
    else:
        click.echo(text)


@seed_cli.command("synthetic")
@click.option("--contacts", type=click.IntRange(1, 5_000_000), default=100_000, show_default=True)
@click.option(
    "--seed", "seed", type=int, default=1, show_default=True, help="Random seed (same seed, same data)."
)
def seed_synthetic_command(contacts: int, seed: int) -> None:
    """A large deterministic data set for benchmarks, bulk-inserted into an empty database."""
    from crm.seed.synthetic import NotEmptyError, load_synthetic

    try:
        result = load_synthetic(contacts, seed, echo=click.echo)
    except NotEmptyError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from None
    started = time.perf_counter()
    db.session.commit()
    click.echo(f"  commit: {time.perf_counter() - started:.1f} s")
    click.echo(result.summary)


def _still_one_time(path: Path) -> list[tuple[str, str, str]]:
    """The saved demo sign-ins whose one-time password has not been replaced yet."""
    from crm.auth.services import find_by_email

    kept = []
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if len(parts) == 4 and parts[1] == "/" and "@" in parts[0]:
            user = find_by_email(parts[0])
            if user is not None and user.must_change_password:
                kept.append((parts[0], parts[2], parts[3].strip("()")))
    return kept


def register(app: Flask) -> None:
    app.cli.add_command(users_cli)
    app.cli.add_command(seed_cli)
    app.cli.add_command(countries_cli)
    app.cli.add_command(followups_cli)
    app.cli.add_command(import_cli)
    app.cli.add_command(export_cli)
    app.cli.add_command(retention_cli)
    from crm.safety.backup import backup_command

    app.cli.add_command(backup_command)
