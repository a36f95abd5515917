"""The one finding vocabulary of every parser: the same rule id for the same
situation on every vendor, documented once here (and in vendors/README.md).

A parser may only report these ids; ``ParsedDevice.note`` refuses any other,
and the conformance suite feeds every parser junk to make sure. Severity says
how much a situation matters for *this* tunnel: a value the model cannot hold
is an ``UNSUPPORTED`` error when it decides a field (the field stays unknown),
an info when it changes nothing the model carries.
"""

from __future__ import annotations

from typing import Literal

Severity = Literal["error", "warning", "info"]
#: what a tree builder reports, for its parser to turn into findings
Note = tuple[str, int, Severity, str]  # (rule, line, severity, message)

#: rule id -> what it means (one line each; vendors/README.md shows this table)
RULES: dict[str, str] = {
    # reading the text
    "SYNTAX": "a line or statement that cannot be read as the vendor's syntax",
    "IGNORED": "a statement inside a VPN block that is read past: not part of the model",
    "ENCODING": "the bytes were not UTF-8 (or carried a BOM/NULs): how they were decoded",
    "REINDENTED": "a pasted config had lost its indentation: sub-commands were re-attached to their block",
    "ABBREVIATED": "an abbreviated command was expanded to the keyword the vendor accepts for it",
    "UNCLOSED": "a block was never closed: where it was closed and what it may have swallowed",
    "INCLUDE": "an include directive: what was (not) followed",
    "COMPANION": "a file the device's daemon reads beside the one given (vendor.yaml companions) was read too",
    "TRUNCATED": "more findings of one rule than the cap: the rest are counted, not listed",
    "INTERNAL": "the parser failed on this input (a bug): what it had read so far is kept",
    # what the tunnel holds
    "NO-TUNNEL": "a readable config with no IPsec tunnel in it",
    "MISSING": "a setting the tunnel needs is not in the text (no peer, no key, no proposal, ...)",
    "DEFAULT": "a setting left out takes the vendor's documented default for the release (named)",
    "UNSUPPORTED": "a value or feature the model cannot hold: the field stays unknown",
    "UNRESOLVED": "a name refers to an object the text does not define",
    "UNUSED": "an object is defined but no tunnel uses it",
    "AMBIGUOUS": "the text allows two readings (duplicate definitions, several candidates)",
    "INACTIVE": "a tunnel or object is disabled, shut down or deactivated",
    "PAIR": "two tunnels were read back as a redundant pair (primary/backup or both active), or why not",
    "KEY": "the pre-shared key is masked, encrypted, a placeholder or otherwise not the key itself",
    "PLACEHOLDER": "a value is a template placeholder (<...>, ${...}), kept as such",
    "BACKUP-PEER": "a second peer address of the same tunnel (a backup peer, not a second tunnel)",
    "SELECTORS": "how the traffic selectors were built (route-based any/any, narrowed, dynamic)",
    "IDENTITY": "how an IKE identity was read or what it depends on",
    "NOT-CARRIED": "read from the device but not carried into the site model or the target vendor",
}

#: at most this many findings of one rule per parse; then one TRUNCATED
CAP = 200

INTERNAL = "INTERNAL"
