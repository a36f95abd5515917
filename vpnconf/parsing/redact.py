"""The one redactor every parse message passes (findings, loss reports,
errors): it knows every key-bearing token of the input, so no parser has to
take care when it quotes a line.

What it knows, per input text:
- every token that follows a key keyword of the vendor (``secrets:`` in its
  vendor.yaml: ``key``, ``pre-shared-key``, ``psksecret``, ``secret``, ``PSK``
  ...), after the keyword's modifiers (``0``/``6``/``7``, ``ascii-text``,
  ``local``...), found by one regular expression over the whole text;
- on the lines a finding points at, the token after a word that is a near
  miss of a key keyword (``kee``, ``pre-shared-kee``, ``psksecert``): the
  line a parser could not read is exactly where a mistyped keyword sits;
- every key a parser read (``ParsedTunnel.psk``, decoded or not).

Tokens are replaced where they stand as a whole token (no letter or digit\nright beside them), by ``<redacted>``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache

MASK = "<redacted>"


def _near(word: str, keyword: str) -> bool:
    """Levenshtein distance <= 1 (<= 2 for keywords of 6+ characters),
    transpositions counting as one edit."""
    if word == keyword:
        return True
    limit = 2 if len(keyword) >= 6 else 1
    if abs(len(word) - len(keyword)) > limit or len(word) < 3:
        return False
    prev2: list[int] = []
    prev = list(range(len(keyword) + 1))
    for i, a in enumerate(word, 1):
        cur = [i] + [0] * len(keyword)
        for j, b in enumerate(keyword, 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a != b))
            if i > 1 and j > 1 and a == keyword[j - 2] and word[i - 2] == b:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        if min(cur) > limit:
            return False
        prev2, prev = prev, cur
    return prev[-1] <= limit


@cache
def _keyword_re(keywords: tuple[str, ...], modifiers: tuple[str, ...]) -> re.Pattern[str]:
    """Matched *at* a keyword's position (``.match(text, pos)``): the scan
    finds the positions with ``str.find`` on the lower-cased text, at C speed,
    instead of trying a case-insensitive pattern at every character."""
    kw = "|".join(re.escape(k) for k in sorted(keywords, key=len, reverse=True))
    mod = "|".join(re.escape(m) for m in sorted(modifiers, key=len, reverse=True))
    mods = rf"(?:(?:{mod})\s+)*" if mod else ""
    return re.compile(
        rf"(?:{kw})(?![\w-])[ \t]*(?:=[ \t]*)?{mods}(\"[^\"\n]*\"?|'[^'\n]*'?|[^\s;{{}}]+)",
        re.IGNORECASE,
    )


def _scan(text: str, keywords: tuple[str, ...], rx: re.Pattern[str]) -> list[str]:
    """The value after every key keyword standing as a word in ``text``."""
    from .text import lowered

    low = lowered(text)
    found: list[str] = []
    for k in keywords:
        i = low.find(k)
        while i >= 0:
            if i == 0 or not (low[i - 1].isalnum() or low[i - 1] in "_-"):
                m = rx.match(text, i)
                if m:
                    found.append(m.group(1))
            i = low.find(k, i + len(k))
    return found


_FEW = 16  # up to this many keys, each is tested as a substring of each message
_ALNUM = re.compile(r"[A-Za-z0-9]+")


class Redactor:
    def __init__(self, text: str = "", keywords: Iterable[str] = (), modifiers: Iterable[str] = ()) -> None:
        self.text = text
        self.keywords = tuple(k.lower() for k in keywords)
        self.modifiers = {m.lower() for m in modifiers}
        self.secrets: set[str] = set()
        self._index: tuple[int, dict[str, list[str]], list[str]] | None = None
        self._lines: list[str] | None = None
        self._seen_lines: set[int] = set()
        if text and self.keywords:
            for value in _scan(text, self.keywords, _keyword_re(self.keywords, tuple(sorted(self.modifiers)))):
                self.add(value)

    def add(self, secret: str | None) -> None:
        """A key to hide (quoted or not: both spellings are hidden)."""
        if not secret or secret in self.secrets:  # (a key read twice: by the scan and by the parser)
            return
        s = secret.strip()
        if len(s) >= 2 and s[0] == s[-1] and s[0] in "\"'":
            self.secrets.add(s)
            s = s[1:-1]
        elif s[:1] in "\"'":
            self.secrets.add(s)
            s = s[1:]
        if s and s.lower() not in self.modifiers:
            self.secrets.add(s)

    def learn_line(self, line: int | None) -> None:
        """Tokens after a near miss of a key keyword on input line ``line``."""
        if line is None or line in self._seen_lines or not self.keywords or not self.text:
            return
        self._seen_lines.add(line)
        if self._lines is None:
            self._lines = self.text.split("\n")
        if not 1 <= line <= len(self._lines):
            return
        words = self._lines[line - 1].replace("=", " = ").split()
        for i, w in enumerate(words):
            lw = w.lower().strip("\"'")
            if any(_near(lw, k) for k in self.keywords):
                j = i + 1
                while j < len(words) and (words[j] == "=" or words[j].lower() in self.modifiers):
                    j += 1
                if j < len(words):
                    rest = " ".join(words[j:])
                    if rest[:1] in "\"'" and rest[0] in rest[1:]:
                        self.add(rest[: rest.index(rest[0], 1) + 1])
                    else:
                        self.add(words[j])

    def __call__(self, message: str, line: int | None = None) -> str:
        self.learn_line(line)
        if len(self.secrets) <= _FEW:
            found = [s for s in self.secrets if s in message]
        else:
            found = self._candidates(message)
        if not found:
            return message
        alts = "|".join(re.escape(s) for s in sorted(found, key=len, reverse=True))
        return re.sub(rf"(?<![A-Za-z0-9])(?:{alts})(?![A-Za-z0-9])", MASK, message)

    def _candidates(self, message: str) -> list[str]:
        """The keys that may stand in ``message`` as a whole token, without testing
        each key (a device of thousands of keys, every string of its parse passing
        here as one message). A key standing as a whole token (no letter or digit
        beside it) has each of its runs of letters and digits standing as a whole
        run in the message: so the keys are indexed by their longest run, and only
        those whose run the message holds are candidates (the final pattern tests
        them); a key without letters or digits is tested as a substring."""
        if self._index is None or self._index[0] != len(self.secrets):  # keys are only ever added
            by_run: dict[str, list[str]] = {}
            bare: list[str] = []
            for s in self.secrets:
                runs = _ALNUM.findall(s)
                if runs:
                    by_run.setdefault(max(runs, key=len), []).append(s)
                else:
                    bare.append(s)
            self._index = (len(self.secrets), by_run, bare)
        _, by_run, bare = self._index
        held = set(_ALNUM.findall(message))
        if len(held) > len(by_run):
            found = [s for run, keys in by_run.items() if run in held for s in keys]
        else:
            found = [s for run in held if run in by_run for s in by_run[run]]
        return found + [s for s in bare if s in message]
