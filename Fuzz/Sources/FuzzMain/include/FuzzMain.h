// Intentionally empty: the target exists for FuzzMain.c (see there).
