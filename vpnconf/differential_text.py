"""Text-level differential: pairs of swanctl.conf texts written the way
strongSwan's documentation writes them (settings left to their defaults,
``dynamic`` selectors, several algorithms per proposal, wildcard identities,
AH, encoded keys, curve25519 and ECP groups), each read back with vpnconf's
strongSwan parser and predicted by ``check --peer``, then run as they are by
two strongSwan daemons in the lab (the judge).

    python -m vpnconf.differential --text --pairs 120 --seed 7

Each pair starts from a rendered lab pair (``lab_configs``) and rewrites its
text; it records its kinds (``kind=variant``). Per stage (IKE SA, CHILD SA) a
prediction is "yes", "no" or "cannot tell"; a pair with a "cannot tell" is
counted apart (neither agreement nor disagreement).
"""

from __future__ import annotations

import argparse
import base64
import copy
import json
import random
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .differential import BASE

#: a stage's prediction or outcome
YES, NO, UNKNOWN = "yes", "no", "cannot tell"
#: check itself raised (a bug): neither a prediction nor "cannot tell"
CHECK_FAILED = "check failed"

IDC_INNER, CLOUD_INNER = "10.0.1.1/24", "192.168.1.1/24"
KEY, OTHER_KEY = "Shared-Key-1", "Other-Key-2"
#: a key of bytes that are not printable text (only 0x/0s can spell it)
BINARY_KEY = bytes(range(0x80, 0x94))
BINARY_OTHER = bytes(range(0xA0, 0xB4))

Text = list[str]  # [idc text, cloud text]


# ------------------------------------------------------------ text edits
def _key_re(key: str) -> re.Pattern[str]:
    return re.compile(rf"^([ \t]*){re.escape(key)} = .*\n", re.MULTILINE)


def _set(text: str, key: str, value: str) -> str:
    """``key = value`` where the text sets ``key`` (exactly once)."""
    out, n = _key_re(key).subn(lambda m: f"{m.group(1)}{key} = {value}\n", text)
    if n != 1:
        raise ValueError(f"{key} is set {n} times in the rendered text")
    return out


def _drop(text: str, key: str) -> str:
    """The text without its ``key = ...`` line: strongSwan's default applies."""
    out, n = _key_re(key).subn("", text)
    if n != 1:
        raise ValueError(f"{key} is set {n} times in the rendered text")
    return out


def _set_id(text: str, section: str, value: str) -> str:
    """``id`` of the connection's ``local`` or ``remote`` section."""
    pat = re.compile(rf"^([ \t]*{section} \{{\n(?:[ \t]*(?!id )\w+ = .*\n)*[ \t]*id = ).*\n", re.MULTILINE)
    out, n = pat.subn(lambda m: f"{m.group(1)}{value}\n", text)
    if n != 1:
        raise ValueError(f"no {section} id in the rendered text")
    return out


def _rename(text: str, key: str, new_key: str, value: str) -> str:
    """The ``key = ...`` line turned into ``new_key = value`` (same place, same indentation)."""
    out, n = _key_re(key).subn(lambda m: f"{m.group(1)}{new_key} = {value}\n", text)
    if n != 1:
        raise ValueError(f"{key} is set {n} times in the rendered text")
    return out


def _secret(text: str, value: str) -> str:
    return _set(text, "secret", value)


def _hex(key: bytes) -> str:
    return "0x" + key.hex()


def _b64(key: bytes) -> str:
    return "0s" + base64.b64encode(key).decode()


# ------------------------------------------------------------ the kinds
# Each kind rewrites [idc, cloud] and returns its variant (one of VARIANTS[kind]).
#: kind -> its variants; a variant whose name holds "mismatch" is meant to fail
#: (the lab decides what actually happens)
VARIANTS: dict[str, tuple[str, ...]] = {
    "proposals-unset": (
        "ike-both",
        "esp-both",
        "all-both",
        "ike-one",
        "ike-one-aead",
        "ike-one-mismatch",
        "esp-one",
        "esp-one-aead",
        "esp-one-mismatch",
    ),
    "default-in-list": ("ike-own", "ike-default", "ike-mismatch", "esp-own", "esp-default", "esp-mismatch"),
    "several-algorithms": ("ike-first", "ike-last", "ike-mismatch", "esp-first", "esp-last", "esp-mismatch"),
    "groups": (
        "x25519-curve25519",
        "ecp384",
        "ecp-mismatch",
        "x25519-mismatch",
        "esp-pfs-x25519",
        "esp-pfs-mismatch",
    ),
    "ah": ("both", "one-mismatch", "both-mismatch"),
    "selectors": (
        "unset-both",
        "dynamic-both",
        "unset-one-mismatch",
        "dynamic-one",
        "dynamic-one-mismatch",
        "list",
        "list-mismatch",
    ),
    "wildcard-id": ("wildcard", "any", "at-fqdn", "wildcard-mismatch"),
    "encoded-key": (
        "hex",
        "base64",
        "hex-quoted",
        "hex-mismatch",
        "base64-mismatch",
        "binary",
        "binary-mismatch",
    ),
}


def _proposals_unset(t: Text, rng: random.Random) -> str:
    """proposals / esp_proposals left out (strongSwan's built-in defaults)."""
    v = rng.choice(VARIANTS["proposals-unset"])
    if v.startswith(("ike-both", "all-both")):
        t[:] = [_drop(x, "proposals") for x in t]
    if v.startswith(("esp-both", "all-both")):
        t[:] = [_drop(x, "esp_proposals") for x in t]
    # the other end: outside the defaults, in them, or an AEAD proposal (IKE: IKEv2 only)
    other = {
        "ike-one": "aes128-sha256-x25519",
        "ike-one-aead": "aes256gcm16-prfsha256-ecp256",
        "ike-one-mismatch": "3des-md5-modp1024",
        "esp-one": "aes128-sha256",
        "esp-one-aead": "aes256gcm16",
        "esp-one-mismatch": "3des-md5",
    }
    if v.startswith("ike-one"):
        t[0], t[1] = _drop(t[0], "proposals"), _set(t[1], "proposals", other[v])
    if v.startswith("esp-one"):
        t[0], t[1] = _drop(t[0], "esp_proposals"), _set(t[1], "esp_proposals", other[v])
    return v


def _default_in_list(t: Text, rng: random.Random) -> str:
    """``default`` inside a proposal list: the built-in proposals after one's own."""
    v = rng.choice(VARIANTS["default-in-list"])
    key = "proposals" if v.startswith("ike") else "esp_proposals"
    own, in_default, outside = (
        ("aes256-sha384-modp3072", "aes128-sha256-x25519", "3des-md5-modp1024")
        if key == "proposals"
        else ("aes256-sha384", "aes128-sha256", "3des-md5")
    )
    t[0] = _set(t[0], key, f"{own}, default")
    t[1] = _set(t[1], key, {"own": own, "default": in_default, "mismatch": outside}[v.split("-")[1]])
    return v


def _selectors(t: Text, rng: random.Random) -> str:
    """local_ts/remote_ts left out or ``dynamic``: host to host between the outer
    addresses; or a list of subnets on the IDC, the cloud naming the first or none
    (IKEv2 narrows to what both hold, IKEv1 negotiates the first pair only)."""
    v = rng.choice(VARIANTS["selectors"])
    if v.startswith("list"):
        t[0] = _set(t[0], "local_ts", "10.0.2.0/24, 10.0.3.0/24" if "mismatch" in v else "10.0.1.0/24, 10.0.2.0/24")
    elif v == "unset-both" or v == "unset-one-mismatch":
        for i in (0, 1) if v == "unset-both" else (0,):
            t[i] = _drop(_drop(t[i], "local_ts"), "remote_ts")
    elif v == "dynamic-both":
        t[:] = [_set(_set(x, "local_ts", "dynamic"), "remote_ts", "dynamic") for x in t]
    else:
        # the IDC's own side is its outer address; the cloud names it (or not)
        t[0] = _set(t[0], "local_ts", "dynamic")
        if v == "dynamic-one":
            t[1] = _set(t[1], "remote_ts", "198.18.0.2/32")
    return v


def _several_algorithms(t: Text, rng: random.Random) -> str:
    """One proposal with several algorithms per type against a single one."""
    v = rng.choice(VARIANTS["several-algorithms"])
    if v.startswith("ike"):
        t[0] = _set(t[0], "proposals", "aes256-aes128-sha256-sha1-modp2048-ecp256")
        other = {"first": "aes256-sha256-modp2048", "last": "aes128-sha1-ecp256", "mismatch": "aes128-sha1-modp3072"}
        t[1] = _set(t[1], "proposals", other[v.split("-")[1]])
    else:
        t[0] = _set(t[0], "esp_proposals", "aes256-aes128-sha256-sha1")
        other = {"first": "aes256-sha256", "last": "aes128-sha1", "mismatch": "aes128-md5"}
        t[1] = _set(t[1], "esp_proposals", other[v.split("-")[1]])
    return v


def _wildcard_id(t: Text, rng: random.Random) -> str:
    """The cloud accepts a wildcard (or %any) identity; the IDC sends an FQDN
    (``@`` before it: an FQDN whatever it looks like)."""
    v = rng.choice(VARIANTS["wildcard-id"])
    sent = "vpn.example.com" if "mismatch" in v else "vpn.example.org"
    t[0] = _set(_set_id(t[0], "local", "@" + sent if v == "at-fqdn" else sent), "id-local", sent)
    t[1] = _set_id(t[1], "remote", "%any" if v == "any" else "*.example.org")
    t[1] = _drop(t[1], "id-remote")  # the secret is the cloud's for whoever the peer is
    return v


def _ah(t: Text, rng: random.Random) -> str:
    """AH instead of ESP on both ends, or on one only."""
    v = rng.choice(VARIANTS["ah"])
    t[0] = _rename(t[0], "esp_proposals", "ah_proposals", "sha256-modp2048")
    if v != "one-mismatch":
        t[1] = _rename(t[1], "esp_proposals", "ah_proposals", "sha1-modp2048" if "mismatch" in v else "sha256-modp2048")
    return v


def _encoded_key(t: Text, rng: random.Random) -> str:
    """The pre-shared key spelled 0x (hex) or 0s (base64), of the same key or another."""
    v = rng.choice(VARIANTS["encoded-key"])
    if v.startswith("binary"):
        t[0] = _secret(t[0], _hex(BINARY_KEY))
        t[1] = _secret(t[1], _b64(BINARY_OTHER if "mismatch" in v else BINARY_KEY))
        return v
    key = (OTHER_KEY if "mismatch" in v else KEY).encode()
    spelled = _hex(key) if v.startswith("hex") else _b64(key)
    t[0] = _secret(t[0], f'"{spelled}"' if "quoted" in v else spelled)
    return v


def _groups(t: Text, rng: random.Random) -> str:
    """curve25519 (x25519 is its other name) and ECP groups in the IKE proposal,
    or as the PFS group of the ESP proposal (IKEv1 quick mode negotiates it; IKEv2
    keys the first CHILD SA from the IKE SA, so a PFS mismatch waits for the rekey)."""
    v = rng.choice(VARIANTS["groups"])
    a, b = {
        "x25519-curve25519": ("aes256-sha256-x25519", "aes256-sha256-curve25519"),
        "ecp384": ("aes256-sha384-ecp384", "aes256-sha384-ecp384"),
        "ecp-mismatch": ("aes128-sha256-ecp256", "aes128-sha256-ecp384"),
        "x25519-mismatch": ("aes128-sha256-x25519", "aes128-sha256-ecp256"),
        "esp-pfs-x25519": ("aes128-sha256-x25519", "aes128-sha256-curve25519"),
        "esp-pfs-mismatch": ("aes128-sha256-x25519", "aes128-sha256-ecp256"),
    }[v]
    key = "esp_proposals" if v.startswith("esp") else "proposals"
    t[0], t[1] = _set(t[0], key, a), _set(t[1], key, b)
    return v


#: kind -> (area, rewrite); a pair takes one kind, sometimes a second of another area
KINDS: dict[str, tuple[str, Callable[[Text, random.Random], str]]] = {
    "proposals-unset": ("proposals", _proposals_unset),
    "default-in-list": ("proposals", _default_in_list),
    "several-algorithms": ("proposals", _several_algorithms),
    "groups": ("proposals", _groups),
    "ah": ("proposals", _ah),
    "selectors": ("selectors", _selectors),
    "wildcard-id": ("identity", _wildcard_id),
    "encoded-key": ("key", _encoded_key),
}


def text_pair(rng: random.Random) -> tuple[str, str, dict[str, str]]:
    """(idc swanctl.conf, cloud swanctl.conf, kind -> variant)."""
    from .lab import lab_configs
    from .model import Site

    data = copy.deepcopy(BASE)
    t = data["tunnels"][0]
    t["ike"].update(version=rng.choice([1, 2]), encryption=rng.choice(["aes128", "aes256"]))
    t["ike"]["integrity"] = rng.choice(["sha1", "sha256"])
    t["ipsec"].update(encryption=rng.choice(["aes128", "aes256"]), integrity=rng.choice(["sha1", "sha256"]))
    site = Site.model_validate(data)
    idc, cloud, _ = lab_configs(site, site.tunnels[0])
    texts = [idc, cloud]
    names = list(KINDS)
    first = rng.choice(names)
    kinds = {first: KINDS[first][1](texts, rng)}
    if rng.random() < 0.3:
        second = rng.choice([k for k in names if KINDS[k][0] != KINDS[first][0]])
        kinds[second] = KINDS[second][1](texts, rng)
    return texts[0], texts[1], kinds


# ------------------------------------------------------------ prediction
def _verdict(v: Any) -> str:
    """One stage's prediction as "yes", "no" or "cannot tell": check's booleans
    today, a per-stage verdict (a string or an enum of one) once it has one."""
    if v is True:
        return YES
    if v is False:
        return NO
    if v is None:
        return UNKNOWN
    s = str(getattr(v, "value", v)).strip().lower().replace("_", " ").replace("-", " ")
    if s in ("yes", "true", "establishes", "up"):
        return YES
    if s in ("no", "false", "fails", "down"):
        return NO
    return UNKNOWN


def predict(findings: list[Any], a: Any = None, b: Any = None) -> tuple[tuple[str, str], list[str]]:
    """((IKE SA, CHILD SA) predictions, what check could not tell) from
    check_peer's findings on ends ``a`` (idc) and ``b`` (cloud): through
    ``compat.verdict`` (a per-stage verdict, "cannot tell" its third value)
    where compat has one, else ``compat.establishes``' booleans."""
    from . import compat

    unknown: list[str] = []
    verdict = getattr(compat, "verdict", None)
    if callable(verdict):
        try:
            v = verdict(findings, a, b, "idc", "cloud")
        except TypeError:  # a verdict of the findings alone
            v = verdict(findings)
        ike, child = v["ike"], v["child"]
        for stage, sv in (("IKE", ike), ("CHILD", child)):
            unknown += [f"{stage}: {u}" for u in getattr(sv, "unknown", None) or []]
        ike, child = getattr(ike, "value", ike), getattr(child, "value", child)
    else:
        ike, child = compat.establishes(findings)[:2]
    pi, pc = _verdict(ike), _verdict(child)
    if pi == NO:
        pc = NO  # no IKE SA, no CHILD SA
    return (pi, pc), unknown


def redact(text: str, redactor: Callable[[str], str] | None = None) -> str:
    """A text for a report: no key in it (the device's redactor, then every secret line)."""
    if redactor is not None:
        text = redactor(text)
    return re.sub(r"^([ \t]*secret = ).*$", r"\1<redacted>", text, flags=re.MULTILINE)


def predict_texts(idc: str, cloud: str) -> dict[str, Any]:
    """check_peer on the two texts as vpnconf's strongSwan parser reads them:
    the (IKE SA, CHILD SA) prediction, check's findings and the parser's notes
    (warnings and errors), every string through both texts' redactors."""
    from .catalog import lab_vendor
    from .compat import check_peer
    from .parsing import parse_text

    vid = lab_vendor().id
    di, dc = parse_text(idc, "idc/swanctl.conf", vid), parse_text(cloud, "cloud/swanctl.conf", vid)

    def hide(text: str) -> str:
        return redact(dc.redactor(di.redactor(text)))

    notes = [f.text() for d in (di, dc) for f in d.findings if f.severity != "info"]
    predicted: tuple[str, str] = (UNKNOWN, UNKNOWN)
    findings: list[str] = []
    if di.tunnels and dc.tunnels:
        try:
            pred = check_peer(
                di.tunnels[0], dc.tunnels[0], a_vendor=vid, b_vendor=vid, a_name="idc", b_name="cloud", initiator="a"
            )
            predicted, unknown = predict(pred, di.tunnels[0], dc.tunnels[0])
            notes += [f"check cannot tell: {u}" for u in unknown]
            findings = [f"{f.rule}({f.severity}): {f.message}" for f in pred if f.severity != "info"]
        except Exception as exc:  # check under change by others: a failure is reported, the run goes on
            predicted = (CHECK_FAILED, CHECK_FAILED)
            notes.append(f"check_peer failed: {type(exc).__name__}: {exc}")
    else:
        notes.append("the parser read no tunnel: check cannot tell")
    return {
        "predicted": predicted,
        "findings": [hide(f) for f in findings],
        "notes": [hide(n) for n in notes],
        "texts": {"idc": hide(idc), "cloud": hide(cloud)},
        "hide": hide,
    }


def run_text_pair(idc: str, cloud: str, timeout: float = 8.0) -> dict[str, Any]:
    """check_peer on the two parsed texts, and the two texts in the lab."""
    from .lab import CLOUD_OUTER, IDC_OUTER
    from .labnet import LabEnd, run_lab

    p = predict_texts(idc, cloud)
    hide = p.pop("hide")
    res = run_lab(
        LabEnd("idc", IDC_OUTER, idc, [IDC_INNER]),
        LabEnd("cloud", CLOUD_OUTER, cloud, [CLOUD_INNER]),
        connection="t",
        children=["t-1"],
        pings={},  # host-to-host selectors carry no inner traffic: the CHILD_SA is judged installed or not
        timeout=timeout,
    )
    lab_child = bool(res.children) and all(c.established for c in res.children)
    lab_note = None
    if not lab_child and res.ike_established:
        lab_note = _negotiated_not_installable(res.reason, res.log_excerpt, idc)
        # the CHILD SA negotiation, which is what check predicts, succeeded
        lab_child = lab_note is not None
    lab = (YES if res.ike_established else NO, YES if lab_child else NO)
    return {
        **p,
        "lab": lab,
        "status": status(p["predicted"], lab),
        "reason": res.reason,
        "lab_note": lab_note,
        "log": [hide(ln) for ln in res.log_excerpt[-6:]],
        "proposals": {"ike": res.ike_proposal, "esp": sorted(set(res.esp_proposals.values()))},
    }


def _negotiated_not_installable(reason: str | None, log: list[str], idc: str) -> str | None:
    """Why a CHILD SA that both daemons negotiated could not be installed by the
    lab's IPsec stack (kernel-libipsec), or None when it failed otherwise:

    - AH: the responder (the cloud) selected an AH proposal, then an end failed
      to install it: kernel-libipsec implements ESP only ("failed to create SAD
      entry", "unable to install inbound and outbound IPsec SA (SAD)");
    - selectors holding an outer (IKE) address (``dynamic``, left out, or the
      address itself): kernel-libipsec routes the CHILD SA's remote selector into
      its TUN device and refuses a route that would carry the IKE traffic too
      ("can't install route ... conflicts with IKE traffic", logged as "unable
      to install IPsec policies (SPD)")."""
    if not (reason or "").startswith("KERNEL_INSTALL_FAILED"):
        return None
    ah = any(ln.startswith("[cloud]") and "selected proposal: AH:" in ln for ln in log)
    sad = any("unable to install inbound and outbound IPsec SA (SAD)" in ln for ln in log)
    if ah and sad:
        return "AH negotiated (the responder selected it); the lab's kernel-libipsec cannot install AH SAs"
    spd = any("unable to install IPsec policies (SPD)" in ln for ln in log)
    esp = any("selected proposal: ESP:" in ln for ln in log)
    if spd and esp and _outer_selectors(idc):
        return (
            "negotiated; the selectors hold the IKE addresses, which the lab's kernel-libipsec "
            "cannot route into its TUN device (conflicts with IKE traffic)"
        )
    return None


def _outer_selectors(text: str) -> bool:
    """The IDC text's CHILD selectors name its outer addresses (left out, ``dynamic`` or the address)."""
    from .lab import CLOUD_OUTER, IDC_OUTER

    for key, outer in (("local_ts", IDC_OUTER), ("remote_ts", CLOUD_OUTER)):
        m = _key_re(key).search(text)
        value = m.group(0).split("=", 1)[1].strip() if m else "dynamic"
        if value in ("dynamic", "%dynamic", outer, f"{outer}/32"):
            return True
    return False


def status(predicted: tuple[str, str], lab: tuple[str, str]) -> str:
    """ "agree", "disagree" or "cannot tell" (some stage predicted so; a stage
    that is a certain disagreement still makes the pair a disagreement)."""
    if CHECK_FAILED in predicted:
        return CHECK_FAILED
    known = [(p, r) for p, r in zip(predicted, lab, strict=True) if p != UNKNOWN]
    if any(p != r for p, r in known):
        return "disagree"
    return "agree" if len(known) == len(lab) else UNKNOWN


def per_kind(rows: list[dict[str, Any]], variants: bool = True) -> dict[str, dict[str, int]]:
    """kind=variant (or kind, ``variants=False``) -> {"pairs", "agree", "disagree",
    "cannot tell", "check failed"} (a pair counts for each of its kinds)."""
    out: dict[str, dict[str, int]] = {}
    for r in rows:
        for k, v in r["kinds"].items():
            key = f"{k}={v}" if variants else k
            c = out.setdefault(key, {"pairs": 0, "agree": 0, "disagree": 0, UNKNOWN: 0, CHECK_FAILED: 0})
            c["pairs"] += 1
            c[r["status"]] += 1
    return out


def describe(row: dict[str, Any]) -> str:
    """A disagreement for the report: kinds, both stages, the lab's reason, the redacted texts."""
    kinds = ", ".join(f"{k}={v}" for k, v in row["kinds"].items())
    lines = [
        f"#{row['i']} [{kinds}] predicted IKE {row['predicted'][0]}, CHILD {row['predicted'][1]}; "
        f"lab IKE {row['lab'][0]}, CHILD {row['lab'][1]} ({row['reason'] or 'ok'})"
        + (f" [{row['lab_note']}]" if row.get("lab_note") else "")
        + (f" (run twice: the first run failed with {row['retried']})" if row.get("retried") else ""),
        *(f"  check: {f}" for f in row["findings"]),
        *(f"  parse: {n}" for n in row["notes"]),
        *(f"  lab: {ln}" for ln in row["log"]),
    ]
    for end in ("idc", "cloud"):
        body = row["texts"][end].split("connections {", 1)[-1].split("# Steps left", 1)[0]
        lines.append(f"  --- {end} swanctl.conf (comments cut, key redacted)")
        lines += [f"  | {ln}" for ln in ("connections {" + body).rstrip().splitlines()]
    return "\n".join(lines)


#: lab failures whose logs name no cause (a daemon too slow on a loaded machine, say):
#: a disagreement with one of them is run once more before it is counted
UNEXPLAINED = ("IKE_FAILED", "CHILD_FAILED", "timeout")


def run(pairs: int, seed: int, timeout: float = 8.0) -> list[dict[str, Any]]:
    """``pairs`` text pairs of ``seed``, each predicted and run in the lab."""
    rng = random.Random(seed)
    rows = []
    for i in range(pairs):
        idc, cloud, kinds = text_pair(rng)
        t0 = time.monotonic()
        r = run_text_pair(idc, cloud, timeout)
        retried = None
        if r["status"] == "disagree" and r["reason"] in UNEXPLAINED:
            retried = r["reason"]
            r = run_text_pair(idc, cloud, timeout)
        rows.append({"i": i, "kinds": kinds, **r, "retried": retried, "seconds": round(time.monotonic() - t0, 2)})
    return rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m vpnconf.differential --text")
    ap.add_argument("--text", action="store_true", help="(accepted: this is the text-level differential)")
    ap.add_argument("--pairs", type=int, default=120)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--timeout", type=float, default=8.0)
    ap.add_argument("--report", type=Path, help="every pair as JSON (texts with keys redacted)")
    a = ap.parse_args(argv)
    if a.pairs < 1:
        print("differential: --pairs must be at least 1", file=sys.stderr)
        return 2
    if a.report:
        try:  # before the run, not after it
            a.report.write_text("[]")
        except OSError as exc:
            print(f"differential: cannot write the report {a.report}: {exc.strerror or exc}", file=sys.stderr)
            return 2
    t0 = time.monotonic()
    from .findings import VpnconfError
    from .labnet import LabUnavailable

    try:
        rows = run(a.pairs, a.seed, a.timeout)
    except (LabUnavailable, VpnconfError) as exc:
        print(f"differential: lab unavailable: {exc}", file=sys.stderr)
        return 2
    if a.report:
        a.report.write_text(json.dumps(rows, indent=1, default=str))
    for r in rows:
        if r["status"] in ("disagree", CHECK_FAILED):
            print(("DISAGREE " if r["status"] == "disagree" else "CHECK FAILED ") + describe(r), file=sys.stderr)
    count = {s: sum(r["status"] == s for r in rows) for s in ("agree", "disagree", UNKNOWN, CHECK_FAILED)}
    decided = count["agree"] + count["disagree"]
    print(
        f"text differential: seed {a.seed}, {a.pairs} pairs in {time.monotonic() - t0:.0f} s: "
        f"agree {count['agree']}, disagree {count['disagree']}, cannot tell {count[UNKNOWN]}"
        + (f", check failed {count[CHECK_FAILED]}" if count[CHECK_FAILED] else "")
        + (f"; agreement {count['agree']}/{decided} = {count['agree'] / decided:.1%} of decided" if decided else "")
    )
    for n, stage in enumerate(("IKE SA", "CHILD SA")):
        told = [r for r in rows if r["predicted"][n] in (YES, NO)]
        right = sum(r["predicted"][n] == r["lab"][n] for r in told)
        print(
            f"  {stage}: {right}/{len(told)} predictions right"
            f" (lab: {sum(r['lab'][n] == YES for r in rows)} up, {sum(r['lab'][n] == NO for r in rows)} not), "
            f"{len(rows) - len(told)} cannot tell"
        )
    retried = sum(bool(r["retried"]) for r in rows)
    print(
        f"  mean {sum(r['seconds'] for r in rows) / len(rows):.2f} s a pair (parse, check, lab)"
        + (f"; {retried} run twice after a lab failure without a cause in the logs" if retried else "")
    )
    for title, variants in (("per kind", False), ("per variant", True)):
        print(f"{title}:")
        for kind, c in sorted(per_kind(rows, variants).items()):
            print(
                f"  {kind:<40} {c['agree']}/{c['pairs']} agree, {c['disagree']} disagree, {c[UNKNOWN]} cannot tell"
                + (f", {c[CHECK_FAILED]} check failed" if c[CHECK_FAILED] else "")
            )
    return 0 if count["disagree"] == count[CHECK_FAILED] == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
