"""The files `-o` writes (vpnconf/outfiles.py): regular files only, never
through a link, new folders 0700, one-line errors, temp files 0600 from the
first byte and swept after a killed run."""

from __future__ import annotations

import json
import os
import signal
import socket
import stat
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
import yaml

from conftest import QUICKSTART, ROOT
from vpnconf import outfiles

TUNNEL = "TomVPNConn"
PSK = "123456"  # the quickstart tunnel's pre-shared key


def run(cmd, *args, **kw):
    return subprocess.run([*cmd, *map(str, args)], capture_output=True, text=True, **kw)


def render(vpnconf_bin, out, *extra, **kw):
    return run(vpnconf_bin, "render", QUICKSTART, "--tunnel", TUNNEL, "-o", out, *extra, **kw)


def one_line_exit_2(r) -> str:
    assert r.returncode == 2, (r.returncode, r.stderr)
    assert "Traceback" not in r.stderr and "internal error" not in r.stderr, r.stderr
    assert r.stderr.count("\n") == 1, r.stderr
    return r.stderr


def import_inputs(vpnconf_bin, tmp_path) -> tuple[Path, Path]:
    """A CreateVpnConnection request with its key and a site without tunnels to import it into."""
    req = tmp_path / "req.json"
    req.write_text(run(vpnconf_bin, "export", QUICKSTART, "--tunnel", TUNNEL, "--show-secrets").stdout)
    assert json.loads(req.read_text())["PreShareKey"] == PSK
    base = yaml.safe_load(QUICKSTART.read_text())
    base["tunnels"] = []
    into = tmp_path / "base.yaml"
    into.write_text(yaml.safe_dump(base))
    return req, into


def device_node(tmp_path: Path) -> Path:
    """A character device to aim -o at: as root a private copy of /dev/null
    (c 1 3) made with mknod, so that a regression replaces that and never the
    system's /dev/null; otherwise /dev/null itself (a user cannot replace it)."""
    if os.geteuid() != 0:
        return Path("/dev/null")
    dev = tmp_path / "null"
    os.mknod(dev, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    return dev


def node(p) -> tuple[int, int, int]:
    st = os.lstat(p)
    return st.st_mode, st.st_ino, st.st_rdev


def test_quickstart_key_is_what_this_file_assumes(vpnconf_bin):
    r = run(vpnconf_bin, "render", QUICKSTART, "--tunnel", TUNNEL)
    assert r.returncode == 0 and PSK in r.stdout


# ------------------------------------------------------------ 1: regular files only
@pytest.mark.parametrize("force", [False, True])
def test_device_node_is_refused_and_untouched(vpnconf_bin, tmp_path, force):
    dev = device_node(tmp_path)
    before = node(dev)
    err = one_line_exit_2(render(vpnconf_bin, dev, *(["--force"] if force else [])))
    assert f"{dev}: is a character device; -o writes regular files only" in err
    assert node(dev) == before and stat.S_ISCHR(before[0])


@pytest.mark.parametrize("force", [False, True])
def test_fifo_is_refused_and_untouched(vpnconf_bin, tmp_path, force):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo, 0o600)
    before = node(fifo)
    err = one_line_exit_2(render(vpnconf_bin, fifo, *(["--force"] if force else [])))
    assert str(fifo) in err and "FIFO" in err
    assert node(fifo) == before and stat.S_ISFIFO(before[0])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pipe"], "no temp file left"


def test_socket_is_refused(vpnconf_bin, tmp_path):
    path = tmp_path / "s.sock"
    with socket.socket(socket.AF_UNIX) as s:
        s.bind(str(path))
        before = node(path)
        err = one_line_exit_2(render(vpnconf_bin, path, "--force"))
        assert "socket" in err and node(path) == before


def test_import_refuses_a_device_node_too(vpnconf_bin, tmp_path):
    req, into = import_inputs(vpnconf_bin, tmp_path)
    dev = device_node(tmp_path)
    before = node(dev)
    err = one_line_exit_2(run(vpnconf_bin, "import", req, "--into", into, "-o", dev, "--force"))
    assert f"{dev}: is a character device" in err and node(dev) == before
    # `-o -` is stdout, keys redacted as without -o
    r = run(vpnconf_bin, "import", req, "--into", into, "-o", "-", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert "pre_shared_key: <redacted>" in r.stdout and PSK not in r.stdout
    assert not (tmp_path / "-").exists()


@pytest.mark.parametrize("dangling", [False, True])
@pytest.mark.parametrize("force", [False, True])
def test_symlink_is_refused_never_written_through(vpnconf_bin, tmp_path, dangling, force):
    target = tmp_path / "elsewhere.txt"
    if not dangling:
        target.write_text("someone else's file")
    link = tmp_path / "cfg.txt"
    link.symlink_to(target)
    err = one_line_exit_2(render(vpnconf_bin, link, *(["--force"] if force else [])))
    assert str(link) in err and "symbolic link" in err
    assert link.is_symlink() and os.readlink(link) == str(target)
    if dangling:
        assert not target.exists()
    else:
        assert target.read_text() == "someone else's file"


def test_dash_is_stdout(vpnconf_bin, tmp_path):
    r = render(vpnconf_bin, "-", cwd=tmp_path)
    assert r.returncode == 0 and PSK in r.stdout and list(tmp_path.iterdir()) == []
    r = run(vpnconf_bin, "render", QUICKSTART, "--all", "-o", "-", cwd=tmp_path)
    assert r.returncode == 0 and PSK in r.stdout and list(tmp_path.iterdir()) == []


def test_nothing_is_written_when_one_target_is_refused(vpnconf_bin, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    r = run(vpnconf_bin, "render", QUICKSTART, "--all", "-o", out)
    assert r.returncode == 0, r.stderr
    (written,) = out.iterdir()
    written.unlink()
    os.mkfifo(written)
    one_line_exit_2(run(vpnconf_bin, "render", QUICKSTART, "--all", "-o", out, "--force"))
    assert stat.S_ISFIFO(os.lstat(written).st_mode)


@pytest.mark.parametrize("force", [False, True])
def test_a_node_appearing_after_the_check_is_not_replaced(tmp_path, monkeypatch, force):
    target = tmp_path / "cfg.txt"
    real = outfiles._write_temp

    def racing(folder, t, data):
        tmp = real(folder, t, data)
        os.mkfifo(target)  # appears between the check and the rename
        return tmp

    monkeypatch.setattr(outfiles, "_write_temp", racing)
    with pytest.raises(outfiles.VpnconfError, match="FIFO" if force else "exists"):
        outfiles.write_private(target, "secret", force=force)
    assert stat.S_ISFIFO(os.lstat(target).st_mode)
    assert [p.name for p in tmp_path.iterdir()] == ["cfg.txt"], "temp file removed"


# ------------------------------------------------------------ 2: new folders 0700
def test_created_folders_are_0700_whatever_the_umask(vpnconf_bin, tmp_path):
    out = tmp_path / "a" / "b" / "c" / "cfg.txt"
    r = render(vpnconf_bin, out, preexec_fn=lambda: os.umask(0))
    assert r.returncode == 0, r.stderr
    for d in (tmp_path / "a", tmp_path / "a" / "b", tmp_path / "a" / "b" / "c"):
        assert stat.S_IMODE(d.stat().st_mode) == 0o700, d
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    # a folder that was already there keeps its mode
    tmp_path.chmod(0o755)
    r = run(vpnconf_bin, "render", QUICKSTART, "--all", "-o", tmp_path / "d/", preexec_fn=lambda: os.umask(0))
    assert r.returncode == 0, r.stderr
    assert stat.S_IMODE(tmp_path.stat().st_mode) == 0o755
    assert stat.S_IMODE((tmp_path / "d").stat().st_mode) == 0o700


# ------------------------------------------------------------ 3: unwritable places
def test_parent_is_a_file(vpnconf_bin, tmp_path):
    f = tmp_path / "plain"
    f.write_text("x")
    err = one_line_exit_2(render(vpnconf_bin, f / "cfg.txt"))
    assert f"{f / 'cfg.txt'}: cannot write: {f} is not a folder" in err
    err = one_line_exit_2(render(vpnconf_bin, f / "deeper" / "cfg.txt"))
    assert f"{f} is not a folder" in err
    err = one_line_exit_2(run(vpnconf_bin, "render", QUICKSTART, "--all", "-o", f))
    assert f"{f} is not a folder" in err
    assert f.read_text() == "x"


def _run_in_readonly(vpnconf_bin, folder: Path, out: Path):
    """render -o OUT with FOLDER read-only: a read-only tmpfs in a private mount
    namespace as root (root ignores mode bits), mode 0500 otherwise."""
    if os.geteuid() != 0:
        folder.chmod(0o500)
        try:
            return render(vpnconf_bin, out)
        finally:
            folder.chmod(0o700)
    cmd = " ".join(map(str, [*vpnconf_bin, "render", QUICKSTART, "--tunnel", TUNNEL, "-o", out]))
    return subprocess.run(
        ["unshare", "--mount", "--propagation", "private", "sh", "-c", f"mount -t tmpfs -o ro none {folder} && {cmd}"],
        capture_output=True,
        text=True,
    )


@pytest.mark.parametrize("sub", ["cfg.txt", "new/cfg.txt"])
def test_read_only_folder(vpnconf_bin, tmp_path, sub):
    folder = tmp_path / "ro"
    folder.mkdir()
    r = _run_in_readonly(vpnconf_bin, folder, folder / sub)
    err = one_line_exit_2(r)
    assert str(folder / sub) in err
    assert ("read-only file system" if os.geteuid() == 0 else "permission denied") in err
    assert list(folder.iterdir()) == []


# ------------------------------------------------------------ 4: temp files
def _dead_pid() -> int:
    p = subprocess.Popen(["true"])
    p.wait()
    return p.pid


def test_stale_temp_files_of_dead_processes_are_swept(vpnconf_bin, tmp_path):
    stale = tmp_path / f".vpnconf-tmp-{_dead_pid()}-0123abcd"
    stale.write_text(PSK)
    live = tmp_path / f".vpnconf-tmp-{os.getpid()}-0123abcd"  # this test's process is alive
    live.write_text("in flight")
    other = tmp_path / ".vpnconf-tmp-notes"  # not vpnconf's name pattern
    other.write_text("keep")
    r = render(vpnconf_bin, tmp_path / "cfg.txt")
    assert r.returncode == 0, r.stderr
    assert not stale.exists() and live.exists() and other.exists()
    # a temp file of a live pid older than an hour is stale too (the pid was reused)
    old = time.time() - 2 * outfiles.STALE_AGE_S
    os.utime(live, (old, old))
    assert outfiles.sweep_stale(tmp_path) == [live]


_KILLED_MID_WRITE = textwrap.dedent("""\
    import os, sys, time
    sys.path.insert(0, {root!r})
    from vpnconf import cli, outfiles
    def stuck(tmp, p, force):
        print(tmp, flush=True)
        time.sleep(60)
    outfiles._commit = stuck
    os.umask(0)
    cli.main(["render", {site!r}, "--all", "-o", {out!r}])
    """)


def test_render_all_killed_mid_write_is_swept_by_the_next_run(vpnconf_bin, tmp_path):
    out = tmp_path / "out"
    code = _KILLED_MID_WRITE.format(root=str(ROOT), site=str(QUICKSTART), out=str(out))
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    try:
        tmp = Path(proc.stdout.readline().strip())
        assert tmp.parent == out and tmp.name.startswith(f".vpnconf-tmp-{proc.pid}-"), tmp
        st = os.lstat(tmp)
        assert stat.S_ISREG(st.st_mode) and stat.S_IMODE(st.st_mode) == 0o600  # even with umask 0
        assert PSK in tmp.read_text()
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
        proc.stdout.close()
    assert tmp.exists(), "SIGKILL left the temp file behind"
    r = run(vpnconf_bin, "render", QUICKSTART, "--all", "-o", out, "--force")
    assert r.returncode == 0, r.stderr
    names = [p.name for p in out.iterdir()]
    assert not [n for n in names if n.startswith(".vpnconf-tmp-")], names
    assert all(stat.S_IMODE((out / n).stat().st_mode) == 0o600 for n in names)


def test_interrupted_write_removes_its_temp_file(tmp_path, monkeypatch):
    def interrupted(tmp, p, force):
        raise KeyboardInterrupt

    monkeypatch.setattr(outfiles, "_commit", interrupted)
    with pytest.raises(KeyboardInterrupt):
        outfiles.write_private(tmp_path / "cfg.txt", "secret")
    assert list(tmp_path.iterdir()) == []


def test_import_writes_0600_through_the_same_rules(vpnconf_bin, tmp_path):
    req, into = import_inputs(vpnconf_bin, tmp_path)
    out = tmp_path / "new" / "site.yaml"
    r = run(vpnconf_bin, "import", req, "--into", into, "-o", out)
    assert r.returncode == 0, r.stderr
    assert stat.S_IMODE(out.stat().st_mode) == 0o600 and stat.S_IMODE(out.parent.stat().st_mode) == 0o700
    assert PSK in out.read_text()
    err = one_line_exit_2(run(vpnconf_bin, "import", req, "--into", into, "-o", out))
    assert "exists; use --force" in err


# ------------------------------------------------------------ 5: the lab's files
def _lab():
    """tests/test_labnet.py's helpers, or a skip (a fail in CI) when the lab cannot run here."""
    from vpnconf import labnet

    problem = labnet.preflight()
    if problem:
        if os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}:
            pytest.fail(f"lab prerequisite missing in CI: {problem}")
        pytest.skip(f"labnet cannot run here: {problem}")
    from tests import test_labnet

    return labnet, test_labnet


def _modes(root: Path) -> dict[str, int]:
    """Mode of every folder and regular file under root (sockets left out)."""
    out = {".": stat.S_IMODE(os.lstat(root).st_mode)}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            p = Path(dirpath) / name
            st = os.lstat(p)
            if stat.S_ISDIR(st.st_mode) or stat.S_ISREG(st.st_mode):
                out[str(p.relative_to(root))] = stat.S_IMODE(st.st_mode)
    return out


def _private(modes: dict[str, int], root: Path) -> None:
    for rel, mode in modes.items():
        want = 0o700 if (root / rel).is_dir() else 0o600
        assert mode == want, f"{rel}: {oct(mode)} (want {oct(want)})"


@pytest.mark.lab
def test_lab_keep_copy_is_0600_files_0700_folders():
    labnet, tl = _lab()
    tag = tl._new_tag()
    kept = Path(labnet._lab_dir(tag) + ".kept")
    try:
        result = tl.lab(*tl.ends(version=1), keep=True, tag=tag)  # also asserts nothing else is left
        assert result.reason is None, tl.explain(result)
        modes = _modes(kept)
        assert "cloud/swanctl.conf" in modes and "cloud/charon.log" in modes, sorted(modes)
        assert "Lab-PSK-0123456789" in (kept / "cloud" / "swanctl.conf").read_text()
        _private(modes, kept)
        assert not Path(labnet._lab_dir(tag) + ".keeping").exists()
    finally:
        import shutil

        shutil.rmtree(kept, ignore_errors=True)


@pytest.mark.lab
def test_lab_files_are_0600_while_it_runs():
    labnet, tl = _lab()
    tag = tl._new_tag()
    proc = tl._start_lab_subprocess(tag)  # mid-negotiation: configs, logs, initiate output all there
    try:
        d = Path(labnet._lab_dir(tag))
        modes = _modes(d)
        for name in ("cloud/swanctl.conf", "cloud/strongswan.conf", "cloud/charon.log", "cloud/charon.stdout"):
            assert name in modes, sorted(modes)
        assert "cloud/initiate-net.out" in modes, sorted(modes)
        _private({k: v for k, v in modes.items() if k != "owner"}, d)
    finally:
        proc.kill()
        proc.communicate(timeout=10)
    assert labnet.cleanup(tag) == []


_KILLED_WHILE_KEEPING = textwrap.dedent("""\
    import sys, time
    sys.path.insert(0, {root!r})
    from vpnconf import labnet
    from tests.test_labnet import ends, run_lab, CLOUD_HOST, IDC_HOST
    real = labnet._copy_private
    def slow(src, dst):
        real(src, dst)  # its subfolders come back through slow() too
        if dst.endswith(".keeping"):
            print(dst, flush=True)
            time.sleep(60)
    labnet._copy_private = slow
    run_lab(*ends(version=1), connection="cloud-idc", children=["net"],
            pings={{"net": (CLOUD_HOST, IDC_HOST)}}, tag={tag!r}, keep=True)
    """)


@pytest.mark.lab
def test_lab_killed_while_keeping_leaves_nothing_the_next_run_keeps():
    labnet, tl = _lab()
    tag = tl._new_tag()
    code = _KILLED_WHILE_KEEPING.format(root=str(ROOT), tag=tag)
    proc = subprocess.Popen(
        [sys.executable, "-c", code],
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        line = proc.stdout.readline().strip()
        keeping = Path(labnet._lab_dir(tag) + ".keeping")
        assert line == str(keeping), (line, proc.stderr.read() if proc.poll() is not None else "")
        assert "Lab-PSK-0123456789" in (keeping / "cloud" / "swanctl.conf").read_text()
        _private(_modes(keeping), keeping)
    finally:
        proc.kill()  # SIGKILL mid-keep: no finally, no teardown
        proc.communicate(timeout=10)
    left = labnet.leftovers(tag)
    assert f"dir {keeping}" in left and f"dir {labnet._lab_dir(tag)}" in left, left
    result = tl.lab(*tl.ends(version=1))  # the next run reaps the dead lab, key-bearing copy included
    assert result.reason is None, tl.explain(result)
    tl.assert_clean(tag)
    assert not keeping.exists() and not Path(labnet._lab_dir(tag) + ".kept").exists()


@pytest.mark.lab
def test_lab_keeping_copy_without_its_lab_is_reaped():
    labnet, tl = _lab()
    tag = tl._new_tag()
    keeping = Path(labnet._lab_dir(tag) + ".keeping")
    (keeping / "cloud").mkdir(parents=True, mode=0o700)
    (keeping / "cloud" / "swanctl.conf").write_text("secret = x")
    assert tag in labnet.reap_stale()
    assert not keeping.exists() and labnet.leftovers(tag) == []
