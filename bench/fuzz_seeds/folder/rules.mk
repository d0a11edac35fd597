# A keymap folder's rules.mk (keyconf bench seed)
OLED_ENABLE = yes
TAP_DANCE_ENABLE = yes
CONVERT_TO = rp2040_ce
USER_NAME := fuzz
SRC += features/achordion.c
ifeq ($(strip $(OLED_ENABLE)), yes)
    SRC += oled.c
endif
ifdef RGB_MATRIX_ENABLE
    OPT_DEFS += -DFUZZ_RGB
endif
