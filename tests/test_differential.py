"""`check --peer` must agree with real negotiation: a fixed-seed run of random
cloud/IDC pairs through check and through two strongSwan daemons."""

from __future__ import annotations

import random

import pytest

from conftest import require_lab
from vpnconf.differential import random_pair, run_pair
from vpnconf.differential_text import VARIANTS

pytestmark = pytest.mark.lab
SEED, PAIRS = 20261126, 60


def test_check_agrees_with_the_lab():
    require_lab()
    rng = random.Random(SEED)
    disagreements = []
    kinds = set()
    for i in range(PAIRS):
        idc, cloud, diff = random_pair(rng)
        kinds.update(diff)
        kinds.update(f"{k}={v}" for k, v in diff.items() if k in ("proposals", "routing"))
        r = run_pair(idc, cloud)
        if r["predicted"] != r["lab"]:
            disagreements.append((i, diff, r))
    assert disagreements == []
    # the run covered failing and passing pairs of several kinds, the new ones included:
    # proposal lists (reordered, overlapping, disjoint), route-based (static, BGP, BGP with
    # mismatched ASN or inside addresses, route-based against policy-based)
    assert len(kinds) >= 10
    assert {"proposals", "routing"} <= kinds
    assert {"routing=bgp", "routing=static", "proposals=overlap", "proposals=disjoint"} <= kinds, kinds


# ------------------------------------------------------------------ text pairs
# Pairs of swanctl.conf texts written as people write them (vpnconf.differential_text),
# read by the strongSwan parser, predicted by check, run by two daemons.
TEXT_SEED, TEXT_PAIRS = 20261392, 16  # 16 pairs: all 8 kinds, 24 variants, 11 of them mismatches

#: kind=variant -> why its pairs disagree with the lab, while a fix is pending (kept out of
#: the assertion below, never marked as failing; every other variant must agree). Empty:
#: the last ones (IKEv1 on charon's default proposals) agree since vendor.yaml holds
#: charon 5.9.8's defaults as the lab logs them.
PENDING: dict[str, str] = {}
AGREEING = {f"{k}={v}" for k, vs in VARIANTS.items() for v in vs} - set(PENDING)


def test_text_pairs_agree_with_the_lab():
    from vpnconf.differential_text import UNKNOWN, describe, run

    require_lab()
    rows = run(TEXT_PAIRS, TEXT_SEED)
    # every generated text loads into charon: a rewrite that breaks the syntax is the generator's bug
    assert [r["reason"] for r in rows if str(r["reason"]).startswith(("LOAD_FAILED", "START_FAILED"))] == []
    counted = [r for r in rows if {f"{k}={v}" for k, v in r["kinds"].items()} <= AGREEING]
    wrong = [describe(r) for r in counted if r["status"] != "agree"]
    assert wrong == [], "\n\n".join(wrong)
    # the counted pairs are most of the run and exercise both outcomes at both stages
    assert len(counted) >= 12, [r["kinds"] for r in rows if r not in counted]
    assert {r["lab"] for r in counted} >= {("yes", "yes"), ("no", "no")}
    assert any(r["lab"] == ("yes", "no") for r in rows), "no pair failed at the CHILD SA only"
    assert all(r["status"] != UNKNOWN for r in counted)
