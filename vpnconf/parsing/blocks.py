"""The ``config / edit / set / next / end`` family (FortiOS): a tree builder
that recovers from what pasting does to such configs.

- Words are split as the CLI splits them: ``"..."`` and ``'...'`` quote
  (backslash escapes the next character). A quote left open at the end of a
  line closes there (one SYNTAX finding), unless the setting is one the
  vendor lists as multi-line (``grammar.multiline``: certificates, keys of
  PEM text), so one stray quote never swallows the lines after it.
- ``config`` of a top-level section (``grammar.top_sections``: ``vpn``,
  ``firewall``, ``system``, ...) while blocks are still open closes them,
  with one UNCLOSED finding naming each block closed and the line where it
  was closed; so does an ``edit`` while another ``edit`` of the same table is
  open (a lost ``next``), and the end of the text.
- ``end``/``next`` with nothing open is a SYNTAX finding, never a crash.

The tree: ``Config`` (its path words, line, ``entries`` by edit name in
order, ``settings`` for tables without edits) and ``Entry`` (name, line,
``settings``: key -> ``Setting`` (values, line), nested ``configs``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

Note = tuple[str, int, str, str]  # (rule, line, severity, message)


@dataclass
class Setting:
    values: list[str]
    line: int


@dataclass
class Entry:
    name: str
    line: int
    settings: dict[str, Setting] = field(default_factory=dict)
    configs: list[Config] = field(default_factory=list)
    closed: bool = True


@dataclass
class Config:
    path: list[str]
    line: int
    entries: list[Entry] = field(default_factory=list)
    settings: dict[str, Setting] = field(default_factory=dict)
    configs: list[Config] = field(default_factory=list)
    closed: bool = True

    @property
    def name(self) -> str:
        return " ".join(self.path)


def split_words(s: str) -> tuple[list[str], str | None]:
    """(words, open quote or None): quoted words lose their quotes,
    backslash escapes the next character."""
    words: list[str] = []
    i, n = 0, len(s)
    while i < n:
        ch = s[i]
        if ch in " \t":
            i += 1
            continue
        buf: list[str] = []
        quote = None
        while i < n:
            ch = s[i]
            if quote:
                if ch == "\\" and i + 1 < n:
                    buf.append(s[i + 1])
                    i += 2
                    continue
                if ch == quote:
                    quote = None
                    i += 1
                    continue
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
            return words, quote
    return words, None


def build(
    text: str,
    top_sections: frozenset[str] = frozenset(),
    multiline: frozenset[str] = frozenset(),
) -> tuple[list[Config], list[Note]]:
    """(top-level configs, notes) of a config/edit/next/end text."""
    notes: list[Note] = []
    roots: list[Config] = []
    stack: list[Config | Entry] = []
    lines = text.split("\n")
    i = 0

    def close_all(upto: int, why: str, at: int) -> None:
        while len(stack) > upto:
            blk = stack.pop()
            blk.closed = False
            what = f"config {blk.name}" if isinstance(blk, Config) else f'edit "{blk.name}"'
            notes.append(
                ("UNCLOSED", blk.line, "warning", f"{what} (line {blk.line}) is never closed: {why} (line {at})")
            )

    while i < len(lines):
        raw = lines[i]
        n = i + 1
        i += 1
        s = raw.strip()
        if not s or s.startswith("#"):
            continue
        words, open_quote = split_words(s)
        if open_quote is not None:
            key = words[1] if len(words) > 1 and words[0] == "set" else ""
            if key in multiline:
                parts = [words[-1]]
                while i < len(lines):
                    nxt = lines[i]
                    i += 1
                    k = _close_quote(nxt, open_quote)
                    if k >= 0:
                        parts.append(nxt[:k])
                        break
                    parts.append(nxt)
                else:
                    notes.append(("UNCLOSED", n, "warning", f"the quoted value of {key!r} is never closed"))
                words[-1] = "\n".join(parts)
            else:
                notes.append(
                    ("SYNTAX", n, "error", f"a quote ({open_quote}) is left open: the value ends at the line's end")
                )
        if not words:
            continue
        verb = words[0]
        if verb == "config":
            path = words[1:]
            if path and path[0] in top_sections and stack:
                close_all(0, f"'config {' '.join(path)}' begins", n)
            cfg = Config(path, n)
            parent = stack[-1] if stack else None
            if parent is None:
                roots.append(cfg)
            else:
                parent.configs.append(cfg)
            stack.append(cfg)
        elif verb == "edit":
            name = words[1] if len(words) > 1 else ""
            if stack and isinstance(stack[-1], Entry):
                close_all(len(stack) - 1, f"'edit \"{name}\"' begins", n)
            if not stack or not isinstance(stack[-1], Config):
                notes.append(("SYNTAX", n, "error", "'edit' outside a 'config' block"))
                continue
            entry = Entry(name, n)
            stack[-1].entries.append(entry)
            stack.append(entry)
        elif verb == "next":
            if stack and isinstance(stack[-1], Entry):
                stack.pop()
            else:
                notes.append(("SYNTAX", n, "error", "'next' without an open 'edit'"))
        elif verb == "end":
            if stack and isinstance(stack[-1], Entry):
                close_all(len(stack) - 1, "'end' came first", n)
            if stack:
                stack.pop()
            else:
                notes.append(("SYNTAX", n, "error", "'end' without an open 'config'"))
        elif verb in ("set", "unset", "append", "select"):
            if not stack or len(words) < 2:
                notes.append(("SYNTAX", n, "error", f"'{verb}' outside a block or without a setting"))
                continue
            if verb == "unset":
                stack[-1].settings.pop(words[1], None)
            elif verb == "append" and words[1] in stack[-1].settings:
                stack[-1].settings[words[1]].values.extend(words[2:])
            else:
                stack[-1].settings[words[1]] = Setting(words[2:], n)
        else:
            notes.append(("SYNTAX", n, "error", f"unknown statement {verb!r}"))
    close_all(0, "the text ends", len(lines))
    return roots, notes


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
