"""The indented-CLI family (IOS/IOS-XE, ASA; later Comware and VRP): a
normalising pass that runs before a vendor's grammar reads the text, and a
plain tree builder.

``normalize`` undoes what pasting and typing do to a config, driven only by
the vendor's ``grammar:`` data (vendor.yaml), and keeps line N at line N:

- **abbreviations**: a line whose words are an accepted abbreviation of a
  command the vendor lists (``int tunnel 1``, ``cry isa pol 10``) is written
  out in full (``interface Tunnel1``, ``crypto isakmp policy 10``), one
  ABBREVIATED finding per command form. Only listed commands are expanded,
  each word from its documented shortest form on, so nothing outside the VPN
  vocabulary changes meaning.
- **interface names**: ``Tunnel 1``, ``tu1``, ``tunnel1`` in the places that
  name an interface (``interface``, ``ip route``, ...) become ``Tunnel1``.
- **lost indentation**: in a config pasted flush left, a line that is a
  sub-command of the block above it (by the vendor's block table: ``set
  peer`` under ``crypto map``, ``encryption`` under ``crypto isakmp policy``)
  is indented under it again; one REINDENTED finding per block names the
  block and how many lines were re-attached. A line that is a command of the
  top level closes the block, as on the device.

Grammar data (vendor.yaml)::

    grammar:
      family: indented
      commands:            # phrase -> shortest accepted form of each word
        "interface": [int]
        "crypto isakmp policy": [cry, isa, pol]
      interface_types: {Tunnel: tu, GigabitEthernet: gi}
      interface_refs: ["interface", "ip route"]   # phrases followed by interface names
      top_level: [crypto, crypto map _ _, interface, ip route]   # top-level commands (_: any word)
      blocks:              # opener phrase -> sub-command phrases (nested blocks allowed)
        - opener: crypto isakmp policy
          children: [encryption, encr, hash, authentication, group, lifetime]
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from .vocabulary import Note


@dataclass
class _Block:
    opener: tuple[str, ...]
    children: list[tuple[str, ...]]
    blocks: list[_Block] = field(default_factory=list)


@dataclass
class Grammar:
    # first word -> [(full phrase words, shortest form of each word)]
    commands: dict[str, list[tuple[tuple[str, ...], tuple[str, ...]]]]
    iface_types: dict[str, str]  # canonical type -> shortest accepted form (lower case)
    iface_re: re.Pattern[str] | None
    iface_refs: tuple[tuple[str, ...], ...]
    blocks: list[_Block]
    top_level: tuple[tuple[str, ...], ...]


def _block(d: dict[str, Any]) -> _Block:
    return _Block(
        tuple(str(d["opener"]).lower().split()),
        [tuple(str(c).lower().split()) for c in d.get("children", [])],
        [_block(b) for b in d.get("blocks", [])],
    )


def _prefixes_re(word: str, shortest: str) -> str:
    """A regex matching every prefix of ``word`` at least ``shortest`` long."""
    head, rest = word[: len(shortest)], word[len(shortest) :]
    tail = ""
    for ch in reversed(rest):
        tail = f"(?:{re.escape(ch)}{tail})?"
    return re.escape(head) + tail


@cache
def compile_grammar(vendor_id: str) -> Grammar:
    from ..catalog import vendors

    g = vendors()[vendor_id].grammar
    commands: dict[str, list[tuple[tuple[str, ...], tuple[str, ...]]]] = {}
    for phrase, short in (g.get("commands") or {}).items():
        words = tuple(str(phrase).lower().split())
        shorts = tuple(str(s).lower() for s in short)
        if len(shorts) != len(words) or any(not w.startswith(s) for w, s in zip(words, shorts, strict=True)):
            from ..findings import VpnconfError

            raise VpnconfError(f"vendors/{vendor_id}/vendor.yaml grammar.commands.{phrase}: one shortest form per word")
        commands.setdefault(words[0], []).append((words, shorts))
    iface_types = {str(k): str(v).lower() for k, v in (g.get("interface_types") or {}).items()}
    iface_re = (
        re.compile(
            r"(?<![\w/-])("
            + "|".join(_prefixes_re(k.lower(), v) for k, v in iface_types.items())
            + r")[ ]?(\d[\d/.:]*)(?![\w/-])",
            re.I,
        )
        if iface_types
        else None
    )
    return Grammar(
        commands,
        iface_types,
        iface_re,
        tuple(tuple(str(p).lower().split()) for p in g.get("interface_refs", [])),
        [_block(b) for b in g.get("blocks", [])],
        tuple(tuple(str(p).lower().split()) for p in g.get("top_level", [])),
    )


def _expand(words: list[str], g: Grammar) -> tuple[list[str], int]:
    """The line's words with a listed command's abbreviated words written out,
    and how many words the command has (0: nothing was abbreviated)."""
    if not words:
        return words, 0
    lw = [w.lower() for w in words]
    best: tuple[str, ...] | None = None
    for full, shorts in g.commands.get(_first_full(lw[0], g) or "", ()):
        if (
            len(lw) >= len(full)
            and all(f.startswith(w) and len(w) >= len(s) for w, f, s in zip(lw, full, shorts, strict=False))
            and (best is None or len(full) > len(best))
        ):
            best = full
    if best is None or all(w == f for w, f in zip(lw, best, strict=False)):
        return words, 0
    return [*best, *words[len(best) :]], len(best)


def _first_full(word: str, g: Grammar) -> str | None:
    if word in g.commands:
        return word
    hits = [
        f for f, forms in g.commands.items() if f.startswith(word) and len(word) >= min(len(s[1][0]) for s in forms)
    ]
    return hits[0] if len(hits) == 1 else None


def _starts(words: list[str], phrase: tuple[str, ...]) -> bool:
    """``words`` begin with ``phrase`` (``_`` in a phrase stands for any word)."""
    return len(words) >= len(phrase) and all(p == "_" or w.lower() == p for w, p in zip(words, phrase, strict=False))


def _iface_name(m: re.Match[str], g: Grammar) -> str:
    typed = m.group(1).lower()
    for canon in g.iface_types:
        if canon.lower().startswith(typed):
            return f"{canon}{m.group(2)}"
    return m.group(0)  # pragma: no cover - the regex only matches listed types


class Gate:
    """The scans of ``needs_normalize``, compiled once from the grammar data.

    Every scan starts with a literal word (``int``, ``crypto``, ``ip route``,
    ``\nip`` ...) and runs over the lower-cased text, case-sensitive: the
    regular-expression engine then jumps from one occurrence of the literal to
    the next instead of trying the pattern at every line (a pattern opening
    with ``^``, ``[ ]*``, a lookaround or under re.I is tried at every line or
    character: 3-10x slower on a 100,000-line config).

    - ``anywhere``: (first word, regex) pairs matched where the word starts a
      line, whatever its indentation (checked per hit): an abbreviated
      command (the first word a proper prefix of the command's, or the first
      word in full and a later word abbreviated), and an interface name
      abbreviated or followed by a space on a line that names interfaces;
    - ``flush``: first word -> regex of the sub-command phrases beginning with
      it that win over every top-level phrase on a flush-left line (a child
      phrase is re-attached only when longer than the longest top-level
      phrase the line starts with), tried only when some flush-left line
      starts with that word.
    """

    def __init__(self, g: dict[str, Any]) -> None:
        end = r"(?=[ \n]|$)"

        def pre(word: str, short: str) -> str:
            # every prefix of ``word`` from ``short`` on, the longest taken for good
            # (an atomic group: no backtracking into shorter prefixes, which could
            # only be followed by the word's next letter)
            head, tail = re.escape(word[: len(short)]), ""
            for ch in reversed(word[len(short) :]):
                tail = f"(?:{re.escape(ch)}{tail})?"
            return head + (f"(?>{tail})" if tail else "")

        def words_re(ws: list[str]) -> str:
            return r"[ ]+".join(r"\S+" if w == "_" else re.escape(w) for w in ws)

        def at_word(lit: str) -> str:  # the literal, preceded by a line start or a space
            return rf"{re.escape(lit)}(?<![^\n ]{re.escape(lit)})"

        anywhere: list[re.Pattern[str]] = []
        # (1) abbreviated commands
        firsts: dict[str, str] = {}
        rests: dict[str, list[str]] = {}
        for phrase, shorts in (g.get("commands") or {}).items():
            words = str(phrase).lower().split()
            sh = [str(x).lower() for x in shorts]
            if len(sh[0]) < len(words[0]):
                firsts[words[0]] = min(firsts.get(words[0], sh[0]), sh[0], key=len)
            if len(words) > 1:
                full = r"[ ]+".join(re.escape(w) for w in words[1:])
                abbr = r"[ ]+".join(pre(w, x) for w, x in zip(words[1:], sh[1:], strict=True))
                rests.setdefault(words[0], []).append(rf"(?!{full}(?:[ \n]|$)){abbr}{end}")
        for w, short in firsts.items():
            anywhere.append(
                re.compile(at_word(short) + pre(w, short)[len(re.escape(short)) :] + rf"(?<!{re.escape(w)}){end}")
            )
        for w, alts in rests.items():
            anywhere.append(re.compile(at_word(w) + r"[ ]+(?:" + "|".join(alts) + ")"))
        # (2) interface names not written canonically on the lines that name interfaces
        types = {str(k): str(v).lower() for k, v in (g.get("interface_types") or {}).items()}
        odd = "|".join(
            rf"{re.escape(v[0])}(?<![\w/-]{re.escape(v[0])}){pre(k.lower(), v)[len(re.escape(v[0])) :]}"
            rf"(?:[ ]+(?=\d)|(?<!{re.escape(k.lower())})(?=\d))"
            for k, v in types.items()
        )
        canon = "|".join(re.escape(k.lower()) for k in sorted(types, key=len, reverse=True))
        for r in g.get("interface_refs", []):
            ws = str(r).lower().split()
            if ws == ["interface"]:
                # the line that names one interface, the most frequent by far: only
                # a name that is not a listed type written out in full before its
                # number is looked at further (``odd_name``)
                anywhere.append(re.compile(at_word("interface") + rf"[ ]+(?!(?:{canon})\d)[^ \n]+"))
                continue
            # (the names are tried at word starts only)
            anywhere.append(
                re.compile(
                    at_word(ws[0])
                    + "".join(rf"[ ]+{re.escape(x)}" for x in ws[1:])
                    + rf"[ ]+(?:[^ \n]+[ ]+)*?(?:{odd})"
                )
            )
        self.anywhere = anywhere
        # a line flagged by the `interface` scan: an odd name on it
        self.odd_name = re.compile(rf"[ ](?:{odd})")
        # (3) flush-left sub-commands
        children: set[str] = set()

        def walk(bs: list[dict[str, Any]]) -> None:
            for b in bs:
                children.update(" ".join(str(c).lower().split()) for c in b.get("children", []))
                children.update(" ".join(str(nb["opener"]).lower().split()) for nb in b.get("blocks", []))
                walk(b.get("blocks", []))

        walk(g.get("blocks", []))
        tops = [str(t).lower().split() for t in g.get("top_level", [])]
        kids: dict[str, list[str]] = {}
        for c in sorted(children):
            cw = c.split()
            beaten = [
                t
                for t in tops
                if len(t) >= len(cw) and all(a == b or "_" in (a, b) for a, b in zip(cw, t, strict=False))
            ]
            if any(len(t) == len(cw) for t in beaten):
                continue  # a top-level command of the same length: never re-attached
            rest = words_re(cw[1:])
            kids.setdefault(cw[0], []).append(
                (rf"[ ]+{rest}" if rest else "")
                + end
                + "".join(rf"(?![ ]+{words_re(t[len(cw) :])}(?:[ \n]|$))" for t in beaten)
            )
        # compiled when a flush-left line starts with the word (most configs have none)
        self._flush_src = {w: rf"\n{re.escape(w)}(?:" + "|".join(alts) + ")" for w, alts in kids.items()}
        self._flush: dict[str, re.Pattern[str]] = {}
        self.flush_words = re.compile(r"\n([^ \n!]+)")

    def flush_found(self, word: str, low: str) -> bool:
        """Whether a flush-left line of ``low`` starting with ``word`` is a
        sub-command that wins over every top-level phrase (see (3) above)."""
        src = self._flush_src.get(word)
        if src is None:
            return False
        rx = self._flush.get(word)
        if rx is None:
            rx = self._flush[word] = re.compile(src)
        return rx.search(low) is not None


@cache
def _gate(vendor_id: str) -> Gate:
    from ..catalog import vendors

    return Gate(vendors()[vendor_id].grammar)


def needs_normalize(text: str, vendor_id: str) -> bool:
    """Whether ``normalize`` could change this text (a superset: it may say
    yes where normalize then finds nothing): see ``Needs``. A well-formed
    running-config passes in a few literal scans, where normalize walks every
    line in Python (README.md, performance)."""
    needs = _gate(vendor_id)
    from .text import lowered

    low = "\n" + lowered(text)
    for rx in needs.anywhere:
        for m in rx.finditer(low):
            start = low.rfind("\n", 0, m.start()) + 1
            if low[start : m.start()].strip(" "):
                continue  # not at the start of its line
            if m.group(0).startswith("interface"):  # an unusual interface name: odd?
                end = low.find("\n", m.end())
                if not needs.odd_name.search(low, m.start(), end if end >= 0 else len(low)):
                    continue
            return True
    firsts = set(needs.flush_words.findall(low))
    return any(needs.flush_found(w, low) for w in firsts)


def normalize(text: str, vendor_id: str) -> tuple[str, list[Note]]:
    """(text, notes): see the module doc. Text without abbreviations, odd
    interface names or lost indentation comes back unchanged (the same str)
    after the gate's literal scans (``needs_normalize``)."""
    if not needs_normalize(text, vendor_id):  # literal scans: a well-formed config pays ~nothing
        return text, []
    g = compile_grammar(vendor_id)
    needs_abbrev = bool(g.commands)
    needs_indent = bool(g.blocks)
    needs_iface = g.iface_re is not None and bool(g.iface_refs)
    notes: list[Note] = []
    lines = text.split("\n")
    seen_abbrev: set[str] = set()
    stack: list[tuple[_Block, int, str]] = []  # open blocks: (block, line, opener text)
    reattached: dict[int, list[Any]] = {}
    changed = False
    for i, line in enumerate(lines):
        stripped = line.strip()
        if not stripped or stripped[0] in "!#:":
            continue
        indent = len(line) - len(line.lstrip(" "))
        words = stripped.split()
        if needs_abbrev:
            new, k = _expand(words, g)
            if k:
                form, key = " ".join(words[:k]), " ".join(new[:k])
                if form not in seen_abbrev:
                    seen_abbrev.add(form)
                    notes.append(("ABBREVIATED", i + 1, "info", f"{form!r} read as {key!r}"))
                words = new
        if needs_iface and any(_starts(words, p) for p in g.iface_refs):
            assert g.iface_re is not None
            joined = g.iface_re.sub(lambda m: _iface_name(m, g), " ".join(words))
            words = joined.split()
        if indent == 0 and needs_indent:
            # a flush-left line: a sub-command of an open block, or a top-level command
            # (the longest matching phrase decides; a tie goes to the top level)
            depth, child_len = None, 0
            for d in range(len(stack) - 1, -1, -1):
                blk = stack[d][0]
                n = max(
                    (len(c) for c in (*blk.children, *(b.opener for b in blk.blocks)) if _starts(words, c)), default=0
                )
                if n:
                    depth, child_len = d, n
                    break
            top_len = max((len(p) for p in g.top_level if _starts(words, p)), default=0)
            if depth is not None and child_len > top_len:
                del stack[depth + 1 :]
                blk = stack[depth][0]
                nested = next((b for b in blk.blocks if _starts(words, b.opener)), None)
                indent = depth + 1
                rec = reattached.setdefault(stack[depth][1], [stack[depth][2], 0])
                rec[1] += 1
                if nested is not None:
                    stack.append((nested, i + 1, " ".join(words)))
            else:
                top = next((b for b in g.blocks if _starts(words, b.opener)), None)
                stack = [(top, i + 1, " ".join(words))] if top is not None else []
        elif needs_indent and indent > 0 and stack:
            # an indented line: the paste kept indentation here; nested openers still count
            level = min(indent, len(stack))
            del stack[level:]
            if stack:
                nested = next((b for b in stack[-1][0].blocks if _starts(words, b.opener)), None)
                if nested is not None:
                    stack.append((nested, i + 1, " ".join(words)))
        new_line = " " * indent + " ".join(words)
        if new_line != line:
            lines[i] = new_line
            changed = True
    for ln, (opener, count) in sorted(reattached.items()):
        notes.append(
            (
                "REINDENTED",
                ln,
                "warning",
                f"{opener!r}: {count} flush-left line(s) read as its sub-commands (indentation lost)",
            )
        )
    return ("\n".join(lines) if changed else text), notes


# ---------------------------------------------------------------- tree
@dataclass
class Node:
    """One line of an indented config and the lines indented under it."""

    text: str
    line: int
    children: list[Node] = field(default_factory=list)

    @property
    def words(self) -> list[str]:
        return self.text.split()


def tree(text: str, comment: str = "!") -> list[Node]:
    """The top-level lines with their indented children (any depth). Blank
    lines and comment lines are transparent; a child never closes its parent
    by being less indented than a sibling."""
    roots: list[Node] = []
    stack: list[tuple[int, Node]] = []
    for n, raw in enumerate(text.split("\n"), 1):
        s = raw.strip()
        if not s or s.startswith(comment):
            continue
        indent = len(raw) - len(raw.lstrip(" "))
        node = Node(s, n)
        while stack and stack[-1][0] >= indent:
            stack.pop()
        (stack[-1][1].children if stack else roots).append(node)
        stack.append((indent, node))
    return roots
