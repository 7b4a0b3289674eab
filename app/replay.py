"""``python -m app.replay``: the replay server now lives in ``app.demo.replay``."""

from __future__ import annotations

if __name__ == "__main__":
    import sys

    from app.demo.replay import main

    sys.exit(main())
