INTROSPECTION_KEYMAP_C = fuzz.c
ifeq ($(strip $(AUDIO_ENABLE)), yes)
    SRC += muse.c
endif
