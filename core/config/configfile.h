// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/engine.h"

namespace Yard::ConfigFile {

constexpr int kMaxLaneLimit = 100'000;
constexpr int kMaxWorkerThreads = 1024;

/// The default location: <config dir>/yardmaster/config.json (e.g. ~/.config/yardmaster).
QString defaultPath();

/// Reads a JSON config file into `options`:
///
///     { "lanes": { "main": 40, "gpu": 4 },
///       "queue": { "mode": "queue", "cap": 10, "drop": "old", "debounce_ms": 800,
///                  "max_concurrent": 1 },
///       "context_windows": { "coder": 200000 },
///       "worker_threads": 64,
///       "worker_pools": { "interactive": 2, "background": 8, "single_processor": false },
///       "preempt_grace_ms": 100 }
///
/// A lane may also be { "limit": 30, "preempt_grace_ms": 200 }.
///
/// A missing file is fine when `required` is false. Errors (invalid_config) name the file, the
/// field and the bad value as written; nothing is applied from a file with an error, and
/// nothing is silently changed (a lane limit of 0 is an error here, not 2).
Error apply(const QString &path, EngineOptions &options, int *workerThreads, bool required);

/// Worker pools from the environment (SPEC P5): YARD_INTERACTIVE_WORKERS,
/// YARD_BACKGROUND_WORKERS (threads, 0 = sized by itself) and YARD_SINGLE_PROCESSOR (1 or 0).
/// They win over the file. An invalid value is an error naming the variable and the value.
Error applyEnvironment(EngineOptions &options);

} // namespace Yard::ConfigFile
