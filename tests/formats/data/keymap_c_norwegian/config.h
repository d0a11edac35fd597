#pragma once

#define TAPPING_TERM 180
#define QUICK_TAP_TERM 0
