#pragma once
void achordion_task(void);
