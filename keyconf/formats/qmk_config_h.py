"""Settings from a keymap's config.h: the `#define`s keyconf has a setting for.

A QMK keymap folder keeps TAPPING_TERM and friends in config.h next to keymap.c. The file
is read as C tokens with the same small preprocessor as keymap.c (never compiled); each
define naming a setting of `keyconf.model.qmk_settings` becomes that setting, and the
names keyconf has no setting for are listed so the importer can say what it left."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from keyconf.formats.c_source import IntExpression, preprocess, render, tokenize
from keyconf.formats.format_error import FormatError
from keyconf.formats.user_headers import is_feature_flag
from keyconf.model.qmk_settings import BY_NAME

# Defines a keymap config.h may carry that say nothing a build lacks: MASTER_LEFT is QMK's default
# (MASTER_RIGHT and EE_HANDS are settings).
_HOUSEKEEPING = frozenset({"MASTER_LEFT"})

# config.h options QMK removed and now stops a build on (quantum/action_tapping.c), left out of
# an imported keymap's own config.h: mod-taps behave so by default since QMK 0.20.
REFUSED_OPTIONS = {
    "IGNORE_MOD_TAP_INTERRUPT": "QMK's default behaviour since 0.20; QMK now refuses the option",
    "IGNORE_MOD_TAP_INTERRUPT_PER_KEY": "removed from QMK (0.20), which now refuses it",
}


@dataclass
class ConfigSettings:
    settings: dict[str, int | bool | str] = field(default_factory=dict)
    left: list[str] = field(default_factory=list)  # defines with no setting (kept in no layout)
    macros: list[str] = field(default_factory=list)  # function-like defines (no setting either)
    problems: list[str] = field(default_factory=list)


def read_config_h(text: str, path: str | Path | None = None) -> ConfigSettings:
    """The layout settings `text` (a config.h) defines."""
    result = ConfigSettings()
    try:
        tokens = tokenize(text, path)
        pre = preprocess(tokens, path)
    except FormatError as error:
        result.problems.append(f"config.h: {error.message}; its settings were not imported")
        return result
    # Defines under a feature switch (`#ifdef RGBLIGHT_ENABLE`: the Kyria default keymap's animations),
    # which QMK's build defines when rules.mk or the board turns the feature on: no setting is read
    # from them (the switch decides at build time), but they are the file's, for it to be kept whole.
    try:
        guarded = preprocess(tokens, path, assume_defined=is_feature_flag).defines
    except FormatError:  # such a branch that cannot be read here (an #error for other boards): what is read stands
        guarded = {}
    only_guarded = [(name, define) for name, define in guarded.items() if name not in pre.defines]
    for name, define in [*pre.defines.items(), *only_guarded]:
        setting = BY_NAME.get(name.lower())
        if setting is None or name not in pre.defines:
            if define.params is None and name not in _HOUSEKEEPING and not name.startswith("_"):
                result.left.append(name)
            elif define.params is not None:
                result.macros.append(name)
            continue
        if setting.flag:
            if define.body and render(define.body) in ("0", "false"):
                continue
            result.settings[setting.name] = True
            continue
        try:
            value = IntExpression(define.body, {}).evaluate()
        except ValueError:
            result.problems.append(f"config.h: {name} is `{render(define.body)}`, not a number; not imported")
            continue
        if setting.accepts(value):
            result.settings[setting.name] = value
        else:
            result.problems.append(f"config.h: {name} {value} is out of range ({setting.describe()}); not imported")
    return result
