"""`flask export contacts`: the same exporter as the web, writing a file and printing the row count."""

from __future__ import annotations

import io

import pytest
import vobject
from openpyxl import load_workbook
from sqlalchemy import select

from crm.models import AuditEntry
from tests.exports.conftest import read_csv


def _run(app, *args):
    return app.test_cli_runner().invoke(args=["export", "contacts", *args])


def test_cli_writes_the_filtered_mailing_list_and_prints_the_count(app, db, network, tmp_path):
    path = tmp_path / "kz.csv"
    result = _run(app, "--format", "csv", "-o", str(path), "--country", "KZ")
    assert result.exit_code == 0, result.output
    assert "2 contacts written" in result.output and "2 left out" in result.output
    rows = read_csv(path.read_bytes())
    assert rows[0] == ["Full name", "E-mail", "Country", "Organisation", "Languages"]
    assert sorted(row[0] for row in rows[1:]) == ["Bolat Seitkali", "Айгерим Нургалиева"]
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "export"))
    assert entry.actor_id is None and entry.changes["via"] == "cli" and entry.changes["rows"] == 2


def test_cli_full_record_with_sensitive_columns_as_xlsx(app, network, tmp_path):
    path = tmp_path / "all.xlsx"
    result = _run(app, "--format", "xlsx", "-o", str(path), "--columns", "full", "--include-sensitive")
    assert result.exit_code == 0, result.output
    sheet = load_workbook(io.BytesIO(path.read_bytes())).active
    header = [cell.value for cell in sheet[1]]
    assert header[-2:] == ["Lived experience", "Sensitive notes"]
    assert sheet.max_row - 1 == 8 and "8 contacts written" in result.output


def test_cli_exports_a_list_and_filters_by_tag_region_and_organisation(app, staff, network, tmp_path):
    from crm.lists.services import create_list

    smart = create_list("Central Asia", actor=staff, kind="smart", filters={"region": "143"})
    path = tmp_path / "list.vcf"
    result = _run(app, "--format", "vcf", "-o", str(path), "--list", str(smart.id))
    assert result.exit_code == 0, result.output
    cards = list(vobject.readComponents(path.read_text(encoding="utf-8")))
    assert sorted(card.fn.value for card in cards) == [
        "Bolat Seitkali",
        "Айгерим Нургалиева",
        "Гулшан Юсупова",
        "Нурлан Абдыкеримов",
    ]
    for option, value, expected in (
        ("--tag", network.legal.id, 2),
        ("--organisation", network.ngo.id, 2),
        ("--region", "143", 4),
    ):
        result = _run(app, "--format", "csv", "-o", str(tmp_path / "x.csv"), option, str(value))
        assert result.exit_code == 0 and len(read_csv((tmp_path / "x.csv").read_bytes())) - 1 == expected


@pytest.mark.parametrize(
    "args",
    [
        ["--format", "pdf"],
        ["--format", "csv", "--country", "XX"],
        ["--format", "csv", "--region", "999"],
        ["--format", "csv", "--tag", "999999"],
        ["--format", "csv", "--tag", "legal"],
        ["--format", "csv", "--list", "999999"],
        ["--format", "csv", "--columns", "everything"],
        ["--format", "vcf", "--include-sensitive"],
        ["--format", "csv", "--list", "1", "--country", "KZ"],
    ],
)
def test_cli_exits_non_zero_on_a_bad_option_and_writes_nothing(app, db, network, tmp_path, args):
    path = tmp_path / "out"
    result = _run(app, *args, "-o", str(path))
    assert result.exit_code != 0
    assert not path.exists()
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "export")) is None
