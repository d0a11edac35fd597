// A board's keymap.c holding only its hooks: the userspace's fuzz.c, its INTROSPECTION_KEYMAP_C, holds the
// layers (keyconf bench seed)
#include QMK_KEYBOARD_H
#include "fuzz.h"

bool process_record_user(uint16_t keycode, keyrecord_t *record) {
    return process_record_fuzz(keycode, record);
}
