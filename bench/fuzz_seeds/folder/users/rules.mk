SRC += fuzz.c
COMBO_ENABLE = yes
