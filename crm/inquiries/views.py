"""Inquiry pages: list, log, detail with triage, and the triage actions."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from crm.auth.permissions import can_assign, can_reassign, role_required
from crm.contacts.services import normalise_email
from crm.countries.services import country_choices, region_filter_options
from crm.errors import DomainError
from crm.extensions import db
from crm.forms import event_choices, load_by_ids, topic_choices, user_choices
from crm.imports.email_message import EmailReadError, parse_email_bytes, parse_email_text
from crm.inquiries import services
from crm.inquiries.forms import AssignForm, ConvertForm, EmailFillForm, InquiryForm, RespondedForm
from crm.listing import apply_sort, paginate, read_params
from crm.models import Inquiry, Topic, User
from crm.models.enums import InquiryChannel, InquiryStatus, Role
from crm.pipeline.forms import bulk_reassign_form
from crm.translations import gettext as _

bp = Blueprint("inquiries", __name__)


@bp.route("/inquiries")
def index():
    sorts = services.inquiry_sorts()
    params = read_params(services.INQUIRY_FILTERS, sorts, "-received")
    stmt = apply_sort(services.inquiry_list_query(params.filters), params, sorts, Inquiry.id)
    return render_template(
        "inquiries/index.html",
        pager=paginate(stmt, params),
        bulk_form=bulk_reassign_form("inquiry", request.full_path) if can_reassign(current_user) else None,
        params=params,
        options={
            "event": event_choices(),
            "status": InquiryStatus.choices(),
            "owner": user_choices(),
            "country": country_choices(),
            "region": region_filter_options(),
            "channel": InquiryChannel.choices(),
            "topic": topic_choices(),
        },
    )


def _inquiry_form(form: InquiryForm) -> InquiryForm:
    form.event_id.choices = event_choices()
    form.topic_ids.choices = topic_choices()
    form.assignee_id.choices = user_choices()
    return form


def _inquiry_data(form: InquiryForm) -> dict:
    data = {
        name: form[name].data for name in services.LOGGED_FIELDS if name in form and name != "country_code"
    }
    data["sender_email"] = (data.get("sender_email") or "").strip()
    return data


@bp.route("/inquiries/new", methods=["GET", "POST"])
@role_required(Role.STAFF)
def create():
    form = _inquiry_form(InquiryForm(event_id=request.args.get("event", type=int)))
    if form.validate_on_submit() and _may_assign_new(form):
        try:
            inquiry = services.log_inquiry(
                _inquiry_data(form), actor=current_user, topics=load_by_ids(Topic, form.topic_ids.data)
            )
        except services.InquiryError as exc:
            db.session.rollback()
            form[exc.field or "sender_name"].errors.append(str(exc))
        else:
            db.session.commit()
            flash(_("Inquiry from %(name)s logged.", name=inquiry.sender_name), "success")
            if request.form.get("then") == "another":
                return redirect(url_for("inquiries.create", event=inquiry.event_id))
            return redirect(url_for("inquiries.detail", inquiry_id=inquiry.id))
    mail_form = EmailFillForm(prefix="mail", formdata=None)
    return render_template("inquiries/form.html", form=form, inquiry=None, mail_form=mail_form)


@bp.route("/inquiries/new/from-email", methods=["POST"])
@role_required(Role.STAFF)
def fill_from_email():
    """Fill the new-inquiry form from a pasted or uploaded e-mail; nothing is saved until Log."""
    mail_form = EmailFillForm(prefix="mail")
    event_id = request.args.get("event", type=int)
    form = _inquiry_form(InquiryForm(formdata=None, event_id=event_id))
    if mail_form.validate_on_submit():
        content = mail_form.content()
        try:
            if content is None:
                raise EmailReadError(_("Paste an e-mail or choose a .eml file."))
            parsed = parse_email_bytes(content) if isinstance(content, bytes) else parse_email_text(content)
        except EmailReadError as exc:
            mail_form.raw.errors.append(str(exc))
        else:
            form = _inquiry_form(InquiryForm(formdata=None, event_id=event_id, **parsed.form_data()))
            flash(_("The form was filled from the e-mail. Check it, then log the inquiry."), "info")
            if parsed.truncated:
                flash(_("The message was long and has been shortened to fit."), "warning")
    return render_template("inquiries/form.html", form=form, inquiry=None, mail_form=mail_form)


def _may_assign_new(form: InquiryForm) -> bool:
    """Staff may log an inquiry for themselves; giving it to a colleague is a coordinator's call."""
    if form.assignee_id.data and not can_assign(current_user, None, form.assignee_id.data):
        form.assignee_id.errors.append(_("Only a coordinator can assign an inquiry to someone else."))
        return False
    return True


@bp.route("/inquiries/<int:inquiry_id>/edit", methods=["GET", "POST"])
@role_required(Role.STAFF)
def edit(inquiry_id: int):
    inquiry = db.get_or_404(Inquiry, inquiry_id)
    form = _inquiry_form(InquiryForm(obj=inquiry))
    if request.method == "GET":
        form.topic_ids.data = [t.id for t in inquiry.topics]
    if not can_reassign(current_user):
        del form.assignee_id
    if form.validate_on_submit():
        try:
            services.update_inquiry(
                inquiry,
                _inquiry_data(form),
                actor=current_user,
                topics=load_by_ids(Topic, form.topic_ids.data),
            )
        except services.InquiryError as exc:
            db.session.rollback()
            form[exc.field or "sender_name"].errors.append(str(exc))
        else:
            db.session.commit()
            flash(_("Inquiry saved."), "success")
            return redirect(url_for("inquiries.detail", inquiry_id=inquiry.id))
    return render_template("inquiries/form.html", form=form, inquiry=inquiry)


@bp.route("/inquiries/<int:inquiry_id>")
def detail(inquiry_id: int):
    inquiry = db.get_or_404(Inquiry, inquiry_id)
    found = services.triage(inquiry) if not inquiry.is_converted else services.Triage()
    return _detail_page(inquiry, found, _convert_form(inquiry, found))


def _detail_page(inquiry: Inquiry, found: services.Triage, convert_form: ConvertForm) -> str:
    assign_form = AssignForm(prefix="assign", assignee_id=inquiry.assignee_id, formdata=None)
    assign_form.assignee_id.choices = user_choices()
    return render_template(
        "inquiries/detail.html",
        inquiry=inquiry,
        triage=found,
        convert_form=convert_form,
        assign_form=assign_form,
        responded_form=RespondedForm(prefix="resp", formdata=None),
    )


def _convert_form(inquiry: Inquiry, found: services.Triage) -> ConvertForm:
    return ConvertForm().offer(inquiry, found, normalise_email(inquiry.sender_email))


@bp.route("/inquiries/<int:inquiry_id>/convert", methods=["POST"])
@role_required(Role.STAFF)
def convert(inquiry_id: int):
    inquiry = db.get_or_404(Inquiry, inquiry_id)
    found = services.triage(inquiry)
    form = _convert_form(inquiry, found)
    if form.validate_on_submit():
        try:
            result = services.convert_inquiry(inquiry, actor=current_user, **form.conversion_args())
        except DomainError as exc:  # from inquiries, contacts, organisations or threads
            db.session.rollback()
            form.add_domain_error(exc)
        else:
            db.session.commit()
            flash(
                _("Inquiry converted: %(name)s is now a contact.", name=result.contact.full_name), "success"
            )
            if result.thread is not None:
                return redirect(url_for("threads.detail", thread_id=result.thread.id))
            return redirect(url_for("contacts.detail", contact_id=result.contact.id))
    return _detail_page(inquiry, found, form)


@bp.route("/inquiries/<int:inquiry_id>/assign", methods=["POST"])
@role_required(Role.STAFF)
def assign(inquiry_id: int):
    inquiry = db.get_or_404(Inquiry, inquiry_id)
    form = AssignForm(prefix="assign")
    form.assignee_id.choices = user_choices()
    if form.validate_on_submit():
        assignee = db.session.get(User, form.assignee_id.data) if form.assignee_id.data else None
        if not can_assign(current_user, inquiry.assignee_id, assignee.id if assignee else None):
            abort(403)
        services.assign_inquiry(inquiry, assignee, actor=current_user)
        db.session.commit()
        flash(_("Assignment saved."), "success")
    else:
        flash(_("Choose someone from the list."), "danger")
    return redirect(url_for("inquiries.detail", inquiry_id=inquiry.id))


@bp.route("/inquiries/<int:inquiry_id>/responded", methods=["POST"])
@role_required(Role.STAFF)
def responded(inquiry_id: int):
    inquiry = db.get_or_404(Inquiry, inquiry_id)
    form = RespondedForm(prefix="resp")
    if form.validate_on_submit():
        try:
            services.mark_responded(inquiry, form.responded_at.data, actor=current_user)
        except services.InquiryError as exc:
            db.session.rollback()
            flash(str(exc), "danger")
        else:
            db.session.commit()
            flash(_("First response recorded."), "success")
    else:
        flash(_("That date is not valid."), "danger")
    return redirect(url_for("inquiries.detail", inquiry_id=inquiry.id))


@bp.route("/inquiries/<int:inquiry_id>/close", methods=["POST"])
@role_required(Role.STAFF)
def close(inquiry_id: int):
    inquiry = db.get_or_404(Inquiry, inquiry_id)
    try:
        services.close_inquiry(inquiry, actor=current_user)
    except services.InquiryError as exc:
        db.session.rollback()
        flash(str(exc), "danger")
    else:
        db.session.commit()
        flash(_("Inquiry closed."), "success")
    return redirect(url_for("inquiries.detail", inquiry_id=inquiry.id))


@bp.route("/inquiries/<int:inquiry_id>/reopen", methods=["POST"])
@role_required(Role.STAFF)
def reopen(inquiry_id: int):
    inquiry = db.get_or_404(Inquiry, inquiry_id)
    services.reopen_inquiry(inquiry, actor=current_user)
    db.session.commit()
    flash(_("Inquiry reopened."), "success")
    return redirect(url_for("inquiries.detail", inquiry_id=inquiry.id))
