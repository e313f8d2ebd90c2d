// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

/// yardbench ui-flood: runs the console offscreen under an event flood; returns the exit code.
int runUiFlood(int argc, char **argv);
