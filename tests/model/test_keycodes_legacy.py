"""Issue 10: every name QMK and VIA used before, tool dialects, and trees of older keycode specs."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

import keyconf
from keyconf.model.keycodes import REGISTRY, KeycodeError, Numbering, ParseContext

DATA = Path(__file__).parent / "data"
CTX = ParseContext(layers=["base", "nav", "sym", "fn"], tap_dances=["esc_caps"])


def _pairs(name: str) -> list[tuple[str, str]]:
    rows = []
    for line in (DATA / name).read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            first, second = line.split()
            rows.append((first, second))
    return rows


# Old spelling -> canonical spelling, written out by hand from QMK's deprecation headers and
# changelogs (2021-2025) and VIA's dictionaries. The name decides, not the old value: KC_BTN1
# was 0xF4 before the renumbering and is 0xD1 now, and both read as MS_BTN1.
OLD_TO_CANONICAL = {
    # pre-0.19 quantum keycodes
    "RESET": "QK_BOOT", "DEBUG": "DB_TOGG", "EEP_RST": "EE_CLR", "EEPROM_RESET": "EE_CLR",
    "KC_GESC": "QK_GESC", "GRAVE_ESC": "QK_GESC", "KC_LEAD": "QK_LEAD", "KC_LOCK": "QK_LOCK",
    "VLK_TOG": "VK_TOGG", "CAPS_WORD": "CW_TOGG", "CAPSWRD": "CW_TOGG",
    "KC_ASUP": "AS_UP", "KC_ASDN": "AS_DOWN", "KC_ASRP": "AS_RPT", "KC_ASTG": "AS_TOGG",
    "KC_ASON": "AS_ON", "KC_ASOFF": "AS_OFF",
    "KC_LSPO": "SC_LSPO", "KC_RSPC": "SC_RSPC", "KC_SFTENT": "SC_SENT", "KC_LCPO": "SC_LCPO",
    "KC_RCPC": "SC_RCPC", "KC_LAPO": "SC_LAPO", "KC_RAPC": "SC_RAPC",
    "CMB_ON": "CM_ON", "CMB_OFF": "CM_OFF", "CMB_TOG": "CM_TOGG",
    "DYN_REC_START1": "DM_REC1", "DYN_REC_START2": "DM_REC2", "DYN_REC_STOP": "DM_RSTP",
    "DYN_MACRO_PLAY1": "DM_PLY1", "DYN_MACRO_PLAY2": "DM_PLY2",
    "ONESHOT_ENABLE": "OS_ON", "ONESHOT_DISABLE": "OS_OFF", "ONESHOT_TOGGLE": "OS_TOGG",
    "KEY_OVERRIDE_TOGGLE": "KO_TOGG", "KEY_OVERRIDE_ON": "KO_ON", "KEY_OVERRIDE_OFF": "KO_OFF",
    "SECURE_LOCK": "SE_LOCK", "SECURE_UNLOCK": "SE_UNLK", "SECURE_TOGGLE": "SE_TOGG",
    "SECURE_REQUEST": "SE_REQ",
    "HPT_ON": "HF_ON", "HPT_OFF": "HF_OFF", "HPT_TOG": "HF_TOGG", "HPT_RST": "HF_RST",
    "HPT_FBK": "HF_FDBK", "HPT_BUZ": "HF_BUZZ", "HPT_MODI": "HF_NEXT", "HPT_MODD": "HF_PREV",
    "HPT_CONT": "HF_CONT", "HPT_CONI": "HF_CONU", "HPT_COND": "HF_COND", "HPT_DWLI": "HF_DWLU",
    "HPT_DWLD": "HF_DWLD",
    "AU_TOG": "AU_TOGG", "CLICKY_TOGGLE": "CK_TOGG", "CLICKY_ENABLE": "CK_ON", "CLICKY_DISABLE": "CK_OFF",
    "CLICKY_UP": "CK_UP", "CLICKY_DOWN": "CK_DOWN", "CLICKY_RESET": "CK_RST",
    "MU_TOG": "MU_TOGG", "MU_MOD": "MU_NEXT",
    "BL_DEC": "BL_DOWN", "BL_INC": "BL_UP",
    "MI_TOG": "MI_TOGG", "MI_ALLOFF": "MI_AOFF", "MI_CHD": "MI_CHND", "MI_CHU": "MI_CHNU",
    "MI_MODSD": "MI_MODD", "MI_MODSU": "MI_MODU", "MI_BENDD": "MI_BNDD", "MI_BENDU": "MI_BNDU",
    "MI_TRNSD": "MI_TRSD", "MI_TRNSU": "MI_TRSU", "MI_SUS": "MI_SUST",
    "UC_MOD": "UC_NEXT", "UC_RMOD": "UC_PREV", "UC_M_MA": "UC_MAC", "UC_M_LN": "UC_LINX",
    "UC_M_WI": "UC_WIN", "UC_M_BS": "UC_BSD", "UC_M_WC": "UC_WINC", "UC_M_EM": "UC_EMAC",
    "UNICODE_MODE_FORWARD": "UC_NEXT", "UNICODE_MODE_MAC": "UC_MAC",
    "OUT_AUTO": "OU_AUTO", "OUT_USB": "OU_USB", "OUT_BT": "OU_BT",
    "FN_MO13": "TL_LOWR", "FN_MO23": "TL_UPPR",
    "MAGIC_TOGGLE_NKRO": "NK_TOGG", "MAGIC_SWAP_LCTL_LGUI": "CG_LSWP", "MAGIC_UNSWAP_LCTL_LGUI": "CG_LNRM",
    "MAGIC_SWAP_CTL_GUI": "CG_SWAP", "MAGIC_EE_HANDS_LEFT": "EH_LEFT", "MAGIC_EE_HANDS_RIGHT": "EH_RGHT",
    "MAGIC_SWAP_CONTROL_CAPSLOCK": "CL_SWAP", "MAGIC_CAPSLOCK_TO_CONTROL": "CL_CTRL",
    "MAGIC_SWAP_ALT_GUI": "AG_SWAP", "MAGIC_NO_GUI": "GU_OFF", "MAGIC_UNNO_GUI": "GU_ON",
    "GUI_OFF": "GU_OFF", "GUI_ON": "GU_ON", "GUI_TOG": "GU_TOGG",
    "LAG_SWP": "AG_LSWP", "LAG_NRM": "AG_LNRM", "RAG_SWP": "AG_RSWP", "RAG_NRM": "AG_RNRM",
    "LCG_SWP": "CG_LSWP", "LCG_NRM": "CG_LNRM", "RCG_SWP": "CG_RSWP", "RCG_NRM": "CG_RNRM",
    "SH_TG": "SH_TOGG", "SQ_TOG": "SQ_TOGG",
    "JS_BUTTON0": "JS_0", "JS_BUTTON31": "JS_31",
    "PROGRAMMABLE_BUTTON_1": "PB_1", "PROGRAMMABLE_BUTTON_32": "PB_32",
    # RGB underglow (renamed in spec 0.0.4), mouse keys (spec 0.0.5)
    "RGB_TOG": "UG_TOGG", "RGB_MOD": "UG_NEXT", "RGB_MODE_FORWARD": "UG_NEXT", "RGB_RMOD": "UG_PREV",
    "RGB_MODE_REVERSE": "UG_PREV", "RGB_HUI": "UG_HUEU", "RGB_HUD": "UG_HUED", "RGB_SAI": "UG_SATU",
    "RGB_SAD": "UG_SATD", "RGB_VAI": "UG_VALU", "RGB_VAD": "UG_VALD", "RGB_SPI": "UG_SPDU",
    "RGB_SPD": "UG_SPDD", "RGB_MODE_RGBTEST": "RGB_M_T",
    "KC_MS_U": "MS_UP", "KC_MS_UP": "MS_UP", "KC_MS_D": "MS_DOWN", "KC_MS_L": "MS_LEFT",
    "KC_MS_R": "MS_RGHT", "KC_MS_RIGHT": "MS_RGHT", "KC_BTN1": "MS_BTN1", "KC_MS_BTN1": "MS_BTN1",
    "KC_BTN2": "MS_BTN2", "KC_BTN5": "MS_BTN5", "KC_BTN8": "MS_BTN8", "KC_WH_U": "MS_WHLU",
    "KC_MS_WH_UP": "MS_WHLU", "KC_WH_D": "MS_WHLD", "KC_WH_L": "MS_WHLL", "KC_WH_R": "MS_WHLR",
    "KC_ACL0": "MS_ACL0", "KC_MS_ACCEL2": "MS_ACL2",
    # basic keycode overhaul (2021) and removed international names
    "KC_LSHIFT": "KC_LSFT", "KC_RSHIFT": "KC_RSFT", "KC_LCTRL": "KC_LCTL", "KC_RCTRL": "KC_RCTL",
    "KC_LCMD": "KC_LGUI", "KC_BSPACE": "KC_BSPC", "KC_LBRACKET": "KC_LBRC", "KC_RBRACKET": "KC_RBRC",
    "KC_BSLASH": "KC_BSLS", "KC_SCOLON": "KC_SCLN", "KC_CAPSLOCK": "KC_CAPS", "KC_PSCREEN": "KC_PSCR",
    "KC_SCROLLLOCK": "KC_SCRL", "KC_SLCK": "KC_SCRL", "KC_PGDOWN": "KC_PGDN", "KC_NUMLOCK": "KC_NUM",
    "KC_NLCK": "KC_NUM", "KC_NONUS_BSLASH": "KC_NUBS", "KC_POWER": "KC_KB_POWER", "KC__MUTE": "KC_KB_MUTE",
    "KC__VOLUP": "KC_KB_VOLUME_UP", "KC__VOLDOWN": "KC_KB_VOLUME_DOWN", "KC_LOCKING_CAPS": "KC_LCAP",
    "KC_LANG1": "KC_LNG1", "KC_LANG3": "KC_LNG3", "KC_LANG9": "KC_LNG9", "KC_ZKHK": "KC_GRV",
    "KC_RO": "KC_INT1", "KC_KANA": "KC_INT2", "KC_JYEN": "KC_INT3", "KC_HENK": "KC_INT4",
    "KC_MHEN": "KC_INT5", "KC_HAEN": "KC_LNG1", "KC_HANJ": "KC_LNG2", "KC_SYSREQ": "KC_SYRQ",
    "KC_DELT": "KC_DEL", "KC_ESCAPE": "KC_ESC",
    # VIA's old dictionaries
    "MACRO00": "MC_0", "MACRO15": "MC_15", "USER00": "QK_KB_0", "USER15": "QK_KB_15",
    "SPC_FN1": "LT(1, KC_SPC)", "SPC_FN3": "LT(3, KC_SPC)",
}  # fmt: skip


def test_table_is_large_enough() -> None:
    assert len(OLD_TO_CANONICAL) >= 100


@pytest.mark.parametrize(("old", "canonical"), sorted(OLD_TO_CANONICAL.items()))
def test_old_name_maps_to_canonical(old: str, canonical: str) -> None:
    assert REGISTRY.canonical_text(old) == canonical
    if (
        old != canonical
        and REGISTRY.get(old) is not REGISTRY.get(canonical)
        or old in REGISTRY.former_names()
    ):
        assert REGISTRY.deprecated_replacement(old) == canonical


def test_old_names_follow_the_name_not_the_value() -> None:
    # KC_MS_U held 0xF0 before the renumbering; 0xF0 is nothing today. The name decides.
    assert REGISTRY.encode(REGISTRY.parse("KC_MS_U")) == 0x00CD
    assert REGISTRY.encode(REGISTRY.parse("KC_MS_U"), numbering=Numbering.LEGACY) == 0x00F0
    # MIDI moved in spec 0.0.2: MI_C is 0x7103 now (0x7110 in 0.0.1 and in VIA's v12 table).
    assert REGISTRY.encode(REGISTRY.parse("MI_C")) == 0x7103
    # RGB_TOG was 0x5CC2 (legacy), 0x7820 (current): one keycode, UG_TOGG.
    assert REGISTRY.decode(0x5CC2, Numbering.LEGACY) == REGISTRY.parse("RGB_TOG") == REGISTRY.decode(0x7820)


def test_every_define_in_qmk_deprecation_headers() -> None:
    rows = _pairs("qmk_legacy_defines.txt")
    assert len(rows) > 400
    for old, new in rows:
        assert REGISTRY.canonical_text(old) == REGISTRY.canonical_text(new), (old, new)
        if REGISTRY.get(old) is not None and old in REGISTRY.former_names():
            assert REGISTRY.deprecated_replacement(old) == REGISTRY.canonical_text(new)


def test_every_pre_renumbering_keycode() -> None:
    """Each keycode of a pre-0.19 VIA build reads by its old name, and its old value decodes to it."""
    rows = _pairs("qmk_pre019_keycodes.txt")
    assert len(rows) > 600
    values: dict[int, str] = {}
    for name, value in rows:
        values.setdefault(int(value, 16), name)
    for name, value_text in rows:
        kc = REGISTRY.parse(name)
        value = int(value_text, 16)
        if values[value] != name or name.startswith("MACRO_"):
            # An alias at the same value in a VIA build (KC_MS_BTN6 = KC_MS_BTN5, MI_VEL_1 = MI_VEL_0),
            # or Configurator's MACRO_n, which held other values than VIA's dynamic macros.
            continue
        assert REGISTRY.encode(kc, numbering=Numbering.LEGACY) == value, name
        assert REGISTRY.decode(value, Numbering.LEGACY) == kc, name


def test_via_v12_dictionary() -> None:
    from keyconf.model.keycodes.via_dictionary import via_dictionary

    rows = [(name, f"0x{value:04x}") for name, value in via_dictionary().items()]
    for name, value_text in rows:
        kc = REGISTRY.parse(name)
        definition = REGISTRY.get(REGISTRY.format(kc))
        assert definition is not None, name
        if definition.group == "midi" or name.startswith("OUT_"):
            # VIA's table keeps spec 0.0.1's MIDI values and the output keys from before spec 0.0.6.
            continue
        assert REGISTRY.encode(kc) == int(value_text, 16), name


def test_via_v10_dictionary() -> None:
    for name, value_text in _pairs("via_v10_keycodes.txt"):
        assert REGISTRY.encode(REGISTRY.parse(name), numbering=Numbering.LEGACY) == int(value_text, 16), name


VIA_DEPRECATED_EXPRESSIONS = {
    "KC_TILD": "S(KC_GRV)", "KC_EXLM": "S(KC_1)", "KC_AT": "S(KC_2)", "KC_HASH": "S(KC_3)",
    "KC_DLR": "S(KC_4)", "KC_PERC": "S(KC_5)", "KC_CIRC": "S(KC_6)", "KC_AMPR": "S(KC_7)",
    "KC_ASTR": "S(KC_8)", "KC_LPRN": "S(KC_9)", "KC_RPRN": "S(KC_0)", "KC_UNDS": "S(KC_MINS)",
    "KC_PLUS": "S(KC_EQL)", "KC_LCBR": "S(KC_LBRC)", "KC_RCBR": "S(KC_RBRC)", "KC_PIPE": "S(KC_BSLS)",
    "KC_COLN": "S(KC_SCLN)", "KC_DQUO": "S(KC_QUOT)", "KC_LT": "S(KC_COMM)", "KC_GT": "S(KC_DOT)",
    "KC_QUES": "S(KC_SLSH)", "SPC_FN1": "LT(1,KC_SPC)", "SPC_FN2": "LT(2,KC_SPC)", "SPC_FN3": "LT(3,KC_SPC)",
    **{f"MACRO{n:02d}": f"MACRO({n})" for n in range(16)},
    **{f"USER{n:02d}": f"CUSTOM({n})" for n in range(16)},
}  # fmt: skip


@pytest.mark.parametrize(("name", "expression"), sorted(VIA_DEPRECATED_EXPRESSIONS.items()))
def test_via_deprecated_names(name: str, expression: str) -> None:
    assert REGISTRY.parse(name) == REGISTRY.parse(expression)
    if name.startswith("KC_"):  # still QMK's own names for shifted symbols
        assert REGISTRY.deprecated_replacement(name) is None
        assert REGISTRY.format(REGISTRY.parse(expression)) in (
            name,
            {"KC_LT": "KC_LABK", "KC_GT": "KC_RABK"}.get(name),
        )
    else:
        assert REGISTRY.deprecated_replacement(name) == REGISTRY.format(REGISTRY.parse(expression))


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("LT1(KC_SPC)", "LT(1, KC_SPC)"),
        ("LT15(KC_A)", "LT(15, KC_A)"),
        ("M0", "MC_0"),
        ("M31", "MC_31"),
        ("0x7c4f", "0x7C4F"),
        ("0X5A00", "0x5A00"),
        ("31823", "0x7C4F"),
        ("-1", "KC_NO"),
        ("ANY(KC_A)", "KC_A"),
        ("ANY(LT(1,KC_SPC))", "LT(1, KC_SPC)"),
        ("ANY( MT(MOD_LCTL|MOD_LSFT,KC_A) )", "LCS_T(KC_A)"),
        ("kc_a", "KC_A"),
        ("lt(1, kc_spc)", "LT(1, KC_SPC)"),
        ("X(3)", "UM(3)"),
        ("XP(1,2)", "UP(1, 2)"),
        ("MACRO(2)", "MC_2"),
        ("CUSTOM(4)", "QK_KB_4"),
        ("USER(4)", "QK_KB_4"),
        ("C_S_T(KC_A)", "LCS_T(KC_A)"),
        ("MT(MOD_LCTRL, KC_A)", "LCTL_T(KC_A)"),
        ("LT(nav,KC_LSHIFT)", "LT(nav, KC_LSFT)"),
        ("LCTL(KC_BTN1)", "LCTL(MS_BTN1)"),
    ],
)
def test_dialects_parse_and_are_flagged(text: str, canonical: str) -> None:
    assert REGISTRY.canonical_text(text, CTX) == canonical
    parsed = REGISTRY.parse_full(text, CTX)
    assert parsed.deprecated and parsed.notes
    assert REGISTRY.deprecated_replacement(text, CTX) == canonical


@pytest.mark.parametrize(
    "text",
    [
        "KC_A", "KC_SPC", "KC_SPACE", "KC_ENTER", "_______", "XXXXXXX", "LT(nav, KC_SPC)",
        " LT( nav ,KC_SPC ) ", "C(S(KC_T))", "LCS(KC_T)", "MT(MOD_LCTL | MOD_LSFT, KC_A)",
        "KC_TILD", "MS_BTN1", "UG_TOGG", "QK_BOOT", "TD(esc_caps)", "TD(0)", "0x7C4F", "OS_LSFT",
        "KC_HYPR", "OSM(MOD_MEH)",
    ],
)  # fmt: skip
def test_current_spellings_are_not_deprecated(text: str) -> None:
    assert REGISTRY.deprecated_replacement(text, CTX) is None


def test_whitespace_anywhere() -> None:
    assert REGISTRY.canonical_text("MT( MOD_LALT | MOD_RALT , KC_ESC )") == "MT(MOD_LALT | MOD_RALT, KC_ESC)"
    assert REGISTRY.canonical_text("\tLM (\n1 ,MOD_LSFT ) ") == "LM(1, MOD_LSFT)"
    assert REGISTRY.canonical_text("  KC_A  ") == "KC_A"


def test_former_names_all_resolve() -> None:
    former = REGISTRY.former_names()
    assert len(former) > 500
    for name, info in former.items():
        definition = REGISTRY.get(info.to)
        assert definition is not None and definition.name == info.to, name
        assert REGISTRY.get(name) is definition


# ---- QMK trees of older keycode specs (the compiler emits names the tree knows)


@pytest.mark.parametrize(
    ("version", "text", "expected"),
    [
        ("0.0.3", "UG_TOGG", "RGB_TOG"),
        ("0.0.4", "UG_TOGG", "UG_TOGG"),
        ("0.0.4", "MS_BTN1", "KC_BTN1"),
        ("0.0.5", "MS_BTN1", "MS_BTN1"),
        ("0.0.4", "LCTL_T(MS_BTN1)", "LCTL_T(KC_BTN1)"),
        ("0.0.9", "MS_BTN1", "MS_BTN1"),
        ("0.0.1", "QK_BOOT", "QK_BOOT"),
        ("0.0.1", "LCS_T(KC_A)", "MT(MOD_LCTL | MOD_LSFT, KC_A)"),
        ("0.0.1", "LCS(KC_A)", "LCTL(LSFT(KC_A))"),
        ("0.0.1", "MEH_T(KC_A)", "MEH_T(KC_A)"),
        ("0.0.9", "LCS_T(KC_A)", "LCS_T(KC_A)"),
        ("0.0.6", "PDF(1)", "PDF(1)"),
        ("0.0.1", "LT(nav, KC_SPC)", "LT(nav, KC_SPC)"),
        ("0.0.1", "KC_TILD", "KC_TILD"),
    ],
)
def test_names_for_older_spec(version: str, text: str, expected: str) -> None:
    names = REGISTRY.names_for_spec(version)
    assert names.text(REGISTRY.parse(text, CTX)) == expected
    assert names.knows(REGISTRY.parse(text, CTX))


@pytest.mark.parametrize(
    ("version", "text"),
    [
        ("0.0.5", "PDF(1)"),
        ("0.0.2", "QK_REP"),
        ("0.0.1", "TL_LOWR"),
        ("0.0.3", "RM_TOGG"),
        ("0.0.8", "ST_X1"),
    ],
)
def test_older_spec_cannot_build(version: str, text: str) -> None:
    names = REGISTRY.names_for_spec(version)
    with pytest.raises(KeycodeError, match="needs a QMK tree"):
        names.text(REGISTRY.parse(text))
    assert not names.knows(REGISTRY.parse(text))


def test_spec_name_sets() -> None:
    old, new = REGISTRY.names_for_spec("0.0.3"), REGISTRY.names_for_spec("0.0.9")
    assert "RGB_TOG" in old.known_names and "RGB_TOG" not in new.known_names
    assert "UG_TOGG" in new.known_names and "UG_TOGG" not in old.known_names
    assert "KC_BTN1" in old.known_names and "MS_BTN1" not in old.known_names
    assert len(new.names) == len(REGISTRY.all())
    with pytest.raises(KeycodeError):
        REGISTRY.names_for_spec("0.0.0")


# ---- regenerate from a real QMK tree when one is given


@pytest.mark.skipif(
    not os.environ.get("KEYCONF_TEST_QMK_HOME"),
    reason="KEYCONF_TEST_QMK_HOME is not set (a qmk_firmware checkout or bare git repo to check against)",
)
def test_values_agree_with_a_qmk_tree() -> None:
    """Every name the tree's spec has is known to keyconf for exactly that spec version; when the
    tree's spec is keyconf's newest, regenerating from it gives keyconf's values and names."""
    from keyconf.formats.qmk_keycode_spec import DirectorySource, GitSource, list_versions, load_spec

    home = Path(os.environ["KEYCONF_TEST_QMK_HOME"])
    source = DirectorySource.for_tree(home) if (home / "data").exists() else GitSource(home)
    versions = list_versions(source)
    assert versions, f"no keycode spec in {home}"
    dropped = {"QK_STENO_COMB", "QK_STENO_COMB_MAX", "SAFE_RANGE"}  # range markers, no successor
    # Names the trees define in a C header, not the spec (STN_S1 in quantum/steno_keycodes.h):
    # checked against that header below.
    header = json.loads((Path(keyconf.__file__).parent / "model/keycodes/data/header_keycodes.json").read_text())
    in_headers = set(header["names"])
    for version in versions:
        if version not in REGISTRY.spec_versions:
            continue  # newer than keyconf's data: regenerate with scripts/gen_keycodes.py
        tree_names = set(load_spec(source, version).names())
        ours = REGISTRY.names_for_spec(version).known_names
        assert tree_names - dropped == ours - dropped - (in_headers - tree_names), version
    steno_h = home / "quantum" / "steno_keycodes.h"
    if steno_h.is_file():
        text = steno_h.read_text()
        for name, info in header["names"].items():
            since, until = (tuple(int(p) for p in v.split(".")) for v in info["spec"])
            if since <= tuple(int(p) for p in versions[-1].split(".")) < until:  # the tree's spec has the header
                assert re.search(rf"\b{name}\b", text), name
    latest = versions[-1]
    if latest != REGISTRY.spec_versions[-1]:
        return
    spec = load_spec(source, latest)
    for keycode in spec.keycodes.values():
        for name in (keycode.key, *keycode.aliases):
            definition = REGISTRY.get(name)
            assert definition is not None and definition.value == keycode.value, name
    assert len(spec.keycodes) == len(REGISTRY.all())
