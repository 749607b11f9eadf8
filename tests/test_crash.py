"""Nothing lost: SIGKILL the real server at random moments while clients register and move cases over HTTP.

What it proves: a change the server acknowledged (a 302 after the desk registered a case, a 302 with a success
message after a step on the case page) is in the database after any number of crashes, intact (the case row with
its request, its party, one timeline event and one audit record per step), and no submission is in the database
twice. Submissions the server refused (4xx) left nothing. Requests cut by the kill may or may not have been
committed, but never twice. The server is the real one (`manage.py runserver --noreload`) on a file database: a temp
SQLite file (WAL, synchronous=FULL), or a dedicated PostgreSQL database when DATABASE_URL is PostgreSQL.

CRASH_ROUNDS (default 5) and CRASH_SEED change the rounds and the seeded kill moments. About two minutes on a busy
2-core machine, most of it migrating the fresh database and restarting the server. Run it alone with
`pytest -m crash`; leave it out with `-m "not crash"`.
"""

import collections
import os
import random
import time

import pytest

from .live import LiveSite, lost_changes, prepared_database, start_clients, stop_clients

pytestmark = pytest.mark.crash

ROUNDS = int(os.environ.get("CRASH_ROUNDS", "5"))
SEED = int(os.environ.get("CRASH_SEED", "20261126"))


def test_every_acknowledged_change_survives_sigkill_of_the_server(tmp_path):
    db, ids = prepared_database(tmp_path, "crash")
    site = LiveSite(db, tmp_path)
    try:
        site.start()
        clients, ledger, stop = start_clients(site, ids, SEED)
        rng = random.Random(SEED)
        acked_at_kill = []
        for _round in range(ROUNDS):
            time.sleep(rng.uniform(1.5, 4.0))
            site.kill()
            acked_at_kill.append(len(ledger.acked))
            time.sleep(rng.uniform(0.0, 0.5))
            site.start()
        time.sleep(2.0)
        site.kill()  # the last one too: verification reads what a crash left
        stop_clients(clients, stop)
        lost = lost_changes(db, ledger.acked, ledger.refused)
        audit_chain = site.manage("verify_audit", check=False)  # the hash chain survived the kills too
    finally:
        site.kill()
        db.drop()
    by_action = collections.Counter(a for a, *_rest in ledger.acked)
    print(
        f"\ncrash test ({'PostgreSQL' if db.postgres else 'SQLite'}): {ROUNDS} SIGKILL rounds, "
        f"{len(ledger.attempted)} submissions, {len(ledger.acked)} acknowledged "
        f"({', '.join(f'{a} {n}' for a, n in sorted(by_action.items()))}), {len(ledger.refused)} refused, "
        f"{ledger.no_answer} requests cut off by a kill, changes lost: {len(lost)}; "
        f"verify_audit: {(audit_chain.stdout or audit_chain.stderr).strip().splitlines()[:1]}"
    )
    assert lost == [], "\n".join(lost[:20])
    assert len(ledger.acked) > 20 and ledger.no_answer >= 1, "the clients hardly ran"
    assert all(b > a for a, b in zip([0, *acked_at_kill], acked_at_kill)), "a round acknowledged nothing"
    assert audit_chain.returncode == 0, audit_chain.stdout + audit_chain.stderr
