"""The README's command table tells the truth: every command and option it shows exists.

The table is hand-written for readability, so it drifts when options are added or renamed;
this compares it with the real parsers (the same ones ``--help`` prints).
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from app.cli import build_parser

README = Path(__file__).resolve().parents[1] / "README.md"


def _subparsers(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def _options(parser: argparse.ArgumentParser) -> set[str]:
    return {s for a in parser._actions for s in a.option_strings}


def _table_commands(whole_row: bool = False) -> list[str]:
    """The ``regwatch …`` code spans of the command column (or of the whole row)."""
    rows = [
        line
        for line in README.read_text(encoding="utf-8").splitlines()
        if line.startswith("| `regwatch")
    ]
    spans = []
    for row in rows:
        cell = row if whole_row else row.split(" | ")[0]
        spans += re.findall(r"`(regwatch[^`]*)`", cell)
    return spans


def test_every_command_and_option_in_the_readme_table_exists():
    parser = build_parser()
    commands = _subparsers(parser)
    spans = _table_commands()
    assert len(spans) >= 14
    for span in spans:
        words = span.replace("\\|", "|").split()
        if len(words) == 1:
            continue  # bare `regwatch`: the GUI
        name = words[1]
        assert name in commands, f"README shows an unknown command: {span}"
        known = _options(commands[name])
        for sub in _subparsers(commands[name]).values():
            known |= _options(sub)
        for option in re.findall(r"--[a-z][a-z-]*", span):
            assert option in known, (
                f"README shows {option} for 'regwatch {name}', which has no such option"
            )


def test_every_command_is_in_the_readme_table():
    spans = _table_commands(whole_row=True)
    listed = {span.split()[1] for span in spans if len(span.split()) > 1}
    missing = set(_subparsers(build_parser())) - listed
    assert not missing, f"commands missing from the README table: {sorted(missing)}"
