// SPDX-License-Identifier: GPL-2.0-or-later
#ifndef PACER_VERSION_H
#define PACER_VERSION_H

/// The version `pacer --version` and `pacerd --version` print: PACER_VERSION as given at
/// build time (scripts/package.sh passes -Xcc -DPACER_VERSION="..." from git describe),
/// or the development version in pacer_version.c when it is not defined.
const char *pacer_version(void);

#endif
