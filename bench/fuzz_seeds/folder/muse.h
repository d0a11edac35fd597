#pragma once
#define MUSE_KEY KC_MPLY
