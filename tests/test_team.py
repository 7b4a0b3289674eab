"""Team mode on one database (SQLite and PostgreSQL): per-user read, attributed flags, status
and notes, the CLI contract (--user, items --json fields, read/unread/note/status), the
migration of a single-user database, and the change feed other desktops read."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import create_engine, text

from app.cli import main
from storage.db import Database, _alembic_config, normalise_url
from storage.feed import ChangeFeed
from tests.seed import SAMPLE, seed

CAC, GOVCN, TC260 = (s["url"] for s in SAMPLE[:3])


def cli(capsys, db_url: str, user: str, *argv: str) -> tuple[int, str, str]:
    code = main(["--db", db_url, "--user", user, *argv])
    out, err = capsys.readouterr()
    return code, out, err


def items(capsys, db_url: str, user: str, *argv: str) -> dict[str, dict]:
    code, out, err = cli(capsys, db_url, user, "items", "--json", *argv)
    assert code == 0, err
    return {r["url"]: r for r in map(json.loads, out.splitlines())}


# ---------------------------------------------------------------------------------------------
# Two (three) users on one database


def test_two_users_keep_separate_read_and_share_attributed_flags_status_notes(db, db_url, capsys):
    seed(db, flag_first=False)
    assert cli(capsys, db_url, "anna", "read", CAC, GOVCN)[0] == 0
    assert cli(capsys, db_url, "ben", "flag", CAC)[0] == 0
    assert cli(capsys, db_url, "anna", "flag", CAC, TC260)[0] == 0
    assert cli(capsys, db_url, "anna", "status", CAC, "escalated")[0] == 0
    assert cli(capsys, db_url, "ben", "note", CAC, "ask TC260 about scope")[0] == 0
    assert cli(capsys, db_url, "anna", "note", CAC, "与欧盟对比")[0] == 0

    anna, ben = items(capsys, db_url, "anna"), items(capsys, db_url, "ben")
    assert anna[CAC]["read"] is True and ben[CAC]["read"] is False
    assert set(items(capsys, db_url, "ben", "--unread")) == {CAC, GOVCN, TC260}
    assert set(items(capsys, db_url, "anna", "--unread")) == {TC260}
    for view in (anna, ben):
        cac = view[CAC]
        assert cac["flagged"] is True and sorted(cac["flagged_by"]) == ["anna", "ben"]
        assert cac["status"] == "escalated" and cac["status_by"] == "anna"
        assert [(n["user"], n["text"]) for n in cac["notes"]] == [
            ("ben", "ask TC260 about scope"),
            ("anna", "与欧盟对比"),
        ]
        assert all(n["at"] for n in cac["notes"])
        assert view[GOVCN]["flagged_by"] == [] and view[GOVCN]["status_by"] is None
        assert view[GOVCN]["notes"] == []

    # unflag removes only the current user's flag: still flagged by ben
    assert cli(capsys, db_url, "anna", "unflag", CAC)[0] == 0
    cac = items(capsys, db_url, "carla")[CAC]
    assert cac["flagged"] is True and cac["flagged_by"] == ["ben"]
    assert cli(capsys, db_url, "ben", "unflag", CAC)[0] == 0
    cac = items(capsys, db_url, "carla")[CAC]
    assert cac["flagged"] is False and cac["flagged_by"] == []
    assert set(items(capsys, db_url, "carla", "--flagged")) == {TC260}

    assert cli(capsys, db_url, "anna", "unread", CAC)[0] == 0
    assert items(capsys, db_url, "anna")[CAC]["read"] is False


def test_user_comes_from_option_then_env_then_config_then_login(
    db, db_url, capsys, monkeypatch, tmp_path
):
    seed(db, flag_first=False)
    cfg = tmp_path / "regwatch.toml"
    cfg.write_text('[general]\nuser = "dora"\n', encoding="utf-8")
    main(["--db", db_url, "--config", str(cfg), "flag", CAC])
    monkeypatch.setenv("REGWATCH_USER", "eve")
    main(["--db", db_url, "--config", str(cfg), "flag", TC260])
    capsys.readouterr()
    rows = items(capsys, db_url, "x")
    assert rows[CAC]["flagged_by"] == ["dora"] and rows[TC260]["flagged_by"] == ["eve"]


def test_a_bad_user_name_or_unknown_url_is_one_sentence_and_changes_nothing(db, db_url, capsys):
    seed(db, flag_first=False)
    code, _, err = cli(capsys, db_url, "a b", "flag", CAC)
    assert code == 2 and "user name" in err and "Traceback" not in err
    code, _, err = cli(capsys, db_url, "anna", "flag", CAC, "https://nowhere.example/x")
    assert code == 2 and "no stored notice has the URL https://nowhere.example/x" in err
    assert items(capsys, db_url, "anna")[CAC]["flagged"] is False  # nothing half-done
    with pytest.raises(SystemExit) as exit_:
        cli(capsys, db_url, "anna", "status", CAC, "urgent")
    assert exit_.value.code == 2 and "invalid choice: 'urgent'" in capsys.readouterr().err


def test_the_single_note_editor_api_edits_only_the_users_own_note(db):
    from app.triage import set_state
    from storage.models import Notice
    from storage.team import own_note

    ids = seed(db, flag_first=False)
    nid = ids[CAC]
    anna = Database.open(db.url, user="anna")
    ben = Database.open(db.url, user="ben")
    try:
        with anna.write() as s:
            set_state(s, [nid], note="first draft")
        with ben.write() as s:
            set_state(s, [nid], note="ben's view")
        with anna.write() as s:
            set_state(s, [nid], note="final")
        with anna.read() as s:
            n = s.get(Notice, nid)
            # an edited note moves to its edit time
            assert [(x.user, x.text) for x in n.notes] == [("ben", "ben's view"), ("anna", "final")]
            assert own_note(n, "anna") == "final" and own_note(n, "ben") == "ben's view"
        with anna.write() as s:
            set_state(s, [nid], note="")  # clearing removes only anna's
        with ben.read() as s:
            assert [(x.user, x.text) for x in s.get(Notice, nid).notes] == [("ben", "ben's view")]
    finally:
        anna.close()
        ben.close()


# ---------------------------------------------------------------------------------------------
# The migration of a single-user database (0004 -> 0005_team)


def _database_at_0004(url: str) -> None:
    from alembic import command

    engine = create_engine(normalise_url(url))
    try:
        with engine.begin() as conn:
            cfg = _alembic_config()
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "0004_report_section")
            notice = (
                "INSERT INTO notices (id, source, channel, channels, url, title, title_en_complete,"
                " title_en_human, issuers, body, attachments, extra, detail_state, first_seen,"
                " last_seen, updated_at, removed) VALUES (:id, 'cac', 'x', '[]', :url, :title,"
                " false, false, '[]', '', '[]', '{}', 'ok', :t, :t, :t, false)"
            )
            state = (
                "INSERT INTO user_state (notice_id, read, flagged, status, note, updated_at,"
                " report_section) VALUES (:id, :read, :flagged, :status, :note, :t, :section)"
            )
            t = "2026-11-20 08:00:00+00:00"
            for i, (read, flagged, status, note) in enumerate(
                [
                    (True, True, "escalated", "brief the lead"),
                    (True, False, "new", ""),
                    (False, True, "closed", "多行\n备注"),
                    (False, False, "new", ""),
                ],
                start=1,
            ):
                conn.execute(
                    text(notice),
                    {"id": i, "url": f"https://www.cac.gov.cn/{i}", "title": f"通知{i}", "t": t},
                )
                conn.execute(
                    text(state),
                    {
                        "id": i,
                        "read": read,
                        "flagged": flagged,
                        "status": status,
                        "note": note,
                        "t": t,
                        "section": "laws" if i == 1 else None,
                    },
                )
            conn.execute(
                text(
                    "INSERT INTO notices (id, source, channel, channels, url, title,"
                    " title_en_complete, title_en_human, issuers, body, attachments, extra,"
                    " detail_state, first_seen, last_seen, updated_at, removed) VALUES (5, 'cac',"
                    " 'x', '[]', 'https://www.cac.gov.cn/5', '通知5', false, false, '[]', '', '[]',"
                    " '{}', 'ok', :t, :t, :t, false)"
                ),
                {"t": t},
            )
    finally:
        engine.dispose()


def test_migration_makes_a_single_user_database_the_first_users_state(db_url, capsys):
    from storage.models import UserState

    _database_at_0004(db_url)
    db = Database.open(db_url, user="anna")
    try:
        assert db.current_revision() == "0005_team"
        with db.read() as s:
            assert s.get(UserState, 1).report_section == "laws"
    finally:
        db.close()
    rows = {r["url"].rsplit("/", 1)[1]: r for r in items(capsys, db_url, "anna").values()}
    assert [k for k in "12345" if rows[k]["read"]] == ["1", "2"]
    assert [k for k in "12345" if rows[k]["flagged"]] == ["1", "3"]
    assert rows["1"]["flagged_by"] == ["anna"] and rows["3"]["flagged_by"] == ["anna"]
    assert rows["1"]["status"] == "escalated" and rows["1"]["status_by"] == "anna"
    assert rows["3"]["status"] == "closed" and rows["2"]["status_by"] is None
    assert rows["4"]["status"] == "new" and rows["5"]["status"] == "new"
    assert [(n["user"], n["text"]) for n in rows["1"]["notes"]] == [("anna", "brief the lead")]
    assert [(n["user"], n["text"]) for n in rows["3"]["notes"]] == [("anna", "多行\n备注")]
    assert rows["3"]["note"] == "多行\n备注" and rows["2"]["notes"] == []
    # a second user starts with nothing read, but sees the team's flags, status and notes
    ben = {r["url"].rsplit("/", 1)[1]: r for r in items(capsys, db_url, "ben").values()}
    assert not any(r["read"] for r in ben.values())
    assert ben["1"]["flagged_by"] == ["anna"] and ben["1"]["notes"][0]["user"] == "anna"


# ---------------------------------------------------------------------------------------------
# The change feed (below the GUI): one connection writes, another receives


def test_a_change_by_one_user_reaches_another_desktops_feed(db):
    from app.triage import set_state

    ids = seed(db, flag_first=False)
    writer = Database.open(db.url, user="anna")
    reader = Database.open(db.url, user="ben")
    feed = ChangeFeed(reader, poll_seconds=0.05)
    try:
        assert feed.poll() is None
        with writer.write() as s:
            set_state(s, [ids[CAC]], flagged=True)
        event = None
        for _ in range(100):  # bounded: each wait returns after a notification or a poll
            event = feed.wait(timeout=0.2)
            if event:
                break
        assert event is not None
        assert event.notice_ids == {ids[CAC]} and event.kinds == {"triage"}
        assert event.users == {"anna"}
        assert feed.poll() is None  # delivered once
        with writer.write() as s:
            set_state(s, [ids[GOVCN]], status="relevant")
            set_state(s, [ids[TC260]], note="see annex")
        event = feed.wait(timeout=0.2) or feed.wait(timeout=0.5)
        assert event is not None and event.notice_ids == {ids[GOVCN], ids[TC260]}
    finally:
        feed.close()
        writer.close()
        reader.close()


def test_a_stopped_feed_returns_nothing(db):
    feed = ChangeFeed(db, poll_seconds=0.01)
    feed.stop()
    assert feed.wait(timeout=0.01) is None
    feed.close()


@pytest.mark.parametrize("keep", [3])
def test_the_change_log_is_pruned_to_the_newest_rows(db, keep):
    from storage.feed import prune
    from storage.models import ChangeRecord
    from storage.team import record_change

    ids = seed(db, flag_first=False)
    with db.write() as s:
        for _ in range(5):
            record_change(s, "triage", [ids[CAC]], "anna")
    with db.write() as s:
        assert prune(s, keep=keep) == 2
        assert s.query(ChangeRecord).count() == keep
