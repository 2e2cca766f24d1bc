// SPDX-License-Identifier: GPL-2.0-or-later
import PacerCLI

PacerMain.prepareProcess()
await PacerMain.run()
