// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

/// yardbench api (SPEC I2): 16 clients submit through the local API for `seconds`, each keeping
/// `window` submits in flight, against a scheduler on a fresh SQLite file. Prints
/// api_submits_per_s (acknowledged = durable submits), api_p50_ms, api_p99_ms, the process's CPU
/// per submit, and what must be zero: runs acknowledged but not on disk, not ended, or ended
/// twice. Medians of `repeat` rounds. Returns the exit code (1 if anything was lost).
int apiBench(int repeat, double seconds, int window);
