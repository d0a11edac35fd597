/* A Corne keymap written the way people write them: home-row mods as #defines, an Alt-Tab
 * key handled in process_record_user, a one-shot shift as an enum constant, layer #defines,
 * a layout wrapper with row macros, a userspace include and an OLED. (keyconf test data) */
#include QMK_KEYBOARD_H
#include "muse.h"

#define BASE 0
#define NAV 1
#define SYM 2

#define HOME_A LGUI_T(KC_A)
#define HOME_S LALT_T(KC_S)
#define HOME_D LCTL_T(KC_D)
#define HOME_F LSFT_T(KC_F)
#define HOME_J RSFT_T(KC_J)
#define HOME_K RCTL_T(KC_K)
#define HOME_L LALT_T(KC_L)
#define HOME_SCLN RGUI_T(KC_SCLN)
#define NAV_SPC LT(NAV, KC_SPC)

enum custom_keycodes {
    ALTTAB = SAFE_RANGE,
    EMAIL,
    CAPS_WORDISH,
};

enum key_aliases {
    OSM_SFT = OSM(MOD_LSFT),
    SYM_ENT = LT(SYM, KC_ENT),
};

#define LAYOUT_wrapper(...) LAYOUT_split_3x6_3(__VA_ARGS__)
#define ___QWERTY_L1___ KC_Q, KC_W, KC_E, KC_R, KC_T
#define ___QWERTY_R1___ KC_Y, KC_U, KC_I, KC_O, KC_P
#define ___QWERTY_L2___ HOME_A, HOME_S, HOME_D, HOME_F, KC_G
#define ___QWERTY_R2___ KC_H, HOME_J, HOME_K, HOME_L, HOME_SCLN
#define ___QWERTY_L3___ KC_Z, KC_X, KC_C, KC_V, KC_B
#define ___QWERTY_R3___ KC_N, KC_M, KC_COMM, KC_DOT, KC_SLSH

bool is_alt_tab_active = false;
uint16_t alt_tab_timer = 0;

const uint16_t PROGMEM keymaps[][MATRIX_ROWS][MATRIX_COLS] = {
    [BASE] = LAYOUT_wrapper(
        KC_TAB,  ___QWERTY_L1___,                    ___QWERTY_R1___, KC_BSPC,
        KC_ESC,  ___QWERTY_L2___,                    ___QWERTY_R2___, KC_QUOT,
        OSM_SFT, ___QWERTY_L3___,                    ___QWERTY_R3___, EMAIL,
                          KC_LGUI, MO(NAV), NAV_SPC,  SYM_ENT, ALTTAB, KC_RALT
    ),
    [NAV] = LAYOUT_wrapper(
        _______, XXXXXXX, XXXXXXX, XXXXXXX, XXXXXXX, XXXXXXX,   KC_HOME, KC_PGDN, KC_PGUP, KC_END,  XXXXXXX, _______,
        _______, KC_LGUI, KC_LALT, KC_LCTL, KC_LSFT, XXXXXXX,   KC_LEFT, KC_DOWN, KC_UP,   KC_RGHT, XXXXXXX, _______,
        _______, XXXXXXX, XXXXXXX, XXXXXXX, XXXXXXX, XXXXXXX,   XXXXXXX, XXXXXXX, XXXXXXX, XXXXXXX, XXXXXXX, CAPS_WORDISH,
                                   _______, _______, _______,   _______, _______, _______
    ),
    [SYM] = LAYOUT_wrapper(
        KC_GRV,  KC_1,    KC_2,    KC_3,    KC_4,    KC_5,      KC_6,    KC_7,    KC_8,    KC_9,    KC_0,    _______,
        _______, KC_EXLM, KC_AT,   KC_HASH, KC_DLR,  KC_PERC,   KC_CIRC, KC_AMPR, KC_ASTR, KC_LPRN, KC_RPRN, _______,
        _______, XXXXXXX, XXXXXXX, XXXXXXX, XXXXXXX, XXXXXXX,   KC_MINS, KC_EQL,  KC_LBRC, KC_RBRC, KC_BSLS, _______,
                                   _______, _______, _______,   _______, _______, _______
    ),
};

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
    case EMAIL:
        if (record->event.pressed) {
            SEND_STRING("me@example.org");
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

#ifdef OLED_ENABLE
bool oled_task_user(void) {
    switch (get_highest_layer(layer_state)) {
    case NAV:
        oled_write_P(PSTR("Nav\n"), false);
        break;
    default:
        oled_write_P(PSTR("Base\n"), false);
    }
    return false;
}
#endif
