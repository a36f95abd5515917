"""The files vpnconf writes (``render -o``, ``import -o``, ``make run``).

Rules (see SECURITY.md, "Files vpnconf writes"):

* Only regular files are written; ``-`` means stdout (the caller handles it).
  An existing FIFO, device node, socket or directory at the path is refused
  (exit 2) and left untouched, with or without ``--force``.  A symbolic link
  at the path is refused too: vpnconf neither writes through it nor replaces
  it.  Folders on the way (``-o out/srx/x.conf`` with ``out`` a link to a
  folder) are followed as the system does: they are the user's choice.
* An existing regular file is replaced only with ``--force``; without it the
  new file is linked into place, which fails if anything appeared meanwhile.
* Writes are atomic: the text goes to ``.vpnconf-tmp-<pid>-<hex>`` in the
  target's folder, created with ``O_EXCL|O_NOFOLLOW`` and mode 0600 from the
  first byte, then renamed (or linked) over the target.  A run killed
  mid-write leaves such a temp file; the next write into that folder removes
  every one whose process is gone (or that is older than an hour).
* Folders that ``-o`` creates are mode 0700.
* Every failure is one :class:`VpnconfError` line naming the path.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import secrets
import stat
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from .findings import VpnconfError

TMP_PREFIX = ".vpnconf-tmp-"
_TMP_RE = re.compile(r"^\.vpnconf-tmp-(\d+)-[0-9a-f]+$")
#: a temp file lives for the milliseconds of one write; one this old is stale
#: even if its pid was reused by a live process
STALE_AGE_S = 3600.0
FILE_MODE = 0o600
DIR_MODE = 0o700

_KINDS = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISFIFO, "a FIFO"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISLNK, "a symbolic link"),
)
# os.link cannot be used on this file system: fall back to check + rename
_NO_LINK = {errno.EPERM, errno.EXDEV, errno.EMLINK, errno.ENOSYS, errno.ENOTSUP, errno.EOPNOTSUPP}


def _kind(mode: int) -> str:
    return next((name for test, name in _KINDS if test(mode)), "not a regular file")


def _reason(exc: OSError) -> str:
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "permission denied"
    if exc.errno == errno.EROFS:
        return "read-only file system"
    return (os.strerror(exc.errno) if exc.errno else str(exc)).lower()


def _blocking_ancestor(p: Path) -> Path | None:
    """The first folder on the way to ``p`` that exists but is not a folder."""
    for anc in reversed(p.parents):
        try:
            st = os.stat(anc)
        except OSError:
            return None
        if not stat.S_ISDIR(st.st_mode):
            return anc
    return None


def _not_a_folder(p: Path) -> VpnconfError:
    anc = _blocking_ancestor(p) or p.parent
    return VpnconfError(f"{p}: cannot write: {anc} is not a folder")


def check_target(path: str | os.PathLike[str], *, force: bool) -> Path:
    """Refuse what ``-o`` may not write, before anything is written."""
    p = Path(path)
    try:
        st = os.lstat(p)
    except FileNotFoundError:
        return p
    except NotADirectoryError:
        raise _not_a_folder(p) from None
    except OSError as exc:
        raise VpnconfError(f"{p}: cannot write: {_reason(exc)}") from None
    if stat.S_ISLNK(st.st_mode):
        raise VpnconfError(f"{p}: is a symbolic link; -o neither writes through nor replaces links (name the file)")
    if not stat.S_ISREG(st.st_mode):
        raise VpnconfError(f"{p}: is {_kind(st.st_mode)}; -o writes regular files only (or - for stdout)")
    if not force:
        raise VpnconfError(f"{p}: exists; use --force to overwrite")
    return p


def make_folders(folder: Path, target: Path) -> None:
    """Create ``folder`` and its missing parents, each mode 0700."""
    missing: list[Path] = []
    d = folder
    while True:
        try:
            st = os.stat(d)
        except FileNotFoundError:
            missing.append(d)
            if d.parent == d:
                break
            d = d.parent
            continue
        except NotADirectoryError:
            raise _not_a_folder(target) from None
        except OSError as exc:
            raise VpnconfError(f"{target}: cannot write into {d}: {_reason(exc)}") from None
        if not stat.S_ISDIR(st.st_mode):
            raise VpnconfError(f"{target}: cannot write: {d} is not a folder")
        break
    for d in reversed(missing):
        try:
            os.mkdir(d, DIR_MODE)
        except FileExistsError:
            if not d.is_dir():
                raise VpnconfError(f"{target}: cannot write: {d} is not a folder") from None
            continue  # made by someone else meanwhile: not ours to chmod
        except NotADirectoryError:
            raise _not_a_folder(target) from None
        except OSError as exc:
            raise VpnconfError(f"{target}: cannot create folder {d}: {_reason(exc)}") from None
        os.chmod(d, DIR_MODE)  # the umask may have taken bits off


def _pid_alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's live process
    return True


def sweep_stale(folder: str | os.PathLike[str]) -> list[Path]:
    """Remove the temp files a killed vpnconf left in ``folder``: regular files
    named ``.vpnconf-tmp-<pid>-<hex>``, owned by this user, whose process is gone
    (or older than STALE_AGE_S).  Returns the paths removed."""
    removed: list[Path] = []
    me, uid, now = os.getpid(), os.geteuid(), time.time()
    try:
        entries = os.listdir(folder)
    except OSError:
        return removed
    for name in entries:
        m = _TMP_RE.match(name)
        if not m:
            continue
        p = Path(folder) / name
        try:
            st = os.lstat(p)
        except OSError:
            continue
        if not stat.S_ISREG(st.st_mode) or st.st_uid != uid:
            continue
        pid = int(m.group(1))
        if (pid == me or _pid_alive(pid)) and now - st.st_mtime < STALE_AGE_S:
            continue
        with contextlib.suppress(OSError):
            p.unlink()
            removed.append(p)
    return removed


def _write_temp(folder: Path, target: Path, data: bytes) -> Path:
    while True:
        tmp = folder / f"{TMP_PREFIX}{os.getpid()}-{secrets.token_hex(6)}"
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, FILE_MODE)
            break
        except FileExistsError:
            continue
        except NotADirectoryError:
            raise _not_a_folder(target) from None
        except OSError as exc:
            raise VpnconfError(f"{target}: cannot write into {folder}: {_reason(exc)}") from None
    try:
        try:
            os.fchmod(fd, FILE_MODE)  # the umask may have taken bits off
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
            os.fsync(fd)
        finally:
            os.close(fd)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise VpnconfError(f"{target}: cannot write into {folder}: {_reason(exc)}") from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return tmp


def _commit(tmp: Path, p: Path, force: bool) -> None:
    if not force:
        try:
            os.link(tmp, p)  # atomic: never replaces what appeared since the check
        except FileExistsError:
            raise VpnconfError(f"{p}: exists; use --force to overwrite") from None
        except OSError as exc:
            if exc.errno not in _NO_LINK:
                raise VpnconfError(f"{p}: cannot write: {_reason(exc)}") from None
        else:
            tmp.unlink(missing_ok=True)
            return
    check_target(p, force=force)  # a node may have appeared since the first check
    try:
        os.replace(tmp, p)
    except OSError as exc:
        raise VpnconfError(f"{p}: cannot write: {_reason(exc)}") from None


def write_files(
    targets: Iterable[tuple[str | os.PathLike[str], str]],
    *,
    force: bool = False,
    report: Callable[[Path], object] | None = None,
) -> list[Path]:
    """Write every (path, text) with mode 0600, atomically, after checking
    all the paths first (nothing is written when one is refused)."""
    items = [(check_target(p, force=force), text) for p, text in targets]
    swept: set[Path] = set()
    written: list[Path] = []
    for p, text in items:
        folder = p.parent
        if folder not in swept:
            make_folders(folder, p)
            sweep_stale(folder)
            swept.add(folder)
        tmp = _write_temp(folder, p, text.encode("utf-8"))
        try:
            _commit(tmp, p, force)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        written.append(p)
        if report is not None:
            report(p)
    return written


def write_private(path: str | os.PathLike[str], text: str, *, force: bool = False) -> Path:
    """Write ``text`` atomically with mode 0600; refuse to overwrite without force."""
    return write_files([(path, text)], force=force)[0]
