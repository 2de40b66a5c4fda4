"""Templates' url_for writes a record's link from a pattern: it must be exactly Flask's url_for."""

from __future__ import annotations

import pytest
from flask import render_template_string, url_for

from crm.main.template_helpers import record_url_for


def one_int_endpoints(app):
    for rule in app.url_map.iter_rules():
        if len(rule.arguments) == 1 and "int" in str(rule.rule):
            yield rule.endpoint, next(iter(rule.arguments))


@pytest.mark.parametrize("script_root", ["", "/crm"])
def test_every_record_link_is_what_flask_builds(app, script_root):
    endpoints = list(one_int_endpoints(app))
    assert len(endpoints) > 30
    with app.test_request_context("/", base_url=f"http://localhost{script_root}/"):
        assert url_for("threads.detail", thread_id=1).startswith(f"{script_root}/threads/")
        for endpoint, name in endpoints:
            for value in (0, 7, 123456789, 918273645):
                assert record_url_for(endpoint, **{name: value}) == url_for(endpoint, **{name: value})
            # As a query parameter of a page without it, and with other values: Flask's own result.
            assert record_url_for("contacts.index", page=3) == url_for("contacts.index", page=3)
            assert record_url_for(endpoint, **{name: 5, "_anchor": "x"}) == url_for(
                endpoint, **{name: 5, "_anchor": "x"}
            )


@pytest.mark.parametrize("script_root", ["", "/crm"])
def test_links_without_values_and_static_files_are_what_flask_builds(app, script_root):
    endpoints = [rule.endpoint for rule in app.url_map.iter_rules() if not rule.arguments]
    assert len(endpoints) > 30
    with app.test_request_context("/", base_url=f"http://localhost{script_root}/"):
        assert url_for("main.index").startswith(f"{script_root}/")
        for endpoint in endpoints:
            assert record_url_for(endpoint) == url_for(endpoint)
        for filename in ("css/app.css", "vendor/bootstrap/bootstrap.min.css", "a b?c.js"):
            assert record_url_for("static", filename=filename) == url_for("static", filename=filename)


def test_each_mount_point_gets_its_own_links(app):
    for script_root in ("", "/crm", ""):
        with app.test_request_context("/", base_url=f"http://localhost{script_root}/"):
            assert record_url_for("threads.detail", thread_id=3) == f"{script_root}/threads/3"
            assert record_url_for("static", filename="css/app.css") == f"{script_root}/static/css/app.css"


def test_templates_use_it_and_other_values_go_to_flask(app):
    with app.test_request_context("/"):
        assert render_template_string("{{ url_for('threads.detail', thread_id=12) }}") == "/threads/12"
        for value in (-1, True):
            assert record_url_for("threads.detail", thread_id=value) == url_for(
                "threads.detail", thread_id=value
            )
        with pytest.raises(ValueError):  # as Flask's
            record_url_for("threads.detail", thread_id="x")
