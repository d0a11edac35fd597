#pragma once
#define TAPPING_TERM_PER_KEY
#define COMBO_TERM 40
