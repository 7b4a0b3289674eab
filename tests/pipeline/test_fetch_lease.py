"""One fetcher at a time per database (team mode), on SQLite and PostgreSQL.

Two cycles started together make the requests of one (counted on the replay server); a
cycle that finds the lease taken makes no request and says who is fetching; a lease held by
a dead process expires (a controlled clock, no sleeping).
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import threading

from app.cli import main
from storage import lease as fetch_lease
from storage.db import Database
from storage.lease import Lease, this_host

T0 = dt.datetime(2026, 12, 3, 9, 0, tzinfo=dt.UTC)
SOURCE = "govcn"


def test_two_cycles_started_together_make_the_requests_of_one(db_url, server, fetch):
    desks = [Database.open(db_url, user="anna"), Database.open(db_url, user="ben")]
    finished = [threading.Event(), threading.Event()]
    start = threading.Barrier(2)
    reports: list = [None, None]

    def desk(i: int) -> None:
        def hold_until_the_other_is_done(_event) -> None:
            # the winner keeps fetching until the loser's cycle has returned: they overlap
            finished[1 - i].wait(timeout=60)

        start.wait()
        try:
            reports[i] = fetch(desks[i], [SOURCE], progress=hold_until_the_other_is_done)
        finally:
            finished[i].set()

    threads = [threading.Thread(target=desk, args=(i,)) for i in (0, 1)]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=120)
        ran = [r for r in reports if r is not None and r.busy is None]
        skipped = [r for r in reports if r is not None and r.busy is not None]
        assert len(ran) == 1 and len(skipped) == 1
        made = sum(s.requests for s in ran[0].sources)
        assert made > 0 and len(server.requests) == made
        assert skipped[0].sources == []
        winner = "anna" if reports[0] is ran[0] else "ben"
        assert skipped[0].busy_message == f"{winner}@{this_host()} is fetching; skipped"
        # the lease went with the cycle: the next one runs
        server.clear_requests()
        again = fetch(desks[1], [SOURCE])
        assert again.busy is None and len(server.requests) > 0
    finally:
        for d in desks:
            d.close()


def test_cli_fetch_while_another_desktop_fetches_is_skipped_with_exit_0(
    db_url, server, capsys, tmp_path
):
    other = Database.open(db_url, user="anna")
    held = Lease(other, "anna", host="desk-7")
    assert held.acquire()
    try:
        code = main(
            ["--db", db_url, "--user", "ben", "fetch", "--source", SOURCE, "--mirror", server.url]
        )
        out = capsys.readouterr().out
        assert code == 0 and out.strip() == "anna@desk-7 is fetching; skipped"
        assert server.requests == []
    finally:
        held.release()
        other.close()
    after = Database.open(db_url, user="ben")
    try:
        assert Lease(after, "ben").current() is None  # released: the row went with it
    finally:
        after.close()


def test_a_lease_held_by_a_dead_process_expires(db_url):
    a_db, b_db = Database.open(db_url, user="anna"), Database.open(db_url, user="ben")
    now = {"t": T0}
    try:
        anna = Lease(a_db, "anna", ttl=60, clock=lambda: now["t"], host="desk-1")
        assert anna.acquire()
        anna._stop.set()  # anna's process "dies": nobody refreshes her lease any more
        if anna._pg is not None:
            # on PostgreSQL the server drops a dead session's advisory lock with its connection
            anna._pg.invalidate()
            anna._pg = None
        ben = Lease(b_db, "ben", ttl=60, clock=lambda: now["t"], host="desk-2")
        if b_db.dialect != "postgresql":
            now["t"] = T0 + dt.timedelta(seconds=30)
            assert not ben.acquire()
            assert ben.other.holder == "anna@desk-1"
            now["t"] = T0 + dt.timedelta(seconds=61)
        assert ben.acquire()
        assert ben.current().holder == "ben@desk-2"
        ben.release()
        assert ben.current() is None
    finally:
        a_db.close()
        b_db.close()


def test_a_refreshed_lease_does_not_expire_and_a_dead_pid_on_this_host_frees_it(sqlite_db):
    now = {"t": T0}
    anna = Lease(sqlite_db, "anna", ttl=60, clock=lambda: now["t"])
    assert anna.acquire()
    now["t"] = T0 + dt.timedelta(seconds=50)
    assert anna.refresh(progress="2/7 sources done")
    now["t"] = T0 + dt.timedelta(seconds=100)  # past the first expiry, within the refreshed one
    ben = Lease(sqlite_db, "ben", ttl=60, clock=lambda: now["t"])
    assert not ben.acquire() and ben.other.progress == "2/7 sources done"
    anna._stop.set()
    anna.release()

    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    dead = Lease(sqlite_db, "carla", ttl=600, clock=lambda: now["t"], pid=gone.pid)
    assert dead.acquire()
    dead._stop.set()
    assert ben.acquire()  # same host, the holder's process is gone: free at once
    ben.release()


def test_cycles_of_one_desktop_share_its_lease(db):
    first = fetch_lease.enter(db, "anna")
    second = fetch_lease.enter(db, "anna")
    other_db = Database.open(db.url, user="ben")
    try:
        assert first is second and first.other is None
        fetch_lease.leave(second)
        assert fetch_lease.enter(other_db, "ben").other is not None  # still held by the first
        fetch_lease.leave(first)
        taken = fetch_lease.enter(other_db, "ben")
        assert taken.other is None
        fetch_lease.leave(taken)
    finally:
        other_db.close()
