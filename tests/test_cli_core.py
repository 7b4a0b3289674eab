"""The storage-backed CLI contract: items/sources JSON fields, flag/unflag, clear errors (exit 2)."""

from __future__ import annotations

import json

import pytest

from app.cli import main
from tests.seed import SAMPLE, seed

ITEM_FIELDS = {
    "source",
    "url",
    "title",
    "title_en",
    "issuer",
    "doc_number",
    "written_date",
    "published_date",
    "doc_type",
    "attachments",
    "topics",
    "flagged",
    "status",
    "first_seen",
    "versions",
    "removed",
    "duplicate_of",
    "comment_deadline",
    "plan_code",
    "standard_number",
    "stage",
}
SOURCE_FIELDS = {"key", "state", "last_run", "last_ok", "message", "new_items", "channels"}


def run_cli(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_items_json_prints_the_contract_fields_from_a_seeded_database(db, db_url, capsys):
    seed(db)
    code, out, _ = run_cli(capsys, "--db", db_url, "items", "--json")
    assert code == 0
    records = [json.loads(line) for line in out.splitlines()]
    assert len(records) == len(SAMPLE)
    for rec in records:
        assert ITEM_FIELDS <= rec.keys()
    by_url = {r["url"]: r for r in records}
    cac = by_url[SAMPLE[0]["url"]]
    assert cac["issuer"] == ["国家互联网信息办公室", "国家发展和改革委员会"]
    assert cac["published_date"] == "2023-07-13" and cac["written_date"] == "2023-05-23"
    assert cac["attachments"] == [
        {"name": "办法全文.pdf", "url": "https://www.cac.gov.cn/files/pdf/a.pdf"}
    ]
    assert cac["topics"] == ["Generative AI"] and cac["flagged"] is True
    assert cac["status"] == "relevant" and cac["versions"] == 1
    assert cac["removed"] is False and cac["duplicate_of"] is None
    tc = by_url[SAMPLE[2]["url"]]
    assert (
        tc["comment_deadline"] == "2025-09-02" and tc["flagged"] is False and tc["status"] == "new"
    )
    # newest first
    assert [r["published_date"] for r in records] == sorted(
        (r["published_date"] for r in records), reverse=True
    )


def test_items_filters_by_source_topic_flag_since_and_limit(db, db_url, capsys):
    seed(db)

    def urls(*args: str) -> list[str]:
        code, out, _ = run_cli(capsys, "--db", db_url, "items", "--json", *args)
        assert code == 0
        return [json.loads(line)["url"] for line in out.splitlines()]

    assert urls("--source", "govcn") == [SAMPLE[1]["url"]]
    assert set(urls("--topic", "Generative AI")) == {SAMPLE[0]["url"], SAMPLE[2]["url"]}
    assert urls("--flagged") == [SAMPLE[0]["url"]]
    assert set(urls("--since", "2025-07-01")) == {SAMPLE[1]["url"], SAMPLE[2]["url"]}
    assert len(urls("--limit", "1")) == 1


def test_flag_and_unflag_by_url(db, db_url, capsys):
    seed(db, flag_first=False)
    url = SAMPLE[1]["url"]
    assert run_cli(capsys, "--db", db_url, "flag", url)[0] == 0
    code, out, _ = run_cli(capsys, "--db", db_url, "items", "--json", "--flagged")
    assert [json.loads(x)["url"] for x in out.splitlines()] == [url]
    assert run_cli(capsys, "--db", db_url, "unflag", url)[0] == 0
    assert run_cli(capsys, "--db", db_url, "items", "--json", "--flagged")[1] == ""


def test_flagging_an_unknown_url_is_a_clear_error(db, db_url, capsys):
    code, _, err = run_cli(capsys, "--db", db_url, "flag", "https://example.org/nope")
    assert code == 2 and "no stored notice" in err and "Traceback" not in err


def test_sources_json_lists_every_source_with_health_fields(db, db_url, capsys):
    from scrapers.base import source_keys
    from storage.models import ChannelRecord, SourceRecord

    with db.write() as s:
        s.add(
            SourceRecord(
                key="zz_test",
                state="blocked",
                message="WAF page",
                new_items=0,
                channels=[ChannelRecord(key="c1", state="blocked", message="WAF page")],
            )
        )
    code, out, _ = run_cli(capsys, "--db", db_url, "sources", "--json")
    assert code == 0
    rows = {r["key"]: r for r in map(json.loads, out.splitlines())}
    assert set(source_keys()) <= rows.keys()
    for r in rows.values():
        assert SOURCE_FIELDS <= r.keys()
        assert r["state"] in {"never_run", "ok", "no_new", "broken", "blocked", "error"}
    assert rows["zz_test"]["state"] == "blocked"
    assert rows["zz_test"]["channels"][0]["key"] == "c1"
    assert rows["zz_test"]["channels"][0]["state"] == "blocked"


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["--db", "nosuchdriver://x/y", "items"], "unknown database URL scheme"),
        (["--db", "postgresql://nobody@127.0.0.1:1/regwatch", "items"], "cannot connect"),
    ],
)
def test_database_url_mistakes_exit_2_with_one_sentence(capsys, argv, needle):
    code, _, err = run_cli(capsys, *argv)
    assert code == 2
    assert needle in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        ("[fetch\nspacing = 2", "not valid TOML"),
        ("[fetch]\nspeed = 3\n", "unknown config key 'fetch.speed'"),
        ("[fetch]\nspacing = 'fast'\n", "'fetch.spacing' must be a number"),
        ("[translation]\nprovider = 'babelfish'\n", "'translation.provider' must be one of"),
        (
            "[sources.govcn]\nchannels = { zuixin = 'yes' }\n",
            "'sources.govcn.channels.zuixin' must be true or false",
        ),
    ],
)
def test_bad_config_files_name_the_key_and_exit_2(tmp_path, capsys, content, needle):
    cfg = tmp_path / "regwatch.toml"
    cfg.write_text(content, encoding="utf-8")
    code, _, err = run_cli(capsys, "--config", str(cfg), "items")
    assert code == 2
    assert needle in err and "Traceback" not in err


def test_unreadable_config_exits_2(tmp_path, capsys):
    cfg = tmp_path / "regwatch.toml"
    cfg.write_bytes(b"\xff\xfe\x00garbage")
    code, _, err = run_cli(capsys, "--config", str(cfg), "items")
    assert code == 2 and "config file" in err


def test_first_run_writes_a_commented_default_config_that_loads(tmp_path):
    from app.config import load_config

    path = tmp_path / "cfg" / "regwatch.toml"
    cfg = load_config(path)
    assert path.exists() and "# regwatch configuration" in path.read_text(encoding="utf-8")
    assert cfg.fetch.spacing == 2.0 and cfg.translation.provider == "offline"
    assert load_config(path) == cfg
