"""The braces family (Junos hierarchical, swanctl.conf; later PAN-OS and
VyOS): a tree builder that never loses a block silently.

Statements are words up to ``;``, ``{`` or the end of the line (swanctl has
no ``;``); ``name {`` opens a block that ``}`` closes; ``"..."`` quotes;
``#`` and ``/* ... */`` comment. A block still open at the end of the text is
closed there with one UNCLOSED finding that names it and the line it began
on; a ``}`` with nothing open is a SYNTAX finding. Nodes keep their line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .vocabulary import Note

_TOKEN = re.compile(r'"(?:[^"\\\n]|\\.)*"?|/\*.*?(?:\*/|$)|#[^\n]*|[{};]|\n|[^\s{};"#]+', re.S)


@dataclass
class Node:
    words: list[str]
    line: int
    children: list[Node] = field(default_factory=list)
    block: bool = False  # written as "name { ... }"
    closed: bool = True

    @property
    def key(self) -> str:
        return self.words[0] if self.words else ""

    def find(self, *path: str) -> Node | None:
        node: Node | None = self
        for p in path:
            node = next((c for c in node.children if c.key == p), None) if node else None
        return node


def build(text: str, statement_per_line: bool = True) -> tuple[Node, list[Note]]:
    """(root node, notes). With ``statement_per_line`` a line end ends a
    statement (swanctl, Junos with lost semicolons); else only ``;`` does."""
    notes: list[Note] = []
    root = Node([], 0, block=True)
    stack = [root]
    words: list[str] = []
    line = 1
    start = 1

    def flush() -> None:
        nonlocal words
        if words:
            stack[-1].children.append(Node(words, start))
            words = []

    for m in _TOKEN.finditer(text):
        tok = m.group(0)
        if tok == "\n":
            if statement_per_line:
                flush()
            line += 1
            continue
        if tok.startswith("/*") or tok.startswith("#"):
            if tok.startswith("/*") and not tok.endswith("*/"):
                notes.append(
                    ("UNCLOSED", line, "warning", "a /* comment is never closed: the rest of the text is not read")
                )
            line += tok.count("\n")
            continue
        if tok == ";":
            flush()
        elif tok == "{":
            node = Node(words, start if words else line, block=True)
            words = []
            stack[-1].children.append(node)
            stack.append(node)
        elif tok == "}":
            flush()
            if len(stack) > 1:
                stack.pop()
            else:
                notes.append(("SYNTAX", line, "error", "'}' closes no block"))
        else:
            if tok.startswith('"'):
                if len(tok) < 2 or not tok.endswith('"') or tok.endswith('\\"'):
                    notes.append(("SYNTAX", line, "error", "a quote is left open: the value ends at the line's end"))
                    tok = tok[1:]
                else:
                    tok = re.sub(r"\\(.)", r"\1", tok[1:-1])
            if not words:
                start = line
            words.append(tok)
    flush()
    for node in stack[1:]:
        node.closed = False
        name = " ".join(node.words) or "{"
        notes.append(
            (
                "UNCLOSED",
                node.line,
                "warning",
                f"{name!r} (line {node.line}) is never closed: closed at the end of the text",
            )
        )
    return root, notes
