/* Corne (crkbd/rev1) keymap for a computer set to Norwegian: home-row mods, Norwegian
 * letters on their own keys, and one key that cycles windows (Alt held while it is tapped).
 * Assembled the way users write theirs: #define aliases for the mod-taps, an enum of custom
 * keycodes from SAFE_RANGE, the language header's NO_* aliases, a tri-layer and a timer. */
#include QMK_KEYBOARD_H
#include "keymap_norwegian.h"

enum layers {
    _BASE,
    _LOWER,
    _RAISE,
    _ADJUST,
};

// Home-row mods, GACS order
#define HM_A LGUI_T(KC_A)
#define HM_S LALT_T(KC_S)
#define HM_D LCTL_T(KC_D)
#define HM_F LSFT_T(KC_F)
#define HM_J RSFT_T(KC_J)
#define HM_K RCTL_T(KC_K)
#define HM_L LALT_T(KC_L)
#define HM_OSTR RGUI_T(NO_OSTR)

#define LOWER MO(_LOWER)
#define RAISE MO(_RAISE)
#define SPC_LOW LT(_LOWER, KC_SPC)

enum custom_keycodes {
    ALTTAB = SAFE_RANGE,
};

bool     is_alt_tab_active = false;
uint16_t alt_tab_timer     = 0;

// clang-format off
const uint16_t PROGMEM keymaps[][MATRIX_ROWS][MATRIX_COLS] = {
    [_BASE] = LAYOUT_split_3x6_3(
        KC_TAB,  KC_Q,    KC_W,    KC_E,    KC_R,    KC_T,         KC_Y,    KC_U,    KC_I,    KC_O,    KC_P,    NO_ARNG,
        KC_ESC,  HM_A,    HM_S,    HM_D,    HM_F,    KC_G,         KC_H,    HM_J,    HM_K,    HM_L,    HM_OSTR, NO_AE,
        KC_LSFT, KC_Z,    KC_X,    KC_C,    KC_V,    KC_B,         KC_N,    KC_M,    NO_COMM, NO_DOT,  NO_MINS, KC_ENT,
                                   KC_LGUI, LOWER,   SPC_LOW,      KC_BSPC, RAISE,   ALTTAB
    ),
    [_LOWER] = LAYOUT_split_3x6_3(
        NO_PIPE, NO_1,    NO_2,    NO_3,    NO_4,    NO_5,         NO_6,    NO_7,    NO_8,    NO_9,    NO_0,    NO_PLUS,
        _______, NO_EXLM, NO_AT,   NO_HASH, NO_DLR,  NO_PERC,      NO_AMPR, NO_SLSH, NO_LPRN, NO_RPRN, NO_EQL,  NO_QUES,
        _______, NO_LABK, NO_RABK, NO_LBRC, NO_RBRC, NO_BSLS,      NO_LCBR, NO_RCBR, NO_QUOT, NO_DQUO, NO_CIRC, NO_TILD,
                                   _______, _______, _______,      KC_DEL,  _______, _______
    ),
    [_RAISE] = LAYOUT_split_3x6_3(
        _______, XXXXXXX, XXXXXXX, XXXXXXX, XXXXXXX, XXXXXXX,      KC_PGUP, KC_HOME, KC_UP,   KC_END,  XXXXXXX, NO_ARNG,
        _______, KC_LGUI, KC_LALT, KC_LCTL, KC_LSFT, XXXXXXX,      KC_PGDN, KC_LEFT, KC_DOWN, KC_RGHT, NO_OSTR, NO_AE,
        _______, C(KC_Z), C(KC_X), C(KC_C), C(KC_V), XXXXXXX,      XXXXXXX, KC_MPRV, KC_MPLY, KC_MNXT, XXXXXXX, _______,
                                   _______, _______, _______,      _______, _______, ALTTAB
    ),
    [_ADJUST] = LAYOUT_split_3x6_3(
        QK_BOOT, KC_F1,   KC_F2,   KC_F3,   KC_F4,   KC_F5,        KC_F6,   KC_F7,   KC_F8,   KC_F9,   KC_F10,  KC_F11,
        XXXXXXX, XXXXXXX, XXXXXXX, XXXXXXX, XXXXXXX, XXXXXXX,      KC_VOLD, KC_MUTE, KC_VOLU, XXXXXXX, XXXXXXX, KC_F12,
        XXXXXXX, XXXXXXX, XXXXXXX, XXXXXXX, XXXXXXX, XXXXXXX,      XXXXXXX, XXXXXXX, XXXXXXX, XXXXXXX, XXXXXXX, XXXXXXX,
                                   _______, _______, _______,      _______, _______, _______
    ),
};
// clang-format on

layer_state_t layer_state_set_user(layer_state_t state) {
    return update_tri_layer_state(state, _LOWER, _RAISE, _ADJUST);
}

bool process_record_user(uint16_t keycode, keyrecord_t *record) {
    switch (keycode) {
        case ALTTAB:
            if (record->event.pressed) {
                if (!is_alt_tab_active) {
                    is_alt_tab_active = true;
                    register_code(KC_LALT);
                }
                alt_tab_timer = timer_read();
                register_code(KC_TAB);
            } else {
                unregister_code(KC_TAB);
            }
            return false;
    }
    return true;
}

void matrix_scan_user(void) {
    if (is_alt_tab_active && timer_elapsed(alt_tab_timer) > 1000) {
        unregister_code(KC_LALT);
        is_alt_tab_active = false;
    }
}
