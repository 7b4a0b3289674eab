"""``regwatch sources --json`` is a contract: byte-for-byte the output recorded before the health
records became dataclasses (tests/data/sources_json.golden.jsonl)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from app.cli import main
from storage.models import ChannelRecord, SourceRecord

GOLDEN = Path(__file__).parent / "data" / "sources_json.golden.jsonl"
CONFIG = """
[sources.sac]
enabled = false

[sources.govcn.channels]
zuixin = false
gongbao = true
"""


def _seed(db) -> None:
    when = dt.datetime(2026, 3, 1, 8, 30, 15)
    with db.write() as s:
        s.add(
            SourceRecord(
                key="govcn",
                state="degraded",
                message="1 of 3 lists failed: 最新 broken",
                last_run=when,
                last_ok=when - dt.timedelta(days=1),
                new_items=4,
                channels=[
                    ChannelRecord(key="zuixin", state="broken", message="no rows", last_run=when),
                    ChannelRecord(
                        key="gwywj",
                        state="ok",
                        message="",
                        last_run=when,
                        last_ok=when,
                        new_items=4,
                    ),
                    ChannelRecord(key="retired_list", state="ok", message="", last_run=when),
                ],
            )
        )
        s.add(
            SourceRecord(
                key="zz_retired",
                state="blocked",
                message="WAF page",
                last_run=when.replace(tzinfo=dt.UTC),
                channels=[ChannelRecord(key="c1", state="blocked", message="WAF page")],
            )
        )


def test_sources_json_output_is_unchanged(db, db_url, capsys, tmp_path):
    _seed(db)
    cfg = tmp_path / "config.toml"
    cfg.write_text(CONFIG, encoding="utf-8")
    assert main(["--db", db_url, "--config", str(cfg), "sources", "--json"]) == 0
    out = capsys.readouterr().out
    assert out == GOLDEN.read_text(encoding="utf-8")


def test_sources_text_output_names_state_last_run_and_message(db, db_url, capsys, tmp_path):
    _seed(db)
    assert main(["--db", db_url, "sources"]) == 0
    out = capsys.readouterr().out
    assert "govcn      degraded   last run 2026-03-01T08:30:15+00:00  new 4\n" in out
    assert "           1 of 3 lists failed: 最新 broken\n" in out
    assert "cac        never_run  last run never  new 0\n" in out


def test_source_health_service_returns_typed_records(db):
    from app.source_health import ChannelHealth, SourceHealth, source_health

    _seed(db)
    with db.read() as s:
        rows = {h.key: h for h in source_health(s)}
    gov = rows["govcn"]
    assert isinstance(gov, SourceHealth) and all(isinstance(c, ChannelHealth) for c in gov.channels)
    assert gov.last_run == dt.datetime(2026, 3, 1, 8, 30, 15) and gov.new_items == 4
    assert [c.key for c in gov.channels][-1] == "retired_list"  # unregistered channels last
    assert rows["zz_retired"].name == "zz_retired" and rows["cac"].state == "never_run"
