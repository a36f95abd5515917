"""The shared parsing layer's builders on inputs written here (no vendor):
the braces family never loses a block silently."""

from __future__ import annotations

from vpnconf.parsing.braces import build


def test_blocks_statements_and_lines():
    root, notes = build('security {\n  ike {\n    gateway "g w" { address 192.0.2.1; }\n  }\n}\n')
    gw = root.find("security", "ike")
    assert gw is not None and gw.block and gw.line == 2
    (g,) = gw.children
    assert g.words == ["gateway", "g w"] and g.line == 3
    assert [c.words for c in g.children] == [["address", "192.0.2.1"]]
    assert notes == []


def test_an_unclosed_block_is_named_with_its_line():
    root, notes = build("a {\n  b {\n    c 1;\n")
    assert [(r, line) for r, line, _, _ in notes] == [("UNCLOSED", 1), ("UNCLOSED", 2)]
    assert "'a' (line 1) is never closed" in notes[0][3]
    assert root.find("a", "b").children[0].words == ["c", "1"]


def test_a_stray_brace_an_open_quote_and_an_open_comment_are_findings():
    _, notes = build("x 1;\n}\n")
    assert [(r, line, sev) for r, line, sev, _ in notes] == [("SYNTAX", 2, "error")]
    root, notes = build('name "abc\nnext 2\n')
    assert ("SYNTAX", 1) in [(r, line) for r, line, _, _ in notes]
    assert [c.words for c in root.children][1] == ["next", "2"]  # the quote ends at the line's end
    _, notes = build("a { b 1; /* note\n c 2; }\n")
    assert any(r == "UNCLOSED" and "comment" in m for r, _, _, m in notes)


def test_statements_end_at_line_ends_or_only_at_semicolons():
    root, _ = build("a 1\nb 2\n")
    assert [c.words for c in root.children] == [["a", "1"], ["b", "2"]]
    root, _ = build("a 1\nb 2;\n", statement_per_line=False)
    assert [c.words for c in root.children] == [["a", "1", "b", "2"]]
