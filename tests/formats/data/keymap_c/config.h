#pragma once

#define MASTER_LEFT
#define TAPPING_TERM 180
#define PERMISSIVE_HOLD
#define QUICK_TAP_TERM 0
#define OLED_TIMEOUT 30000
