"""One bounded loader for the YAML and JSON files vpnconf reads from users:
site files, cloud profile files, Tencent API JSON and ``terraform show -json``
dumps. Every limit is here and in SECURITY.md ("Untrusted input files").

A file that breaks a limit or a rule is refused with one ``VpnconfError``
line naming the file, the line and the field where known, and the rule
broken; no message quotes a value of the document (a pre-shared key may be
the value in question), only key names, counts and line numbers.

- size: ``MAX_JSON_BYTES`` for a file (JSON is read by the C parser),
  ``MAX_YAML_BYTES`` for YAML (read by PyYAML's pure-Python parser);
- nesting: at most ``MAX_DEPTH`` levels of mappings/sequences (objects/arrays);
- YAML aliases: at most ``MAX_ALIASES`` of them, adding at most
  ``MAX_ALIAS_VALUES`` values to the document once expanded; no alias to an
  undefined anchor, no recursive alias, no anchor on a value that nothing
  refers to (``key: &abc`` is a value starting with ``&`` left unquoted);
- YAML tags: only the standard ones (``key: !abc`` is a value starting with
  ``!`` left unquoted);
- integers: at most ``MAX_INT_DIGITS`` digits; JSON numbers are finite (no
  NaN, Infinity or 1e999);
- duplicate keys in one mapping/object are an error naming the key and both
  lines (YAML and JSON would otherwise silently keep the last one).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from typing import Any, NoReturn

import yaml
from yaml.events import AliasEvent, MappingStartEvent, SequenceStartEvent
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .findings import VpnconfError

MAX_JSON_BYTES = 16 * 1024 * 1024
MAX_YAML_BYTES = 1024 * 1024
MAX_DEPTH = 64
MAX_ALIASES = 1000
MAX_ALIAS_VALUES = 100_000
MAX_INT_DIGITS = 4300

Loc = tuple[str | int, ...]

_INT_TAG = "tag:yaml.org,2002:int"
_MERGE_TAG = "tag:yaml.org,2002:merge"
_KNOWN_TAGS = frozenset(t for t in yaml.SafeLoader.yaml_constructors if t is not None)
_QUOTE = "quote the value"


def format_loc(loc: Loc) -> str:
    """('tunnels', 0, 'pre_shared_key') -> 'tunnels[0].pre_shared_key'."""
    s = ""
    for p in loc:
        s += f"[{p}]" if isinstance(p, int) else (f".{p}" if s else str(p))
    return s


def _refuse(name: str, line: int | None, loc: Loc, what: str) -> NoReturn:
    where = f"{name}:{line}" if line else name
    field = format_loc(loc)
    if len(field) > 100:  # a path 64 levels deep: its start and its end
        field = f"{format_loc(loc[:3])}...{format_loc(('', *loc[-3:]))}"
    raise VpnconfError(f"{where}: {field}: {what}" if field else f"{where}: {what}")


def _line_of(lines: dict[Loc, int], loc: Loc) -> int | None:
    for n in range(len(loc), -1, -1):
        if loc[:n] in lines:
            return lines[loc[:n]]
    return None


def _key_name(key: object) -> str:
    """A key as messages name it: short identifier-like keys by name only."""
    if isinstance(key, str) and re.fullmatch(r"[A-Za-z0-9_.<-]{1,64}", key):
        return repr(key)
    return "a key"


class Document:
    """Loaded data and, on demand, the 1-based line of each key/item path."""

    def __init__(self, data: Any, lines: Callable[[], dict[Loc, int]]) -> None:
        self.data = data
        self._lines_fn = lines
        self._lines: dict[Loc, int] | None = None

    @property
    def lines(self) -> dict[Loc, int]:
        if self._lines is None:
            self._lines = self._lines_fn()
        return self._lines

    def line(self, loc: Loc) -> int | None:
        return _line_of(self.lines, loc)

    def line_table(self) -> dict[Loc, int]:
        """``lines`` as a call (readers that take the table on demand: io.import_documents)."""
        return self.lines


def is_json(text: str) -> bool:
    stripped = text.lstrip()
    return bool(stripped) and stripped[0] in "{["


def load_text(text: str, name: str) -> Document:
    """YAML or JSON text (JSON when it starts with ``{`` or ``[``) to data,
    within the limits above; one-line VpnconfError otherwise."""
    if not text.strip():
        raise VpnconfError(f"{name}: empty file")
    if is_json(text):
        return load_json(text, name)
    return load_yaml(text, name)


# ------------------------------------------------------------------- JSON
class _JsonRefused(Exception):
    def __init__(self, what: str) -> None:
        self.what = what


def _json_int(s: str) -> int:
    if len(s.lstrip("-")) > MAX_INT_DIGITS:
        raise _JsonRefused("int")
    return int(s)


def _json_float(s: str) -> float:
    v = float(s)
    if not math.isfinite(v):
        raise _JsonRefused("float")
    return v


def _json_constant(s: str) -> NoReturn:
    raise _JsonRefused("constant")


def _json_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in pairs:
        if k in out:
            raise _JsonRefused("duplicate")
        out[k] = v
    return out


_JSON_STRINGS_AND_TEXT = re.compile(r'"(?:[^"\\]|\\.)*"|[^\[\]{}"]+|"')
_JSON_PAIR = re.compile(r"\[\]|\{\}")


def _json_too_deep(text: str) -> bool:
    """Nesting deeper than MAX_DEPTH, without recursion: strip strings and
    everything but brackets, then remove innermost pairs once per level."""
    brackets = _JSON_STRINGS_AND_TEXT.sub("", text)
    for _ in range(MAX_DEPTH):
        if not brackets:
            return False
        shorter = _JSON_PAIR.sub("", brackets)
        if shorter == brackets:  # unbalanced: malformed, json.loads says where
            return False
        brackets = shorter
    return bool(brackets) and _JSON_PAIR.search(brackets) is not None


_JSON_TOKEN = re.compile(r'"(?:[^"\\\n]|\\.)*"|[{}\[\]:,\n]|[^\s{}\[\]:,"]+|[ \t\r]+|.')
_NUMBER_DIGITS = re.compile(r"[0-9]")


def _json_scan(text: str, name: str, *, check: bool) -> dict[Loc, int]:
    """One linear pass over JSON text: the line of each key/item path; with
    ``check``, refuse (one line) the first too deep nesting, duplicate key,
    over-long integer or non-finite number, naming line and field."""
    lines: dict[Loc, int] = {}
    # frames: [is_object, current key or index, seen keys -> line, expecting a key]
    stack: list[list[Any]] = []
    path: list[str | int] = []
    line = 1

    def value_start() -> None:
        if stack and not stack[-1][0]:
            lines.setdefault(tuple(path), line)
        elif not stack:
            lines.setdefault((), line)

    for m in _JSON_TOKEN.finditer(text):
        tok = m.group()
        c = tok[0]
        if c == "\n":
            line += 1
        elif c in " \t\r" or c == ":":
            continue
        elif c in "{[":
            value_start()
            if check and len(stack) >= MAX_DEPTH:
                _refuse(name, line, tuple(path), f"nested more than {MAX_DEPTH} levels deep (the limit for data files)")
            if c == "{":
                stack.append([True, None, {}, True])
                path.append("")
            else:
                stack.append([False, 0, None, False])
                path.append(0)
        elif c in "}]":
            if stack:
                stack.pop()
                path.pop()
        elif c == ",":
            if stack:
                if stack[-1][0]:
                    stack[-1][3] = True
                else:
                    stack[-1][1] += 1
                    path[-1] = stack[-1][1]
        elif c == '"' and stack and stack[-1][0] and stack[-1][3]:
            try:
                key = json.loads(tok)
            except ValueError:
                key = tok[1:-1]
            frame = stack[-1]
            frame[3] = False
            frame[1] = key
            path[-1] = key
            if check and key in frame[2]:
                _refuse(
                    name,
                    line,
                    tuple(path[:-1]),
                    f"duplicate key {_key_name(key)} on lines {frame[2][key]} and {line}: "
                    "a key may appear once in an object",
                )
            frame[2].setdefault(key, line)
            lines[tuple(path)] = line
        else:
            value_start()
            if check and c not in '"':
                if tok in {"NaN", "Infinity", "-Infinity"}:
                    _refuse(name, line, tuple(path), "NaN and Infinity are not JSON numbers")
                if re.fullmatch(r"-?[0-9]+", tok) and len(tok.lstrip("-")) > MAX_INT_DIGITS:
                    _refuse(name, line, tuple(path), f"an integer of more than {MAX_INT_DIGITS} digits")
                if _NUMBER_DIGITS.match(tok.lstrip("-")):
                    try:
                        if not math.isfinite(float(tok)):
                            _refuse(name, line, tuple(path), "a number too large for a JSON number (not finite)")
                    except ValueError:
                        pass
    return lines


def load_json(text: str, name: str) -> Document:
    if len(text) > MAX_JSON_BYTES:
        raise VpnconfError(f"{name}: {len(text)} characters; the limit for a JSON file is {MAX_JSON_BYTES}")
    if _json_too_deep(text):
        _json_scan(text, name, check=True)
        raise VpnconfError(f"{name}: nested more than {MAX_DEPTH} levels deep (the limit for data files)")
    try:
        data = json.loads(
            text,
            object_pairs_hook=_json_pairs,
            parse_int=_json_int,
            parse_float=_json_float,
            parse_constant=_json_constant,
        )
    except json.JSONDecodeError as exc:
        raise VpnconfError(f"{name}:{exc.lineno}: malformed JSON: {exc.msg}") from None
    except _JsonRefused:
        _json_scan(text, name, check=True)  # names the line and field
        raise VpnconfError(f"{name}: a duplicate key, an over-long integer or a non-finite number") from None
    except (RecursionError, MemoryError):
        raise VpnconfError(f"{name}: nested too deep or too large to read") from None
    return Document(data, lambda: _json_scan(text, name, check=False))


# ------------------------------------------------------------------- YAML
_QUOTED = re.compile(r"""\s*(?:'(?!<)(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")""")


def _problem(exc: yaml.YAMLError) -> str:
    """PyYAML's problem text without the characters it quotes from the input."""
    problem = str(getattr(exc, "problem", None) or "").strip() or "not a YAML document"
    context = str(getattr(exc, "context", None) or "").strip()
    problem = re.sub(r",?\s*but found$", "", _QUOTED.sub("", problem))
    context = _QUOTED.sub("", context)
    text = f"{context}: {problem}" if context.startswith("while ") else problem
    if re.search(r"alias|anchor|tag", text):
        text += " (an unquoted value starting with '*', '&' or '!' is YAML syntax: quote the value)"
    return text


def _mark_line(mark: Any) -> int | None:
    return int(mark.line) + 1 if mark is not None else None


class _KeyMarker:
    """The path segment of a mapping key being composed."""


_KEY = _KeyMarker()


class _Loader(yaml.SafeLoader):
    """PyYAML's safe loader with the nesting depth and aliases bounded while
    composing (before any expansion), and the path of the node being
    composed kept for messages."""

    def __init__(self, text: str, name: str) -> None:
        super().__init__(text)
        self.vpn_name = name
        self.vpn_path: list[object] = []
        self.vpn_aliases = 0
        self.vpn_used: set[str] = set()
        self.vpn_anchored: dict[str, Node] = {}
        self.vpn_error_path: list[object] | None = None

    def vpn_loc(self, path: list[object] | None = None) -> Loc:
        return tuple(p for p in (self.vpn_path if path is None else path) if isinstance(p, (str, int)))

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        if parent is None:
            seg: object = None
        elif index is None:
            seg = _KEY
        elif isinstance(index, int):
            seg = index
        elif isinstance(index, ScalarNode):
            seg = str(index.value)
        else:
            seg = _KEY
        pushed = parent is not None
        if pushed:
            self.vpn_path.append(seg)
        try:
            event: Any = self.peek_event()  # type: ignore[no-untyped-call]
            if isinstance(event, AliasEvent):
                line = _mark_line(event.start_mark)
                if event.anchor not in self.anchors:
                    _refuse(
                        self.vpn_name,
                        line,
                        self.vpn_loc(),
                        f"alias to an undefined anchor (an unquoted value starting with '*' is a YAML alias: {_QUOTE})",
                    )
                self.vpn_aliases += 1
                if self.vpn_aliases > MAX_ALIASES:
                    _refuse(self.vpn_name, line, self.vpn_loc(), f"more than {MAX_ALIASES} YAML aliases")
                self.vpn_used.add(str(event.anchor))
            elif isinstance(event, (MappingStartEvent, SequenceStartEvent)) and len(self.vpn_path) >= MAX_DEPTH:
                _refuse(
                    self.vpn_name,
                    _mark_line(event.start_mark),
                    self.vpn_loc(),
                    f"nested more than {MAX_DEPTH} levels deep (the limit for data files)",
                )
            node = super().compose_node(parent, index)
            anchor = getattr(event, "anchor", None)
            if anchor is not None and node is not None and not isinstance(event, AliasEvent):
                self.vpn_anchored[anchor] = node
            return node
        except yaml.YAMLError:
            if self.vpn_error_path is None:
                self.vpn_error_path = list(self.vpn_path)
            raise
        finally:
            if pushed:
                self.vpn_path.pop()


def _children(node: Node) -> list[Node]:
    if isinstance(node, MappingNode):
        return [n for pair in node.value for n in pair]
    if isinstance(node, SequenceNode):
        return list(node.value)
    return []


def _expanded(root: Node, name: str) -> tuple[int, int, int]:
    """(values once aliases are expanded, distinct nodes, nesting levels once
    expanded), without recursion and visiting each distinct node once;
    refuses a recursive alias (a node containing an alias to itself)."""
    size: dict[int, int] = {}
    height: dict[int, int] = {}
    open_: set[int] = set()  # the nodes on the current path
    stack: list[tuple[Node, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        key = id(node)
        kids = _children(node)
        if done:
            open_.discard(key)
            size[key] = 1 + sum(size[id(c)] for c in kids)
            collection = isinstance(node, (MappingNode, SequenceNode))
            height[key] = int(collection) + max((height[id(c)] for c in kids), default=0)
            continue
        if key in size:
            continue
        open_.add(key)
        stack.append((node, True))
        for c in kids:
            if id(c) in open_:
                _refuse(name, node.start_mark.line + 1, (), "a YAML alias refers to a node containing it (recursive)")
            if id(c) not in size:
                stack.append((c, False))
    return size[id(root)], len(size), height[id(root)]


def _int_digits(value: str) -> int:
    v = value.replace("_", "").lstrip("+-")
    if v[:2].lower() in {"0x", "0b", "0o"}:
        v = v[2:]
    return sum(c.isalnum() for c in v)


def _check_nodes(root: Node, name: str) -> dict[Loc, int]:
    """Walk each distinct node once, in document order (so an anchored node is
    walked where it is written, before any alias to it: paths stay as long as
    the nesting): the line map, and refuse duplicate keys, unknown tags and
    over-long integers, naming line and field."""
    lines: dict[Loc, int] = {}
    seen: set[int] = set()
    stack: list[tuple[Node, Loc]] = [(root, ())]
    while stack:
        node, loc = stack.pop()
        lines.setdefault(loc, node.start_mark.line + 1)
        if id(node) in seen:
            continue
        seen.add(id(node))
        line = node.start_mark.line + 1
        if node.tag not in _KNOWN_TAGS:
            _refuse(
                name,
                line,
                loc,
                f"a YAML tag this file format does not use (an unquoted value starting with '!' is a YAML tag: {_QUOTE})",
            )
        if isinstance(node, ScalarNode):
            if node.tag == _INT_TAG and _int_digits(str(node.value)) > MAX_INT_DIGITS:
                _refuse(name, line, loc, f"an integer of more than {MAX_INT_DIGITS} digits")
        elif isinstance(node, MappingNode):
            first: dict[tuple[str, str], int] = {}
            kids: list[tuple[Node, Loc]] = []
            for k, v in node.value:
                kline = k.start_mark.line + 1
                if isinstance(k, ScalarNode):
                    kloc: Loc = (*loc, str(k.value))
                    lines[kloc] = kline
                    ident = (str(k.tag), str(k.value))
                    if k.tag != _MERGE_TAG:
                        if ident in first:
                            _refuse(
                                name,
                                kline,
                                loc,
                                f"duplicate key {_key_name(k.value)} on lines {first[ident]} and {kline}: "
                                "a key may appear once in a mapping",
                            )
                        first[ident] = kline
                    kids.append((v, kloc))
                else:
                    kids += [(k, loc), (v, loc)]
            stack.extend(reversed(kids))
        elif isinstance(node, SequenceNode):
            stack.extend(reversed([(v, (*loc, i)) for i, v in enumerate(node.value)]))
    return lines


def _key_on_line(text: str, line: int | None, column: int | None) -> str | None:
    """The key a ``key: value`` line starts with, when the error is in the value
    (after the colon): a field name, never text of the value."""
    if not line or column is None:
        return None
    lines = text.splitlines()
    m = re.match(
        r"\s*(?:-\s+)?([A-Za-z_][A-Za-z0-9_-]{0,63})\s*:(?:\s|$)", lines[line - 1] if line <= len(lines) else ""
    )
    return m.group(1) if m and column >= m.end() else None


def load_yaml(text: str, name: str) -> Document:
    if len(text) > MAX_YAML_BYTES:
        raise VpnconfError(f"{name}: {len(text)} characters; the limit for a YAML file is {MAX_YAML_BYTES}")
    try:
        loader = _Loader(text, name)
    except yaml.reader.ReaderError as exc:  # the whole text is checked up front
        pos = max(int(exc.position), 0)
        bad = text.count("\n", 0, pos) + 1
        field = _key_on_line(text, bad, pos - (text.rfind("\n", 0, pos) + 1))
        _refuse(
            name,
            bad,
            (field,) if field else (),
            "malformed YAML: a control or other non-printable character YAML does not allow "
            "(write it as an escape in a double-quoted string)",
        )
    try:
        try:
            root = loader.get_single_node()
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
            at = _mark_line(mark)
            loc = loader.vpn_loc(loader.vpn_error_path or [])
            key = _key_on_line(text, at, getattr(mark, "column", None))
            if key and (not loc or loc[-1] != key):
                loc = (*loc, key)  # the error is after the key was read: name it
            _refuse(name, at, loc, f"malformed YAML: {_problem(exc)}")
        if root is None:
            return Document(None, dict)
        lines = _check_nodes(root, name)
        for anchor, node in loader.vpn_anchored.items():
            if anchor not in loader.vpn_used and isinstance(node, ScalarNode):
                line = node.start_mark.line + 1
                _refuse(
                    name,
                    line,
                    max((k for k, v in lines.items() if v == line), key=len, default=()),
                    "a YAML anchor nothing refers to (an unquoted value starting with '&' is a YAML anchor "
                    f"and is dropped from the value: {_QUOTE})",
                )
        if loader.vpn_used:
            total, distinct, levels = _expanded(root, name)
            if total - distinct > MAX_ALIAS_VALUES:
                raise VpnconfError(
                    f"{name}: YAML aliases expand the document by more than {MAX_ALIAS_VALUES} values "
                    "(an alias bomb?); write the values out or use fewer aliases"
                )
            if levels > MAX_DEPTH:
                raise VpnconfError(
                    f"{name}: YAML aliases nest the document more than {MAX_DEPTH} levels deep "
                    "(the limit for data files)"
                )
        try:
            data = loader.construct_document(root)
        except yaml.YAMLError as exc:
            at = _mark_line(getattr(exc, "problem_mark", None))
            loc = max((k for k, v in lines.items() if v == at), key=len, default=())
            _refuse(name, at, loc, f"malformed YAML: {_problem(exc)}")
        except (ValueError, TypeError) as exc:
            raise VpnconfError(f"{name}: malformed YAML: a value cannot be read ({type(exc).__name__})") from None
    finally:
        loader.dispose()
    return Document(data, lambda: lines)
