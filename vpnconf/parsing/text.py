"""Bytes to text, the same way for every vendor: BOMs (UTF-8, UTF-16), UTF-8
else Latin-1 (every byte is a character: nothing is lost, a finding says so),
CRLF and lone CR line ends to LF, tabs to spaces (indentation is what the
tree builders read; a tab in a device config is one level of indent), and a
refusal of binary data. Line numbers are never changed: line N of the result
is line N of the input."""

from __future__ import annotations

from ..findings import VpnconfError

_BOMS = (
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)


def decode(data: bytes | str, name: str = "<input>") -> tuple[str, list[str]]:
    """(text, notes): the notes say what was done to the bytes (for an
    ENCODING finding). Binary data (NUL bytes after decoding) is refused with
    one line naming the file."""
    notes: list[str] = []
    if isinstance(data, str):
        text = data
        if text.startswith("\ufeff"):
            text = text[1:]
            notes.append("a byte-order mark was dropped")
    else:
        raw = bytes(data)
        for bom, enc in _BOMS:
            if raw.startswith(bom):
                try:
                    text = raw[len(bom) :].decode(enc)
                except UnicodeDecodeError:
                    raise VpnconfError(f"{name}: starts with a {enc} byte-order mark but is not {enc}") from None
                if enc != "utf-8":
                    notes.append(f"read as {enc} (byte-order mark)")
                break
        else:
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                text = raw.decode("latin-1")
                notes.append(f"not UTF-8 (byte {exc.start}): read as Latin-1")
    if "\x00" in text:
        raise VpnconfError(f"{name}: binary data (NUL bytes), not a configuration text")
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\t" in text:
        text = "\n".join(line.expandtabs(1) if "\t" in line else line for line in text.split("\n"))
    return text, notes


def read_file(path: str, limit: int) -> tuple[str, list[str]]:
    """A file's text (see ``decode``), refusing more than ``limit`` bytes."""
    import os

    try:
        if not os.path.isfile(path):
            raise VpnconfError(f"{path}: not a regular file")
        with open(path, "rb") as fh:
            data = fh.read(limit + 1)
    except OSError as exc:
        raise VpnconfError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    if len(data) > limit:
        raise VpnconfError(f"{path}: larger than {limit // (1 << 20)} MB")
    return decode(data, path)


_LOWERED: tuple[str, str] | None = None


def lowered(text: str) -> str:
    """``text.lower()``, computed once for the text being parsed (the
    normalisation gate and the redactor both scan it)."""
    global _LOWERED
    if _LOWERED is None or _LOWERED[0] is not text:
        _LOWERED = (text, text.lower())
    return _LOWERED[1]
