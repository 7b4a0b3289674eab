"""Secrets go to a keyring that keeps them safe, or nowhere: ``regwatch secrets`` and Settings.

The session runs with the test-only in-memory keyring (tests/keyring_backend.py); the
refusal cases switch to keyring's real fail and null backends and to keyrings.alt's real
PlaintextKeyring pointed at a file in tmp_path.
"""

from __future__ import annotations

import io
from pathlib import Path

import keyring
import pytest
from keyring.backends import fail, null

from app.cli import main
from tests.keyring_backend import ThrowawayKeyring

ROOT = Path(__file__).resolve().parents[1]
SECRET = "pa55-w0rd!"


@pytest.fixture
def fresh_keyring():
    """A new in-memory keyring for one test; the session's backend is restored afterwards."""
    before = keyring.get_keyring()
    backend = ThrowawayKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(before)


@pytest.fixture
def use_backend():
    before = keyring.get_keyring()
    yield keyring.set_keyring
    keyring.set_keyring(before)


@pytest.fixture
def cfg(tmp_path: Path) -> Path:
    path = tmp_path / "regwatch.toml"
    path.write_text(
        '[email]\nhost = "smtp.example.eu"\nusername = "liaison@example.eu"\n', encoding="utf-8"
    )
    return path


def run(capsys, monkeypatch, argv: list[str], stdin: str | None = None) -> tuple[int, str, str]:
    if stdin is not None:
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    try:
        code = main(argv)
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def one_error(err: str, *words: str) -> None:
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("regwatch: error: "), err
    for word in words:
        assert word in lines[0], f"{word!r} not in {lines[0]!r}"


def test_set_list_delete_smtp_password(capsys, monkeypatch, cfg, fresh_keyring):
    argv = ["--config", str(cfg), "secrets"]
    code, out, err = run(capsys, monkeypatch, [*argv, "set", "smtp"], stdin=SECRET + "\n")
    assert code == 0, err
    assert "liaison@example.eu on smtp.example.eu" in out and SECRET not in out
    assert fresh_keyring.entries == {
        ("regwatch", "smtp:liaison@example.eu@smtp.example.eu"): SECRET
    }

    from app.export.smtp import smtp_password

    assert smtp_password("liaison@example.eu", "smtp.example.eu") == SECRET

    code, out, err = run(capsys, monkeypatch, [*argv, "list"])
    assert code == 0 and SECRET not in out + err
    assert "test-only in-memory keyring" in out  # the backend is named
    assert any(line.startswith("smtp ") and "keyring" in line for line in out.splitlines())

    code, out, _ = run(capsys, monkeypatch, [*argv, "delete", "smtp"])
    assert code == 0 and "deleted" in out and fresh_keyring.entries == {}
    code, out, _ = run(capsys, monkeypatch, [*argv, "delete", "smtp"])
    assert code == 0 and "nothing to delete" in out


def test_set_translation_key_is_what_the_provider_gets(capsys, monkeypatch, cfg, fresh_keyring):
    from app.translation.providers.keys import get_key

    code, _, err = run(
        capsys, monkeypatch, ["--config", str(cfg), "secrets", "set", "translation:deepl"], "k:fx"
    )
    assert code == 0, err
    assert get_key("deepl") == "k:fx"
    code, out, _ = run(capsys, monkeypatch, ["--config", str(cfg), "secrets", "list"])
    assert "translation:deepl" in out and "k:fx" not in out


def test_translation_key_from_the_environment_wins(monkeypatch, fresh_keyring):
    from app.translation.providers.keys import get_key, set_key

    set_key("deepl", "stored")
    monkeypatch.setenv("REGWATCH_DEEPL_KEY", "from-env")
    assert get_key("deepl") == "from-env"


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("smtp:x", ("'smtp:x' is not a secret name", "translation:PROVIDER")),
        ("translation:babel", ("'translation:babel'", "deepl")),
        ("password", ("not a secret name",)),
    ],
)
def test_unknown_secret_name_is_one_sentence(capsys, monkeypatch, cfg, fresh_keyring, name, words):
    code, _, err = run(capsys, monkeypatch, ["--config", str(cfg), "secrets", "set", name], "x")
    assert code == 2
    one_error(err, *words)
    assert fresh_keyring.entries == {}


def test_smtp_password_needs_the_account(capsys, monkeypatch, tmp_path, fresh_keyring):
    bare = tmp_path / "bare.toml"
    bare.write_text("", encoding="utf-8")
    code, _, err = run(capsys, monkeypatch, ["--config", str(bare), "secrets", "set", "smtp"], "x")
    assert code == 2
    one_error(err, "email.host", "email.username")


def test_empty_secret_is_refused(capsys, monkeypatch, cfg, fresh_keyring):
    code, _, err = run(capsys, monkeypatch, ["--config", str(cfg), "secrets", "set", "smtp"], "\n")
    assert code == 2
    one_error(err, "empty", "nothing was stored")
    assert fresh_keyring.entries == {}


def _plaintext(tmp_path: Path):
    from keyrings.alt.file import PlaintextKeyring

    backend = PlaintextKeyring()
    backend.file_path = str(tmp_path / "python_keyring" / "keyring_pass.cfg")
    return backend


@pytest.mark.parametrize(
    ("make", "words"),
    [
        (_plaintext, ("unencrypted", "keyring_pass.cfg")),
        (lambda _: fail.Keyring(), ("no usable keyring",)),
        (lambda _: null.Keyring(), ("discards",)),
    ],
    ids=["plaintext", "fail", "null"],
)
@pytest.mark.parametrize(
    ("name", "env_var"),
    [("smtp", "REGWATCH_SMTP_PASSWORD"), ("translation:openai", "REGWATCH_OPENAI_KEY")],
)
def test_unsafe_keyring_is_refused_before_the_secret_is_read(
    capsys, monkeypatch, cfg, tmp_path, use_backend, make, words, name, env_var
):
    backend = make(tmp_path)
    use_backend(backend)
    stdin = io.StringIO(SECRET)
    monkeypatch.setattr("sys.stdin", stdin)
    code, out, err = run(capsys, monkeypatch, ["--config", str(cfg), "secrets", "set", name])
    assert code == 2 and out == ""
    one_error(err, *words, env_var, "instead")
    assert stdin.tell() == 0  # the secret was not even read
    assert not (tmp_path / "python_keyring").exists()


def test_settings_path_refuses_plaintext_too(tmp_path, use_backend):
    from app.export.smtp import store_smtp_password
    from app.secrets import InsecureKeyring
    from app.translation.providers.keys import set_key

    use_backend(_plaintext(tmp_path))
    with pytest.raises(InsecureKeyring, match="REGWATCH_SMTP_PASSWORD instead"):
        store_smtp_password("me", "smtp.example.eu", SECRET)
    with pytest.raises(InsecureKeyring, match="REGWATCH_DEEPL_KEY instead"):
        set_key("deepl", SECRET)
    assert not (tmp_path / "python_keyring").exists()


def test_list_says_when_the_backend_is_not_used(capsys, monkeypatch, cfg, tmp_path, use_backend):
    use_backend(_plaintext(tmp_path))
    monkeypatch.setenv("REGWATCH_SMTP_PASSWORD", SECRET)
    code, out, _ = run(capsys, monkeypatch, ["--config", str(cfg), "secrets", "list"])
    assert code == 0 and SECRET not in out
    assert "PlaintextKeyring" in out and "not used for storing" in out
    assert "environment REGWATCH_SMTP_PASSWORD" in out


# -- the environments: the user's venv never gets the test-only backends ----------------------


def _ci_venv() -> str:
    text = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    (venv,) = [line.split("=", 1)[1] for line in text.splitlines() if line.startswith("VENV=")]
    return venv


def test_ci_installs_test_extras_into_its_own_venv_not_the_users():
    install = (ROOT / "install.sh").read_text(encoding="utf-8")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "[test]" not in install and ".venv/bin/python -m pip install -q -e ." in install
    venv = _ci_venv()
    assert venv not in (".venv", "./.venv")
    assert '"$VENV/bin/python" -m pip install -q -e ".[test]"' in ci
    assert ".venv/bin" not in ci.replace(f"{venv}/bin", "")


def test_readme_test_command_is_the_one_ci_runs():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").replace("$VENV", _ci_venv())
    marker = "The test command that `.ci/run` runs is `"
    assert marker in readme
    command = readme.split(marker, 1)[1].split("`", 1)[0]
    assert f'"{command.split()[0]}" {" ".join(command.split()[1:])}' in ci
