"""The text-level differential's own parts, without the lab: the rewrites of a
rendered swanctl.conf, the prediction from parsed texts, the verdicts, the
redaction of the report and the lab outcome read from the daemons' logs."""

from __future__ import annotations

import base64
import random
import re
from enum import Enum
from typing import Any

import pytest

from vpnconf import differential_text as dt
from vpnconf.differential import main as differential_main


class Pick:
    """A stand-in for random.Random whose choice() takes ``variant`` when offered."""

    def __init__(self, variant: str) -> None:
        self.variant = variant

    def choice(self, seq: Any) -> Any:
        assert self.variant in seq, (self.variant, seq)
        return self.variant


def rendered() -> list[str]:
    """The lab's rendered pair (IKEv1 main mode, ESP, subnets) every rewrite starts from."""
    from vpnconf.lab import lab_configs
    from vpnconf.model import Site

    site = Site.model_validate(dt.BASE)
    return list(lab_configs(site, site.tunnels[0])[:2])


def value(text: str, key: str) -> list[str]:
    return [m.group(1) for m in re.finditer(rf"^\s*{re.escape(key)} = (.*)$", text, re.MULTILINE)]


def test_unset_proposals_drop_the_lines_on_the_ends_the_variant_names():
    t = rendered()
    dt.KINDS["proposals-unset"][1](t, Pick("all-both"))
    assert [value(x, "proposals") for x in t] == [[], []]
    assert [value(x, "esp_proposals") for x in t] == [[], []]
    t = rendered()
    dt.KINDS["proposals-unset"][1](t, Pick("ike-one-mismatch"))
    assert value(t[0], "proposals") == [] and value(t[1], "proposals") == ["3des-md5-modp1024"]
    assert value(t[0], "esp_proposals") == value(t[1], "esp_proposals") != []


def test_default_inside_a_list_and_several_algorithms_per_type():
    t = rendered()
    dt.KINDS["default-in-list"][1](t, Pick("esp-default"))
    assert value(t[0], "esp_proposals") == ["aes256-sha384, default"]
    assert value(t[1], "esp_proposals") == ["aes128-sha256"]
    t = rendered()
    dt.KINDS["several-algorithms"][1](t, Pick("ike-last"))
    assert value(t[0], "proposals") == ["aes256-aes128-sha256-sha1-modp2048-ecp256"]
    assert value(t[1], "proposals") == ["aes128-sha1-ecp256"]


def test_groups_by_either_name_in_the_ike_or_the_esp_proposal():
    t = rendered()
    dt.KINDS["groups"][1](t, Pick("x25519-curve25519"))
    assert [value(x, "proposals") for x in t] == [["aes256-sha256-x25519"], ["aes256-sha256-curve25519"]]
    t = rendered()
    dt.KINDS["groups"][1](t, Pick("esp-pfs-mismatch"))
    assert [value(x, "esp_proposals") for x in t] == [["aes128-sha256-x25519"], ["aes128-sha256-ecp256"]]
    assert value(t[0], "proposals") == value(t[1], "proposals") == ["aes128-sha1-modp2048"]


def test_selectors_left_out_or_dynamic():
    t = rendered()
    dt.KINDS["selectors"][1](t, Pick("unset-one-mismatch"))
    assert value(t[0], "local_ts") == value(t[0], "remote_ts") == []
    assert value(t[1], "local_ts") == ["192.168.1.0/24"]
    t = rendered()
    dt.KINDS["selectors"][1](t, Pick("dynamic-one"))
    assert value(t[0], "local_ts") == ["dynamic"] and value(t[1], "remote_ts") == ["198.18.0.2/32"]
    assert dt._outer_selectors(t[0]) and not dt._outer_selectors(rendered()[0])
    t = rendered()
    dt.KINDS["selectors"][1](t, Pick("list-mismatch"))
    assert value(t[0], "local_ts") == ["10.0.2.0/24, 10.0.3.0/24"] and value(t[1], "remote_ts") == ["10.0.1.0/24"]


def test_wildcard_identity_on_the_cloud_and_the_fqdn_the_idc_sends():
    t = rendered()
    dt.KINDS["wildcard-id"][1](t, Pick("wildcard-mismatch"))
    assert re.search(r"local \{\n\s*auth = psk\n\s*id = vpn\.example\.com\n", t[0])
    assert value(t[0], "id-local") == ["vpn.example.com"]
    assert re.search(r"remote \{\n\s*auth = psk\n\s*id = \*\.example\.org\n", t[1])
    assert value(t[1], "id-remote") == []  # the cloud's secret serves any peer
    t = rendered()
    dt.KINDS["wildcard-id"][1](t, Pick("any"))
    assert re.search(r"remote \{\n\s*auth = psk\n\s*id = %any\n", t[1])


def test_ah_replaces_esp_on_the_ends_the_variant_names():
    t = rendered()
    dt.KINDS["ah"][1](t, Pick("one-mismatch"))
    assert value(t[0], "ah_proposals") == ["sha256-modp2048"] and value(t[0], "esp_proposals") == []
    assert value(t[1], "ah_proposals") == [] and value(t[1], "esp_proposals") != []


def test_encoded_keys_decode_to_the_key_or_to_another():
    t = rendered()
    dt.KINDS["encoded-key"][1](t, Pick("base64"))
    (secret,) = value(t[0], "secret")
    assert secret.startswith("0s") and base64.b64decode(secret[2:]) == dt.KEY.encode()
    t = rendered()
    dt.KINDS["encoded-key"][1](t, Pick("binary-mismatch"))
    a, b = value(t[0], "secret")[0], value(t[1], "secret")[0]
    assert bytes.fromhex(a[2:]) == dt.BINARY_KEY and base64.b64decode(b[2:]) == dt.BINARY_OTHER


def test_a_rewrite_of_a_setting_the_text_lacks_is_refused():
    text = rendered()[0]
    with pytest.raises(ValueError, match="ah_proposals is set 0 times"):
        dt._drop(text, "ah_proposals")
    with pytest.raises(ValueError, match="proposals is set 0 times"):
        dt._set(dt._drop(text, "proposals"), "proposals", "aes128-sha256-modp2048")


def test_pairs_are_reproducible_and_cover_every_kind_with_mismatches():
    a = [dt.text_pair(random.Random(11)) for _ in range(2)]
    assert a[0] == a[1]
    rng = random.Random(5)
    kinds = [k for _ in range(300) for k in dt.text_pair(rng)[2].items()]
    assert set(dt.VARIANTS) == set(dt.KINDS)
    assert {f"{k}={v}" for k, v in kinds} == {f"{k}={v}" for k, vs in dt.VARIANTS.items() for v in vs}
    assert {k for k, v in kinds if "mismatch" in v} == set(dt.KINDS)  # every kind also fails on purpose
    assert {k for k, v in kinds if "mismatch" not in v} == set(dt.KINDS)


def test_the_rendered_pair_is_predicted_to_establish_and_a_foreign_identity_not():
    t = rendered()
    assert dt.predict_texts(*t)["predicted"] == (dt.YES, dt.YES)
    dt.KINDS["wildcard-id"][1](t, Pick("wildcard-mismatch"))
    assert dt.predict_texts(*t)["predicted"] == (dt.NO, dt.NO)


def test_verdicts_booleans_strings_and_enums():
    class V(Enum):
        CANNOT = "cannot tell"
        YES = "yes"

    assert [dt._verdict(x) for x in (True, False, None, "no", V.YES, V.CANNOT, "unknown")] == [
        dt.YES,
        dt.NO,
        dt.UNKNOWN,
        dt.NO,
        dt.YES,
        dt.UNKNOWN,
        dt.UNKNOWN,
    ]


def test_status_per_stage_with_cannot_tell_apart():
    Y, N, U = dt.YES, dt.NO, dt.UNKNOWN
    assert dt.status((Y, Y), (Y, Y)) == "agree"
    assert dt.status((Y, N), (Y, N)) == "agree"
    assert dt.status((Y, Y), (Y, N)) == "disagree"
    assert dt.status((U, U), (Y, Y)) == U
    assert dt.status((Y, U), (Y, N)) == U
    assert dt.status((N, U), (Y, N)) == "disagree"  # a known stage that is wrong
    assert dt.status((dt.CHECK_FAILED,) * 2, (Y, Y)) == dt.CHECK_FAILED
    rows = [
        {"kinds": {"ah": "both"}, "status": "agree"},
        {"kinds": {"ah": "both", "groups": "ecp384"}, "status": U},
    ]
    counts = dt.per_kind(rows)
    assert counts["ah=both"]["pairs"] == 2 and counts["ah=both"]["agree"] == 1 and counts["ah=both"][U] == 1
    assert counts["groups=ecp384"]["disagree"] == 0


def test_the_report_never_shows_a_key():
    t = rendered()
    t[0] = dt._secret(t[0], dt._hex(dt.BINARY_KEY))
    t[1] = dt._secret(t[1], '"Top-Secret-Value-9"')
    p = dt.predict_texts(*t)
    row = {
        "i": 0,
        "kinds": {"encoded-key": "binary-mismatch"},
        "lab": (dt.NO, dt.NO),
        "reason": "AUTHENTICATION_FAILED",
        "log": [],
        **{k: v for k, v in p.items() if k != "hide"},
    }
    out = dt.describe(row)
    assert "Top-Secret-Value-9" not in out and dt.BINARY_KEY.hex() not in out
    assert "secret = <redacted>" in out and "id-local = 202.108.22.5" in out


def test_lab_failures_that_are_the_lab_stack_not_the_negotiation():
    sad = "[cloud] 10[IKE] <t|1> unable to install inbound and outbound IPsec SA (SAD) in kernel"
    ah = "[cloud] 10[CFG] <t|1> selected proposal: AH:HMAC_SHA2_256_128/NO_EXT_SEQ"
    esp = "[cloud] 10[CFG] <t|1> selected proposal: ESP:AES_CBC_128/HMAC_SHA1_96/NO_EXT_SEQ"
    spd = "[cloud] 10[IKE] <t|1> unable to install IPsec policies (SPD) in kernel"
    nets = rendered()[0]
    dynamic = dt._set(nets, "local_ts", "dynamic")
    assert "AH" in (dt._negotiated_not_installable("KERNEL_INSTALL_FAILED", [ah, sad], nets) or "")
    assert dt._negotiated_not_installable("KERNEL_INSTALL_FAILED", [esp, sad], nets) is None
    assert "IKE" in (dt._negotiated_not_installable("KERNEL_INSTALL_FAILED", [esp, spd], dynamic) or "")
    assert dt._negotiated_not_installable("KERNEL_INSTALL_FAILED", [esp, spd], nets) is None
    assert dt._negotiated_not_installable("NO_PROPOSAL_CHOSEN", [ah, sad], nets) is None


def test_cli_text_mode_refuses_no_pairs(capsys):
    assert differential_main(["--text", "--pairs", "0"]) == 2
    assert "--pairs must be at least 1" in capsys.readouterr().err


def test_cli_text_mode_refuses_a_report_it_cannot_write_before_running(capsys, tmp_path):
    assert differential_main(["--text", "--pairs", "1", "--report", str(tmp_path / "no" / "r.json")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "cannot write the report" in err and "r.json" in err
