"""Tests of vpnconf.labnet: two real charon daemons in network namespaces.

Needs root, Linux and strongSwan (with kernel-libipsec).  Without them the
module is skipped -- unless CI is set, where a missing prerequisite fails.
"""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from vpnconf import labnet  # noqa: E402
from vpnconf.labnet import LabEnd, cleanup, leftovers, run_lab  # noqa: E402

pytestmark = pytest.mark.lab

IN_CI = os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}  # same rule as conftest.py
UNAVAILABLE = labnet.preflight()
if UNAVAILABLE and not IN_CI:
    pytest.skip(f"labnet cannot run here: {UNAVAILABLE}", allow_module_level=True)

CLOUD_OUTER, IDC_OUTER = "198.18.0.1", "198.18.0.2"
CLOUD_ID, IDC_ID = "202.108.22.5", "203.195.147.82"  # real public IPs, used as IKE identities only
CLOUD_NET, IDC_NET = "10.0.1.0/24", "192.168.1.0/24"
CLOUD_HOST, IDC_HOST = "10.0.1.1", "192.168.1.1"


def swanctl_conf(
    *,
    local_addr: str,
    remote_addr: str,
    local_id: str,
    remote_id: str,
    local_ts: str,
    remote_ts: str,
    version: int = 1,
    ike: str = "aes128-sha1-modp2048",
    esp: str = "aes128-sha1",
    psk: str = "Lab-PSK-0123456789",
) -> str:
    return textwrap.dedent(f"""\
        connections {{
            cloud-idc {{
                version = {version}
                aggressive = no
                local_addrs = {local_addr}
                remote_addrs = {remote_addr}
                proposals = {ike}
                local {{
                    auth = psk
                    id = {local_id}
                }}
                remote {{
                    auth = psk
                    id = {remote_id}
                }}
                children {{
                    net {{
                        local_ts = {local_ts}
                        remote_ts = {remote_ts}
                        esp_proposals = {esp}
                        mode = tunnel
                    }}
                }}
            }}
        }}
        secrets {{
            ike-cloud-idc {{
                id-1 = {local_id}
                id-2 = {remote_id}
                secret = "{psk}"
            }}
        }}
        """)


def ends(
    *, version: int = 1, cloud: dict | None = None, idc: dict | None = None, cloud_remote_addr: str = IDC_OUTER
) -> tuple[LabEnd, LabEnd]:
    c = dict(
        local_addr=CLOUD_OUTER,
        remote_addr=cloud_remote_addr,
        local_id=CLOUD_ID,
        remote_id=IDC_ID,
        local_ts=CLOUD_NET,
        remote_ts=IDC_NET,
        version=version,
    ) | (cloud or {})
    i = dict(
        local_addr=IDC_OUTER,
        remote_addr=CLOUD_OUTER,
        local_id=IDC_ID,
        remote_id=CLOUD_ID,
        local_ts=IDC_NET,
        remote_ts=CLOUD_NET,
        version=version,
    ) | (idc or {})
    return (
        LabEnd("cloud", CLOUD_OUTER, swanctl_conf(**c), [f"{CLOUD_HOST}/24"]),
        LabEnd("idc", IDC_OUTER, swanctl_conf(**i), [f"{IDC_HOST}/24"]),
    )


def lab(initiator: LabEnd, responder: LabEnd, **kw) -> labnet.LabResult:
    kw.setdefault("timeout", 20.0)
    result = run_lab(
        initiator, responder, connection="cloud-idc", children=["net"], pings={"net": (CLOUD_HOST, IDC_HOST)}, **kw
    )
    assert_clean(result.tag)
    return result


def assert_clean(tag: str) -> None:
    assert leftovers(tag) == []
    netns = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True, check=True).stdout
    assert f"vpnlab-{tag}" not in netns
    links = subprocess.run(["ip", "-o", "link", "show"], capture_output=True, text=True, check=True).stdout
    assert f"vl{tag}" not in links


def explain(result: labnet.LabResult) -> str:
    return f"reason={result.reason} children={result.children}\n" + "\n".join(result.log_excerpt)


def test_preflight():
    # on a developer machine without root/strongSwan the module is skipped; in CI this must hold
    assert labnet.preflight() is None


# --- 1/2: success ---------------------------------------------------------------


def test_ikev1_main_mode_psk_success():
    result = lab(*ends(version=1))
    assert result.reason is None, explain(result)
    assert result.ike_established
    assert "AES_CBC-128" in (result.ike_proposal or "")
    assert result.ike_proposal == "AES_CBC-128/HMAC_SHA1_96/PRF_HMAC_SHA1/MODP_2048"
    assert result.esp_proposals == {"net": "AES_CBC-128/HMAC_SHA1_96"}
    [child] = result.children
    assert (child.child, child.established, child.ping_ok) == ("net", True, True)
    assert (child.src, child.dst, child.reason) == (CLOUD_HOST, IDC_HOST, None)
    assert set(result.timings) >= {"setup", "start", "load", "initiate", "ping", "teardown"}
    assert result.log_excerpt == []


def test_ikev2_success():
    result = lab(*ends(version=2))
    assert result.reason is None, explain(result)
    assert result.ike_established and result.children[0].established and result.children[0].ping_ok
    assert result.ike_proposal == "AES_CBC-128/HMAC_SHA1_96/PRF_HMAC_SHA1/MODP_2048"


@pytest.mark.parametrize("proposal", ["3des-md5-modp768", "des-md5-modp1024", "aes256-sha256-modp2048s256"])
def test_legacy_algorithms_available(proposal):
    result = lab(*ends(version=1, cloud={"ike": proposal, "esp": proposal}, idc={"ike": proposal, "esp": proposal}))
    assert result.reason is None, explain(result)
    assert result.children[0].ping_ok


# --- 3/4/5: failures, with the reasons strongSwan 5.9.8 really gives ---------------


@pytest.mark.parametrize("version", [1, 2])
def test_dh_group_mismatch(version):
    result = lab(*ends(version=version, idc={"ike": "aes128-sha1-modp1024"}))
    assert not result.ike_established
    assert result.reason == "NO_PROPOSAL_CHOSEN", explain(result)
    assert not result.children[0].established and result.children[0].ping_ok is None
    assert any("NO_PROPOSAL_CHOSEN" in line for line in result.log_excerpt)


def test_psk_mismatch_ikev1_main_mode():
    # IKEv1 main mode never says AUTHENTICATION_FAILED: with different PSKs the
    # keys differ and the responder cannot decrypt message 5 ("invalid ID_V1
    # payload length, decryption failed?"); the initiator would retransmit until
    # it gives up, the lab stops early.
    result = lab(*ends(version=1, idc={"psk": "a-different-secret"}))
    assert not result.ike_established
    assert result.reason == "DECRYPTION_FAILED", explain(result)
    assert any("decryption failed" in line for line in result.log_excerpt)
    assert result.timings["initiate"] < 3.0


def test_psk_mismatch_ikev2():
    result = lab(*ends(version=2, idc={"psk": "a-different-secret"}))
    assert not result.ike_established
    assert result.reason == "AUTHENTICATION_FAILED", explain(result)


def test_selector_mismatch_ikev1():
    # the responder's selectors do not mirror the initiator's: IKEv1 quick mode
    # answers with INVALID_ID_INFORMATION ("no matching CHILD_SA config found")
    result = lab(*ends(version=1, idc={"local_ts": "192.168.2.0/24"}))
    assert result.ike_established
    [child] = result.children
    assert not child.established and child.ping_ok is None
    assert child.reason == "INVALID_ID_INFORMATION", explain(result)
    assert result.reason == "INVALID_ID_INFORMATION"
    assert any("no matching CHILD_SA config" in line for line in result.log_excerpt)


def test_selector_mismatch_ikev2():
    result = lab(*ends(version=2, idc={"local_ts": "192.168.2.0/24"}))
    assert result.ike_established
    assert result.children[0].reason == "TS_UNACCEPTABLE", explain(result)
    assert result.reason == "TS_UNACCEPTABLE"


def test_load_failure_is_reported():
    cloud, idc = ends(version=1, idc={"ike": "aes128-nosuchhash-modp2048"})
    result = lab(cloud, idc)
    assert result.reason is not None and result.reason.startswith("LOAD_FAILED: "), explain(result)
    assert "idc" in result.reason
    assert not result.ike_established


def test_unreachable_peer_times_out():
    # 198.18.0.9 does not exist (no route in the namespace): nothing ever answers
    result = lab(*ends(version=1, cloud_remote_addr="198.18.0.9"), timeout=2.0)
    assert not result.ike_established
    assert result.reason == "timeout", explain(result)
    assert result.timings["total"] < 5.0


def test_multiple_children_and_proposal_strings():
    cloud, idc = ends(version=2)
    extra = (
        "            net2 {\n"
        "                local_ts = 10.0.2.0/24\n"
        "                remote_ts = 192.168.2.0/24\n"
        "                esp_proposals = aes256-sha256-modp2048\n"
        "            }\n"
    )

    def add_child(end: LabEnd, text: str, inner: str) -> LabEnd:
        conf = end.swanctl_conf.replace("        children {\n", "        children {\n" + text, 1)
        assert conf != end.swanctl_conf
        return LabEnd(end.name, end.outer_address, conf, [*end.inner_addresses, inner])

    cloud = add_child(cloud, extra, "10.0.2.1/24")
    idc = add_child(
        idc,
        extra.replace("10.0.2.0/24", "X").replace("192.168.2.0/24", "10.0.2.0/24").replace("X", "192.168.2.0/24"),
        "192.168.2.1/24",
    )
    result = run_lab(
        cloud,
        idc,
        connection="cloud-idc",
        children=["net", "net2"],
        pings={"net": (CLOUD_HOST, IDC_HOST), "net2": ("10.0.2.1", "192.168.2.1")},
    )
    assert_clean(result.tag)
    assert result.reason is None, explain(result)
    assert [(c.child, c.established, c.ping_ok) for c in result.children] == [("net", True, True), ("net2", True, True)]
    assert result.esp_proposals == {
        "net": "AES_CBC-128/HMAC_SHA1_96",
        "net2": "AES_CBC-256/HMAC_SHA2_256_128/MODP_2048",
    }


def test_rejects_outer_address_outside_benchmark_range():
    cloud, idc = ends()
    bad = LabEnd("cloud", "192.0.2.1", cloud.swanctl_conf, cloud.inner_addresses)
    with pytest.raises(ValueError, match=r"198\.18\.0\.0/15"):
        run_lab(bad, idc, connection="cloud-idc", children=["net"], pings={})


# --- 6: cleanup, also after signals ------------------------------------------------

# the scenario used for interruption: the initiator talks to an address that
# never answers, so the run sits in the initiate phase for seconds.
_SUBPROCESS = textwrap.dedent("""\
    import signal, sys
    sys.path.insert(0, {repo!r})
    signal.signal(signal.SIGINT, signal.default_int_handler)
    from tests.test_labnet import ends, run_lab, CLOUD_HOST, IDC_HOST
    cloud, idc = ends(version=1, cloud_remote_addr="198.18.0.9")
    run_lab(cloud, idc, connection="cloud-idc", children=["net"],
            pings={{"net": (CLOUD_HOST, IDC_HOST)}}, timeout=30, tag={tag!r})
    print("run_lab returned")
    """)


def _start_lab_subprocess(tag: str) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=str(REPO))
    proc = subprocess.Popen(
        [sys.executable, "-c", _SUBPROCESS.format(repo=str(REPO), tag=tag)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    # wait until it is mid-negotiation: both daemons up and swanctl --initiate running
    marker = Path(labnet._lab_dir(tag)) / "cloud" / "initiate-net.out"
    deadline = time.monotonic() + 15
    while not marker.exists():
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            out, err = proc.communicate()
            pytest.fail(f"lab subprocess never reached initiate: rc={proc.returncode}\n{out}\n{err}")
        time.sleep(0.01)
    time.sleep(0.2)
    return proc


def _new_tag() -> str:
    return "t" + secrets.token_hex(3)


@pytest.mark.parametrize("how", ["explicit_cleanup", "next_run"])
def test_sigkill_leftovers_are_reaped(how):
    tag = _new_tag()
    proc = _start_lab_subprocess(tag)
    proc.kill()  # SIGKILL: no handler, no finally
    proc.communicate(timeout=10)
    left = leftovers(tag)
    assert any(item.startswith("netns ") for item in left), left
    assert any(item.startswith("pid ") for item in left), left  # the two charons survive their owner
    assert any(item.startswith("dir ") for item in left), left
    if how == "explicit_cleanup":
        assert cleanup(tag) == []
    else:
        result = lab(*ends(version=1))  # reaps stale labs whose owner is dead
        assert result.reason is None, explain(result)
    assert_clean(tag)


def test_sigterm_cleans_up_without_help():
    tag = _new_tag()
    proc = _start_lab_subprocess(tag)
    assert leftovers(tag)
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=10)
    assert proc.returncode == -signal.SIGTERM, err
    assert "run_lab returned" not in out
    assert_clean(tag)


def test_keyboard_interrupt_cleans_up_without_help():
    tag = _new_tag()
    proc = _start_lab_subprocess(tag)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=10)
    assert "KeyboardInterrupt" in err
    assert proc.returncode != 0
    assert_clean(tag)


def test_cleanup_of_unknown_tag_is_a_noop():
    assert cleanup(_new_tag()) == []


# --- 7: concurrency --------------------------------------------------------------


def test_two_labs_at_once():
    results: dict[int, labnet.LabResult | BaseException] = {}

    def worker(n: int, version: int) -> None:
        try:
            results[n] = run_lab(
                *ends(version=version), connection="cloud-idc", children=["net"], pings={"net": (CLOUD_HOST, IDC_HOST)}
            )
        except BaseException as exc:  # reported below
            results[n] = exc

    threads = [threading.Thread(target=worker, args=(n, v)) for n, v in ((0, 1), (1, 2))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    for n in (0, 1):
        result = results[n]
        assert isinstance(result, labnet.LabResult), result
        assert result.reason is None, explain(result)
        assert result.children[0].ping_ok
        assert_clean(result.tag)
    assert results[0].tag != results[1].tag


def test_two_labs_in_two_processes():
    code = textwrap.dedent("""\
        import sys
        sys.path.insert(0, {repo!r})
        from tests.test_labnet import ends, run_lab, CLOUD_HOST, IDC_HOST
        r = run_lab(*ends(version={v}), connection="cloud-idc", children=["net"],
                    pings={{"net": (CLOUD_HOST, IDC_HOST)}})
        print(r.tag, r.reason, r.children[0].ping_ok)
        """)
    env = dict(os.environ, PYTHONPATH=str(REPO))
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", code.format(repo=str(REPO), v=v)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for v in (1, 2)
    ]
    outs = [p.communicate(timeout=60) for p in procs]
    for p, (out, err) in zip(procs, outs, strict=True):
        assert p.returncode == 0, err
        tag, reason, ping_ok = out.split()
        assert (reason, ping_ok) == ("None", "True"), out
        assert_clean(tag)


# --- speed ---------------------------------------------------------------------------


def test_one_successful_run_is_fast():
    totals = []
    for _ in range(3):
        result = lab(*ends(version=1))
        assert result.reason is None, explain(result)
        totals.append(result.timings["total"])
    assert sorted(totals)[1] < 3.0, totals
