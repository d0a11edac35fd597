const uint16_t PROGMEM esc_combo[] = {KC_Q, KC_W, COMBO_END};
combo_t key_combos[] = { COMBO(esc_combo, KC_ESC) };
