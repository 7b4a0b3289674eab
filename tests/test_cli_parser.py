"""``regwatch COMMAND`` builds the parser of that command alone, and parses exactly as before."""

from __future__ import annotations

import argparse

import pytest

from app.cli import build_parser, command_in


@pytest.mark.parametrize(
    ("argv", "command"),
    [
        ([], None),
        (["fetch"], "fetch"),
        (["--db", "items", "sources", "--json"], "sources"),  # a value named like a command
        (["--db=x.sqlite3", "fetch", "--source", "cac"], "fetch"),
        (["--conf", "sources", "items"], "items"),  # argparse's unique prefix of --config
        (["--user", "anna", "--config", "c.toml", "read", "https://x"], "read"),
        (["--version"], None),
        (["-h"], None),
        (["--", "export"], "export"),
    ],
)
def test_the_command_is_found_past_the_global_options(argv, command):
    assert command_in(argv) == command


SAMPLES = [
    ["fetch", "--source", "cac", "--mirror", "http://127.0.0.1:9", "--spacing", "0", "--json"],
    ["--db", "sqlite:///x", "items", "--json", "--limit", "5"],
    ["sources", "--json"],
    ["export", "--flagged", "--format", "md", "--out", "d.md"],
    ["topics", "add", "--name", "AI", "--query", "人工智能"],
    ["secrets", "list"],
]


@pytest.mark.parametrize("argv", SAMPLES, ids=lambda a: " ".join(a[:3]))
def test_the_command_alone_parses_like_the_full_parser(argv):
    full = build_parser().parse_args(argv)
    alone = build_parser(command_in(argv)).parse_args(argv)
    assert {k: v for k, v in vars(alone).items() if k != "func"} == {
        k: v for k, v in vars(full).items() if k != "func"
    }
    assert alone.func.__module__ == full.func.__module__


def test_names_that_are_no_module_get_the_full_parser():
    # "read" is one of several commands of app.commands.flag; "nonsense" is nothing.
    for name in ("read", "nonsense", "_args", "../x"):
        parser = build_parser(name)
        subs = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
        assert {"fetch", "read", "items"} <= set(subs.choices)


def test_an_unknown_command_is_a_one_line_error_naming_the_choices(capsys):
    from app.cli import main

    with pytest.raises(SystemExit) as exc:
        main(["nonsense"])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "invalid choice: 'nonsense'" in err and "'fetch'" in err and "'read'" in err
