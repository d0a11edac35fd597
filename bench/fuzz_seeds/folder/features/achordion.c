#include "achordion.h"
void achordion_task(void) {}
