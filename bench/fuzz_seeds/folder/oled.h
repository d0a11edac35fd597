#pragma once
#define OLED_FUZZ 1
