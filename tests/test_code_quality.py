"""Lint and the layering contract run with the test suite, so CI fails when either breaks."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def _run(*argv: str) -> subprocess.CompletedProcess:
    return subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, timeout=300)


def test_ruff_finds_no_problems():
    result = _run(sys.executable, "-m", "ruff", "check", ".")
    assert result.returncode == 0, result.stdout + result.stderr


def test_import_contract_keeps_qt_and_app_out_of_the_ground_floor():
    exe = BIN / "lint-imports"
    result = _run(str(exe)) if exe.exists() else _run(sys.executable, "-m", "importlinter.cli")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: " in result.stdout and " broken" in result.stdout
    assert "0 broken" in result.stdout


def test_every_app_module_has_a_place_in_the_layers_contract():
    """A new top-level module or package of app/ must be placed in a layer (pyproject.toml)."""
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contracts = config["tool"]["importlinter"]["contracts"]
    (layers,) = [c["layers"] for c in contracts if c["type"] == "layers"]
    placed = {name.strip() for layer in layers for name in layer.replace(":", "|").split("|")}
    children = {
        f"app.{p.stem if p.is_file() else p.name}"
        for p in (ROOT / "app").iterdir()
        if (p.suffix == ".py" and p.stem != "__init__") or (p / "__init__.py").exists()
    }
    assert children <= placed, f"not in the layers contract: {sorted(children - placed)}"
    assert {"storage", "scrapers"} <= placed


def test_type_checker_passes_strict_on_scrapers_and_storage():
    """mypy --strict over the packages named in [tool.mypy] (scrapers/ and storage/)."""
    result = _run(sys.executable, "-m", "mypy", "--no-error-summary")
    assert result.returncode == 0, result.stdout + result.stderr
