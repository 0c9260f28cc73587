"""Crash safety: a child process commits numbered bank transfers (between 100 accounts, plus a
log row each) and bulk inserts (some large enough to be ingested as sorted files), printing each commit once it returned, and is killed with
SIGKILL at a random moment. Reopened, the database must hold every acknowledged commit, no
partial one, balances that add up, and a secondary index that agrees with its table.

10 trials run in the normal suite; ``make crash`` runs 100 (ALOPEX_CRASH_TRIALS).
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import textwrap
import time

import pytest

import alopex as ax

TRIALS = int(os.environ.get("ALOPEX_CRASH_TRIALS", "10"))
ACCOUNTS = 100
BIG = 60_000  # a bulk insert past the 50,000-row threshold of the sorted-file path

CHILD = textwrap.dedent("""
    import os, sys, random
    import alopex as ax

    def ack(kind, seq):
        # one write(2) of a few bytes: a kill cannot leave half an acknowledgement
        os.write(1, b"%%s %%d\\n" %% (kind, seq))
    path, seed = sys.argv[1], int(sys.argv[2])
    rng = random.Random(seed)
    db = ax.connect(path)
    if "acc" not in db.tables():
        db.sql("CREATE TABLE acc (id INT PRIMARY KEY, bal BIGINT NOT NULL)")
        db.insert("acc", {"id": list(range(%(n)d)), "bal": [1000] * %(n)d})
        db.sql("CREATE TABLE log (seq BIGINT PRIMARY KEY, src INT, dst INT, amt INT)")
        db.sql("CREATE INDEX by_src ON log (src)")
        db.sql("CREATE TABLE bulk (k BIGINT PRIMARY KEY, batch INT)")
    # a bulk insert takes a number but writes no log row: resume after both
    seq = max(db.sql("SELECT COALESCE(MAX(seq), 0) AS m FROM log", eager=True).item(),
              db.sql("SELECT COALESCE(MAX(batch), 0) AS m FROM bulk", eager=True).item())
    print("ready", flush=True)
    while True:
        seq += 1
        if seq %% 25 == 0:
            # every other one is large enough to be written as sorted files the
            # commit ingests (storage.Txn.LoadAppend); the others go through the WAL
            base, n = seq * 100_000, %(big)d if seq %% 50 == 0 else 10_000
            db.insert("bulk", {"k": list(range(base, base + n)), "batch": [seq] * n})
            ack(b"bulk", seq)
            continue
        a, b = rng.sample(range(%(n)d), 2)
        amt = rng.randint(1, 50)
        with db.transaction() as tx:
            tx.sql("UPDATE acc SET bal = bal - ? WHERE id = ?", [amt, a])
            tx.sql("UPDATE acc SET bal = bal + ? WHERE id = ?", [amt, b])
            tx.sql("INSERT INTO log VALUES (?, ?, ?, ?)", [seq, a, b, amt])
        ack(b"tx", seq)
""") % {"n": ACCOUNTS, "big": BIG}


def _check(path: str, acked_tx: set[int], acked_bulk: set[int], before: set[int]) -> set[int]:
    """Checks the database after a kill; ``before`` is the log as the last check saw it.
    Returns the log now."""
    with ax.connect(path) as db:
        assert db.sql("SELECT SUM(bal) AS s FROM acc", eager=True).item() == 1000 * ACCOUNTS
        seqs = set(db.sql("SELECT seq FROM log", eager=True)["seq"].to_list())
        assert acked_tx <= seqs, f"acknowledged commits lost: {sorted(acked_tx - seqs)[:5]}"
        assert before <= seqs, f"commits seen by an earlier check lost: {sorted(before - seqs)[:5]}"
        # of this trial's commits, at most the one in flight at the kill may be
        # there without its acknowledgement (earlier trials each may have left one)
        assert len((seqs - before) - acked_tx) <= 1, sorted((seqs - before) - acked_tx)
        counts = db.sql("SELECT batch, COUNT(*) AS n FROM bulk GROUP BY batch", eager=True)
        got = dict(zip(counts["batch"].to_list(), counts["n"].to_list()))
        # no partial bulk insert
        assert all(n == (BIG if b % 50 == 0 else 10_000) for b, n in got.items()), got
        assert acked_bulk <= set(got)
        # the index agrees with its table, for every source account
        via_index = db.sql("SELECT src, COUNT(*) AS n FROM log WHERE src >= 0 GROUP BY src ORDER BY src", eager=True)
        scan = db.sql("SELECT src, COUNT(*) AS n FROM log GROUP BY src ORDER BY src", eager=True)
        assert via_index.to_dict(as_series=False) == scan.to_dict(as_series=False)
        for src in random.sample(range(ACCOUNTS), 5):
            n_idx = db.sql("SELECT COUNT(*) AS n FROM log WHERE src = ?", [src], eager=True).item()
            n_all = sum(1 for s in db.sql("SELECT src FROM log", eager=True)["src"].to_list() if s == src)
            assert n_idx == n_all
        return seqs


def _run_trial(path: str, trial: int, pause: float, errfile) -> tuple[str, int]:
    """Starts a child (seed ``trial``) on the database, kills it after ``pause`` seconds and
    returns everything it printed and its exit status."""
    child = subprocess.Popen([sys.executable, "-c", CHILD, path, str(trial)],
                             stdout=subprocess.PIPE, stderr=errfile, text=True)
    assert child.stdout is not None
    first = child.stdout.readline()
    if first.startswith("ready"):
        time.sleep(pause)
    os.kill(child.pid, signal.SIGKILL)  # a child that has already exited is a zombie until wait()
    out = first + child.stdout.read()  # the rest, buffered or not
    return out, child.wait()


def _describe(trial: int, pause: float, status: int, out: str, stderr: str) -> str:
    """What a failing trial shows: its seed, when it was killed, how the child ended and
    what it printed."""
    tail = "".join(out.splitlines(keepends=True)[-10:])
    return (f"trial {trial} (child seed {trial}, killed after {pause:.3f}s, exit status {status})"
            f"\n--- child stdout (last lines) ---\n{tail}--- child stderr ---\n{stderr}")


def test_sigkill_loses_no_acknowledged_commit(tmp_path):
    # Each trial starts a child on the same database (reopening what the last
    # kill left), lets it commit for a random while, kills it, and checks.
    path = str(tmp_path / "db")
    rng = random.Random(11)
    acked_tx: set[int] = set()
    acked_bulk: set[int] = set()
    seen: set[int] = set()
    for trial in range(TRIALS):
        pause = rng.uniform(0.05, 0.5)
        with open(tmp_path / f"stderr{trial}.txt", "w+") as err:
            out, status = _run_trial(path, trial, pause, err)
            err.seek(0)
            stderr = err.read()

        what = _describe(trial, pause, status, out, stderr)
        if not out.startswith("ready"):
            pytest.fail(f"the child did not start; {what}")
        if status != -signal.SIGKILL:
            pytest.fail(f"the child ended before it was killed; {what}")
        # only whole lines are acknowledgements; what follows the last newline is not one
        for ln in out.split("\n")[1:-1]:
            kind, _, n = ln.partition(" ")
            if kind not in ("tx", "bulk") or not n.isdigit():
                pytest.fail(f"the child printed {ln!r}, not an acknowledgement; {what}")
            (acked_tx if kind == "tx" else acked_bulk).add(int(n))
        try:
            seen = _check(path, acked_tx, acked_bulk, seen)
        except Exception as e:  # AssertionError or an engine error: show what the child did
            pytest.fail(f"{type(e).__name__}: {e}\n{what}")
    assert acked_tx, "no transaction committed in any trial"
