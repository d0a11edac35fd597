# keyconf bench seed: QMK's muse.c compiled only with audio, as old Planck keymaps did
USER_NAME := fuzz
ifeq ($(strip $(AUDIO_ENABLE)), yes)
    SRC += muse.c
endif
INTROSPECTION_KEYMAP_C = combos.c
