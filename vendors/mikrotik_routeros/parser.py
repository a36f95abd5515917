r"""MikroTik RouterOS configuration parser: grammar only.

Reads what users paste: ``/export`` (compact, with the menu path on its own
line and ``add``/``set`` lines below it), ``/export terse`` (every line
repeats its path: ``/ip ipsec peer add ...``), ``export verbose`` and scripts
(``.rsc``) that define ``:local`` / ``:global`` variables and use them as
``$name``. Lines ending in ``\`` continue on the next line; ``#`` starts a
comment line; ``;`` separates commands; values may be quoted with the
scripting language's escapes (``\"``, ``\\``, ``\$``, ``\?``, ``\n``, ``\_``,
``\XX`` ...). ``set [ find default=yes ]`` / ``set [ find name=x ]`` / ``set x``
change an earlier (or the built-in default) object.

One ParsedTunnel per ``/ip ipsec peer`` (6.43+: ``name=``, phase 1 on the
``profile=``, the key on the ``/ip ipsec identity`` with ``peer=``; before
6.43: no name, ``secret=`` and the phase 1 settings on the peer line itself),
with the selectors of the tunnel-mode ``/ip ipsec policy`` entries that name
the peer (``peer=``, or before 6.43 ``sa-dst-address=`` = the peer's address);
the first such policy's ``proposal=`` gives the ESP proposals. One ParsedTunnel
per GRE/IPIP/EoIP interface with ``ipsec-secret=`` (RouterOS adds a dynamic
peer and a transport-mode policy for it): route-based, with the ``/ip route``
entries whose gateway is on the interface.

Choices (said in the findings too):

* A profile/proposal/identity/policy property left out takes the documented
  default (vendor.yaml ``defaults:``): ``DEFAULT`` finding, ``defaulted``.
  The built-in ``default`` profile and proposal hold those defaults unless a
  ``set [ find default=yes ]`` (or ``set default``) changes them.
* IKE proposals are every ``enc-algorithm`` with every ``dh-group`` (the
  profile's one ``hash-algorithm``); ESP proposals every ``enc-algorithms``
  with every ``auth-algorithms`` (AES-GCM without integrity).
* DPD timeout = ``dpd-interval`` x ``dpd-maximum-failures``.
* ``$name`` of a variable the text never defines is ``UNRESOLVED``; the
  value stays unknown. ``secret=*****`` (a masked export) is ``KEY``.
* ``disabled=yes`` on a peer, identity or policy is ``INACTIVE``; a disabled
  policy's selectors are kept apart (``extra["inactive_selectors"]``).

Findings use the shared vocabulary only; no finding formats a key: values
are quoted only for properties that hold no secret.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from vpnconf.names import is_aead
from vpnconf.parsing import Ident, ParsedDevice, ParsedTunnel, Proposal, ipv4, lookup

VENDOR = Path(__file__).resolve().parent.name

COMMANDS = frozenset(
    {"add", "set", "remove", "print", "export", "enable", "disable", "unset", "edit", "find", "comment", "move", "get"}
)
SECRET_KEYS = frozenset({"secret", "ipsec-secret", "password"})
BLOCK_COND = "{?"  # split_statements' marker of a block that runs on a condition
#: properties of a pre-6.43 peer that 6.43 moved to the profile
LEGACY_PROFILE_KEYS = (
    "hash-algorithm",
    "enc-algorithm",
    "dh-group",
    "lifetime",
    "dpd-interval",
    "dpd-maximum-failures",
)
TUNNEL_IFACES = ("/interface gre", "/interface ipip", "/interface eoip")
_VAR = re.compile(r"\$(?:\"([^\"]*)\"|([A-Za-z_][A-Za-z0-9_]*))")
_WORD = re.compile(r"[a-z][a-z0-9-]*")
#: a console prompt, with the menu it is in: ``[admin@MikroTik] /ip ipsec> `` (``>>``: hotlock)
_PROMPT = re.compile(r"\[[^\]\s@]+@[^\]]+\]\s*(/[a-z0-9/ -]*?)?\s*(?:<SAFE>|>>?)\s*")
_DUR = re.compile(r"(\d+)(ms|w|d|h|m|s)")
_HMS = re.compile(r"(?:(\d+)d)?(\d+):(\d{1,2}):(\d{1,2})")
_ESCAPES = {
    '"': '"',
    "\\": "\\",
    "n": "\n",
    "r": "\r",
    "t": "\t",
    "$": "$",
    "?": "?",
    "_": " ",
    "a": "\a",
    "b": "\b",
    "f": "\f",
    "v": "\v",
}
_HEX = frozenset("0123456789ABCDEF")
#: template placeholders people leave in published configs: <PSK>, ${PSK}, {{ psk }}
_PLACEHOLDER = re.compile(r"^(?:<[^<>]*>|\$\{[^{}]*\}|\{\{.*\}\})$")


@cache
def _defaults() -> dict[str, Any]:
    from vpnconf.catalog import vendors

    return vendors()[VENDOR].defaults


@cache
def _abbrev() -> dict[str, Any]:
    from vpnconf.catalog import vendors

    return dict(vendors()[VENDOR].grammar.get("abbreviations", {}))


def expand(word: str, names: list[str] | tuple[str, ...]) -> str | None:
    """The one name that ``word`` begins (``word`` itself when it is a name);
    None when no name or several begin with it."""
    if word in names:
        return word
    hits = [n for n in names if n.startswith(word)]
    return hits[0] if len(hits) == 1 else None


@cache
def _menus() -> frozenset[str]:
    from vpnconf.catalog import vendors

    return frozenset(vendors()[VENDOR].grammar.get("menus", ()))


# ------------------------------------------------------------ lexing
@dataclass
class Value:
    """One property value: the text after '=' as RouterOS reads it (quotes
    and escapes undone, ``$vars`` substituted); ``text`` is None when a
    variable in it is not defined."""

    text: str | None
    raw: str
    quoted: bool = False
    unresolved: list[str] = field(default_factory=list)


@dataclass
class Obj:
    menu: str
    props: dict[str, Value]
    line: int
    used: bool = False

    def get(self, key: str) -> str | None:
        v = self.props.get(key)
        return None if v is None else v.text

    @property
    def disabled(self) -> bool:
        return (self.get("disabled") or "no").lower() in ("yes", "true")


def logical_lines(text: str) -> list[tuple[int, str]]:
    """(first line number, text) of each logical line: ``\\`` at the end of a
    line joins the next one (its leading blanks dropped); comment lines are
    left out. Linear in the input."""
    out: list[tuple[int, str]] = []
    buf: list[str] = []
    start = 0
    for n, line in enumerate(text.split("\n"), 1):
        line = line.rstrip("\r")
        if not buf:
            stripped = line.strip()
            if not stripped or stripped.startswith("#"):
                continue
            start = n
            piece = line.strip()
        else:
            piece = line.lstrip()
        trail = len(piece) - len(piece.rstrip("\\"))
        if trail % 2 == 1:
            buf.append(piece[:-1])
            continue
        buf.append(piece)
        out.append((start, "".join(buf)))
        buf = []
    if buf:
        out.append((start, "".join(buf)))
    return out


#: what makes a logical line more than words between blanks, some quoted (see split_statements)
_SPECIAL = re.compile(r"[\[\]{};]").search
#: a word: plain characters and quoted parts ("..." with backslash escapes); possessive, so
#: that a line which is not words (an open quote) fails without backtracking
_LEX_WORD = r'(?:[^ \t"]|"(?:\\.|[^"\\])*+")++'
_LEX_WORDS = re.compile(rf"[ \t]*+(?:{_LEX_WORD}(?:[ \t]++|$))*+").fullmatch
_LEX_FIND = re.compile(_LEX_WORD).findall


def split_statements(line: str) -> tuple[list[list[str]], bool]:
    """The commands of one logical line (split at ';' outside quotes and
    brackets), each as its tokens (a quoted part stays quoted; ``[ ... ]`` is
    one token). The flag: a quote was left open."""
    if _SPECIAL(line) is None and _LEX_WORDS(line) is not None:  # the usual line: words between blanks
        words = _LEX_FIND(line)
        return ([words] if words else []), False
    stmts: list[list[str]] = []
    tokens: list[str] = []
    cur: list[str] = []
    depth = 0
    in_q = False
    i, n = 0, len(line)
    while i < n:
        c = line[i]
        if in_q:
            cur.append(c)
            if c == "\\" and i + 1 < n:
                cur.append(line[i + 1])
                i += 2
                continue
            if c == '"':
                in_q = False
            i += 1
            continue
        if c == '"':
            in_q = True
            cur.append(c)
        elif c == "[":
            depth += 1
            cur.append(c)
        elif c == "]" and depth:
            depth -= 1
            cur.append(c)
        elif depth:
            cur.append(c)
        elif c in " \t":
            if cur:
                tokens.append("".join(cur))
                cur = []
        elif c == ";":
            if cur:
                tokens.append("".join(cur))
                cur = []
            if tokens:
                stmts.append(tokens)
            tokens = []
        elif c == "{" and ((cur and cur[-1] == "$") or line.startswith("{{", i)):
            # ${NAME} and {{ name }}: template placeholders, one word each
            close = "}}" if line.startswith("{{", i) else "}"
            end = line.find(close, i)
            end = n if end < 0 else end + len(close)
            cur.append(line[i:end])
            i = end
            continue
        elif c in "{}":
            # a block opens or closes: the statement before it ends; a block after do=,
            # else=, on-error= ... runs on a condition (marker ["{?"]), others always (["{"])
            cond = c == "{" and bool(cur) and cur[-1] == "="
            if cur:
                tokens.append("".join(cur))
                cur = []
            if tokens:
                stmts.append(tokens)
                tokens = []
            stmts.append([BLOCK_COND if cond else c])
        else:
            cur.append(c)
        i += 1
    if cur:
        tokens.append("".join(cur))
    if tokens:
        stmts.append(tokens)
    return stmts, in_q or depth > 0


def unescape(s: str) -> str:
    """The string a RouterOS quoted literal holds (without its quotes)."""
    if "\\" not in s:
        return s
    out: list[str] = []
    i, n = 0, len(s)
    while i < n:
        c = s[i]
        if c == "\\" and i + 1 < n:
            d = s[i + 1]
            if d in _HEX and i + 2 < n and s[i + 2] in _HEX:
                out.append(chr(int(s[i + 1 : i + 3], 16)))
                i += 3
                continue
            out.append(_ESCAPES.get(d, d))
            i += 2
            continue
        out.append(c)
        i += 1
    return "".join(out)


def seconds(text: str | None) -> int | None:
    """RouterOS durations: ``1d``, ``8h``, ``45m10s``, ``1w2d``, ``00:30:00``,
    ``1d00:00:00``, plain seconds."""
    if not text:
        return None
    t = text.strip().lower()
    if t.isdigit():
        return int(t) if len(t) < 10 else None
    m = _HMS.fullmatch(t)
    if m:
        return int(m.group(1) or 0) * 86400 + int(m.group(2)) * 3600 + int(m.group(3)) * 60 + int(m.group(4))
    total, pos = 0, 0
    mult = {"w": 604800, "d": 86400, "h": 3600, "m": 60, "s": 1}
    for part in _DUR.finditer(t):
        if part.start() != pos or len(part.group(1)) > 9:
            return None
        if part.group(2) != "ms":
            total += int(part.group(1)) * mult[part.group(2)]
        pos = part.end()
    return total if pos == len(t) and pos else None


def _net(text: str | None) -> str | None:
    if not text:
        return None
    try:
        return str(ipaddress.IPv4Network(text.strip(), strict=False))
    except ValueError:
        return None


def _host(text: str | None) -> str | None:
    """An IPv4 peer address (``1.2.3.4`` or ``1.2.3.4/32``), else None."""
    if not text:
        return None
    t = text.strip()
    if t.endswith("/32"):
        t = t[:-3]
    return ipv4(t)


# ------------------------------------------------------------ the reader
class _Reader:
    def __init__(self, text: str, name: str) -> None:
        self.dev = ParsedDevice(vendor=VENDOR, file=name)
        self.text = text
        self.vars: dict[str, tuple[str | None, int]] = {}
        self.used_vars: set[str] = set()
        self.computed: set[str] = set()  # variables set from [commands] or (expressions)
        self.objs: dict[str, list[Obj]] = {}
        self.names: dict[str, dict[str, Obj]] = {}  # menu -> name -> the item of that name
        self._by_sa_dst: dict[str, list[Obj]] | None = None
        self.blocks: list[tuple[int, bool, bool]] = []  # open { }: line, conditional, said so
        self.menu = ""
        self.release: str | None = None
        self.reported_unresolved: set[tuple[str, int]] = set()

    def note(self, rule: str, msg: str, line: int | None, sev: Any = "info") -> None:
        self.dev.note(rule, msg, line, sev)

    # ------------------------------------------------------- values
    def value(self, raw: str, line: int) -> Value:
        quoted = len(raw) >= 2 and raw[0] == '"' and raw[-1] == '"'
        body = raw[1:-1] if quoted else raw
        if raw[:1] == '"' and not quoted:
            body = raw[1:]
        missing: list[str] = []

        def sub(m: re.Match[str]) -> str:
            var = m.group(1) if m.group(1) is not None else m.group(2)
            self.used_vars.add(var)
            hit = self.vars.get(var)
            if hit is None or hit[0] is None:
                missing.append(var)
                return m.group(0)
            return hit[0]

        def why(var: str) -> str:
            hit = self.vars.get(var)
            if hit is None:
                return f"is not defined in the text (no :local/:global {var})"
            if var in self.computed:
                return f"is computed when the script runs (line {hit[1]})"
            return f"is declared without a value (line {hit[1]})"

        # escapes first would turn \$ into a variable: substitute on the raw
        # body, skipping escaped dollars
        if "$" in body:
            parts = re.split(r"(\\.)", body)
            body = "".join(p if p.startswith("\\") else _VAR.sub(sub, p) for p in parts)
        text = unescape(body) if quoted or raw[:1] == '"' else body
        for var in missing:
            if (var, line) not in self.reported_unresolved:
                self.reported_unresolved.add((var, line))
                self.note(
                    "UNRESOLVED",
                    f"variable ${var} {why(var)}: its value is unknown",
                    line,
                    "warning",
                )
        return Value(None if missing else text, raw, quoted, missing)

    # ------------------------------------------------------- statements
    def run(self) -> ParsedDevice:
        m = re.search(r"^# (?:\S+ \S+ )?by RouterOS (\d+(?:\.\d+)*)", self.text[:400], re.M)
        if m:
            self.release = m.group(1)
        for line_no, line in logical_lines(self.text):
            m = _PROMPT.match(line)
            if m:  # a console session pasted with its prompts: [admin@MikroTik] /ip ipsec peer> add ...
                if m.group(1):
                    self.menu = "/" + " ".join(self.expand_path(m.group(1).replace("/", " ").split(), line_no))
                line = line[m.end() :]
                if not line.strip():
                    continue
            stmts, open_q = split_statements(line)
            if open_q:
                self.note(
                    "SYNTAX",
                    "a quoted string or '[' is not closed at the end of this command (a lost '\\' continuation?): "
                    "read to its end",
                    line_no,
                    "warning",
                )
            for tokens in stmts:
                if tokens[0] in ("{", BLOCK_COND):
                    self.blocks.append((line_no, tokens[0] == BLOCK_COND, False))
                    continue
                if tokens[0] == "}":
                    if self.blocks:
                        self.blocks.pop()
                    else:
                        self.note("SYNTAX", "a '}' that closes no block", line_no, "warning")
                    continue
                if self.blocks and self.blocks[-1][1] and not self.blocks[-1][2] and not tokens[0].startswith(":"):
                    start = self.blocks[-1][0]
                    self.blocks[-1] = (start, True, True)
                    self.note(
                        "AMBIGUOUS",
                        f"commands in the conditional block opened at line {start} (do=/else=) are read as if "
                        "the condition holds",
                        line_no,
                    )
                self.statement(tokens, line_no)
        for start, _, _ in self.blocks:
            self.note(
                "UNCLOSED",
                f"the block opened at line {start} is never closed: its commands were read",
                start,
                "warning",
            )
        self.build()
        return self.dev

    def statement(self, tokens: list[str], line: int) -> None:
        first = tokens[0]
        if first.startswith(":") or (first.endswith("=") and len(tokens) == 1):  # :if ... / `} else={`
            self.script(tokens, line)
            return
        i = 0
        while first == ".." and self.menu:  # up one menu level: `..`, `.. policy add ...`
            self.menu = self.menu.rsplit(" ", 1)[0] if " " in self.menu else "/"
            tokens = tokens[1:]
            if not tokens:
                return
            first = tokens[0]
        if first.startswith("/"):
            path: list[str] = []
            while i < len(tokens):
                tok = tokens[i]
                if i and (tok in COMMANDS or "=" in tok or tok.startswith("[")):
                    break
                path.extend(p for p in tok.split("/") if p)
                i += 1
            tokens, i = self.enter(path, tokens, i, line)
        elif first not in COMMANDS:
            # a relative menu (``peer`` after ``/ip ipsec``) or a stray word
            if "=" in first or not self.menu:
                self.note("SYNTAX", "a line that is neither a menu path nor a command", line, "warning")
                return
            rel: list[str] = []
            while i < len(tokens) and tokens[i] not in COMMANDS and "=" not in tokens[i]:
                if not _WORD.fullmatch(tokens[i]):
                    self.note("SYNTAX", "a line that is neither a menu path nor a command", line, "warning")
                    return
                rel.append(tokens[i])
                i += 1
            tokens, i = self.enter([*self.menu[1:].split(), *rel], tokens, i, line)
        if i >= len(tokens):
            return
        cmd, args = tokens[i], tokens[i + 1 :]
        if cmd not in COMMANDS and self.menu in _menus():
            full = expand(cmd, _abbrev().get("commands", ()))
            if full is not None:
                self.note("ABBREVIATED", f"{self.menu}: {cmd!r} read as {full!r}", line)
                cmd = full
        if cmd not in COMMANDS:
            if self.menu in _menus():
                self.note("SYNTAX", f"{self.menu}: {cmd!r} is not a command this parser knows", line, "warning")
            return
        menu = self.menu
        if menu not in _menus():
            # read past, but a variable used here and never defined is still a mistake
            for a in args:
                if "$" in a:
                    self.value(a.split("=", 1)[1] if "=" in a else a, line)
            return
        if cmd == "add":
            obj = Obj(menu, self.props(args, line, menu), line)
            name = obj.get("name")
            names = self.names.setdefault(menu, {})
            if name is not None and name in names:
                # RouterOS refuses a second item of one name ("entry already exists")
                self.note(
                    "AMBIGUOUS",
                    f"{menu}: a second item named {name!r} (RouterOS refuses it: the entry exists): not read",
                    line,
                    "warning",
                )
                return
            if name is not None:
                names[name] = obj
            self.objs.setdefault(menu, []).append(obj)
        elif cmd in ("set", "enable", "disable"):
            self.change(menu, cmd, args, line)
        elif cmd == "remove":
            self.note("IGNORED", f"{menu} remove: objects removed by a command are not tracked", line)

    def enter(self, path: list[str], tokens: list[str], i: int, line: int) -> tuple[list[str], int]:
        """Set the menu from the words of an absolute path (abbreviations
        expanded); a menu this parser reads reached before the words end makes
        the next word its command (``/ip/ipsec/peer/add``, ``/ip ipsec peer a``).
        The statement's tokens and where its command is."""
        words = self.expand_path(path, line)
        cut = next((j for j in range(1, len(words)) if "/" + " ".join(words[:j]) in _menus()), None)
        if cut is not None:
            tokens, i = [*words[cut:], *tokens[i:]], 0
            words = words[:cut]
        elif words and words[-1] in COMMANDS:  # /system/note/set (a menu not read)
            tokens, i = [words.pop(), *tokens[i:]], 0
        self.menu = "/" + " ".join(words)
        return tokens, i

    def expand_path(self, path: list[str], line: int) -> list[str]:
        """The words of an absolute path, abbreviated ones expanded where the
        names of that level are known."""
        levels = _abbrev()
        out: list[str] = []
        for word in path:
            here = "/" + " ".join(out)
            names = levels.get(here)
            full = expand(word, names) if names else None
            if full is not None and full != word:
                self.note("ABBREVIATED", f"menu {here.rstrip()} {word!r} read as {full!r}", line)
                word = full
            out.append(word)
        return out

    def script(self, tokens: list[str], line: int) -> None:
        word = tokens[0].lower()
        if word in (":local", ":global", ":set") and len(tokens) >= 2:
            name = tokens[1]
            if len(tokens) >= 3 and tokens[2][:1] in "[(":  # [command] or (expression): run time
                self.vars[name] = (None, line)
                self.computed.add(name)
            elif len(tokens) >= 3:
                v = self.value(tokens[2], line)
                self.vars[name] = (v.text, line)
                self.computed.discard(name)
            elif word != ":set":
                self.vars.setdefault(name, (None, line))
            return
        # :put, :if, :foreach ...: not configuration
        return

    def props(self, args: list[str], line: int, menu: str) -> dict[str, Value]:
        out: dict[str, Value] = {}
        for a in args:
            if "=" not in a:
                if a.startswith("[") or a.isdigit() or a.startswith("*"):
                    continue
                self.note("SYNTAX", f"{menu}: {a!r} is not a property=value pair", line, "warning")
                continue
            key, raw = a.split("=", 1)
            key = key.lower()
            known = _abbrev().get("properties", {}).get(menu)
            if known and key not in known:
                full = expand(key, known)
                if full is not None:
                    self.note("ABBREVIATED", f"{menu}: property {key!r} read as {full!r}", line)
                    key = full
                else:
                    many = [n for n in known if n.startswith(key)]
                    if many:
                        self.note(
                            "SYNTAX",
                            f"{menu}: property {key!r} is the beginning of {', '.join(many)} (RouterOS refuses "
                            "an ambiguous name): not read",
                            line,
                            "warning",
                        )
                        continue
            if key in out:
                self.note("AMBIGUOUS", f"{menu}: {key} is given twice on one line: the last is read", line, "warning")
            v = out[key] = self.value(raw, line)
            if v.text is not None and _PLACEHOLDER.match(v.text):
                shown = "" if key in SECRET_KEYS else f" ({v.text})"
                self.note(
                    "PLACEHOLDER", f"{menu}: {key} is a template placeholder{shown}, kept as such", line, "warning"
                )
        return out

    def change(self, menu: str, cmd: str, args: list[str], line: int) -> None:
        if not args:
            return
        target, rest = args[0], args[1:]
        if "=" in target and not target.startswith("["):  # `set key=value`: a menu without items
            return
        props = self.props(rest, line, menu)
        if cmd != "set":
            props["disabled"] = Value("yes" if cmd == "disable" else "no", cmd)
        objs = self.objs.setdefault(menu, [])
        found = self.find(menu, target)
        if found == "default":
            obj = self.names.get(menu, {}).get("default")
            if obj is None:
                obj = Obj(menu, {"name": Value("default", "default")}, line)
                obj.props["_builtin"] = Value("yes", "")
                objs.append(obj)
                self.names.setdefault(menu, {})["default"] = obj
            obj.props.update(props)
            return
        if found is None:
            self.note(
                "IGNORED",
                f"{menu} {cmd} {target}: the item is chosen by its number (a print order), which an export "
                "cannot resolve; read past",
                line,
            )
            return
        obj = self.names.get(menu, {}).get(found)
        if obj is None:
            self.note(
                "UNRESOLVED", f"{menu} {cmd}: no item named {found!r} is defined before this line", line, "warning"
            )
            return
        obj.props.update(props)

    def find(self, menu: str, target: str) -> str | None:
        """'default' for the built-in default item, a name, or None (a number)."""
        t = target.strip()
        if t.startswith("["):
            inner = t.strip("[]").split()
            words = [w for w in inner if w not in ("find", "where")]
            for w in words:
                if "=" in w:
                    k, v = w.split("=", 1)
                    if k == "default" and v in ("yes", "true"):
                        return "default"
                    if k == "name":
                        return self.value(v, 0).text
            return None
        if t.isdigit() or t.startswith("*"):
            return None
        name = self.value(t, 0).text
        return name

    # ------------------------------------------------------- tunnels
    def build(self) -> None:
        profiles = self.index("/ip ipsec profile")
        proposals = self.index("/ip ipsec proposal")
        peers = self.objs.get("/ip ipsec peer", [])
        identities = self.objs.get("/ip ipsec identity", [])
        policies = [p for p in self.objs.get("/ip ipsec policy", []) if not self.is_template(p)]
        by_peer: dict[str, list[Obj]] = {}
        for pol in policies:
            pname = pol.get("peer")
            if pname is not None:
                by_peer.setdefault(pname, []).append(pol)
        ids_by_peer: dict[str, list[Obj]] = {}
        for ident in identities:
            pname = ident.get("peer")
            if pname is None:
                if not ident.props.get("peer"):
                    self.note(
                        "MISSING", "/ip ipsec identity without peer=: applies to no tunnel", ident.line, "warning"
                    )
                continue
            ids_by_peer.setdefault(pname, []).append(ident)
        names = set()
        for peer in peers:
            if peer.get("name") == "default" and "_builtin" in peer.props:
                continue
            t = self.peer_tunnel(peer, profiles, proposals, ids_by_peer, by_peer, policies)
            names.add(peer.get("name") or "")
            self.dev.tunnels.append(t)
        for pname, ids in ids_by_peer.items():
            if pname not in names:
                self.note(
                    "UNRESOLVED",
                    f"/ip ipsec identity: peer {pname!r} is not defined in the text",
                    ids[0].line,
                    "warning",
                )
        for pname, pols in by_peer.items():
            if pname not in names:
                self.note(
                    "UNRESOLVED",
                    f"/ip ipsec policy: peer {pname!r} is not defined in the text",
                    pols[0].line,
                    "warning",
                )
        for pol in policies:
            if not pol.used and pol.get("peer") is None and not pol.props.get("peer"):
                self.note("UNUSED", "/ip ipsec policy names no peer that the text defines: no tunnel uses it", pol.line)
        for menu in TUNNEL_IFACES:
            for iface in self.objs.get(menu, []):
                if "ipsec-secret" in iface.props:
                    self.dev.tunnels.append(self.iface_tunnel(iface, profiles, proposals))
        for kind, table in (("profile", profiles), ("proposal", proposals)):
            for nm, obj in table.items():
                if not obj.used and "_builtin" not in obj.props:
                    self.note("UNUSED", f"/ip ipsec {kind} {nm!r} is defined but no tunnel uses it", obj.line)
        for var, (_, line) in self.vars.items():
            if var not in self.used_vars:
                self.note("UNUSED", f"variable {var} is defined but never used", line)

    def by_sa_dst(self, policies: list[Obj]) -> dict[str, list[Obj]]:
        """Policies without peer= by their sa-dst-address (pre-6.43), built once."""
        if self._by_sa_dst is None:
            self._by_sa_dst = {}
            for p in policies:
                dst = _host(p.get("sa-dst-address"))
                if p.get("peer") is None and dst is not None:
                    self._by_sa_dst.setdefault(dst, []).append(p)
        return self._by_sa_dst

    @staticmethod
    def is_template(pol: Obj) -> bool:
        return (pol.get("template") or "no").lower() in ("yes", "true")

    def index(self, menu: str) -> dict[str, Obj]:
        out: dict[str, Obj] = {}
        for o in self.objs.get(menu, []):
            nm = o.get("name")
            if nm is None:
                if "name" not in o.props:
                    self.note("MISSING", f"{menu} entry without name=: nothing can refer to it", o.line, "warning")
                continue
            out.setdefault(nm, o)
        return out

    def default(self, section: str, key: str, t: ParsedTunnel, fld: str, line: int, what: str) -> str:
        d = _defaults()[section][key]
        where = f"{section} {key}={d['value']} ({d['source']})"
        t.defaulted[fld] = f"{t.defaulted[fld]}; {where}" if fld in t.defaulted else where
        self.note("DEFAULT", f"{what}: {key} not in the text: RouterOS default {d['value']} ({d['source']})", line)
        return str(d["value"])

    def prop(
        self, obj: Obj | None, section: str, key: str, t: ParsedTunnel, fld: str, line: int, what: str
    ) -> str | None:
        """The property's value; the documented default when left out; None
        when a variable in it is not defined."""
        if obj is not None and key in obj.props:
            return obj.props[key].text
        return self.default(section, key, t, fld, line, what)

    def peer_tunnel(
        self,
        peer: Obj,
        profiles: dict[str, Obj],
        proposals: dict[str, Obj],
        ids_by_peer: dict[str, list[Obj]],
        by_peer: dict[str, list[Obj]],
        policies: list[Obj],
    ) -> ParsedTunnel:
        name = peer.get("name")
        legacy = "name" not in peer.props and any(k in peer.props for k in ("secret", *LEGACY_PROFILE_KEYS))
        addr_raw = peer.get("address")
        tname = name or addr_raw or f"peer-line-{peer.line}"
        t = ParsedTunnel(name=tname, line=peer.line, variant="policy")
        what = f"peer {tname}"
        if name is None and "name" in peer.props:
            t.name = f"peer-line-{peer.line}"
        if peer.disabled:
            self.note(
                "INACTIVE", f"{what} is disabled (disabled=yes): the tunnel does not come up", peer.line, "warning"
            )
            t.extra["disabled"] = True
        # addresses
        if addr_raw is None:
            if "address" not in peer.props:
                self.note("MISSING", f"{what}: no address= (the peer's address)", peer.line, "error")
        else:
            host = _host(addr_raw)
            if host is None:
                net = _net(addr_raw)
                if _PLACEHOLDER.match(addr_raw):
                    pass  # said where it was read (PLACEHOLDER)
                elif net is not None:
                    self.note(
                        "UNSUPPORTED",
                        f"{what}: address {addr_raw} is a network (a responder for any peer in it), not one peer",
                        peer.line,
                        "warning",
                    )
                else:
                    self.note(
                        "UNSUPPORTED",
                        f"{what}: address {addr_raw} is a DNS name; the model holds the peer's IPv4 address",
                        peer.line,
                        "warning",
                    )
                t.extra["peer_host"] = addr_raw
            t.peer_address = host
        local = peer.get("local-address")
        if local is not None and local not in ("0.0.0.0", "::"):  # 0.0.0.0: any (export verbose)
            t.local_address = _host(local)
        # exchange mode
        mode = self.prop(peer, "peer", "exchange-mode", t, "ike_version", peer.line, what)
        if mode == "ike2":
            t.ike_version = 2
        elif mode in ("main", "aggressive"):
            t.ike_version = 1
            t.mode = "aggressive" if mode == "aggressive" else "main"
        elif mode is not None:
            self.note(
                "UNSUPPORTED",
                f"{what}: exchange-mode={mode} (the model holds main, aggressive, ike2)",
                peer.line,
                "warning",
            )
        if mode == "main" and "exchange-mode" not in peer.props:
            t.defaulted.setdefault("mode", t.defaulted["ike_version"])
        # phase 1: the profile (6.43+) or the peer itself (before 6.43)
        if legacy:
            t.extra["legacy_peer"] = True
            self.note(
                "IDENTITY",
                f"{what}: a pre-6.43 peer (secret and phase 1 settings on the peer line): read as such",
                peer.line,
            )
            self.phase1(t, peer, peer.line, what, legacy=True)
        else:
            pname = peer.get("profile")
            if pname is None and "profile" in peer.props:
                prof = None
            else:
                if pname is None:
                    pname = self.default("peer", "profile", t, "ike_proposals", peer.line, what)
                prof = profiles.get(pname)
                if prof is None and pname != "default":
                    self.note("UNRESOLVED", f"{what}: profile {pname!r} is not defined in the text", peer.line, "error")
                    t.extra["profile"] = pname
                else:
                    if prof is not None:
                        prof.used = True
                    t.extra["profile"] = pname
                    self.phase1(t, prof, peer.line, f"{what} profile {pname}", legacy=False)
        # identity: the key and the IDs
        if legacy:
            self.secret(t, peer, what)
        else:
            ids = [i for i in ids_by_peer.get(name or "", [])]
            if not ids:
                self.note("MISSING", f"{what}: no /ip ipsec identity with peer={tname}: no key", peer.line, "error")
            else:
                active = [i for i in ids if not i.disabled]
                for i in ids:
                    if i.disabled:
                        self.note(
                            "INACTIVE", f"{what}: identity is disabled (disabled=yes): not read", i.line, "warning"
                        )
                if len(active) > 1:
                    self.note(
                        "AMBIGUOUS", f"{what}: {len(active)} identities: the first is read", active[1].line, "warning"
                    )
                if active:
                    self.identity(t, active[0], what)
        # policies
        pols = list(by_peer.get(name or "", [])) if name else []
        if legacy and t.peer_address:
            pols += self.by_sa_dst(policies).get(t.peer_address, [])
        if not pols:
            self.note("MISSING", f"{what}: no /ip ipsec policy for this peer: no traffic selectors", peer.line, "error")
        self.policies(t, pols, proposals, what)
        return t

    def phase1(self, t: ParsedTunnel, prof: Obj | None, line: int, what: str, legacy: bool) -> None:
        def get(key: str, fld: str) -> str | None:
            if legacy:
                if prof is not None and key in prof.props:
                    return prof.props[key].text
                self.note(
                    "MISSING", f"{what}: {key} not on the pre-6.43 peer line (its default is not read)", line, "warning"
                )
                return None
            builtin = prof is None or "_builtin" in prof.props
            return self.prop(prof, "default-profile" if builtin else "profile", key, t, fld, line, what)

        ver = t.ike_version
        hash_kw = get("hash-algorithm", "ike_proposals")
        encs = get("enc-algorithm", "ike_proposals")
        groups = get("dh-group", "ike_proposals")
        integ = lookup(VENDOR, "ike_integrity", hash_kw, ver) if hash_kw else None
        if hash_kw and integ is None:
            self.note("UNSUPPORTED", f"{what}: hash-algorithm={hash_kw} has no canonical name", line, "warning")
        enc_list = [e for e in (encs or "").split(",") if e]
        dh_list = [g for g in (groups or "").split(",") if g]
        for e in enc_list:
            enc = lookup(VENDOR, "ike_encryption", e, ver)
            if enc is None:
                self.note("UNSUPPORTED", f"{what}: enc-algorithm {e} has no canonical name", line, "warning")
            for g in dh_list or [""]:
                dh = lookup(VENDOR, "dh_group", g, ver) if g else None
                t.ike_proposals.append(Proposal(enc, integ, dh, raw=f"{e}/{hash_kw}/{g}"))
        for g in dh_list:
            if lookup(VENDOR, "dh_group", g, ver) is None:
                self.note("UNSUPPORTED", f"{what}: dh-group {g} has no canonical group", line, "warning")
        life = get("lifetime", "ike_lifetime")
        if life is not None:
            t.ike_lifetime = seconds(life)
            if t.ike_lifetime is None:
                self.note("SYNTAX", f"{what}: lifetime={life} is not a duration", line, "warning")
        dpd = get("dpd-interval", "dpd_enabled")
        if dpd is not None:
            if dpd == "disable-dpd":
                t.dpd_enabled = False
                t.defaulted.pop("dpd_enabled", None)
            else:
                interval = seconds(dpd)
                fails = get("dpd-maximum-failures", "dpd_timeout")
                t.dpd_enabled = interval is not None
                if interval is not None and fails is not None and fails.isdigit():
                    t.dpd_timeout = interval * int(fails)
                if "dpd_enabled" in t.defaulted:
                    t.defaulted.setdefault("dpd_timeout", t.defaulted["dpd_enabled"])
        elif not legacy:
            t.dpd_enabled = False

    def secret(self, t: ParsedTunnel, obj: Obj, what: str) -> None:
        v = obj.props.get("secret")
        if v is None:
            self.note("MISSING", f"{what}: no secret= (pre-shared key)", obj.line, "error")
            return
        t.extra["psk_raw"] = v.raw
        if v.text is None:
            t.psk_state = "missing"
            self.note(
                "KEY",
                f"{what}: the secret is a variable whose value the text does not give: key unknown",
                obj.line,
                "error",
            )
        elif _PLACEHOLDER.match(v.text):
            t.psk_state = "masked"
            self.note("KEY", f"{what}: the secret is a template placeholder, not the key", obj.line, "warning")
        elif v.text and set(v.text) == {"*"}:
            t.psk_state = "masked"
            self.note(
                "KEY",
                f"{what}: the secret is masked (an export without show-sensitive): key unknown",
                obj.line,
                "warning",
            )
        elif not v.text:
            t.psk_state = "missing"
            self.note("KEY", f"{what}: the secret is empty", obj.line, "error")
        else:
            t.psk, t.psk_state = v.text, "clear"
            if v.text.lower().startswith("0x"):
                self.note(
                    "KEY",
                    f"{what}: a secret starting with 0x is read by RouterOS as hexadecimal bytes",
                    obj.line,
                    "warning",
                )

    def identity(self, t: ParsedTunnel, ident: Obj, what: str) -> None:
        method = self.prop(ident, "identity", "auth-method", t, "auth", ident.line, what)
        if method in ("pre-shared-key",):
            t.auth = "psk"
            self.secret(t, ident, what)
        elif method in ("digital-signature", "rsa-signature"):
            t.auth, t.psk_state = "certificate", "certificate"
        elif method is not None:
            t.auth = "unknown"
            self.note(
                "UNSUPPORTED",
                f"{what}: auth-method={method} (the service uses a pre-shared key)",
                ident.line,
                "warning",
            )
        for key, fld in (("my-id", "local_id"), ("remote-id", "peer_id")):
            raw = ident.get(key) if key in ident.props else None
            if raw is None or raw == "auto":
                continue
            kind, _, val = raw.partition(":")
            if kind == "address" and ipv4(val):
                setattr(t, fld, Ident("address", str(ipv4(val))))
            elif kind == "fqdn" and val:
                setattr(t, fld, Ident("fqdn", val))
            else:
                setattr(t, fld, Ident("other", raw))
                self.note("IDENTITY", f"{what}: {key}={raw} is neither an address nor an FQDN", ident.line)
            if key == "remote-id" and kind == "fqdn" and t.ike_version == 1:
                self.note("IDENTITY", f"{what}: RouterOS checks an FQDN remote-id with IKEv2 only", ident.line)

    def proposal(self, t: ParsedTunnel, prop: Obj | None, line: int, what: str) -> None:
        ver = t.ike_version
        auths = self.prop(prop, "proposal", "auth-algorithms", t, "esp_proposals", line, what)
        encs = self.prop(prop, "proposal", "enc-algorithms", t, "esp_proposals", line, what)
        for e in [x for x in (encs or "").split(",") if x]:
            enc = lookup(VENDOR, "esp_encryption", e, ver)
            if enc is None:
                self.note("UNSUPPORTED", f"{what}: enc-algorithms {e} has no canonical name", line, "warning")
            if enc is not None and is_aead(enc):
                t.esp_proposals.append(Proposal(enc, None, None, raw=e))
                continue
            for a in [x for x in (auths or "").split(",") if x]:
                integ = lookup(VENDOR, "esp_integrity", a, ver)
                if integ is None and a != "null":
                    self.note("UNSUPPORTED", f"{what}: auth-algorithms {a} has no canonical name", line, "warning")
                t.esp_proposals.append(Proposal(enc, integ, None, raw=f"{e}/{a}"))
        pfs = self.prop(prop, "proposal", "pfs-group", t, "pfs", line, what)
        if pfs is None:
            t.pfs_unknown = "pfs-group" in (prop.props if prop else {})
        elif pfs != "none":
            t.pfs = lookup(VENDOR, "pfs_group", pfs, ver)
            if t.pfs is None:
                t.pfs_unknown = True
                self.note("UNSUPPORTED", f"{what}: pfs-group={pfs} has no canonical group", line, "warning")
        life = self.prop(prop, "proposal", "lifetime", t, "ipsec_lifetime_seconds", line, what)
        if life is not None:
            t.ipsec_lifetime_seconds = seconds(life)
            if t.ipsec_lifetime_seconds is None:
                self.note("SYNTAX", f"{what}: lifetime={life} is not a duration", line, "warning")

    def policies(self, t: ParsedTunnel, pols: list[Obj], proposals: dict[str, Obj], what: str) -> None:
        first_prop: str | None = None
        inactive: list[list[str]] = []
        for pol in pols:
            pol.used = True
            src, dst = pol.get("src-address"), pol.get("dst-address")
            pw = f"{what} policy {src}->{dst}"
            if pol.disabled:
                self.note(
                    "INACTIVE", f"{pw} is disabled (disabled=yes): its traffic is not encrypted", pol.line, "warning"
                )
            action = pol.get("action") if "action" in pol.props else "encrypt"
            if action != "encrypt":
                self.note("IGNORED", f"{pw}: action={action} (not encrypt): no selector", pol.line)
                continue
            tunnel = pol.get("tunnel") if "tunnel" in pol.props else None
            if tunnel is None:
                self.default("policy", "tunnel", t, "selectors", pol.line, pw)
            if (tunnel or "no") not in ("yes", "true"):
                self.note(
                    "UNSUPPORTED",
                    f"{pw}: transport mode (tunnel=no); the service negotiates tunnel mode: no selector",
                    pol.line,
                    "warning",
                )
                continue
            s, d = _net(src), _net(dst)
            if s is None or d is None:
                self.note(
                    "MISSING", f"{pw}: src-address/dst-address not readable as IPv4 networks", pol.line, "warning"
                )
                continue
            if pol.disabled:
                inactive.append([s, d])
                continue
            narrow = [
                f"{k}={pol.get(k)}"
                for k, anyv in (("protocol", "all"), ("src-port", "any"), ("dst-port", "any"))
                if k in pol.props and pol.get(k) not in (anyv, None)
            ]
            if narrow:
                self.note(
                    "UNSUPPORTED",
                    f"{pw}: selector narrowed to {' '.join(narrow)}; the model holds networks only (read as the "
                    "networks)",
                    pol.line,
                    "warning",
                )
            protos = pol.get("ipsec-protocols") if "ipsec-protocols" in pol.props else "esp"
            if protos != "esp":
                self.note("UNSUPPORTED", f"{pw}: ipsec-protocols={protos} (the service uses ESP)", pol.line, "warning")
            t.selectors.append((s, d))
            pname = pol.get("proposal") if "proposal" in pol.props else None
            if "proposal" not in pol.props:
                pname = "default"
            if first_prop is None:
                first_prop = pname or ""
                if pname is None:
                    continue
                prop = proposals.get(pname)
                if prop is None and pname != "default":
                    self.note("UNRESOLVED", f"{pw}: proposal {pname!r} is not defined in the text", pol.line, "error")
                else:
                    if prop is not None:
                        prop.used = True
                    if "proposal" not in pol.props:
                        self.note("DEFAULT", f"{pw}: proposal not in the text: RouterOS default proposal", pol.line)
                    t.extra["proposal"] = pname
                    self.proposal(t, prop, pol.line, f"{what} proposal {pname}")
            elif pname != first_prop:
                self.note(
                    "AMBIGUOUS",
                    f"{pw}: proposal {pname!r} differs from the first policy's: not read",
                    pol.line,
                    "warning",
                )
        if inactive:
            t.extra["inactive_selectors"] = inactive
            if first_prop is None:
                # ESP settings of a tunnel whose every policy is disabled: the first one's proposal
                pol = next(p for p in pols if p.disabled)
                pname = pol.get("proposal") if "proposal" in pol.props else "default"
                prop = proposals.get(pname or "")
                if prop is not None:
                    prop.used = True
                if prop is not None or pname == "default":
                    t.extra["proposal"] = pname
                    self.proposal(t, prop, pol.line, f"{what} proposal {pname}")

    def iface_tunnel(self, iface: Obj, profiles: dict[str, Obj], proposals: dict[str, Obj]) -> ParsedTunnel:
        kind = iface.menu.split()[-1]
        name = iface.get("name") or f"{kind}-line-{iface.line}"
        what = f"{kind} interface {name}"
        t = ParsedTunnel(name=name, line=iface.line, variant=kind, route_based=True)
        t.extra["encapsulation"] = kind
        if iface.disabled:
            self.note("INACTIVE", f"{what} is disabled (disabled=yes)", iface.line, "warning")
            t.extra["disabled"] = True
        remote = iface.get("remote-address")
        t.peer_address = _host(remote)
        if t.peer_address is None:
            self.note("MISSING", f"{what}: no readable remote-address", iface.line, "error")
        local = iface.get("local-address")
        t.local_address = _host(local)
        v = iface.props["ipsec-secret"]
        sec = Obj(iface.menu, {"secret": v}, iface.line)
        self.secret(t, sec, what)
        self.note(
            "SELECTORS",
            f"{what}: ipsec-secret makes RouterOS add a dynamic peer (default profile) and a transport-mode "
            f"policy for {kind.upper()} between the outer addresses: the SA carries {kind.upper()}, not the "
            "networks; the service negotiates tunnel-mode selectors",
            iface.line,
            "warning",
        )
        self.note(
            "DEFAULT",
            f"{what}: the dynamic peer and policy take the default profile and proposal (RouterOS "
            f"{kind.upper()} manual: 'by default phase2 uses sha1/aes128cbc', one of the default proposal's offers)",
            iface.line,
        )
        prof = profiles.get("default")
        self.phase1(t, prof, iface.line, f"{what} (default profile)", legacy=False)
        self.proposal(t, proposals.get("default"), iface.line, f"{what} (default proposal)")
        # the dynamic peer takes the peer defaults: exchange-mode main (IKEv1)
        if self.default("peer", "exchange-mode", t, "ike_version", iface.line, f"{what} (dynamic peer)") == "main":
            t.ike_version, t.mode = 1, "main"
            t.defaulted.setdefault("mode", t.defaulted["ike_version"])
        # inside addresses and routes through the interface
        inside: list[ipaddress.IPv4Network] = []
        for a in self.objs.get("/ip address", []):
            if a.get("interface") == name and a.get("address"):
                n = _net(a.get("address"))
                if n is not None:
                    inside.append(ipaddress.IPv4Network(n))
        for r in self.objs.get("/ip route", []):
            gw, dst = r.get("gateway"), _net(r.get("dst-address"))
            if gw is None or dst is None:
                continue
            gw_ip = ipv4(gw)
            if gw == name or (gw_ip is not None and any(ipaddress.IPv4Address(gw_ip) in n for n in inside)):
                if r.disabled:
                    self.note("INACTIVE", f"{what}: route to {dst} is disabled", r.line, "warning")
                    continue
                t.routes.append(dst)
        return t


def parse(text: str, name: str) -> ParsedDevice:
    return _Reader(text, name).run()
