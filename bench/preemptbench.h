// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

/// yardbench preempt (SPEC P2): a lane of 30 full of low-priority stepping runs, interactive runs
/// arriving at 100/s. Prints interactive_wait_p50_ms, interactive_wait_p99_ms and
/// background_throughput_ratio (background runs/s with preemption against without), medians
/// of `repeat` alternating pairs. Returns the exit code.
int preemptBench(int repeat);
