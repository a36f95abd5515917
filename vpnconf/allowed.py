"""Is a value allowed? One check, one message, for three callers.

A value of a named field is tested against an allowed set or an inclusive
``(min, max)`` range; when it is outside, the answer is the one-line message
that names the field, the value and what is allowed. The site rules
(``PROFILE-*``: what a cloud profile accepts), ``check --against``
(``CLOUD-*``: the same, for a device config) and the renderer (what a vendor
release supports) all use it, so they give the same verdict in the same words::

    DH group 24 is not accepted by profile gcp (accepted: 2, 5, 14, 15, 16, 19, 20, 21)
    DH group 24 is not supported with IKEv2 (supported: 1, 2, 5, 14)
    IKE SA lifetime 59 s is outside 60-604800 s accepted by profile tencent
    IKE SA lifetime 59 s is outside 60-604800 s

``None`` is "nothing to check": a value that is not set passes, and so does
any value when the allowed set or range is ``None`` (no restriction).

The renderer calls this for every tunnel it renders: plain functions, nothing
allocated unless the value is refused, standard library only.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Final, NamedTuple


class Field(NamedTuple):
    """How a field is named in messages, and the unit of its values ("s", "KB")."""

    label: str
    unit: str = ""


# The fields the three callers check, named once so that they name them alike.
IKE_VERSION: Final = Field("IKE version")
IKE_MODE: Final = Field("negotiation mode")
LOCAL_ID_TYPE: Final = Field("local identity type")
PEER_ID_TYPE: Final = Field("peer identity type")
IKE_ENCRYPTION: Final = Field("IKE encryption")
IKE_INTEGRITY: Final = Field("IKE integrity")
DH_GROUP: Final = Field("DH group")
IKE_LIFETIME: Final = Field("IKE SA lifetime", "s")
IPSEC_ENCRYPTION: Final = Field("IPsec encryption")
IPSEC_INTEGRITY: Final = Field("IPsec integrity")
PFS_GROUP: Final = Field("PFS group")
IPSEC_LIFETIME: Final = Field("IPsec SA lifetime", "s")
IPSEC_LIFETIME_KB: Final = Field("IPsec SA lifetime", "KB")
DPD_TIMEOUT: Final = Field("DPD timeout", "s")
DPD_ACTION: Final = Field("DPD action")

ACCEPTED: Final = "accepted"  # what a cloud profile takes
SUPPORTED: Final = "supported"  # what a vendor release can do


def outside_set(
    field: Field, value: object, allowed: Collection[object] | None, *, verb: str = ACCEPTED, by: str = ""
) -> str | None:
    """None when ``value`` is one of ``allowed``; else
    ``"<field> <value> is not <verb>[ <by>] (<verb>: <a>, <b>, ...)"``."""
    if value is None or allowed is None or value in allowed:
        return None
    u = f" {field.unit}" if field.unit else ""
    where = f" {by}" if by else ""
    return f"{field.label} {value}{u} is not {verb}{where} ({verb}: {', '.join(map(str, allowed))}{u})"


def outside_range(
    field: Field, value: int | None, bounds: tuple[int, int] | None, *, verb: str = ACCEPTED, by: str = ""
) -> str | None:
    """None when ``min <= value <= max``; else
    ``"<field> <value> is outside <min>-<max>[ <verb> <by>]"`` (with the unit)."""
    if value is None or bounds is None or bounds[0] <= value <= bounds[1]:
        return None
    u = f" {field.unit}" if field.unit else ""
    tail = f" {verb} {by}" if by else ""
    return f"{field.label} {value}{u} is outside {bounds[0]}-{bounds[1]}{u}{tail}"


def by_profile(name: str) -> str:
    """The ``by`` phrase of a cloud profile's findings (PROFILE-* and CLOUD-*)."""
    return f"by profile {name}"
