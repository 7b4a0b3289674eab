"""Test-wide environment: offscreen Qt, a throw-away keyring and user dirs, no real network."""

import os
import tempfile

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("PYTHON_KEYRING_BACKEND", "keyrings.alt.file.PlaintextKeyring")
_tmp_home = tempfile.mkdtemp(prefix="regwatch-test-home-")
for var in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
    os.environ[var] = os.path.join(_tmp_home, var.lower())
for var in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
    os.environ.pop(var, None)
os.environ["NO_PROXY"] = os.environ["no_proxy"] = "127.0.0.1,localhost"
for var in ("REGWATCH_DB", "REGWATCH_CONFIG", "REGWATCH_MIRROR", "REGWATCH_SMTP_PASSWORD"):
    os.environ.pop(var, None)
