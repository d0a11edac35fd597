// A keymap.c holding only its hooks: its layers are in gen_keymap.h beside it (keyconf bench seed)
#include QMK_KEYBOARD_H
#include "gen_keymap.h"

#ifdef AUDIO_ENABLE
float song[][2] = SONG(QWERTY_SOUND);
#endif

void keyboard_post_init_user(void) {
    layer_move(_BASE);
}
