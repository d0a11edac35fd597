USER_NAME := fuzz
