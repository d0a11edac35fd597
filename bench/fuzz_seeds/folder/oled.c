#include QMK_KEYBOARD_H
#include "oled.h"
bool oled_task_user(void) { oled_write_P(PSTR("fuzz\n"), false); return false; }
