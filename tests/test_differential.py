"""`check --peer` must agree with real negotiation: a fixed-seed run of random
cloud/IDC pairs through check and through two strongSwan daemons."""

from __future__ import annotations

import random

import pytest

from conftest import require_lab
from vpnconf.differential import random_pair, run_pair

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
