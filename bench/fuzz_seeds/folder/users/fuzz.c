#include "fuzz.h"
bool process_record_user(uint16_t keycode, keyrecord_t *record) { return true; }
