"""Headers every response carries."""


def test_every_page_has_a_strict_policy_and_signed_in_pages_are_not_cached(client, staff, login):
    anonymous = client.get("/login")
    policy = anonymous.headers["Content-Security-Policy"]
    for part in ("default-src 'self'", "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'"):
        assert part in policy
    assert "unsafe-inline" not in policy
    assert anonymous.headers["X-Content-Type-Options"] == "nosniff"
    assert anonymous.headers["Referrer-Policy"] == "same-origin"
    login(staff)
    page = client.get("/inquiries")
    assert page.headers["Cache-Control"] == "no-store"
    assert "Strict-Transport-Security" not in page.headers  # only with secure cookies (production)


def test_no_template_uses_inline_script_or_style():
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent / "templates"
    for path in root.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text), path
        assert ' style="' not in text and "<style" not in text, path
        assert "|safe" not in text, path
