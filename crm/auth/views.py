"""Sign in, sign out, change password."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user

from crm.auth import services, sessions
from crm.auth.forms import ChangePasswordForm, LoginForm
from crm.extensions import db
from crm.translations import gettext as _

bp = Blueprint("auth", __name__)


def safe_next(target: str | None) -> str:
    """Only a path on this site: no scheme, no host, no protocol-relative or backslash tricks."""
    if not target:
        return url_for("main.index")
    target = target.strip()
    parts = urlsplit(target)
    if (
        parts.scheme
        or parts.netloc
        or not target.startswith("/")
        or target.startswith("//")
        or "\\" in target
        or any(ord(ch) < 32 for ch in target)
    ):
        return url_for("main.index")
    return target


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    if request.method == "POST" and "locale" in request.form:
        # The language switch on the sign-in page (only this page is open to visitors).
        services.set_locale(None, request.form["locale"])
        return redirect(safe_next(request.form.get("next") or url_for("auth.login")))
    form = LoginForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        try:
            ip = (request.remote_addr or "")[:45]  # the longest IPv6 text form
            user = services.authenticate(form.email.data, form.password.data, ip=ip)
        except services.SignInRefused as exc:
            db.session.commit()
            form.password.errors.append(str(exc))
            return render_template("auth/login.html", form=form), 429
        db.session.commit()
        if user is None:
            form.password.errors.append(_("E-mail or password is not correct."))
        else:
            sessions.start(user)  # a new session at sign-in
            if user.must_change_password:
                flash(_("Please choose your own password before you go on."), "info")
                return redirect(url_for("auth.change_password"))
            return redirect(safe_next(form.next.data))
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    services.sign_out(current_user._get_current_object())
    db.session.commit()
    logout_user()
    session.clear()
    flash(_("You are signed out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            user = current_user._get_current_object()
            services.change_password(user, form.current_password.data, form.new_password.data)
        except services.AccountError as exc:
            form[exc.field or "new_password"].errors.append(str(exc))
        else:
            db.session.commit()
            login_user(user)  # refresh the cookie with the new session version
            flash(_("Your password is changed."), "success")
            return redirect(url_for("main.index"))
    return render_template("auth/change_password.html", form=form)


@bp.route("/account/language", methods=["POST"])
def language():
    """The language switch: remember the choice and go back to the page it was made on.

    Visitors who are not signed in use the same form posted to /login instead.
    """
    user = current_user if current_user.is_authenticated else None
    if services.set_locale(user, request.form.get("locale", "")):
        db.session.commit()
    return redirect(safe_next(request.form.get("next")))
