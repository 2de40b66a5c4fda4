"""A third language is a catalogue file and the documented commands (docs/i18n.md), no code."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po, write_po

import config
from config import TestConfig
from crm import create_app

ROOT = Path(__file__).resolve().parents[2]
PYBABEL = Path(sys.executable).with_name("pybabel")
TITLE = "Sign in to the Follow-up CRM"


def _pybabel(*args: str) -> None:
    subprocess.run([str(PYBABEL), "-q", *args], check=True, cwd=ROOT)  # noqa: S603 - our own venv's tool


@pytest.fixture
def translations(tmp_path, monkeypatch):
    """translations/ as the repository has it, plus Kazakh made with the documented commands."""
    folder = tmp_path / "translations"
    shutil.copytree(ROOT / "translations", folder)
    _pybabel("init", "-i", str(folder / "messages.pot"), "-d", str(folder), "-l", "kk")
    po = folder / "kk" / "LC_MESSAGES" / "messages.po"
    with po.open("rb") as handle:
        catalogue = read_po(handle)
    catalogue.get(TITLE).string = "Сүйемелдеу CRM жүйесіне кіру"
    with po.open("wb") as handle:
        write_po(handle, catalogue, width=100)
    _pybabel("compile", "-d", str(folder), "-l", "kk")
    monkeypatch.setattr(config, "TRANSLATIONS", folder)
    return folder


def test_a_language_with_a_catalogue_is_offered_and_used(translations, database_url):
    assert config._supported_locales() == ("en", "kk", "ru")

    class WithKazakh(TestConfig):
        SQLALCHEMY_DATABASE_URI = database_url
        BABEL_SUPPORTED_LOCALES = config._supported_locales()
        BABEL_TRANSLATION_DIRECTORIES = str(translations)

    client = create_app(WithKazakh).test_client()
    html = client.get("/login", headers={"Accept-Language": "kk-KZ, ru;q=0.8"}).get_data(as_text=True)
    assert '<html lang="kk">' in html
    assert "Сүйемелдеу CRM жүйесіне кіру" in html
    # The switch offers the other two languages, each named in itself.
    assert 'name="locale" value="en"' in html and 'name="locale" value="ru"' in html
    assert "Русский" in html and "English" in html
    russian = client.get("/login", headers={"Accept-Language": "ru"}).get_data(as_text=True)
    assert 'name="locale" value="kk"' in russian and "Қазақ тілі" in russian
    # An untranslated entry falls back to English rather than showing nothing.
    assert "Password" in html


def test_the_repository_offers_exactly_its_catalogues():
    assert TestConfig.BABEL_SUPPORTED_LOCALES == ("en", "ru")
