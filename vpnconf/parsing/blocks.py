r"""The ``config / edit / set / next / end`` family (FortiOS): a tree builder
that recovers from what pasting and hand editing do to such configs, and
never lets one broken block swallow the blocks after it.

- Words are split as the CLI splits them: ``"..."`` and ``'...'`` quote
  (backslash escapes the next character). A quote left open at the end of a
  line closes there (one SYNTAX finding; the setting is marked ``cut``),
  unless the setting is one the vendor lists as multi-line
  (``grammar.multiline``: comments, PEM certificates and keys): its value runs
  on to the closing quote. A multi-line value whose quote is not closed before
  the end of the text, or before a line that is a statement (``next``,
  ``end``, ``config x``, ``edit x``, ``set x``, ``unset x``: text and PEM
  data hold none), ends at the end of its first line too, and reading goes on
  with the next line, so one stray quote never swallows the lines after it.
- Keys and ``config`` path words are lower-cased; edit names and values are
  kept as written. ``set``/``select`` write a setting, ``append`` adds values
  to it, ``unselect`` removes values, ``unset`` removes the setting (its
  default applies).
- A block left open is closed, with one UNCLOSED finding naming the block,
  the line it began on and the line where it was closed, when:

  * ``config <section> ...`` of a top-level section (``grammar.top_sections``:
    ``vpn``, ``firewall``, ``system``, ...; a path of two words or more)
    begins while blocks are open: every block down to the innermost
    ``grammar.wrappers`` scope (a ``config vdom`` entry, ``config global``)
    is closed;
  * ``edit`` begins while another ``edit`` of the same table is open (a lost
    ``next``);
  * ``next`` comes while a nested ``config`` of the entry is open (the
    nested block's ``end`` is lost);
  * in an indented text, a ``config``/``edit``/``set``... line is indented no
    deeper than the open block's opener (whose own lines were indented deeper
    than it) and exactly as the lines of an outer block that can hold it (a
    table for ``edit``; the top level too for ``config``): the blocks above
    that one are closed. Indentation is trusted only where the text shows it:
    a flush-left script relies on the statements alone, and a line that lost
    its indentation is read where it stands;
  * the text ends.
- ``end`` inside an ``edit`` closes the entry and its table, as the CLI does
  (no finding). ``end``/``next`` with nothing to close is a SYNTAX finding.
- Statements of other CLI verbs (``grammar.verbs``: ``rename``, ``delete``,
  ``show`` ...) are kept on their block as ``Statement`` (verb, line) for the
  parser to report; outside any block they are one IGNORED finding each. A
  line that is no statement at all is a SYNTAX finding (its words are not
  quoted). Lines matching ``skip`` (CLI prompts, pager marks) are read past.

The tree: ``Config`` (its path words, line, ``entries`` by edit in order,
``settings`` for tables without edits, nested ``configs``, ``other``
statements) and ``Entry`` (name, line, ``settings``: key -> ``Setting``
(values, line, cut, quoted: which values were written in quotes), nested
``configs``, ``other``). ``closed`` is False on a block that was closed by
recovery rather than by its own ``next``/``end``; ``indent`` is its opener's
indentation, ``child_indent`` that of its first line.

Grammar data (vendor.yaml, passed in by the parser)::

    grammar:
      top_sections: [system, firewall, vpn, router, ...]
      wrappers: [vdom, global]
      multiline: [comments, certificate, private-key, ...]
      verbs: [delete, purge, rename, move, clone, abort, show, get, ...]
      skip: '^(?:\S+(?:[ ]\([^)]*\))?[ ]#(?:[ ]|$)|--More--)'   # prompts, pager
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

Note = tuple[str, int, str, str]  # (rule, line, severity, message)

#: statements the builder reads itself
_SETTERS = frozenset(("set", "unset", "append", "select", "unselect"))
#: a line a multi-line value never holds: it ends the search for the closing quote
_STATEMENT = re.compile(r"^[ ]*(?:next|end|(?:config|edit|set|unset)[ ]+\S.*)[ ]*$")


@dataclass
class Setting:
    values: list[str]
    line: int
    cut: bool = False  # a quote was left open on the line: the last value ends at the line's end
    quoted: list[bool] = field(default_factory=list)  # per value: it was written in quotes


@dataclass
class Statement:
    """A statement of a CLI verb the builder does not interpret."""

    verb: str
    line: int


@dataclass
class Entry:
    name: str
    line: int
    settings: dict[str, Setting] = field(default_factory=dict)
    configs: list[Config] = field(default_factory=list)
    other: list[Statement] = field(default_factory=list)
    closed: bool = True
    indent: int = 0
    child_indent: int | None = None


@dataclass
class Config:
    path: list[str]
    line: int
    entries: list[Entry] = field(default_factory=list)
    settings: dict[str, Setting] = field(default_factory=dict)
    configs: list[Config] = field(default_factory=list)
    other: list[Statement] = field(default_factory=list)
    closed: bool = True
    indent: int = 0
    child_indent: int | None = None

    @property
    def name(self) -> str:
        return " ".join(self.path)


def split_words(s: str) -> tuple[list[str], str | None]:
    """(words, open quote or None): quoted words lose their quotes,
    backslash escapes the next character."""
    words, _, open_quote = split_quoted(s)
    return words, open_quote


def split_quoted(s: str) -> tuple[list[str], list[bool], str | None]:
    """(words, whether each word began with a quote, open quote or None)."""
    if '"' not in s and "'" not in s and "\\" not in s:
        plain = s.split()
        return plain, [False] * len(plain), None
    words: list[str] = []
    quoted: list[bool] = []
    i, n = 0, len(s)
    while i < n:
        ch = s[i]
        if ch in " \t":
            i += 1
            continue
        buf: list[str] = []
        quote = None
        quoted.append(ch in "\"'")
        while i < n:
            ch = s[i]
            if ch == "\\" and i + 1 < n:
                buf.append(s[i + 1])
                i += 2
                continue
            if quote:
                if ch == quote:
                    quote = None
                else:
                    buf.append(ch)
            elif ch in "\"'":
                quote = ch
            elif ch in " \t":
                break
            else:
                buf.append(ch)
            i += 1
        words.append("".join(buf))
        if quote:
            return words, quoted, quote
    return words, quoted, None


def _what(blk: Config | Entry) -> str:
    return f"'config {blk.name}'" if isinstance(blk, Config) else f"'edit {blk.name}'"


def build(
    text: str,
    top_sections: frozenset[str] = frozenset(),
    multiline: frozenset[str] = frozenset(),
    verbs: frozenset[str] = frozenset(),
    wrappers: frozenset[str] = frozenset(),
    skip: re.Pattern[str] | None = None,
) -> tuple[list[Config], list[Note]]:
    """(top-level configs, notes) of a config/edit/next/end text; see the
    module doc. ``wrappers``: config paths (``vdom``, ``global``) whose body
    (or whose entries' bodies) hold top-level sections."""
    notes: list[Note] = []
    roots: list[Config] = []
    stack: list[Config | Entry] = []
    lines = text.split("\n")
    i = 0
    root_indent: int | None = None  # the indentation of the first statement

    def close(upto: int, why: str) -> None:
        while len(stack) > upto:
            blk = stack.pop()
            blk.closed = False
            notes.append(("UNCLOSED", blk.line, "warning", f"{_what(blk)} (line {blk.line}) is never closed: {why}"))

    def scope_depth() -> int:
        """How many blocks stay open when a top-level section begins."""
        for d in range(len(stack) - 1, -1, -1):
            blk = stack[d]
            if isinstance(blk, Config) and blk.name in wrappers:
                # `config global` holds sections itself; `config vdom` through its entries
                return d + 1 if blk.name == "global" or d + 1 == len(stack) else d + 2
        return 0

    while i < len(lines):
        raw = lines[i]
        n = i + 1
        i += 1
        s = raw.strip()
        if not s or s.startswith("#") or (skip is not None and skip.search(s)):
            continue
        indent = len(raw) - len(raw.lstrip(" "))
        words, quoted, open_quote = split_quoted(s)
        cut = False
        if open_quote is not None:
            key = words[1].lower() if len(words) > 1 and words[0].lower() == "set" else ""
            closed_at = -1
            if key in multiline:
                for j in range(i, len(lines)):
                    if _close_quote(lines[j], open_quote) >= 0:
                        closed_at = j
                        break
                    if _STATEMENT.match(lines[j]):
                        break  # a statement, not text: the quote was left open by mistake
            if closed_at >= 0:
                parts = [words[-1]]
                parts.extend(lines[i:closed_at])
                last = lines[closed_at]
                k = _close_quote(last, open_quote)
                parts.append(last[:k])
                words[-1] = "\n".join(parts)
                i = closed_at + 1
                rest, rest_quoted, _ = split_quoted(last[k + 1 :])
                words.extend(rest)
                quoted.extend(rest_quoted)
            else:
                cut = True
                notes.append(
                    (
                        "SYNTAX",
                        n,
                        "error",
                        f"a quote ({open_quote}) is never closed: the value ends at the end of line {n}",
                    )
                )
        if not words:
            continue
        verb = words[0].lower()
        if root_indent is None:
            root_indent = indent
        if verb not in ("next", "end"):
            # indentation: a line no deeper than an open block's opener, indented
            # exactly as the lines of an outer block where it can stand, closes the
            # blocks above that one (only blocks whose own lines showed indentation)
            top = stack[-1] if stack else None
            if top is not None and top.child_indent is None:
                top.child_indent = indent
            elif (
                top is not None
                and top.child_indent is not None
                and top.indent < top.child_indent
                and indent <= top.indent
            ):
                d = _home(stack, verb, indent, root_indent)
                if d is not None:
                    close(d, f"closed at line {n}, which is indented as the lines around it")
        if verb == "config":
            path = [w.lower() for w in words[1:]]
            if len(path) >= 2 and path[0] in top_sections and stack:
                close(scope_depth(), f"'config {' '.join(path)}' begins at line {n}")
            cfg = Config(path, n, indent=indent)
            parent = stack[-1] if stack else None
            if parent is None:
                roots.append(cfg)
            else:
                parent.configs.append(cfg)
            stack.append(cfg)
        elif verb == "edit":
            name = words[1] if len(words) > 1 else ""
            if stack and isinstance(stack[-1], Entry):
                close(len(stack) - 1, f"'edit {name}' begins at line {n}")
            if not stack:
                notes.append(("SYNTAX", n, "error", "'edit' outside a 'config' block"))
                continue
            top_cfg = stack[-1]
            assert isinstance(top_cfg, Config)
            entry = Entry(name, n, indent=indent)
            top_cfg.entries.append(entry)
            stack.append(entry)
        elif verb == "next":
            if stack and isinstance(stack[-1], Config):
                d = next((k for k in range(len(stack) - 1, -1, -1) if isinstance(stack[k], Entry)), None)
                if d is not None:
                    close(d + 1, f"the 'next' of {_what(stack[d])} comes first (line {n})")
            if stack and isinstance(stack[-1], Entry):
                stack.pop()
            else:
                notes.append(("SYNTAX", n, "error", "'next' without an open 'edit'"))
        elif verb == "end":
            if stack and isinstance(stack[-1], Entry):
                stack.pop()  # `end` in an entry saves it and leaves its table, as on the CLI
            if stack:
                stack.pop()
            else:
                notes.append(("SYNTAX", n, "error", "'end' without an open 'config'"))
        elif verb in _SETTERS:
            if not stack or len(words) < 2:
                where = "outside a 'config' block" if not stack else "without a setting"
                notes.append(("SYNTAX", n, "error", f"'{verb}' {where}"))
                continue
            settings = stack[-1].settings
            key = words[1].lower()
            if verb == "unset":
                settings.pop(key, None)
            elif verb == "append" and key in settings:
                settings[key].values.extend(words[2:])
                settings[key].quoted.extend(quoted[2:])
                settings[key].line = n
            elif verb == "unselect":
                old = settings.get(key)
                if old is not None:
                    flags = old.quoted + [False] * (len(old.values) - len(old.quoted))
                    keep = [(v, q) for v, q in zip(old.values, flags, strict=True) if v not in words[2:]]
                    old.values = [v for v, _ in keep]
                    old.quoted = [q for _, q in keep]
                    old.line = n
            else:
                settings[key] = Setting(words[2:], n, cut, quoted[2:])
        elif verb in verbs:
            if stack:
                stack[-1].other.append(Statement(verb, n))
            else:
                notes.append(("IGNORED", n, "info", f"'{verb}' outside a 'config' block: a command, not configuration"))
        else:
            notes.append(("SYNTAX", n, "warning", "a line that is not a statement of this syntax"))
    close(0, "the text ends")
    return roots, notes


def _home(stack: list[Config | Entry], verb: str, indent: int, root_indent: int) -> int | None:
    """How many blocks stay open for a line of ``verb`` at ``indent``: the
    innermost outer block whose lines are indented so and that can hold such a
    line (an ``edit`` a table, a ``config`` anything, the top level included;
    other statements a table or an entry), or None (no such block: the line
    is read where it stands)."""
    for d in range(len(stack) - 2, -1, -1):
        blk = stack[d]
        if blk.child_indent == indent and (verb != "edit" or isinstance(blk, Config)):
            return d + 1
    if verb == "config" and indent == root_indent:
        return 0
    return None


def _close_quote(s: str, quote: str) -> int:
    j = 0
    while j < len(s):
        if s[j] == "\\":
            j += 2
            continue
        if s[j] == quote:
            return j
        j += 1
    return -1
