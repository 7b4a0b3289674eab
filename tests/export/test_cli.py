"""``regwatch export`` and ``regwatch email`` through app.cli.main with a seeded database."""

import csv
import email
import io
from email import policy

import openpyxl
import pytest
from icalendar import Calendar
from sqlalchemy import select

from app.cli import main
from storage.models import ExportRecord, UserState
from tests.export.smtp_server import free_port, smtp_server


def _config(tmp_path, **email_keys) -> str:
    lines = ["[email]"]
    for key, value in email_keys.items():
        if isinstance(value, list):
            lines.append(f"{key} = [{', '.join(repr(v) for v in value)}]")
        elif isinstance(value, int):
            lines.append(f"{key} = {value}")
        else:
            lines.append(f'{key} = "{value}"')
    path = tmp_path / "regwatch.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


@pytest.fixture
def run(seeded, tmp_path):
    url = seeded.db.url
    default_cfg = _config(tmp_path, sender="me@example.org")

    def _run(*argv, config=None):
        return main(["--db", url, "--config", config or default_cfg, *argv])

    return _run


def _state(db):
    with db.read() as s:
        states = {st.notice_id: st.exported_at for st in s.scalars(select(UserState))}
        records = [(r.notice_id, r.channel) for r in s.scalars(select(ExportRecord))]
    return states, records


def test_export_csv_writes_file_and_records_without_marking_sent(run, seeded, tmp_path, capsys):
    before, _ = _state(seeded.db)
    out = tmp_path / "flagged.csv"
    assert run("export", "--flagged", "--format", "csv", "--out", str(out)) == 0
    assert f"to {out} as csv" in capsys.readouterr().out
    rows = list(csv.DictReader(io.StringIO(out.read_bytes().decode("utf-8-sig"), newline="")))
    assert len(rows) == 4  # files include items already emailed
    # notes carry their author ("anna: =HYPERLINK…"); no cell starts a formula
    assert any("=HYPERLINK" in r["Note"] for r in rows)
    assert not any(v[:1] in ("=", "+", "-", "@") for r in rows for v in r.values())
    after, records = _state(seeded.db)
    assert after == before  # saving a file is not sending
    assert len(records) == 4 and {c for _, c in records} == {"csv"}


def test_export_xlsx_for_a_topic(run, tmp_path):
    out = tmp_path / "ai.xlsx"
    assert run("export", "--topic", "AI", "--format", "xlsx", "--out", str(out)) == 0
    ws = openpyxl.load_workbook(out).active
    assert ws.max_row == 3
    assert {ws.cell(r, 1).value for r in (2, 3)} == {"AI"}


def test_export_ics_since_a_date(run, seeded, tmp_path):
    out = tmp_path / "deadlines.ics"
    since = seeded.today.replace(day=1).replace(year=seeded.today.year - 1).isoformat()
    assert run("export", "--since", since, "--format", "ics", "--out", str(out)) == 0
    events = Calendar.from_ical(out.read_bytes()).walk("VEVENT")
    assert len(events) == 3  # ai, data (flagged) and std (topic AI); all have deadlines


def test_export_eml_is_a_draft_with_config_recipients(run, tmp_path):
    cfg = _config(tmp_path, sender="me@example.org", to=["team@example.org"])
    out = tmp_path / "digest.eml"
    assert run("export", "--flagged", "--format", "eml", "--out", str(out), config=cfg) == 0
    msg = email.message_from_bytes(out.read_bytes(), policy=policy.default)
    assert msg["X-Unsent"] == "1" and msg["To"] == "team@example.org"
    assert msg.get_body(("html",)) is not None and msg.get_body(("plain",)) is not None


@pytest.mark.parametrize("fmt", ["html", "md"])
def test_export_text_formats(run, tmp_path, fmt):
    out = tmp_path / f"d.{fmt}"
    assert run("export", "--topic", "Data security", "--format", fmt, "--out", str(out)) == 0
    assert "工业和信息化领域数据安全风险评估实施细则" in out.read_text(encoding="utf-8")


def test_export_with_nothing_selected_exits_1_and_writes_nothing(run, seeded, tmp_path, capsys):
    out = tmp_path / "none.csv"
    tomorrow = seeded.today.replace(year=seeded.today.year + 1).isoformat()
    assert run("export", "--since", tomorrow, "--format", "csv", "--out", str(out)) == 1
    assert "nothing to export" in capsys.readouterr().err
    assert not out.exists()


def test_export_ics_without_deadlines_exits_1(run, seeded, tmp_path, capsys):
    assert run("unflag", seeded.urls["ai"], seeded.urls["data"]) == 0
    out = tmp_path / "none.ics"
    assert run("export", "--flagged", "--format", "ics", "--out", str(out)) == 1
    assert "has a comment deadline" in capsys.readouterr().err
    assert not out.exists()


def test_export_needs_exactly_one_selector(run, tmp_path):
    with pytest.raises(SystemExit) as info:
        run("export", "--flagged", "--topic", "AI", "--format", "csv", "--out", "x.csv")
    assert info.value.code == 2
    with pytest.raises(SystemExit):
        run("export", "--since", "2025-13-01", "--format", "csv", "--out", "x.csv")


def test_export_unknown_topic_is_a_usage_error(run, capsys):
    assert run("export", "--topic", "Nope", "--format", "csv", "--out", "x.csv") == 2
    assert "no watch topic named 'Nope'" in capsys.readouterr().err


def test_email_dry_run_prints_and_marks_nothing(run, seeded, tmp_path, capsys):
    cfg = _config(tmp_path, sender="me@example.org", subject="监管动态：{count} 条")
    before = _state(seeded.db)
    assert run("email", "--flagged", "--to", "a@example.org", "--dry-run", config=cfg) == 0
    out = capsys.readouterr().out
    assert "Subject: 监管动态：3 条" in out
    assert "To: a@example.org" in out
    assert "人工智能生成合成内容标识办法" in out and "Measures for Labelling" in out
    assert _state(seeded.db) == before


def test_email_sends_marks_and_then_needs_resend(run, seeded, cert_files, tmp_path, capsys):
    with smtp_server(cert_files) as server:
        cfg = _config(
            tmp_path,
            host=server.host,
            port=server.port,
            security="plain",
            sender="me@example.org",
            cc=["cc@example.org"],
        )
        assert run("email", "--flagged", config=cfg) == 2  # no --to and no email.to
        assert "no recipient" in capsys.readouterr().err
        assert (
            run("email", "--flagged", "--to", "a@example.org", "--to", "b@example.org", config=cfg)
            == 0
        )
        assert "sent 3 items" in capsys.readouterr().out
        (got,) = server.messages
        assert got.rcpt_tos == ["a@example.org", "b@example.org"]  # --to replaces config cc
        assert run("email", "--flagged", "--to", "a@example.org", config=cfg) == 1
        assert "--resend" in capsys.readouterr().err
        assert run("email", "--flagged", "--to", "a@example.org", "--resend", config=cfg) == 0
    assert len(server.messages) == 2
    states, records = _state(seeded.db)
    assert all(v is not None for v in states.values())
    assert {c for _, c in records} == {"email"}


def test_email_overrides_select_starttls(run, seeded, cert_files, tmp_path):
    with smtp_server(cert_files, starttls=True) as server:
        cfg = _config(
            tmp_path, host="unused.example.org", sender="me@example.org", cafile=str(server.cafile)
        )
        code = run(
            "email",
            "--topic",
            "AI",
            "--to",
            "a@example.org",
            "--smtp-host",
            server.host,
            "--smtp-port",
            str(server.port),
            "--starttls",
            config=cfg,
        )
    assert code == 0
    assert len(server.messages) == 1


def test_email_failure_exits_1_and_marks_nothing(run, seeded, tmp_path, capsys):
    cfg = _config(
        tmp_path, host="127.0.0.1", port=free_port(), security="plain", sender="me@example.org"
    )
    before = _state(seeded.db)
    assert run("email", "--flagged", "--to", "a@example.org", config=cfg) == 1
    assert "connection refused" in capsys.readouterr().err
    assert _state(seeded.db) == before


@pytest.mark.parametrize(
    "argv, message",
    [
        (["--to", "a@example.org"], "no SMTP server configured"),
        (
            ["--to", "a@example.org", "--smtp-host", "smtp.example.org", "--plain"],
            "only allowed to localhost",
        ),
        (["--to", "a@example.org\r\nBcc: evil@example.com", "--dry-run"], "line break"),
    ],
)
def test_email_config_errors_exit_2(run, tmp_path, capsys, argv, message):
    cfg = _config(tmp_path, sender="me@example.org")
    assert run("email", "--flagged", *argv, config=cfg) == 2
    assert message in capsys.readouterr().err


def test_email_security_options_are_exclusive(run):
    with pytest.raises(SystemExit):
        run("email", "--flagged", "--to", "a@example.org", "--ssl", "--plain")
