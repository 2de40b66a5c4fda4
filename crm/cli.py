"""Command-line interface: `flask --app wsgi users|seed|countries ...`."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup

from crm.extensions import db
from crm.models.enums import Role

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
    if result.sign_in:
        lines = ["Sign in at http://127.0.0.1:5000/login with:"]
        lines += [f"  {email}  /  {password}   ({role})" for email, password, role in result.sign_in]
        lines.append("These are one-time passwords: you will be asked to choose your own.")
        text = "\n".join(lines)
        if password_file:
            path = Path(password_file)
            path.write_text(text + "\n", encoding="utf-8")
            path.chmod(0o600)  # one-time passwords: readable by this user only
            click.echo(f"Sign-in details written to {password_file}.")
        else:
            click.echo(text)


def register(app: Flask) -> None:
    app.cli.add_command(users_cli)
    app.cli.add_command(seed_cli)
    app.cli.add_command(countries_cli)
