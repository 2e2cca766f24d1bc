// SPDX-License-Identifier: GPL-2.0-or-later
#include "pacer_version.h"

// scripts/package.sh reads the next release from this line ("0.3.0" of "0.3.0-dev").
#ifndef PACER_VERSION
#define PACER_VERSION "0.3.0-dev"
#endif

const char *pacer_version(void) { return PACER_VERSION; }
