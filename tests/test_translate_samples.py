"""translate of a cloud's sample config (issue #17): every vendor with a parser
has a sample full of placeholders (``vendors/<id>/samples/cloud-sample.txt``,
a tunnel whose device sits behind NAT: its local identity is not its address),
translated to every other vendor. Placeholders stay placeholders (listed by
field, never a sentinel left), ``--set`` fills them (the output reads back to
the values given), the NAT identity is carried or named. Vendors are
discovered from the catalog, never named here."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from vpnconf.catalog import vendors
from vpnconf.cli import main
from vpnconf.parsing import parse_text, parser_modules, to_site_data
from vpnconf.paths import vendor_dirs
from vpnconf.placeholders import Table, mask, scan

ROOT = Path(__file__).resolve().parents[1]
SOURCES = sorted(v for v in vendors() if v in parser_modules() and (vendor_dirs()[v] / "samples").is_dir())
TARGETS = sorted(vendors())
#: "vendor:file" of every sample (cloud-sample.txt: policy-based behind NAT;
#: cloud-sample-bgp.txt where the vendor has one: route-based BGP with an ASN placeholder)
SAMPLES = [f"{v}:{f.name}" for v in SOURCES for f in sorted((vendor_dirs()[v] / "samples").glob("cloud-sample*.txt"))]
PAIRS = [(s, t) for s in SAMPLES for t in TARGETS if s.split(":")[0] != t]
SENTINEL_MARKS = ("198.18.", "198.19.", "vpnconf-placeholder-key")
NAT_PUBLIC = "203.0.113.5"  # the samples' local identity (the device's address is private)


def _sample(source: str) -> Path:
    vendor, _, name = source.partition(":")
    return vendor_dirs()[vendor] / "samples" / (name or "cloud-sample.txt")


LAST_DOC: dict[str, object] = {}


def _translate(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, list[dict[str, object]]]:
    rc = main(["translate", *args, "--format", "json"])
    out, err = capsys.readouterr()
    LAST_DOC.clear()
    LAST_DOC.update(json.loads(err) if err.lstrip().startswith("{") else {"loss_report": [{"message": err}]})
    return rc, out, LAST_DOC["loss_report"]  # type: ignore[return-value]


def _source_site(source: str) -> tuple[Table, dict[str, object]]:
    """The sample as translate reads it: placeholders through sentinels."""
    text = _sample(source).read_text()
    table = scan(text)
    data, _ = to_site_data(parse_text(mask(text, table), "sample", source.split(":")[0]), table)
    return table, data


def test_every_vendor_with_a_parser_has_a_sample() -> None:
    assert sorted(parser_modules()) == SOURCES, "a vendor with a parser and no samples/cloud-sample.txt"


@pytest.mark.parametrize("source", SAMPLES)
def test_sample_placeholders_reach_model_fields(source: str) -> None:
    """The sample's peer address and key are placeholders; translate's parse puts
    each into its model field (not refused as 'no peer address')."""
    table, data = _source_site(source)
    assert data["tunnels"], f"{source}: the sample's tunnel was not carried"
    reached = {f for p in table.items() for f in p.fields}
    assert "vpn_gateway.public_ip" in reached
    assert "pre_shared_key" in reached
    for p in table.items():
        if "pre_shared_key" in p.fields:
            assert p.kind == "key"
        if p.kind == "asn":  # an ASN placeholder reaches the gateway's ASN
            assert p.fields == ["vpn_gateway.bgp_asn"], p.fields


@pytest.mark.parametrize(("source", "target"), PAIRS)
def test_sample_to_every_vendor(source: str, target: str, capsys: pytest.CaptureFixture[str]) -> None:
    table, data = _source_site(source)
    rc, out, report = _translate(capsys, str(_sample(source)), "--vendor", source.split(":")[0], "--to", target)
    messages = [str(x["message"]) for x in report]
    refused = [x for x in report if x["severity"] == "error"]
    # a tunnel is refused only for what the target cannot express (a capability), never for its placeholders
    for x in refused:
        assert "placeholder" not in str(x["message"]) and "no peer address" not in str(x["message"]), x
    # every item of the report names the model field it concerns
    assert all(x.get("field") for x in report if x["rule"] in ("NOT-CARRIED", "DEFAULT")), report
    # never a sentinel in what is written
    assert not any(m in out for m in SENTINEL_MARKS), out
    assert not any(m in " ".join(messages) for m in SENTINEL_MARKS), messages
    listed = {str(x["placeholder"]): x for x in LAST_DOC.get("placeholders", [])}  # type: ignore[attr-defined]
    for p in table.items():
        if not p.fields:
            continue
        # in the JSON's list of what the output needs, with its fields
        assert listed[p.spelling]["fields"] == p.fields and listed[p.spelling]["filled"] is False
        # listed in the loss report, by field
        items = [x for x in report if p.spelling in str(x["message"]) and x.get("field") in p.fields]
        assert items, (p.spelling, messages)
        if not refused:  # and written in the target's output, unmistakable
            assert p.shown() in out, (p.spelling, target)
    if not refused:
        assert rc == 0
        # a key placeholder is never a key a device takes: it holds spaces
        keys = [p for p in table.items() if p.kind == "key" and p.fields]
        assert all(" " in p.shown() for p in keys)
        if out.lstrip()[:1] in ("!", "#"):
            assert "NEEDS VALUES" in out.splitlines()[0]
    # the NAT identity: in the output as the local identity, or named by field
    tun = data["tunnels"][0]  # type: ignore[index]
    if tun["ike"]["peer_id"].get("value") == NAT_PUBLIC and not refused:
        named = [x for x in report if x.get("field") == "ike.peer_id"]
        if not named and target in parser_modules():
            back = parse_text(mask(out, scan(out)), "out", target)  # the output read as a template again
            assert any(t.local_id is not None and t.local_id.value == NAT_PUBLIC for t in back.tunnels), out
        else:
            assert named or NAT_PUBLIC in out


@pytest.mark.parametrize(("source", "target"), PAIRS)
def test_set_fills_placeholders(source: str, target: str, capsys: pytest.CaptureFixture[str]) -> None:
    """--set fills each placeholder; the output reads back to the values given and
    the key given is in no message."""
    table, _ = _source_site(source)
    peer, key, asn = "198.51.100.77", "Filled-Key-9", 64999
    sets: list[str] = []
    for p in table.items():
        if "vpn_gateway.public_ip" in p.fields:
            sets += ["--set", f"{p.name}={peer}"]
        elif p.kind == "key" and p.fields:
            sets += ["--set", f"{p.name}={key}"]
        elif p.kind == "asn" and p.fields:
            sets += ["--set", f"{p.name}={asn}"]
        elif p.fields:  # the device's public address, an identity: an address of their own
            sets += ["--set", f"{p.name}=203.0.113.{70 + len(sets)}"]
    rc, out, report = _translate(capsys, str(_sample(source)), "--vendor", source.split(":")[0], "--to", target, *sets)
    assert key not in " ".join(str(x["message"]) for x in report)
    if any(x["severity"] == "error" for x in report):
        return  # refused for what the target cannot express: checked above
    assert rc == 0
    assert not any(p.shown() in out for p in table.items() if p.fields), out
    assert "NEEDS VALUES" not in out
    if target in parser_modules():
        back = parse_text(out, "out", target)
        assert [t.peer_address for t in back.tunnels] == [peer]
        got = back.tunnels[0]
        assert got.psk == key or got.psk_state != "clear", (got.psk_state, target)
        if any(p.kind == "asn" and p.fields for p in table.items()):
            assert got.bgp is not None and got.bgp.peer_asn == asn, target


def _one_source() -> str:
    return SAMPLES[0]


def test_set_unknown_name_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    rc = main(["translate", str(_sample(_one_source())), "--to", TARGETS[-1], "--set", "NO_SUCH_NAME=1.2.3.4"])
    err = capsys.readouterr().err
    assert rc != 0 and "NO_SUCH_NAME" in err and "Traceback" not in err


@pytest.mark.parametrize(
    ("which", "value", "words"),
    [("peer", "not-an-address", "not an IPv4 address"), ("key", "has space", "the key is not")],
)
def test_set_value_checked_as_its_field(which: str, value: str, words: str, capsys: pytest.CaptureFixture[str]) -> None:
    source = _one_source()
    table, _ = _source_site(source)
    p = next(x for x in table.items() if ("vpn_gateway.public_ip" in x.fields if which == "peer" else x.kind == "key"))
    rc = main(["translate", str(_sample(source)), "--to", TARGETS[-1], "--set", f"{p.name}={value}"])
    err = capsys.readouterr().err
    assert rc != 0 and words in err and p.name in err and len(err.strip().splitlines()) == 1
    if which == "key":
        assert value not in err


def test_values_file_fills_like_set(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = _one_source()
    target = next(t for t in TARGETS if t != source and t in parser_modules())
    table, _ = _source_site(source)
    p = next(x for x in table.items() if "vpn_gateway.public_ip" in x.fields)
    vals = tmp_path / "values.yaml"
    vals.write_text(f"{p.name}: 198.51.100.99\n")
    rc, out, _ = _translate(capsys, str(_sample(source)), "--to", target, "--values", str(vals))
    assert rc == 0
    assert [t.peer_address for t in parse_text(out, "out", target).tunnels] == ["198.51.100.99"]
    vals.write_text("- a list\n")
    assert main(["translate", str(_sample(source)), "--to", target, "--values", str(vals)]) != 0
    assert "mapping" in capsys.readouterr().err


# ------------------------------------------------------------- the value kind
def test_scan_kinds_and_spellings() -> None:
    text = (
        "peer <AWS_ENDPOINT_1> key <PSK_TUNNEL_1>\n"
        "remote-gw ${oracleHeadend1}\n"
        "neighbor {{ peer_ip }} remote-as {{ cloud_asn }}\n"
        "local-address x.x.x.x\n"
        "rightsubnet=<VPC_CIDR>\n"
        "pre-shared-key <tunnel one>\n"
        "interface Tunnel<N>\n"
        "<HUAWEI>\n"
        "set peer <P>\n"
        "crypto isakmp key SharedPSKey address a.b.c.d\n"  # letters for octets, as some tutorials write it
        "www.example.org i.e. a.b.c.d.e 1.x.x.x\n"  # not placeholders: a name, prose, five parts, a digit
    )
    t = scan(text)
    kinds = {p.spelling: p.kind for p in t.items()}
    assert kinds == {
        "<AWS_ENDPOINT_1>": "address",
        "<PSK_TUNNEL_1>": "key",
        "${oracleHeadend1}": "address",
        "{{ peer_ip }}": "address",
        "{{ cloud_asn }}": "asn",
        "x.x.x.x": "address",
        "<VPC_CIDR>": "network",
        "<tunnel one>": "key",
        "<P>": "address",
        "a.b.c.d": "address",
    }
    masked = mask(text, t)
    assert "<" not in masked.replace("Tunnel<N>", "").replace("<HUAWEI>", "")
    assert masked.count("\n") == text.count("\n")
    # each sentinel is put back as its placeholder (a key as one no device takes as a key)
    back = text
    for p in t.items():
        back = back.replace(p.spelling, p.shown())
    assert t.unmask(masked) == back
    assert '"<PSK_TUNNEL_1> (not a key: vpnconf translate --set PSK_TUNNEL_1=KEY)"' in back


def test_sentinel_never_a_value_of_the_source() -> None:
    text = "peer 198.18.0.1 and <PEER>\nasn 65536 and <BGP_ASN>\n"
    t = scan(text)
    assert t.by_name("PEER").sentinel != "198.18.0.1"  # type: ignore[union-attr]
    assert t.by_name("BGP_ASN").sentinel != "65536"  # type: ignore[union-attr]


def test_xml_markup_is_not_a_placeholder() -> None:
    t = scan("<config><peer-address><ip>${peer}</ip></peer-address></config>\n")
    assert [p.spelling for p in t.items()] == ["${peer}"]


def test_derived_form_is_found_not_written() -> None:
    """A sentinel written in a form that is not put back (its number) is found."""
    import ipaddress

    t = scan("peer <PEER>\n")
    p = t.by_name("PEER")
    assert p is not None
    out = t.unmask(f"set peer {p.sentinel}\nset peer-int {int(ipaddress.IPv4Address(p.sentinel))}\n")
    assert "<PEER>" in out and t.left(out) == [p]
    assert t.left(t.unmask(f"set peer {p.sentinel}\n")) == []
