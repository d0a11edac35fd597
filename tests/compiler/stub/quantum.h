/* A stand-in for QMK's quantum.h: just enough of QMK's keymap API for `gcc -fsyntax-only`
 * (and for running macros) on generated keymaps. Written for keyconf's tests; keycode names
 * and values come from keyconf's registry (stub_keycodes.h, written by the tests), layout
 * macros from the test's geometry (stub_layouts.h). Declarations mirror QMK's signatures so
 * a generated definition of the wrong shape fails to compile. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PROGMEM
#define PSTR(s) s

#include "stub_layouts.h"
#include "stub_keycodes.h"

/* Keycode forms (values as QMK encodes them; only the syntax matters here). */
#define QK_TO 0x5200
#define QK_MOMENTARY 0x5220
#define QK_DEF_LAYER 0x5240
#define QK_TOGGLE_LAYER 0x5260
#define QK_ONE_SHOT_LAYER 0x5280
#define QK_ONE_SHOT_MOD 0x52A0
#define QK_LAYER_TAP_TOGGLE 0x52C0
#define QK_PERSISTENT_DEF_LAYER 0x52E0
#define TO(layer) (QK_TO | ((layer) & 0x1F))
#define MO(layer) (QK_MOMENTARY | ((layer) & 0x1F))
#define DF(layer) (QK_DEF_LAYER | ((layer) & 0x1F))
#define TG(layer) (QK_TOGGLE_LAYER | ((layer) & 0x1F))
#define OSL(layer) (QK_ONE_SHOT_LAYER | ((layer) & 0x1F))
#define TT(layer) (QK_LAYER_TAP_TOGGLE | ((layer) & 0x1F))
#define PDF(layer) (QK_PERSISTENT_DEF_LAYER | ((layer) & 0x1F))
#define LT(layer, kc) (0x4000 | (((layer) & 0xF) << 8) | ((kc) & 0xFF))
#define LM(layer, mod) (0x5000 | (((layer) & 0xF) << 5) | ((mod) & 0x1F))
#define MT(mod, kc) (0x2000 | (((mod) & 0x1F) << 8) | ((kc) & 0xFF))
#define OSM(mod) (QK_ONE_SHOT_MOD | ((mod) & 0x1F))
#define TD(index) (0x5700 | ((index) & 0xFF))
#define SH_T(kc) (0x5600 | ((kc) & 0xFF))
#define UC(c) (0x8000 | ((c) & 0x7FFF))

#define MOD_LCTL 0x01
#define MOD_LSFT 0x02
#define MOD_LALT 0x04
#define MOD_LGUI 0x08
#define MOD_RCTL 0x11
#define MOD_RSFT 0x12
#define MOD_RALT 0x14
#define MOD_RGUI 0x18
#define MOD_MEH 0x07
#define MOD_HYPR 0x0F

#define MOD_BIT(code) (1 << ((code) & 0x07))
#define MOD_MASK_CTRL (MOD_BIT(KC_LCTL) | MOD_BIT(KC_RCTL))
#define MOD_MASK_SHIFT (MOD_BIT(KC_LSFT) | MOD_BIT(KC_RSFT))
#define MOD_MASK_ALT (MOD_BIT(KC_LALT) | MOD_BIT(KC_RALT))
#define MOD_MASK_GUI (MOD_BIT(KC_LGUI) | MOD_BIT(KC_RGUI))
#define MOD_MASK_CS (MOD_MASK_CTRL | MOD_MASK_SHIFT)
#define MOD_MASK_CA (MOD_MASK_CTRL | MOD_MASK_ALT)
#define MOD_MASK_CG (MOD_MASK_CTRL | MOD_MASK_GUI)
#define MOD_MASK_SA (MOD_MASK_SHIFT | MOD_MASK_ALT)
#define MOD_MASK_SG (MOD_MASK_SHIFT | MOD_MASK_GUI)
#define MOD_MASK_AG (MOD_MASK_ALT | MOD_MASK_GUI)
#define MOD_MASK_CSA (MOD_MASK_CTRL | MOD_MASK_SHIFT | MOD_MASK_ALT)
#define MOD_MASK_CSG (MOD_MASK_CTRL | MOD_MASK_SHIFT | MOD_MASK_GUI)
#define MOD_MASK_CAG (MOD_MASK_CTRL | MOD_MASK_ALT | MOD_MASK_GUI)
#define MOD_MASK_SAG (MOD_MASK_SHIFT | MOD_MASK_ALT | MOD_MASK_GUI)
#define MOD_MASK_CSAG (MOD_MASK_CTRL | MOD_MASK_SHIFT | MOD_MASK_ALT | MOD_MASK_GUI)

/* Records, layers, sending keys. */
typedef uint32_t layer_state_t;
typedef struct {
    bool pressed;
    uint16_t time;
} keyevent_t;
typedef struct {
    keyevent_t event;
} keyrecord_t;
#define SAFE_RANGE 0x7E40 /* QK_USER */
#define MAKE_KEYEVENT(row, col, press) ((keyevent_t){.pressed = (press), .time = 1})
extern layer_state_t layer_state;
extern layer_state_t default_layer_state;
uint8_t get_highest_layer(layer_state_t state);
void layer_on(uint8_t layer);
void layer_off(uint8_t layer);
void layer_invert(uint8_t layer);
void layer_move(uint8_t layer);
void default_layer_set(layer_state_t state);
void register_code16(uint16_t code);
void unregister_code16(uint16_t code);
void tap_code16(uint16_t code);
void reset_keyboard(void);
bool process_record_user(uint16_t keycode, keyrecord_t *record);
bool process_record_kb(uint16_t keycode, keyrecord_t *record);  // the keyboard's; it calls process_record_user
extern const uint16_t keymaps[][MATRIX_ROWS][MATRIX_COLS];

#ifndef TAPPING_TERM
#    define TAPPING_TERM 200
#endif
uint16_t get_tapping_term(uint16_t keycode, keyrecord_t *record);

/* SEND_STRING, shaped like QMK's send_string_keycodes.h. */
#define STRINGIZE(z) #z
#define ADD_SLASH_X(y) STRINGIZE(\x##y)
#define SYMBOL_STR(x) ADD_SLASH_X(x)
#define SS_TAP(keycode) "\1\1" SYMBOL_STR(keycode)
#define SS_DOWN(keycode) "\1\2" SYMBOL_STR(keycode)
#define SS_UP(keycode) "\1\3" SYMBOL_STR(keycode)
#define SS_DELAY(msecs) "\1\4" STRINGIZE(msecs) "|"
void stub_send_string(const char *string, size_t length);
#define SEND_STRING(string) stub_send_string(string, sizeof(string) - 1)

/* Tap dance. */
#ifdef STUB_OLD_QMK
#    define STUB_TD_PREFIX(name) qk_##name
#else
#    define STUB_TD_PREFIX(name) name
#endif
typedef struct {
    uint8_t count;
    bool pressed : 1;
    bool finished : 1;
    bool interrupted : 1;
} STUB_TD_PREFIX(tap_dance_state_t);
typedef void (*tap_dance_user_fn_t)(STUB_TD_PREFIX(tap_dance_state_t) * state, void *user_data);
typedef struct {
    STUB_TD_PREFIX(tap_dance_state_t) state;
    struct {
        tap_dance_user_fn_t on_each_tap;
        tap_dance_user_fn_t on_dance_finished;
        tap_dance_user_fn_t on_reset;
        tap_dance_user_fn_t on_each_release;
    } fn;
    void *user_data;
} STUB_TD_PREFIX(tap_dance_action_t);
#define ACTION_TAP_DANCE_FN_ADVANCED(each_tap, finished, reset) \
    { .fn = {each_tap, finished, reset, NULL}, .user_data = NULL, }
extern STUB_TD_PREFIX(tap_dance_action_t) tap_dance_actions[];

/* Combos. */
typedef struct combo_t {
    const uint16_t *keys;
    uint16_t keycode;
} combo_t;
#define COMBO(ck, ca) \
    { .keys = &(ck)[0], .keycode = (ca) }
#define COMBO_END 0
#ifndef COMBO_TERM
#    define COMBO_TERM 50
#endif
extern combo_t key_combos[];
#ifdef STUB_OLD_QMK
extern uint16_t COMBO_LEN;
#endif
uint16_t get_combo_term(uint16_t combo_index, combo_t *combo);
bool combo_should_trigger(uint16_t combo_index, combo_t *combo, uint16_t keycode, keyrecord_t *record);

/* Key overrides. */
typedef enum {
    ko_option_activation_trigger_down = (1 << 0),
    ko_option_activation_required_mod_down = (1 << 1),
    ko_option_activation_negative_mod_up = (1 << 2),
    ko_options_default = 7,
} ko_option_t;
typedef struct key_override_t {
    uint16_t trigger;
    uint8_t trigger_mods;
    layer_state_t layers;
    uint8_t negative_mod_mask;
    uint8_t suppressed_mods;
    uint16_t replacement;
    ko_option_t options;
    bool (*custom_action)(bool activated, void *context);
    void *context;
    bool *enabled;
} key_override_t;
#define ko_make_with_layers_negmods_and_options(trigger_mods_, trigger_key, replacement_key, layer_mask, negative_mask, options_) \
    ((const key_override_t){.trigger_mods = (trigger_mods_), .layers = (layer_mask), .suppressed_mods = (trigger_mods_), \
     .options = (options_), .negative_mod_mask = (negative_mask), .custom_action = NULL, .context = NULL, \
     .trigger = (trigger_key), .replacement = (replacement_key), .enabled = NULL})
#ifdef STUB_OLD_QMK
extern const key_override_t **key_overrides;
#else
extern const key_override_t *key_overrides[];
#endif

/* Encoder map. */
#ifndef NUM_ENCODERS
#    define NUM_ENCODERS 1
#endif
#define NUM_DIRECTIONS 2
#define ENCODER_CCW_CW(ccw, cw) \
    { (cw), (ccw) }
extern const uint16_t encoder_map[][NUM_ENCODERS][NUM_DIRECTIONS];
