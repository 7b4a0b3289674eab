"""``regwatch topics`` and ``regwatch match`` end to end, through app.cli.main, on real SQLite."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from app.cli import main

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def env(tmp_path, monkeypatch):
    monkeypatch.setenv("REGWATCH_DB", f"sqlite:///{tmp_path / 'db.sqlite3'}")
    monkeypatch.setenv("REGWATCH_CONFIG", str(tmp_path / "regwatch.toml"))
    return tmp_path


def run_cli(*argv: str) -> int:
    return main(list(argv))


def test_topics_add_list_edit_test_export_import_remove(env, capsys):
    assert (
        run_cli(
            "topics",
            "add",
            "--name",
            "Gen AI",
            "--query",
            "生成式人工智能 -征求意见稿",
            "--sources",
            "cac,tc260",
            "--no-notify",
            "--colour",
            "#7c3aed",
        )
        == 0
    )
    assert "added topic 'Gen AI'" in capsys.readouterr().out
    assert run_cli("topics", "list", "--json") == 0
    topics = {t["name"]: t for t in json.loads(capsys.readouterr().out)}
    assert len(topics) > 10  # the defaults were installed on first use
    assert topics["Gen AI"] | {"matches": 0} == {
        "name": "Gen AI",
        "query": "生成式人工智能 -征求意见稿",
        "enabled": True,
        "notify": False,
        "colour": "#7c3aed",
        "sources": ["cac", "tc260"],
        "matches": 0,
    }
    assert run_cli("topics", "edit", "Gen AI", "--query", "大模型", "--disable") == 0
    assert "updated topic 'Gen AI'" in capsys.readouterr().out
    assert run_cli("topics", "test", "大模型", "--json") == 0
    assert json.loads(capsys.readouterr().out)["count"] == 0
    pack = env / "pack.toml"
    assert run_cli("topics", "export", str(pack), "--topic", "Gen AI") == 0
    assert 'query = "大模型"' in pack.read_text("utf-8")
    assert run_cli("topics", "remove", "Gen AI") == 0
    capsys.readouterr()
    assert run_cli("topics", "import", str(pack)) == 0
    assert "1 added" in capsys.readouterr().out
    assert run_cli("topics", "import", str(pack)) == 0
    assert "skipped as they exist (Gen AI)" in capsys.readouterr().out


def test_bad_queries_and_unknown_topics_exit_2_with_a_pointer(env, capsys):
    assert run_cli("topics", "add", "--name", "X", "--query", "title:(人工智能 OR AI") == 2
    err = capsys.readouterr().err
    assert "never closed" in err and "column 18" in err
    assert err.splitlines()[-1].endswith("^")
    assert run_cli("topics", "test", "a OR") == 2
    assert run_cli("topics", "edit", "nope", "--query", "x") == 2
    assert "no topic named 'nope'" in capsys.readouterr().err
    assert run_cli("topics", "import", str(env / "missing.toml")) == 2


LINES = [
    {
        "title": "生成式人工智能服务管理暂行办法",
        "title_en": "Interim Measures for Generative AI Services",
    },
    "not json",
    {"title": "国务院办公厅关于2024年部分节假日安排的通知"},
    ["a", "list"],
    {"title": "人脸识别技术应用安全管理办法", "issuer": ["国家互联网信息办公室"], "extra": 1},
    {"title": {"nested": "object"}},
    {},
]


def _stdin(lines) -> str:
    return "".join(
        (x if isinstance(x, str) else json.dumps(x, ensure_ascii=False)) + "\n" for x in lines
    )


def run_match(env, *args, stdin: str):
    """Run the real console entry in a subprocess: stdin/stdout bytes as a pipeline sees them."""
    return subprocess.run(
        [sys.executable, "-m", "app", "match", *args],
        input=stdin.encode("utf-8"),
        capture_output=True,
        cwd=ROOT,
        timeout=60,
        env={**__import__("os").environ},
    )


def test_match_json_contract_one_line_per_input_line(env):
    proc = run_match(env, "--json", stdin=_stdin(LINES))
    assert proc.returncode == 1
    out = [json.loads(line) for line in proc.stdout.decode("utf-8").splitlines()]
    assert len(out) == len(LINES)
    names = [t["name"] for t in out[0]["topics"]]
    assert "Generative AI & large models" in names
    gen = next(t for t in out[0]["topics"] if t["name"] == "Generative AI & large models")
    assert gen["terms"] == ["生成式人工智能", "generative AI"]
    assert out[1]["line"] == 2 and "not valid JSON" in out[1]["error"]
    assert out[2] == {"topics": []}
    assert out[3] == {"error": "not a JSON object", "line": 4}
    assert [t["name"] for t in out[4]["topics"]] == ["Biometrics & face recognition"]
    assert "field 'title'" in out[5]["error"]
    assert out[6] == {"topics": []}
    assert b"not valid notices" in proc.stderr


def test_match_with_a_topic_pack_and_readable_output(env):
    pack = env / "p.toml"
    pack.write_text(
        'format = "regwatch-topics"\nversion = 1\n[[topics]]\nname = "Faces"\nquery = \'"face recognition"\'\n',
        "utf-8",
    )
    proc = run_match(env, "--topics", str(pack), stdin=_stdin([LINES[4], LINES[0]]))
    assert proc.returncode == 0
    assert proc.stdout.decode("utf-8").splitlines() == ["Faces: 人脸识别", "(no topic)"]
    pack.write_text('format = "regwatch-topics"\nversion = 9\n', "utf-8")
    proc = run_match(env, "--topics", str(pack), stdin="")
    assert proc.returncode == 2 and b"upgrade regwatch" in proc.stderr


def test_match_uses_stored_topics_when_there_are_some(env, capsys):
    assert run_cli("topics", "add", "--name", "Only holidays", "--query", "节假日") == 0
    capsys.readouterr()
    assert run_cli("topics", "list", "--json") == 0
    for name in [t["name"] for t in json.loads(capsys.readouterr().out)]:
        if name != "Only holidays":  # leave only the new topic enabled
            assert run_cli("topics", "edit", name, "--disable") == 0
    proc = run_match(env, "--json", stdin=_stdin([LINES[2], LINES[0]]))
    out = [json.loads(x) for x in proc.stdout.decode().splitlines()]
    assert out == [{"topics": [{"name": "Only holidays", "terms": ["节假日"]}]}, {"topics": []}]
