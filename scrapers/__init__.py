"""Fetching and parsing the watched sites (no ``app`` or Qt imports).

httpx's own command-line client (``httpx._main``) imports rich, click and pygments whenever
they are installed — they arrive with development tools — and costs more CPU than the rest of
httpx; regwatch never uses it. A ``None`` entry makes that import fail fast, exactly as where
those packages are absent, and httpx installs its stub ``main`` instead. Set here because every
command imports this package before any module that imports httpx.
"""

import sys

sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]  # None blocks the import
