#pragma once
#include QMK_KEYBOARD_H
enum layers { _BASE, _NUM };
bool process_record_fuzz(uint16_t keycode, keyrecord_t *record);
