"""What the keyconf YAML layout format allows: its sections in order, and the names and values its
fields take. The reader checks against these, the writers follow them; docs/layout-format.md
describes them for people."""

from __future__ import annotations

import re

SECTION_ORDER = (
    "keyconf",
    "name",
    "author",
    "notes",
    "keyboard",
    "layout",
    "converter",
    "bootloader",
    "host_language",
    "layout_options",
    "settings",
    "features",
    "features_off",
    "drivers",
    "rules",
    "modules",
    "layers",
    "encoders",
    "macros",
    "tap_dances",
    "combos",
    "key_overrides",
    "custom_keycodes",
    "c_source",
    "c_files",
    "geometry",
)
BLOCK_SECTIONS = ("layers", "encoders", "macros", "tap_dances", "combos", "key_overrides", "custom_keycodes",
                   "c_source", "c_files", "geometry")
KNOWN_SECTIONS = frozenset(SECTION_ORDER)
HEADER = "# keyconf layout (format 1): see docs/layout-format.md\n"
LAYER_NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
C_IDENTIFIER_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
# QMK's rules.mk switches that take yes or no: every `X_ENABLE`, and those of QMK's make files that a
# keymap sets for its own code and firmware without that suffix (its custom RGB/LED matrix effects in
# rgb_matrix_user.inc, the board's in rgb_matrix_kb.inc, shared USB endpoints, AVR's smaller printf...).
MAKE_SWITCHES = (
    "RGB_MATRIX_CUSTOM_USER", "RGB_MATRIX_CUSTOM_KB", "LED_MATRIX_CUSTOM_USER", "LED_MATRIX_CUSTOM_KB",
    "KEYBOARD_SHARED_EP", "MOUSE_SHARED_EP", "DIGITIZER_SHARED_EP", "JOYSTICK_SHARED_EP", "NO_USB_STARTUP_CHECK",
    "USB_WAIT_FOR_ENUMERATION", "NO_SUSPEND_POWER_DOWN", "AVR_USE_MINIMAL_PRINTF", "UNICODE_COMMON",
)
FEATURE_RE = re.compile(rf"^(?:[A-Z][A-Z0-9_]*_ENABLE|{'|'.join(MAKE_SWITCHES)})$")
DRIVER_RE = re.compile(r"^[A-Z][A-Z0-9_]*_DRIVER$")
DRIVER_NAME_RE = re.compile(r"^[a-z0-9_]+$")  # goes into rules.mk: nothing make reads but a name
# rules.mk options, other than drivers, that pick one of QMK's named implementations for the firmware:
# the debounce algorithm (quantum/debounce/<name>.c), the split and OLED transports, the steno protocol.
# A user edits them in the layout (`rules:`), with a name as value, as `drivers:`.
RULES_OPTIONS = ("DEBOUNCE_TYPE", "SPLIT_TRANSPORT", "OLED_TRANSPORT", "STENO_PROTOCOL")
