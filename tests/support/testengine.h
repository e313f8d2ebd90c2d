// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "eventrecorder.h"
#include "manualexecutor.h"

#include "engine/clock.h"
#include "engine/engine.h"
#include "exec/handlerregistry.h"
#include "store/memorystore.h"

#include <memory>

namespace Yard::Test {

/// An engine on a virtual clock with a manual executor and an in-memory store, driven
/// synchronously by the test: every call is a complete turn; runUntilIdle() handles worker
/// reports and fires due timers until nothing is left to do at this instant.
struct TestEngine
{
    /// `start`: the virtual time the engine starts at (0 = the clock's default, 2026-01-01).
    explicit TestEngine(EngineOptions options = defaultOptions(), std::unique_ptr<Store> store = {},
                        std::unique_ptr<Executor> executor = {}, TimeMs start = 0);
    ~TestEngine();

    /// Defaults for policy tests: no debounce, so runs start at once.
    static EngineOptions defaultOptions();

    ManualExecutor *manual() const { return dynamic_cast<ManualExecutor *>(executor.get()); }
    /// Creates a session with optional queue overrides; fails the test on error.
    SessionId session(const QString &key, const QueueConfigOverride &override = {},
                      const QString &lane = {});
    /// Submits a message; returns the run id (0 if rejected, with *error set).
    RunId send(SessionId session, const QString &text = QStringLiteral("hi"), Error *error = nullptr,
               TimeMs submittedAt = 0);
    /// Finishes a held run and runs until idle.
    void finish(RunId id, const Outcome &outcome = Outcome::success());
    void advance(qint64 ms);
    void runUntilIdle();

    VirtualClock clock;
    std::unique_ptr<Store> store;
    HandlerRegistry handlers;
    std::unique_ptr<Executor> executor;
    std::unique_ptr<Engine> engine;
    std::unique_ptr<EventRecorder> events;
};

} // namespace Yard::Test
