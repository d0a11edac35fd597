#pragma once
#define ___FUZZ_ROW___ KC_ESC, KC_1, KC_2, KC_3, KC_4, KC_5
enum userspace_keycodes { USER_FIRST = SAFE_RANGE, USER_SECOND };
