"""Run two strongSwan (charon) endpoints against each other in network namespaces.

This is the low-level lab engine.  It knows nothing about the tunnel model of
``vpnconf``: the caller hands in two complete ``swanctl.conf`` texts (connections
and secrets) and gets back what the daemons negotiated, whether every CHILD_SA
came up, whether pings pass through each tunnel, and -- on failure -- the reason
the daemons gave plus the log lines that show it.

Layout of one lab (``tag`` is 6 random hex digits unless the caller picks one)::

    netns vpnlab-<tag>-<initiator.name>            netns vpnlab-<tag>-<responder.name>
      lo: inner addresses (/32)                      lo: inner addresses (/32)
      vl<tag>a  198.18.x.y/32 peer ...  <==veth==>   vl<tag>b  198.18.x.z/32 peer ...
      ipsec0 (TUN, created by kernel-libipsec)       ipsec0
      charon in a private mount ns (tmpfs /run)      charon in a private mount ns

    /tmp/vpnlab-<tag>/owner                         "<pid> <starttime>" of the owning process
    /tmp/vpnlab-<tag>/<end>/strongswan.conf         STRONGSWAN_CONF of that end's charon/swanctl
    /tmp/vpnlab-<tag>/<end>/swanctl.conf            the caller's text
    /tmp/vpnlab-<tag>/<end>/charon.vici             vici socket
    /tmp/vpnlab-<tag>/<end>/charon.log              filelog
    /tmp/vpnlab-<tag>.keeping/                      keep=True: the copy being made (swept if killed)
    /tmp/vpnlab-<tag>.kept/                         keep=True: the finished copy (left for the user)

Every folder is 0700 and every file 0600 (swanctl.conf holds the pre-shared
keys): files are created with that mode, the daemons run with umask 077, and
the kept copy is written the same way whatever the source's mode.

The kernel used here has no ESP/XFRM support, so ESP is done in userspace by the
``kernel-libipsec`` plugin (which also forces UDP encapsulation on port 4500).

Inner addresses go on ``lo`` as /32 (this kernel has no dummy driver); the
prefix length given by the caller is ignored.  Retransmissions are shortened
(0.5 s, base 1.4, 3 tries) so that an unanswered peer fails within seconds.

Reasons (``LabResult.reason`` / ``ChildResult.reason``), as strongSwan 5.9.8
really reports them in this lab:

* ``NO_PROPOSAL_CHOSEN``: IKE or ESP proposals do not overlap (e.g. DH group)
* ``AUTHENTICATION_FAILED``: IKEv2 PSK or identity mismatch
* ``DECRYPTION_FAILED``: IKEv1 main mode PSK mismatch -- the keys differ, so the
  peer cannot decrypt message 5; IKEv1 never says AUTHENTICATION_FAILED here
* ``INVALID_ID_INFORMATION``: IKEv1 quick mode, selectors not mirrored
* ``TS_UNACCEPTABLE``: IKEv2, selectors not mirrored
* ``NO_CONFIG_FOUND``, ``KERNEL_INSTALL_FAILED``, ``INVALID_KE_PAYLOAD``, the name
  of any other error notify received, ``timeout``
* ``LOAD_FAILED: <swanctl message> [on <end>]``, ``START_FAILED: ...``,
  ``PING_FAILED``; ``IKE_FAILED`` / ``CHILD_FAILED`` when nothing in the logs
  explains the failure

Every resource carries the tag in its name (processes carry ``VPNLAB_TAG=<tag>``
in their environment), so :func:`cleanup` can remove everything of a lab even
after its owner was SIGKILLed; :func:`run_lab` also reaps labs whose owner
process is dead before it starts a new one.

Stdlib only.  Needs root, Linux, iproute2, iputils ping, util-linux unshare and
strongSwan (charon, swanctl, libcharon-extra-plugins for kernel-libipsec).
"""

from __future__ import annotations

import contextlib
import ipaddress
import math
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from types import FrameType
from typing import Any

__all__ = [
    "CHARON_PLUGINS",
    "ChildResult",
    "LabEnd",
    "LabResult",
    "LabTerminated",
    "LabUnavailable",
    "cleanup",
    "leftovers",
    "preflight",
    "reap_stale",
    "run_lab",
]

# ---------------------------------------------------------------------------
# constants

NS_PREFIX = "vpnlab-"
LINK_PREFIX = "vl"  # veth names: vl<tag>a / vl<tag>b (<= 15 chars)
TAG_ENV = "VPNLAB_TAG"
LAB_NET = ipaddress.ip_network("198.18.0.0/15")
BASE_DIR = "/tmp"  # labs live in /tmp/vpnlab-<tag>/
APT_HINT = "apt-get install strongswan-charon strongswan-swanctl libcharon-extra-plugins libstrongswan-standard-plugins"

BIRD_CANDIDATES = ("/usr/sbin/bird", "/usr/bin/bird")
BIRDC_CANDIDATES = ("/usr/sbin/birdc", "/usr/bin/birdc")
BIRD_HINT = "apt-get install bird2"
TUN_DEV = "ipsec0"
CHARON_TABLE = "220"  # charon's routing table (strongswan.conf charon.routing_table default)  # kernel-libipsec's TUN device: the route-based tunnel interface here
CHARON_CANDIDATES = ("/usr/lib/ipsec/charon", "/usr/libexec/ipsec/charon", "/usr/lib/strongswan/charon")
SWANCTL_CANDIDATES = ("/usr/sbin/swanctl", "/usr/bin/swanctl")
PLUGIN_DIRS = ("/usr/lib/ipsec/plugins", "/usr/libexec/ipsec/plugins", "/usr/lib/strongswan/plugins")

#: Plugins charon loads.  openssl provides the legacy algorithms too (DES, 3DES,
#: MD5 via its legacy provider, MODP768, MODP2048s256); aes/sha1/sha2/md5/hmac/
#: gmp are the built-in fallbacks; kdf is required for IKEv2 key derivation
#: (without it: "key derivation failed").  kernel-libipsec must come before
#: kernel-netlink, else kernel-netlink's XFRM backend wins and CHILD_SAs fail
#: with "unable to add SAD entry"; kernel-netlink is still needed for
#: addresses and routes.
CHARON_PLUGINS = (
    "random nonce openssl aes sha1 sha2 md5 hmac gmp kdf pem pkcs1 pubkey x509 "
    "kernel-libipsec kernel-netlink socket-default vici"
)
#: swanctl only needs enough to parse credentials; an explicit list also stops
#: it complaining about the compiled-in default plugins Debian does not ship.
SWANCTL_PLUGINS = "random nonce openssl pem pkcs1 pubkey x509"

_TAG_RE = re.compile(r"^[0-9a-z]{1,10}$")
_NAME_RE = re.compile(r"^[a-z0-9][a-z0-9_]{0,15}$")
_LAB_DIR_RE = re.compile(r"^vpnlab-([0-9a-z]{1,10})(?:\.keeping)?$")
_KEEPING = ".keeping"  # the kept copy while it is made; renamed to .kept when complete
_NS_RE = re.compile(r"^vpnlab-([0-9a-z]{1,10})-")
_YOUNG_DIR_S = 30.0  # a lab dir without owner file younger than this is still being created
# credential dirs swanctl --load-all reads next to the --file it is given
_CRED_DIRS = (
    "x509",
    "x509ca",
    "x509ocsp",
    "x509aa",
    "x509ac",
    "x509crl",
    "pubkey",
    "private",
    "rsa",
    "ecdsa",
    "bliss",
    "pkcs8",
    "pkcs12",
)


# ---------------------------------------------------------------------------
# public types


@dataclass(frozen=True)
class LabEnd:
    name: str  # "cloud" or "idc": used in namespace and temp dir names
    outer_address: str  # from 198.18.0.0/15; point-to-point /32 on the veth
    swanctl_conf: str  # full swanctl.conf text (connections + secrets)
    inner_addresses: list[str]  # "10.0.1.1/24" -> 10.0.1.1/32 on lo of the namespace
    # route-based: charon installs no routes; ``setup`` (``ip`` argument lists,
    # run in the namespace once kernel-libipsec's TUN device ipsec0 exists)
    # gives the tunnel interface its addresses and routes; ``bird_conf`` is a
    # whole BIRD 2 configuration started once the CHILD_SA is installed, and
    # ``expect_routes`` the prefixes this end must learn from it.
    routed: bool = False
    setup: tuple[tuple[str, ...], ...] = ()
    bird_conf: str | None = None
    expect_routes: tuple[str, ...] = ()
    # pings this end sends once the tunnel is up, (source, destination): the
    # cloud's health-check probes, answered by the other end (or not)
    probes: tuple[tuple[str, str], ...] = ()


@dataclass
class ChildResult:
    child: str
    established: bool
    ping_ok: bool | None  # None: no ping requested / not attempted
    src: str | None
    dst: str | None
    reason: str | None  # daemon's reason on failure, e.g. "TS_UNACCEPTABLE"
    esp_proposal: str | None = None
    # the CHILD_SA's counters after the ping: proof that it went through ESP
    packets_in: int | None = None
    packets_out: int | None = None


@dataclass
class LabResult:
    ike_established: bool
    # as swanctl --list-sas shows it, e.g. "AES_CBC-128/HMAC_SHA1_96/PRF_HMAC_SHA1/MODP_2048";
    # also set when the proposal was agreed but the IKE_SA failed later (e.g. PSK mismatch)
    ike_proposal: str | None
    esp_proposals: dict[str, str]  # child -> e.g. "AES_CBC-128/HMAC_SHA1_96"
    children: list[ChildResult]
    reason: str | None  # None on full success
    log_excerpt: list[str]  # relevant daemon log lines on failure ("[end] line")
    timings: dict[str, float]  # setup, start, load, routing, initiate, bgp, routes, ping, health, teardown, total
    tag: str = ""
    # route-based: {"established": {end: {protocol: state}}, "learned": {end: [prefixes]}, "ok": bool}
    bgp: dict[str, Any] | None = None
    # the ends' probes (LabEnd.probes): {"probes": [{"end", "src", "dst", "ok"}], "ok": bool}
    health: dict[str, Any] | None = None

    @property
    def ok(self) -> bool:
        return self.reason is None


class LabUnavailable(RuntimeError):
    """The lab cannot run on this machine (see :func:`preflight`)."""


class LabTerminated(BaseException):
    """Raised inside :func:`run_lab` when SIGTERM arrives (main thread only).

    The lab is torn down first; afterwards the signal is re-delivered with the
    previous handler, so a default-handled SIGTERM still ends the process.
    """

    def __init__(self, signum: int = signal.SIGTERM):
        super().__init__(signum)
        self.signum = signum


# ---------------------------------------------------------------------------
# environment checks


def _first_existing(paths: tuple[str, ...]) -> str | None:
    for p in paths:
        if os.path.exists(p):
            return p
    return None


def _plugin_available(name: str) -> bool:
    return any(os.path.exists(os.path.join(d, f"libstrongswan-{name}.so")) for d in PLUGIN_DIRS)


def preflight() -> str | None:
    """None if labs can run here, else a one-line reason."""
    if not sys.platform.startswith("linux"):
        return "not Linux"
    if os.geteuid() != 0:
        return "needs root"
    missing = [t for t in ("ip", "ping", "unshare", "mount") if not shutil.which(t)]
    if missing:
        return "ip/ping missing: " + ", ".join(missing) + " (apt-get install iproute2 iputils-ping util-linux mount)"
    if not _first_existing(CHARON_CANDIDATES) or not _first_existing(SWANCTL_CANDIDATES):
        return "strongSwan not installed: " + APT_HINT
    missing = [p for p in dict.fromkeys((CHARON_PLUGINS + " " + SWANCTL_PLUGINS).split()) if not _plugin_available(p)]
    if missing:
        return f"strongSwan plugin(s) {', '.join(missing)} missing: {APT_HINT}"
    if not os.path.exists("/dev/net/tun"):
        return "no /dev/net/tun (kernel-libipsec needs TUN)"
    return None


# ---------------------------------------------------------------------------
# small process helpers


def _run(
    cmd: list[str], *, timeout: float = 10.0, env: dict[str, str] | None = None, check: bool = True
) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env, stdin=subprocess.DEVNULL)
    if check and proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({proc.returncode}): {(proc.stderr or proc.stdout).strip()}")
    return proc


def _base_dir() -> str:
    # Deliberately fixed (not $TMPDIR): every process must find every lab's
    # directory, or it would take a live lab for an orphan and reap it.  It
    # also keeps the vici socket path far below the 107-byte unix socket limit.
    return BASE_DIR


def _lab_dir(tag: str) -> str:
    return os.path.join(_base_dir(), f"vpnlab-{tag}")


def _check_tag(tag: str) -> None:
    if not _TAG_RE.match(tag):
        raise ValueError(f"invalid lab tag {tag!r}: 1-10 chars of [0-9a-z]")


def _proc_starttime(pid: int) -> str | None:
    try:
        with open(f"/proc/{pid}/stat") as f:
            stat = f.read()
    except OSError:
        return None
    # comm may contain spaces/parens: split after the last ')'
    fields = stat[stat.rfind(")") + 2 :].split()
    if not fields or fields[0] == "Z":
        return None
    return fields[19]  # field 22 overall: starttime


def _tagged_pids(tag: str | None) -> dict[int, str]:
    """pid -> tag of live processes carrying VPNLAB_TAG (any tag if tag is None)."""
    needle = f"{TAG_ENV}=".encode()
    found: dict[int, str] = {}
    me = os.getpid()
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        pid = int(entry)
        if pid == me:
            continue
        try:
            with open(f"/proc/{pid}/environ", "rb") as f:
                env = f.read()
        except OSError:
            continue
        if needle not in env:
            continue
        for var in env.split(b"\0"):
            if var.startswith(needle):
                value = var[len(needle) :].decode(errors="replace")
                if (tag is None or value == tag) and _proc_starttime(pid) is not None:
                    found[pid] = value
                break
    return found


def _netns_list() -> list[str]:
    proc = _run(["ip", "netns", "list"], check=False)
    return [line.split()[0] for line in proc.stdout.splitlines() if line.strip()]


def _lab_netns(tag: str | None) -> list[str]:
    out = []
    for name in _netns_list():
        m = _NS_RE.match(name)
        if m and (tag is None or m.group(1) == tag):
            out.append(name)
    return out


def _root_links(tag: str) -> list[str]:
    proc = _run(["ip", "-o", "link", "show"], check=False)
    out = []
    for line in proc.stdout.splitlines():
        parts = line.split(":", 2)
        if len(parts) < 2:
            continue
        name = parts[1].strip().split("@")[0]
        if re.fullmatch(rf"{LINK_PREFIX}{re.escape(tag)}[a-d]", name):
            out.append(name)
    return out


def _ns_pids(ns: str) -> list[int]:
    proc = _run(["ip", "netns", "pids", ns], check=False)
    return [int(x) for x in proc.stdout.split() if x.isdigit()]


# ---------------------------------------------------------------------------
# leftovers / cleanup


def leftovers(tag: str) -> list[str]:
    """Namespaces, links, processes and temp dirs still present for lab ``tag``."""
    _check_tag(tag)
    items = [f"netns {ns}" for ns in _lab_netns(tag)]
    items += [f"link {link}" for link in _root_links(tag)]
    items += [f"pid {pid}" for pid in sorted(_tagged_pids(tag))]
    for d in (_lab_dir(tag), _lab_dir(tag) + _KEEPING):
        if os.path.lexists(d):
            items.append(f"dir {d}")
    return items


def _kill_pids(pids: set[int], wait: float = 2.0) -> None:
    for pid in pids:
        with contextlib.suppress(OSError):
            if os.getpgid(pid) == pid:
                os.killpg(pid, signal.SIGKILL)
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)
    end = time.monotonic() + wait
    pending = set(pids)
    while pending and time.monotonic() < end:
        pending = {p for p in pending if _proc_starttime(p) is not None}
        if pending:
            time.sleep(0.01)


def cleanup(tag: str) -> list[str]:
    """Remove everything that belongs to lab ``tag``; returns what is still left."""
    _check_tag(tag)
    namespaces = _lab_netns(tag)
    pids = set(_tagged_pids(tag))
    for ns in namespaces:
        pids.update(_ns_pids(ns))
    pids.discard(os.getpid())
    _kill_pids(pids)
    for ns in namespaces:
        _run(["ip", "netns", "delete", ns], check=False)
    for link in _root_links(tag):
        _run(["ip", "link", "delete", link], check=False)
    shutil.rmtree(_lab_dir(tag) + _KEEPING, ignore_errors=True)  # a copy cut short: holds keys
    shutil.rmtree(_lab_dir(tag), ignore_errors=True)
    return leftovers(tag)


def _write_private(path: str, text: str) -> None:
    """Create ``path`` (never existing before, never through a link) with mode 0600."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(text)


def _open_private(path: str) -> int:
    """A new file for a child's output, mode 0600 (truncated if it exists)."""
    return os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)


def _copy_private(src: str, dst: str) -> None:
    """Copy the folder ``src`` to the new folder ``dst``: folders 0700, regular
    files 0600, whatever the source's modes; sockets and links are left out."""
    os.mkdir(dst, 0o700)
    os.chmod(dst, 0o700)
    for entry in os.scandir(src):
        target = os.path.join(dst, entry.name)
        if entry.is_dir(follow_symlinks=False):
            _copy_private(entry.path, target)
        elif entry.is_file(follow_symlinks=False):
            with open(entry.path, "rb") as fin:
                fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
                with os.fdopen(fd, "wb") as fout:
                    shutil.copyfileobj(fin, fout)


def _keep(lab_dir: str) -> None:
    """Copy the lab's folder to ``<dir>.kept``: made under ``<dir>.keeping``
    (which cleanup() removes, so a copy cut short by SIGKILL is swept by the
    next run) and renamed when complete."""
    keeping, kept = lab_dir + _KEEPING, lab_dir + ".kept"
    shutil.rmtree(keeping, ignore_errors=True)
    _copy_private(lab_dir, keeping)
    shutil.rmtree(kept, ignore_errors=True)
    os.rename(keeping, kept)


def _owner_alive(tag: str) -> bool:
    d = _lab_dir(tag)
    try:
        with open(os.path.join(d, "owner")) as f:
            pid_s, start = f.read().split()
    except FileNotFoundError:
        # directory being created right now (owner written just after mkdir)?
        try:
            return time.time() - os.stat(d).st_mtime < _YOUNG_DIR_S
        except FileNotFoundError:
            return False  # namespace/process without its directory: orphan
    except (OSError, ValueError):
        return False
    return _proc_starttime(int(pid_s)) == start


def reap_stale() -> list[str]:
    """cleanup() every lab whose owning process is gone; returns the tags reaped."""
    tags: set[str] = set()
    base = _base_dir()
    with contextlib.suppress(OSError):
        for entry in os.listdir(base):
            m = _LAB_DIR_RE.match(entry)
            if m:
                tags.add(m.group(1))
    for ns in _lab_netns(None):
        tags.add(_NS_RE.match(ns).group(1))  # type: ignore[union-attr]
    tags.update(_tagged_pids(None).values())
    reaped = []
    for tag in sorted(tags):
        if _TAG_RE.match(tag) and not _owner_alive(tag):
            cleanup(tag)
            reaped.append(tag)
    return reaped


# ---------------------------------------------------------------------------
# swanctl output parsing


# a parsed vici message: values are str, list[str] or nested trees
_Tree = dict[str, Any]


def _parse_pretty(text: str) -> list[tuple[str, _Tree]]:
    """Parse ``swanctl --pretty`` output into [(event name, tree), ...]."""
    events: list[tuple[str, _Tree]] = []
    stack: list[_Tree] = []
    current_list: list[str] | None = None
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        if current_list is not None:
            if line == "]":
                current_list = None
            else:
                current_list.append(line)
            continue
        if line == "}":
            if stack:
                stack.pop()
            continue
        if line.endswith(" {"):
            name = line[:-2].strip()
            node: _Tree = {}
            if stack:
                stack[-1][name] = node
            else:
                events.append((name, node))
            stack.append(node)
            continue
        if line.endswith(" [") and stack:
            current_list = []
            stack[-1][line[:-2].strip()] = current_list
            continue
        if " = " in line and stack:
            key, value = line.split(" = ", 1)
            stack[-1][key.strip()] = value
    return events


def _alg_string(sa: _Tree, *, ike: bool) -> str | None:
    encr = sa.get("encr-alg")
    if not encr:
        return None
    parts = [encr + (f"-{sa['encr-keysize']}" if sa.get("encr-keysize") else "")]
    if sa.get("integ-alg"):
        parts.append(sa["integ-alg"] + (f"-{sa['integ-keysize']}" if sa.get("integ-keysize") else ""))
    if sa.get("prf-alg"):
        parts.append(sa["prf-alg"])
    if sa.get("dh-group"):
        parts.append(sa["dh-group"])
    if not ike and sa.get("esn") == "1":
        parts.append("ESN")
    return "/".join(parts)


# ---------------------------------------------------------------------------
# failure reasons from daemon logs

# (regex, reason); the first pattern that matches anywhere wins, so the most
# specific/decisive ones come first.
_REASONS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(p, re.I), r)
    for p, r in [
        # a local kernel/libipsec failure makes the peer see NO_PROPOSAL_CHOSEN
        # etc.; the local cause is the real reason
        (
            r"unable to install (?:inbound|outbound|IPsec|policy)|unable to add SAD entry|unable to add policy",
            "KERNEL_INSTALL_FAILED",
        ),
        (
            r"NO_PROPOSAL_CHOSEN|no acceptable proposal found|no proposal found|received proposals unacceptable",
            "NO_PROPOSAL_CHOSEN",
        ),
        (r"AUTHENTICATION_FAILED|no shared key found|authentication of .* failed", "AUTHENTICATION_FAILED"),
        # IKEv1 main mode with different PSKs: the keys differ, so the peer
        # cannot decrypt ID/HASH ("invalid ID_V1 payload length, decryption failed?")
        (r"decryption failed", "DECRYPTION_FAILED"),
        (r"INVALID_ID_INFORMATION", "INVALID_ID_INFORMATION"),
        (r"TS_UNACCEPTABLE|traffic selectors .* unacceptable|no matching CHILD_SA config", "TS_UNACCEPTABLE"),
        (r"config '.*' not found|no IKE config found|no peer config found|no matching peer config", "NO_CONFIG_FOUND"),
        (r"received (\S+) (?:error notify|notify error)", "NOTIFY"),  # group 1 is the reason
        (r"INVALID_KE_PAYLOAD", "INVALID_KE_PAYLOAD"),
        (r"giving up after \d+ retransmits|peer not responding", "timeout"),
    ]
]

#: Log lines after which waiting longer for ``swanctl --initiate`` is pointless
#: (e.g. IKEv1 retransmits after a PSK mismatch until it gives up).
_FATAL = re.compile(
    r"NO_PROPOSAL_CHOSEN|AUTHENTICATION_FAILED|decryption failed|no shared key found|INVALID_ID_INFORMATION|"
    r"TS_UNACCEPTABLE|no proposal found|proposals unacceptable|no peer config found|no matching peer config",
    re.I,
)
_FATAL_GRACE_S = 0.5

_INTERESTING = re.compile(
    r"NO_PROPOSAL_CHOSEN|AUTHENTICATION_FAILED|TS_UNACCEPTABLE|INVALID_KE_PAYLOAD|INVALID_ID_INFORMATION|"
    r"error notify|notify error|proposal|no shared key|authentication|failed|giving up|retransmit|"
    r"traffic selector|no matching|unable|not found|invalid|unacceptable|selected peer config",
    re.I,
)
_TUN_CREATED = re.compile(r"created TUN device: (\S+)")
_BGP_STATE = re.compile(r"\b(?:Established|Active|Connect|Idle|OpenSent|OpenConfirm|Passive|Close|Down)\b")
_CONFIG_DUMP = re.compile(r"\[CFG\] {2,}\S+ = ")


def _classify(lines: list[str]) -> tuple[str | None, list[str]]:
    """(reason, matching lines) for a set of daemon log lines."""
    for pattern, reason in _REASONS:
        hits = [line for line in lines if pattern.search(line)]
        if hits:
            if reason == "NOTIFY":
                m = pattern.search(hits[0])
                reason = m.group(1) if m else "NOTIFY"
            return reason, hits
    return None, []


def _excerpt(lines: list[str], limit: int = 60) -> list[str]:
    picked = [line for line in lines if _INTERESTING.search(line) and not _CONFIG_DUMP.search(line)]
    return picked[-limit:]


# ---------------------------------------------------------------------------
# signal handling (main thread only)


@contextlib.contextmanager
def _sigterm_raises() -> Iterator[None]:
    """While active, SIGTERM raises LabTerminated (only possible in the main thread)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    old = signal.getsignal(signal.SIGTERM)
    if old is signal.SIG_IGN or old is None:
        yield
        return

    def on_term(signum: int, frame: FrameType | None) -> None:
        raise LabTerminated(signum)

    signal.signal(signal.SIGTERM, on_term)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, old)


@contextlib.contextmanager
def _shielded() -> Iterator[None]:
    """Defer SIGINT/SIGTERM while cleaning up; re-deliver them afterwards."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    pending: list[int] = []
    olds: dict[signal.Signals, Any] = {}
    for sig in (signal.SIGINT, signal.SIGTERM):
        old = signal.getsignal(sig)
        if old is signal.SIG_IGN or old is None:
            continue
        olds[sig] = old
        signal.signal(sig, lambda signum, frame: pending.append(signum))
    try:
        yield
    finally:
        for sig, old in olds.items():
            signal.signal(sig, old)
        for signum in dict.fromkeys(pending):
            signal.raise_signal(signum)


# ---------------------------------------------------------------------------
# the lab


def _plain(addr: str) -> str:
    return str(ipaddress.ip_interface(addr).ip)


class _Lab:
    def __init__(
        self,
        tag: str,
        initiator: LabEnd,
        responder: LabEnd,
        second: LabEnd | None = None,
        initiator2: LabEnd | None = None,
    ):
        self.tag = tag
        # "i" initiates; "r" (and "s", the second VPN gateway of a redundant
        # pair) respond; "j" is a second IDC daemon in the namespace of "i"
        # (a pair's second tunnel: its own TUN device, IKE on ports 501/4501)
        self.ends = {"i": initiator, "r": responder}
        self.ends |= {"s": second} if second is not None else {}
        self.ends |= {"j": initiator2} if initiator2 is not None else {}
        self.responders = [k for k in self.ends if k in ("r", "s")]
        self.tun: dict[str, str] = {}
        self.dir = _lab_dir(tag)
        self.ns = {k: f"{NS_PREFIX}{tag}-{e.name}" for k, e in self.ends.items()}
        if "j" in self.ends:
            self.ns["j"] = self.ns["i"]
        # veth names (<= 15 chars): vl<tag>a/b to the first responder, vl<tag>c/d to the second
        self.veth = {
            r: (f"{LINK_PREFIX}{tag}{'ac'[n]}", f"{LINK_PREFIX}{tag}{'bd'[n]}") for n, r in enumerate(self.responders)
        }
        self.procs: dict[str, subprocess.Popen[bytes]] = {}
        self.birdc = "birdc"
        charon, swanctl = _first_existing(CHARON_CANDIDATES), _first_existing(SWANCTL_CANDIDATES)
        if charon is None or swanctl is None:
            raise LabUnavailable("strongSwan not installed: " + APT_HINT)
        self.charon: str = charon
        self.swanctl: str = swanctl

    # paths ---------------------------------------------------------------
    def path(self, k: str, name: str) -> str:
        return os.path.join(self.dir, self.ends[k].name, name)

    def uri(self, k: str) -> str:
        return "unix://" + self.path(k, "charon.vici")

    def env(self, k: str) -> dict[str, str]:
        env = dict(os.environ)
        env["STRONGSWAN_CONF"] = self.path(k, "strongswan.conf")
        env[TAG_ENV] = self.tag
        env["LC_ALL"] = "C"
        return env

    # setup ---------------------------------------------------------------
    def create_dirs(self) -> None:
        # self.dir itself (with the owner file) was created by _reserve_tag
        for k, end in self.ends.items():
            os.mkdir(os.path.join(self.dir, end.name), 0o700)
            # swanctl --file X loads credentials from these dirs next to X
            for sub in _CRED_DIRS:
                os.mkdir(os.path.join(self.dir, end.name, sub), 0o700)
            _write_private(self.path(k, "swanctl.conf"), end.swanctl_conf)
            _write_private(self.path(k, "strongswan.conf"), self.strongswan_conf(k))

    def strongswan_conf(self, k: str) -> str:
        return f"""# generated by vpnconf.labnet for lab {self.tag}
charon {{
    load = {CHARON_PLUGINS}
    port = {501 if k == "j" else 500}
    port_nat_t = {4501 if k == "j" else 4500}
    install_routes = {"no" if self.ends[k].routed else "yes"}
{"    routing_table = 0" + chr(10) if self.ends[k].routed else ""}    retransmit_timeout = 0.5
    retransmit_base = 1.4
    retransmit_tries = 3
    retransmit_jitter = 0
    close_ike_on_child_failure = no
    # the cloud end answers IKEv1 aggressive mode with a PSK, as Tencent does
    i_dont_care_about_security_and_use_aggressive_mode_psk = yes
    filelog {{
        lab {{
            path = {self.path(k, "charon.log")}
            time_format = %H:%M:%S
            ike_name = yes
            append = no
            flush_line = yes
            default = 1
            ike = 2
            cfg = 2
            knl = 1
            enc = 1
            net = 1
            esp = 1
        }}
    }}
    syslog {{
    }}
    plugins {{
        vici {{
            socket = {self.uri(k)}
        }}
        kernel-libipsec {{
            # route-based ends: charon's routes into ipsec0 are not used (see
            # configure_routed), so a selector may hold the peer's address
            allow_peer_ts = {"yes" if self.ends[k].routed else "no"}
        }}
    }}
}}
swanctl {{
    load = {SWANCTL_PLUGINS}
    socket = {self.uri(k)}
}}
"""

    def create_network(self) -> None:
        for k in self.ends:
            if k == "j":
                continue
            _run(["ip", "netns", "add", self.ns[k]])
            _run(["ip", "-n", self.ns[k], "link", "set", "lo", "up"])
        ends = self.ends
        # one veth pair from the initiator to each responder, created directly
        # inside the namespaces: never visible in the root ns
        for r in self.responders:
            dev_i, dev_r = self.veth[r]
            veth = ["ip", "link", "add", dev_i, "netns", self.ns["i"], "type", "veth"]
            _run([*veth, "peer", "name", dev_r, "netns", self.ns[r]])
            for k, dev, other in (("i", dev_i, r), (r, dev_r, "i")):
                addr = f"{ends[k].outer_address}/32"
                peer = f"{ends[other].outer_address}/32"
                _run(["ip", "-n", self.ns[k], "addr", "add", addr, "peer", peer, "dev", dev])
                _run(["ip", "-n", self.ns[k], "link", "set", dev, "up"])
        added = set()
        for k, end in ends.items():
            for addr in end.inner_addresses:
                if (self.ns[k], _plain(addr)) not in added:
                    added.add((self.ns[k], _plain(addr)))
                    _run(["ip", "-n", self.ns[k], "addr", "add", f"{_plain(addr)}/32", "dev", "lo"])

    def link(self, r: str, up: bool) -> None:
        """Take the responder ``r``'s link to the initiator down or up (both ends of the veth)."""
        dev_i, dev_r = self.veth[r]
        for k, dev in (("i", dev_i), (r, dev_r)):
            _run(["ip", "-n", self.ns[k], "link", "set", dev, "up" if up else "down"], check=False)

    # daemons -------------------------------------------------------------
    def start_daemons(self) -> None:
        # ip netns exec: network ns; unshare --mount + tmpfs on /run: the pid
        # file and default sockets never meet a system charon.  Each daemon is
        # a session leader, so killpg(pid) takes everything it might spawn.
        # umask 077: charon.log and whatever else charon creates is 0600.
        script = 'umask 077 && mount -t tmpfs -o mode=0755,size=4m vpnlab /run && exec "$0"'
        for k in self.ends:
            with os.fdopen(_open_private(self.path(k, "charon.stdout")), "wb") as log:
                self.procs[k] = subprocess.Popen(
                    [
                        "ip",
                        "netns",
                        "exec",
                        self.ns[k],
                        "unshare",
                        "--mount",
                        "--propagation",
                        "private",
                        "sh",
                        "-c",
                        script,
                        self.charon,
                    ],
                    env=self.env(k),
                    stdin=subprocess.DEVNULL,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                    cwd=os.path.join(self.dir, self.ends[k].name),
                )

    def wait_sockets(self, deadline: float) -> None:
        pending = set(self.ends)
        while pending:
            for k in list(pending):
                proc = self.procs[k]
                if proc.poll() is not None:
                    raise RuntimeError(
                        f"charon of {self.ends[k].name} exited ({proc.returncode}): "
                        + " | ".join(self.log_lines(k)[-5:] + self.stdout_lines(k)[-5:])
                    )
                path = self.path(k, "charon.vici")
                if os.path.exists(path):
                    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                    try:
                        s.connect(path)
                        pending.discard(k)
                    except OSError:
                        pass
                    finally:
                        s.close()
            if pending:
                if time.monotonic() > deadline:
                    raise TimeoutError("charon vici socket did not appear")
                time.sleep(0.01)

    def swanctl_cmd(self, k: str, *args: str) -> list[str]:
        return [self.swanctl, *args, "--uri", self.uri(k)]

    def load(self, deadline: float) -> tuple[str | None, list[str]]:
        """swanctl --load-all on both ends (in parallel): (error or None, swanctl output)."""
        procs = {}
        for k in self.ends:
            procs[k] = subprocess.Popen(
                self.swanctl_cmd(k, "--load-all", "--noprompt", "--file", self.path(k, "swanctl.conf")),
                env=self.env(k),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
            )
        errors, output = [], []
        for k, proc in procs.items():
            name = self.ends[k].name
            try:
                out, _ = proc.communicate(timeout=max(1.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                proc.kill()
                out, _ = proc.communicate()
                errors.append(f"swanctl --load-all timed out [on {name}]")
            lines = [
                line.strip()
                for line in out.splitlines()
                if line.strip() and not line.startswith("plugin '") and "opening directory" not in line
            ]
            output += [f"[swanctl {name}] {line}" for line in lines]
            bad = [line for line in lines if re.search(r"fail|error|invalid|unknown|expected", line, re.I)]
            if proc.returncode != 0 or bad:
                msg = "; ".join(bad or lines[-1:]) or f"swanctl exit {proc.returncode}"
                errors.append(f"{msg} [on {name}]")
        return ("; ".join(errors) or None), output

    def initiate(self, connection: str, child: str, deadline: float, k: str = "i") -> tuple[bool, list[str]]:
        """swanctl --initiate one child: (success, swanctl output).

        Stops waiting early (after a short grace) once either daemon logs a
        fatal error, e.g. IKEv1 would otherwise retransmit after a PSK mismatch
        until it gives up.
        """
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return False, ["lab timeout before initiate"]
        cmd = self.swanctl_cmd(
            k, "--initiate", "--child", child, "--ike", connection, "--timeout", str(max(1, math.ceil(remaining)))
        )
        out_path = self.path(k, "initiate-" + re.sub(r"[^A-Za-z0-9_.-]", "_", child) + ".out")
        scan = {k: self.log_size(k) for k in self.ends}
        with os.fdopen(_open_private(out_path), "w") as out:
            proc = subprocess.Popen(
                cmd, env=self.env(k), stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT, text=True
            )
        give_up_at: float | None = None
        try:
            while proc.poll() is None:
                now = time.monotonic()
                if now > deadline + 1.0 or (give_up_at is not None and now > give_up_at):
                    break
                if give_up_at is None:
                    for k in self.ends:
                        lines, scan[k] = self.read_lines(k, scan[k])
                        if any(_FATAL.search(line) for line in lines):
                            give_up_at = now + _FATAL_GRACE_S
                time.sleep(0.01)
        finally:
            if proc.poll() is None:
                proc.kill()
            proc.wait()
        with open(out_path, errors="replace") as f:
            lines = f.read().splitlines()
        return proc.returncode == 0, lines

    def list_sas(self, k: str = "i") -> _Tree:
        proc = _run(
            self.swanctl_cmd(k, "--list-sas", "--noblock", "--pretty"), env=self.env(k), check=False, timeout=5.0
        )
        sas: _Tree = {}
        for name, tree in _parse_pretty(proc.stdout):
            if name == "list-sa event":
                sas.update(tree)
        return sas

    def ping(self, src: str, dst: str, deadline: float, k: str = "i") -> bool:
        """Ping ``dst`` from ``src`` inside end ``k`` until it answers or ``deadline``."""
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return False
            wait = max(1, min(3, int(remaining)))
            proc = _run(
                [
                    "ip",
                    "netns",
                    "exec",
                    self.ns[k],
                    "ping",
                    "-n",
                    "-q",
                    "-c",
                    "2",
                    "-i",
                    "0.05",
                    "-W",
                    "1",
                    "-w",
                    str(wait),
                    "-I",
                    src,
                    dst,
                ],
                timeout=wait + 2.0,
                env=self.env(k),
                check=False,
            )
            if proc.returncode == 0:
                return True
            time.sleep(0.05)

    # logs ----------------------------------------------------------------
    def file_lines(self, k: str, name: str) -> list[str]:
        """The lines of one of the end's files in the lab dir ([] while it does not exist)."""
        try:
            with open(self.path(k, name), errors="replace") as f:
                return f.read().splitlines()
        except OSError:
            return []

    def log_lines(self, k: str) -> list[str]:
        return self.file_lines(k, "charon.log")

    def stdout_lines(self, k: str) -> list[str]:
        return self.file_lines(k, "charon.stdout")

    def log_size(self, k: str) -> int:
        try:
            return os.path.getsize(self.path(k, "charon.log"))
        except OSError:
            return 0

    def read_lines(self, k: str, offset: int) -> tuple[list[str], int]:
        """Complete log lines from byte ``offset`` on, and the offset after them."""
        try:
            with open(self.path(k, "charon.log"), "rb") as f:
                f.seek(offset)
                data = f.read()
        except OSError:
            return [], offset
        end = data.rfind(b"\n") + 1
        return data[:end].decode(errors="replace").splitlines(), offset + end

    def log_since(self, k: str, offset: int) -> list[str]:
        try:
            with open(self.path(k, "charon.log"), "rb") as f:
                f.seek(offset)
                return f.read().decode(errors="replace").splitlines()
        except OSError:
            return []

    def tagged(self, k: str, lines: list[str]) -> list[str]:
        return [f"[{self.ends[k].name}] {line}" for line in lines]

    # route-based ---------------------------------------------------------
    def configure_routed(self, deadline: float) -> str | None:
        """Addresses and routes on ipsec0 for the route-based ends: None, or what failed."""
        for k, end in self.ends.items():
            if not end.routed:
                continue
            ns = self.ns[k]
            while k not in self.tun:
                m = next((_TUN_CREATED.search(ln) for ln in self.log_lines(k) if _TUN_CREATED.search(ln)), None)
                if m is not None:
                    self.tun[k] = m.group(1)
                elif time.monotonic() > deadline:
                    return f"kernel-libipsec's TUN device did not appear [on {end.name}]"
                else:
                    time.sleep(0.02)
            # kernel-libipsec installs a default route into ipsec0 (table 220)
            # for a 0.0.0.0/0 CHILD_SA even with install_routes = no: without
            # the rule, only the routes of the rendered config (xfrm.sh, BIRD)
            # send traffic into the tunnel, as on a host with an XFRM interface
            for rule in _run(["ip", "-n", ns, "rule", "show"], check=False).stdout.splitlines():
                if rule.split()[-2:] == ["lookup", CHARON_TABLE]:
                    _run(["ip", "-n", ns, "rule", "del", *rule.split(":", 1)[1].split()], check=False)
            for cmd in end.setup:
                cmd = tuple(self.tun[k] if a == TUN_DEV else a for a in cmd)
                proc = _run(["ip", "-n", ns, *cmd], check=False)
                if proc.returncode != 0:
                    err = (proc.stderr or proc.stdout).strip().splitlines()
                    return f"ip {' '.join(cmd)}: {err[-1] if err else proc.returncode} [on {end.name}]"
        return None

    def start_bird(self) -> str | None:
        """Check and start BIRD on every end that has a configuration: None, or what failed."""
        bird, birdc = _first_existing(BIRD_CANDIDATES), _first_existing(BIRDC_CANDIDATES)
        for k, end in self.ends.items():
            if end.bird_conf is None:
                continue
            if bird is None or birdc is None:
                return "BIRD 2 not installed: " + BIRD_HINT
            self.birdc = birdc
            conf = self.path(k, "bird.conf")
            _write_private(conf, end.bird_conf)
            check = _run([bird, "-p", "-c", conf], check=False)
            if check.returncode != 0:
                return f"bird.conf rejected: {(check.stderr or check.stdout).strip()} [on {end.name}]"
            with os.fdopen(_open_private(self.path(k, "bird.stdout")), "wb") as log:
                self.procs["bird-" + k] = subprocess.Popen(
                    [
                        *self.exec_in(k),
                        bird,
                        "-f",
                        "-c",
                        conf,
                        "-s",
                        self.path(k, "bird.ctl"),
                        "-P",
                        self.path(k, "bird.pid"),
                    ],
                    env=self.env(k),
                    stdin=subprocess.DEVNULL,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                    cwd=os.path.join(self.dir, end.name),
                )
        return None

    def exec_in(self, k: str) -> list[str]:
        return ["ip", "netns", "exec", self.ns[k]]

    def bgp_states(self, k: str) -> dict[str, str]:
        """BGP protocol -> its state as `birdc show protocols` prints it ("Established", "Active", ...)."""
        proc = _run([self.birdc, "-s", self.path(k, "bird.ctl"), "show", "protocols"], check=False, timeout=5.0)
        states = {}
        for line in proc.stdout.splitlines():
            f = line.split()
            if len(f) >= 4 and f[1] == "BGP":
                m = _BGP_STATE.search(line)
                states[f[0]] = m.group(0) if m else f[3]
        return states

    def bird_lines(self, k: str) -> list[str]:
        return self.file_lines(k, "bird.stdout")

    def learned(self, k: str) -> list[str]:
        """The prefixes BIRD put into the end's kernel routing table."""
        proc = _run(["ip", "-n", self.ns[k], "-4", "route", "show", "proto", "bird"], check=False)
        return sorted({line.split()[0] for line in proc.stdout.splitlines() if line.strip()})

    def ping_once(self, src: str, dst: str, wait: float = 0.5) -> bool:
        proc = _run(
            ["ip", "netns", "exec", self.ns["i"], "ping", "-n", "-q", "-c", "1", "-W", str(wait), "-I", src, dst],
            timeout=wait + 2.0,
            env=self.env("i"),
            check=False,
        )
        return proc.returncode == 0

    def child_packets(self, ends: tuple[str, ...] = ("i",)) -> dict[str, int]:
        """Installed CHILD_SA name -> packets it sent (the IDC daemons' view)."""
        out: dict[str, int] = {}
        for ike_sa in (sa for k in ends if k in self.ends for sa in self.list_sas(k).values()):
            for sa in (ike_sa.get("child-sas") or {}).values():
                if isinstance(sa, dict) and sa.get("state") == "INSTALLED":
                    name = str(sa.get("name", ""))
                    out[name] = out.get(name, 0) + (_int(sa.get("packets-out")) or 0)
        return out

    # teardown ------------------------------------------------------------
    def teardown(self) -> None:
        for proc in self.procs.values():
            with contextlib.suppress(OSError):
                os.killpg(proc.pid, signal.SIGKILL)
            with contextlib.suppress(OSError):
                proc.kill()
        for proc in self.procs.values():
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=5.0)
        cleanup(self.tag)


def _validate(initiator: LabEnd, responder: LabEnd, children: list[str], pings: dict[str, tuple[str, str]]) -> None:
    for end in (initiator, responder):
        if not _NAME_RE.match(end.name):
            raise ValueError(f"invalid end name {end.name!r}: 1-16 chars of [a-z0-9_]")
        addr = ipaddress.ip_address(end.outer_address)
        if addr not in LAB_NET:
            raise ValueError(f"outer address {addr} of {end.name} is outside {LAB_NET}")
        for inner in end.inner_addresses:
            ipaddress.ip_interface(inner)
    if initiator.name == responder.name:
        raise ValueError("initiator and responder need different names")
    if initiator.outer_address == responder.outer_address:
        raise ValueError("initiator and responder need different outer addresses")
    if not children:
        raise ValueError("no children to initiate")
    for child, (src, dst) in pings.items():
        if child not in children:
            raise ValueError(f"ping for unknown child {child!r}")
        ipaddress.ip_address(_plain(src))
        ipaddress.ip_address(_plain(dst))
    for end in (initiator, responder):
        for src, dst in end.probes:
            ipaddress.ip_address(src)
            ipaddress.ip_address(dst)


def _reserve_tag(tag: str | None) -> str:
    """Atomically claim a lab tag by creating its directory (with the owner file)."""
    while True:
        candidate = tag or secrets.token_hex(3)
        if tag is not None and leftovers(tag):
            if _owner_alive(tag):
                raise ValueError(f"lab tag {tag!r} is in use")
            cleanup(tag)
        if tag is None and _lab_netns(candidate):
            continue
        try:
            os.mkdir(_lab_dir(candidate), 0o700)
        except FileExistsError:
            if tag is not None:
                raise ValueError(f"lab tag {tag!r} is in use") from None
            continue
        owner = os.path.join(_lab_dir(candidate), "owner")
        with open(owner + ".tmp", "w") as f:
            f.write(f"{os.getpid()} {_proc_starttime(os.getpid())}\n")
        os.rename(owner + ".tmp", owner)
        return candidate


def run_lab(
    initiator: LabEnd,
    responder: LabEnd,
    *,
    connection: str,
    children: list[str],
    pings: dict[str, tuple[str, str]],
    timeout: float = 20.0,
    tag: str | None = None,
    keep: bool = False,
) -> LabResult:
    """Run ``initiator`` against ``responder`` and report what happened.

    ``connection`` is the connection name in the initiator's swanctl.conf;
    every name in ``children`` is initiated from the initiator, in order.
    ``pings`` maps a child to (source address in the initiator, destination in
    the responder).  ``timeout`` bounds the whole run except teardown (pings
    get at least 1.5 s after the last initiate).  ``tag`` names the lab's
    resources (random 6 hex digits by default; see :func:`leftovers`).
    ``keep=True`` copies the lab's temp dir (configs, logs) to
    ``/tmp/vpnlab-<tag>.kept`` for debugging (folders 0700, files 0600: the
    configs hold the keys); everything else is removed.

    Raises LabUnavailable if :func:`preflight` fails, ValueError on bad input;
    daemon/negotiation failures are reported in the result, never raised.
    SIGTERM (main thread) and KeyboardInterrupt tear the lab down first, then
    take their normal course.
    """
    t_begin = time.monotonic()
    _validate(initiator, responder, children, pings)
    if tag is not None:
        _check_tag(tag)
    problem = preflight()
    if problem:
        raise LabUnavailable(problem)
    deadline = t_begin + timeout
    timings: dict[str, float] = {}
    reap_stale()
    tag = _reserve_tag(tag)
    try:
        lab = _Lab(tag, initiator, responder)
    except BaseException:
        cleanup(tag)
        raise
    result = LabResult(
        ike_established=False,
        ike_proposal=None,
        esp_proposals={},
        children=[],
        reason=None,
        log_excerpt=[],
        timings=timings,
        tag=tag,
    )
    _session(
        lab,
        keep,
        timings,
        t_begin,
        lambda: _drive(lab, result, connection, children, pings, t_begin, deadline, timings),
    )
    return result


def _session(lab: _Lab, keep: bool, timings: dict[str, float], t_begin: float, body: Any) -> None:
    """Run ``body`` and tear the lab down whatever happens: an exception,
    SIGTERM (main thread: re-delivered after the teardown) or KeyboardInterrupt."""
    terminated: LabTerminated | None = None
    try:
        with _sigterm_raises():
            try:
                body()
            finally:
                t = time.monotonic()
                with _shielded():
                    if keep:
                        with contextlib.suppress(OSError):
                            _keep(lab.dir)
                    lab.teardown()
                timings["teardown"] = round(time.monotonic() - t, 3)
                timings["total"] = round(time.monotonic() - t_begin, 3)
    except LabTerminated as exc:
        terminated = exc
    if terminated is not None:
        # everything is cleaned up; let the previous handler (default: die) act
        signal.raise_signal(terminated.signum)
        raise terminated


def _marker(timings: dict[str, float]) -> Any:
    """mark(name, since): record the time since ``since`` as stage ``name``; returns now."""

    def mark(name: str, since: float) -> float:
        now = time.monotonic()
        timings[name] = round(now - since, 3)
        return now

    return mark


def _bring_up(lab: _Lab, result: LabResult, t_begin: float, deadline: float, mark: Any) -> float | None:
    """Namespaces, daemons, configs loaded, route-based interfaces set up: the
    time after it, or None with ``result.reason`` set."""
    lab.create_dirs()
    lab.create_network()
    t = mark("setup", t_begin)
    lab.start_daemons()
    try:
        lab.wait_sockets(deadline)
    except (RuntimeError, TimeoutError) as exc:
        result.reason = f"START_FAILED: {exc}"
        result.log_excerpt = [ln for k in lab.ends for ln in lab.tagged(k, lab.log_lines(k)[-20:])]
        mark("start", t)
        return None
    t = mark("start", t)
    load_error, load_output = lab.load(deadline)
    t = mark("load", t)
    if load_error:
        result.reason = f"LOAD_FAILED: {load_error}"
        result.log_excerpt = load_output[-40:]
        return None
    if any(e.routed for e in lab.ends.values()):
        setup_error = lab.configure_routed(deadline)
        t = mark("routing", t)
        if setup_error:
            result.reason = f"SETUP_FAILED: {setup_error}"
            return None
    return float(t)


def _drive(
    lab: _Lab,
    result: LabResult,
    connection: str,
    children: list[str],
    pings: dict[str, tuple[str, str]],
    t_begin: float,
    deadline: float,
    timings: dict[str, float],
) -> None:
    mark = _marker(timings)
    t = _bring_up(lab, result, t_begin, deadline, mark)
    if t is None:
        result.children = [ChildResult(c, False, None, *_ping_pair(pings, c), reason=result.reason) for c in children]
        return

    child_logs: dict[str, list[str]] = {}
    timed_out = False
    for child in children:
        offs = {k: lab.log_size(k) for k in lab.ends}
        ok, out = lab.initiate(connection, child, deadline)
        lines = lab.tagged("i", lab.log_since("i", offs["i"])) + lab.tagged("r", lab.log_since("r", offs["r"]))
        # swanctl's own messages (daemon log lines it relays start with "[IKE]" etc.)
        own = [f"[swanctl] {line}" for line in out if line.strip() and not line.startswith("[")]
        child_logs[child] = lines + own
        if not ok:
            if time.monotonic() >= deadline - 0.05:
                timed_out = True
                break
            if not any(sa.get("state") == "ESTABLISHED" for sa in lab.list_sas("i").values()):
                break  # IKE itself failed: the other children would only repeat that
    t = mark("initiate", t)

    sas = lab.list_sas("i")
    ike = sas.get(connection)
    if ike is None and len(sas) == 1:
        ike = next(iter(sas.values()))
    installed: dict[str, _Tree] = {}
    if ike is not None:
        result.ike_established = ike.get("state") == "ESTABLISHED"
        result.ike_proposal = _alg_string(ike, ike=True)
        for sa in (ike.get("child-sas") or {}).values():
            if isinstance(sa, dict) and sa.get("state") == "INSTALLED":
                installed.setdefault(sa.get("name", ""), sa)

    all_lines = [ln for k in lab.ends for ln in lab.tagged(k, lab.log_lines(k))]
    for child in children:
        src, dst = _ping_pair(pings, child)
        sa = installed.get(child)
        cr = ChildResult(child, sa is not None, None, src, dst, None)
        if sa is not None:
            cr.esp_proposal = _alg_string(sa, ike=False)
            if cr.esp_proposal:
                result.esp_proposals[child] = cr.esp_proposal
        elif child not in child_logs:
            cr.reason = "timeout" if timed_out else "NOT_ATTEMPTED"
        else:
            cr.reason = _classify(child_logs[child])[0] or ("timeout" if timed_out else "CHILD_FAILED")
        result.children.append(cr)

    if any(e.bird_conf is not None for e in lab.ends.values()) and result.children:
        if all(cr.established for cr in result.children):
            t = _bgp(lab, result, deadline, mark, t)
        else:
            result.bgp = {"established": {}, "learned": {}, "ok": False}

    # a slow but successful negotiation still gets a fair chance to ping
    ping_deadline = max(deadline, time.monotonic() + 1.5)
    for cr in result.children:
        if cr.established and cr.src and cr.dst and result.reason is None:
            cr.ping_ok = lab.ping(_plain(cr.src), _plain(cr.dst), ping_deadline)
            if not cr.ping_ok:
                cr.reason = "PING_FAILED"
    if any(cr.ping_ok for cr in result.children):
        counted: dict[str, _Tree] = {}
        for ike_sa in lab.list_sas("i").values():
            for sa in (ike_sa.get("child-sas") or {}).values():
                if isinstance(sa, dict) and sa.get("state") == "INSTALLED":
                    counted.setdefault(sa.get("name", ""), sa)
        for cr in result.children:
            sa = counted.get(cr.child)
            if cr.ping_ok and sa is not None:
                cr.packets_in = _int(sa.get("packets-in"))
                cr.packets_out = _int(sa.get("packets-out"))
                if not cr.packets_in or not cr.packets_out:
                    cr.ping_ok = False
                    cr.reason = "PING_BYPASSED_ESP: the ping was answered but the CHILD_SA counted no packets"
    t = mark("ping", t)
    _probes(lab, result, deadline, mark, t)

    if not result.ike_established:
        reason, _ = _classify(all_lines)
        result.reason = reason or ("timeout" if timed_out else "IKE_FAILED")
        result.log_excerpt = _excerpt(all_lines)
        for cr in result.children:
            if cr.reason == "NOT_ATTEMPTED":
                cr.reason = result.reason
    else:
        failed = [cr for cr in result.children if cr.reason]
        if failed and result.reason is None:
            result.reason = failed[0].reason
            result.log_excerpt = _excerpt([line for cr in failed for line in child_logs.get(cr.child, [])] or all_lines)
    if result.reason is None and result.health is not None and not result.health["ok"]:
        bad = next(p for p in result.health["probes"] if not p["ok"])
        result.reason = (
            f"HEALTH_CHECK_FAILED: {bad['dst']} does not answer the probes from {bad['src']} "
            f"({bad['end']}) through the tunnel"
        )


def _probes(lab: _Lab, result: LabResult, deadline: float, mark: Any, t: float) -> None:
    """The ends' probes (the cloud's health check) once every child is up and
    pinged: each must be answered through the tunnel (``result.health``)."""
    probes = [(k, src, dst) for k, end in lab.ends.items() for src, dst in end.probes]
    if not probes or not result.children or not all(cr.established for cr in result.children):
        return
    done = []
    for k, src, dst in probes:
        # the tunnel already carried the children's pings: an answer is a matter of seconds
        now = time.monotonic()
        ok = lab.ping(src, dst, max(now + 1.5, min(deadline, now + 3.0)), k=k)
        done.append({"end": lab.ends[k].name, "src": src, "dst": dst, "ok": ok})
    result.health = {"probes": done, "ok": all(p["ok"] for p in done)}
    mark("health", t)


def bgp_up(states: Iterable[dict[str, str]]) -> bool:
    """Every end has BGP sessions and each is Established (``_Lab.bgp_states`` of each end)."""
    return all(st and all(v == "Established" for v in st.values()) for st in states)


def _bgp(lab: _Lab, result: LabResult, deadline: float, mark: Any, t: float) -> float:
    """Start BIRD on the route-based ends, wait until every BGP session is
    Established, then until each end has learnt the prefixes it expects."""
    bgp: dict[str, Any] = {"established": {}, "learned": {}, "ok": False}
    result.bgp = bgp
    ends = [k for k, e in lab.ends.items() if e.bird_conf is not None]
    error = lab.start_bird()
    if error:
        result.reason = f"BGP_FAILED: {error}"
        return float(mark("bgp", t))
    # BGP gets at least its connect delay (the cloud end's, 1 s) and a few round trips
    bgp_deadline = max(deadline, time.monotonic() + 5.0)
    while True:
        states = {lab.ends[k].name: lab.bgp_states(k) for k in ends}
        up = bgp_up(states.values())
        if up or time.monotonic() > bgp_deadline:
            break
        time.sleep(0.1)
    bgp["established"] = states
    t = mark("bgp", t)
    if not up:
        result.reason = "BGP_NOT_ESTABLISHED: " + "; ".join(
            f"{name} {p} {st}" for name, sts in states.items() for p, st in (sts or {"BGP": "absent"}).items()
        )
        result.log_excerpt = [f"[{lab.ends[k].name} bird] {ln}" for k in ends for ln in lab.bird_lines(k)[-10:]]
        return float(t)
    routes_deadline = max(deadline, time.monotonic() + 5.0)
    while True:
        learned = {k: lab.learned(k) for k in ends}
        missing = {k: [p for p in lab.ends[k].expect_routes if p not in learned[k]] for k in ends}
        if not any(missing.values()) or time.monotonic() > routes_deadline:
            break
        time.sleep(0.1)
    bgp["learned"] = {lab.ends[k].name: v for k, v in learned.items()}
    t = mark("routes", t)
    if any(missing.values()):
        result.reason = "ROUTES_MISSING: " + "; ".join(
            f"{lab.ends[k].name} did not learn {', '.join(v)}" for k, v in missing.items() if v
        )
        return float(t)
    bgp["ok"] = True
    return float(t)


@dataclass
class FailoverResult:
    """A redundant pair in the lab: both tunnels up, then the one carrying
    traffic loses its link; how long until the other carries it, and how
    long until the first is back after its link returns."""

    bring_up: LabResult  # both tunnels: IKE, CHILD, BGP, routes, ping
    carrier: str | None = None  # the CHILD_SA that carried the ping before the failure
    failover_seconds: float | None = None  # link down -> first reply through the other tunnel
    carrier_after: str | None = None
    restored_seconds: float | None = None  # link up -> the first tunnel re-established, and its BGP session
    child_restored_seconds: float | None = None  # link up -> its CHILD_SA re-established
    reason: str | None = None

    @property
    def ok(self) -> bool:
        return self.reason is None and self.bring_up.ok


def run_pair_lab(
    idc: tuple[LabEnd, LabEnd],
    first: LabEnd,
    second: LabEnd,
    *,
    children: tuple[tuple[str, str], tuple[str, str]],
    ping: tuple[str, str],
    timeout: float = 20.0,
    failover_bound: float = 60.0,
    restore_bound: float = 90.0,
    tag: str | None = None,
    keep: bool = False,
) -> FailoverResult:
    """A redundant pair: the IDC's two tunnels (``idc``: one daemon each, in
    one namespace, each with its own TUN device; the first carries the BIRD
    configuration of both) against two VPN gateways. ``children``: (connection,
    child) of each tunnel. Brings both up, pings ``ping`` (src in the IDC, dst
    in the VPC, which both gateways serve), finds which tunnel carried it,
    takes that gateway's link down and measures until the ping is answered
    through the other (bounded by ``failover_bound``), then brings the link
    back and measures until the first tunnel and its BGP session are back
    (bounded by ``restore_bound``: BIRD waits its ``error wait time``, 60 s
    by default, before it restarts a session whose hold timer expired)."""
    t_begin = time.monotonic()
    names = [c for _, c in children]
    _validate(idc[0], first, names, {names[0]: ping})
    _validate(idc[1], second, names, {})
    if tag is not None:
        _check_tag(tag)
    problem = preflight()
    if problem:
        raise LabUnavailable(problem)
    timings: dict[str, float] = {}
    reap_stale()
    tag = _reserve_tag(tag)
    try:
        lab = _Lab(tag, idc[0], first, second, idc[1])
    except BaseException:
        cleanup(tag)
        raise
    up = LabResult(False, None, {}, [], None, [], timings, tag)
    result = FailoverResult(up)
    _session(
        lab,
        keep,
        timings,
        t_begin,
        lambda: _drive_pair(lab, result, children, ping, t_begin, timeout, failover_bound, restore_bound),
    )
    return result


_IDC = ("i", "j")  # the pair's IDC daemons, first tunnel's first


def _drive_pair(
    lab: _Lab,
    result: FailoverResult,
    children: tuple[tuple[str, str], tuple[str, str]],
    ping: tuple[str, str],
    t_begin: float,
    timeout: float,
    bound: float,
    restore_bound: float,
) -> None:
    up = result.bring_up
    deadline = t_begin + timeout
    mark = _marker(up.timings)
    t = _bring_up(lab, up, t_begin, deadline, mark)
    if t is None:
        return
    src, dst = _plain(ping[0]), _plain(ping[1])
    for k, (conn, child) in zip(_IDC, children, strict=True):
        lab.initiate(conn, child, deadline, k=k)
        sas = lab.list_sas(k)
        ike = sas.get(conn)
        installed = [
            sa
            for sa in ((ike or {}).get("child-sas") or {}).values()
            if isinstance(sa, dict) and sa.get("state") == "INSTALLED"
        ]
        if ike is not None:
            up.ike_proposal = up.ike_proposal or _alg_string(ike, ike=True)
        cr = ChildResult(child, bool(installed), None, src, dst, None)
        if installed:
            cr.esp_proposal = _alg_string(installed[0], ike=False)
            up.esp_proposals[child] = cr.esp_proposal or ""
        else:
            cr.reason = _classify(lab.log_lines(k))[0] or "CHILD_FAILED"
        up.children.append(cr)
    up.ike_established = all(cr.established for cr in up.children)
    t = mark("initiate", t)
    if not up.ike_established:
        up.reason = next(cr.reason for cr in up.children if cr.reason)
        up.log_excerpt = _excerpt([ln for k in lab.ends for ln in lab.tagged(k, lab.log_lines(k))])
        return
    if any(e.bird_conf is not None for e in lab.ends.values()):
        t = _bgp(lab, up, deadline, mark, t)
        if up.reason:
            return
    ok = lab.ping(src, dst, max(deadline, time.monotonic() + 1.5))
    for cr in up.children:
        cr.ping_ok = ok
    t = mark("ping", t)
    if not ok:
        up.reason = "PING_FAILED"
        return
    _failover(lab, result, children, (src, dst), bound, restore_bound)


def _failover(
    lab: _Lab,
    result: FailoverResult,
    children: tuple[tuple[str, str], tuple[str, str]],
    ping: tuple[str, str],
    bound: float,
    restore_bound: float,
) -> None:
    src, dst = ping
    names = [c for _, c in children]
    before = lab.child_packets(_IDC)
    for _ in range(3):
        lab.ping_once(src, dst)
    after = lab.child_packets(_IDC)
    grew = [c for c in names if after.get(c, 0) > before.get(c, 0)]
    if len(grew) != 1:
        result.reason = f"CARRIER_UNCLEAR: the ping went through {', '.join(grew) or 'no CHILD_SA'}"
        return
    carrier = result.carrier = grew[0]
    n = names.index(carrier)
    other = names[1 - n]
    gateway = lab.responders[n]
    t0 = time.monotonic()
    lab.link(gateway, up=False)
    base = lab.child_packets(_IDC).get(other, 0)
    while time.monotonic() - t0 < bound:
        if lab.ping_once(src, dst, wait=0.3) and lab.child_packets(_IDC).get(other, 0) > base:
            result.failover_seconds = round(time.monotonic() - t0, 2)
            result.carrier_after = other
            break
        time.sleep(0.1)
    result.bring_up.timings["failover"] = round(time.monotonic() - t0, 3)
    if result.failover_seconds is None:
        result.reason = f"NO_FAILOVER: no reply through {other} within {bound:.0f} s of {carrier}'s link going down"
    t1 = time.monotonic()
    lab.link(gateway, up=True)
    conn, k = children[n][0], _IDC[n]
    deadline = t1 + restore_bound
    while time.monotonic() < deadline:
        if carrier not in lab.child_packets((k,)):
            lab.initiate(conn, carrier, min(deadline, time.monotonic() + 5.0), k=k)
            continue
        if result.child_restored_seconds is None:
            result.child_restored_seconds = round(time.monotonic() - t1, 2)
        if bgp_up(lab.bgp_states(e) for e in ("i", gateway) if lab.ends[e].bird_conf is not None):
            result.restored_seconds = round(time.monotonic() - t1, 2)
            break
        time.sleep(0.2)
    result.bring_up.timings["restore"] = round(time.monotonic() - t1, 3)
    if result.restored_seconds is None and result.reason is None:
        result.reason = f"NOT_RESTORED: {carrier} was not back within {deadline - t1:.0f} s of its link returning"


def _int(value: object) -> int | None:
    return int(value) if isinstance(value, str) and value.isdigit() else None


def _ping_pair(pings: dict[str, tuple[str, str]], child: str) -> tuple[str | None, str | None]:
    pair = pings.get(child)
    return (pair[0], pair[1]) if pair else (None, None)


def preflight_bgp() -> str | None:
    """Why BGP tunnels cannot run in the lab (no BIRD 2), or None."""
    if _first_existing(BIRD_CANDIDATES) is None or _first_existing(BIRDC_CANDIDATES) is None:
        return "BIRD 2 not installed: " + BIRD_HINT
    return None


if __name__ == "__main__":  # `python -m vpnconf.labnet`: CI's one-line preflight
    reason = preflight() or preflight_bgp()
    if reason:
        print(f"lab preflight failed: {reason}", file=sys.stderr)
        sys.exit(1)
    print("lab preflight: ok")
