"""A key never leaks from a parse, whatever is done to the config around it.

Every vendor's rendered config (the quick start with a distinctive key) is
mutated the way pastes and typos damage configs: lines dropped, duplicated or
swapped, indentation lost, a quote left open, and key keywords mistyped by one
edit (``kee``, ``pre-shared-kee``, ``psksecert``). Whatever the parser makes
of it, no finding message, loss report item or redacted tunnel may hold the
key; the parse never fails with INTERNAL. Vendors are discovered."""

from __future__ import annotations

import json
import random
import re

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from conftest import QUICKSTART, paste_damage
from vpnconf.catalog import vendors
from vpnconf.io import require_site
from vpnconf.parsing import parse_text, parser_modules, to_site_data
from vpnconf.renderer import join_files, render_files

KEY = "Zq7-Leak-Canary-91x"
PARSERS = sorted(parser_modules())


def _source(vendor_id: str) -> str:
    site = require_site(QUICKSTART)
    t = site.tunnels[0]
    t = t.model_copy(update={"pre_shared_key": t.pre_shared_key.__class__(KEY)})
    site = site.model_copy(update={"tunnels": [t]})
    return join_files(render_files(site, t, vendor_id))


def _typo(word: str, rng: random.Random) -> str:
    i = rng.randrange(len(word))
    op = rng.randrange(3)
    if op == 0:  # substitute
        return word[:i] + rng.choice("aeiouxyz") + word[i + 1 :]
    if op == 1 and len(word) > 3:  # delete
        return word[:i] + word[i + 1 :]
    j = min(i + 1, len(word) - 1)  # transpose
    return word[:i] + word[j] + word[i] + word[j + 1 :] if j > i else word + "e"


def mutate(text: str, keywords: list[str], seed: int, steps: int) -> str:
    rng = random.Random(seed)
    lines = text.split("\n")
    for _ in range(steps):
        op = rng.randrange(6)
        i = rng.randrange(len(lines))
        if (damaged := paste_damage(lines, rng, op, i)) is not None:
            lines = damaged
        elif op == 0:  # the last line is kept
            continue
        elif op == 4:
            lines[i] = lines[i] + ' "'
        else:  # mistype (one edit) a key keyword where one stands as a word
            for n, ln in enumerate(lines):
                for kw in keywords:
                    m = re.search(rf"(?<![\w-]){re.escape(kw)}(?![\w-])", ln)
                    if m and KEY in ln and rng.random() < 0.5:
                        lines[n] = ln[: m.start()] + _typo(kw, rng) + ln[m.end() :]
                        break
    return "\n".join(lines)


@pytest.mark.parametrize("vendor_id", PARSERS)
def test_no_mutation_prints_the_key(vendor_id):
    source = _source(vendor_id)
    assert KEY in source
    keywords = [str(k) for k in vendors()[vendor_id].secrets.get("keywords", [])]

    @settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(seed=st.integers(0, 2**32 - 1), steps=st.integers(1, 6))
    def inner(seed, steps):
        text = mutate(source, keywords, seed, steps)
        dev = parse_text(text, "mutated.cfg", vendor_id)
        assert not [f for f in dev.findings if f.rule == "INTERNAL"], [f.text() for f in dev.findings]
        printed = [f.text() for f in dev.findings]
        _, losses = to_site_data(dev)
        printed += [dev.redactor(f.text()) for f in losses]
        printed += [json.dumps(t.redacted(redactor=dev.redactor)) for t in dev.tunnels]
        leaked = [p for p in printed if KEY in p]
        assert not leaked, (text, leaked)

    inner()
