// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "manualexecutor.h"
#include "recordingstore.h"

#include "engine/clock.h"
#include "engine/engineparts.h"
#include "exec/handlerregistry.h"

#include <QObject>

#include <memory>

namespace Yard::Test {

/// The engine's parts without the Engine front, on a virtual clock with a manual executor and a
/// recording store: a test drives one part through its own interface, inside turn().
struct PartsFixture
{
    explicit PartsFixture(EngineOptions options = defaultOptions(),
                          std::function<void(RecordingStore &)> prepareStore = {});
    ~PartsFixture();

    /// No debounce, message runs on the noop handler.
    static EngineOptions defaultOptions();

    /// Runs `fn` as one turn and returns what it returns.
    template<typename Fn>
    auto turn(Fn fn)
    {
        TurnScope scope(parts.get());
        return fn();
    }
    /// What Engine::start() restores from the store (StartupRestore), in a turn.
    Error restore();
    /// Creates a session (in a turn); fails the test on error.
    SessionId session(const QString &key, const QueueConfigOverride &override = {},
                      const QString &lane = {});
    /// Submits a run of `handler` (in a turn); 0 if rejected.
    RunId submit(SessionId session, const QString &handler = QStringLiteral("noop"),
                 const QString &input = {}, const QString &lane = {},
                 Priority priority = Priority::Normal);
    /// Handles worker reports and fires due timers until nothing is left at this instant.
    void runUntilIdle();
    void advance(qint64 ms);
    /// Reports `outcome` for a held run and runs until idle.
    void finish(RunId id, const Outcome &outcome = Outcome::success());
    /// Events of every turn so far.
    int count(EventType type) const;
    QVector<Event> ofRun(RunId run) const;

    VirtualClock clock;
    RecordingStore *store; ///< owned by ownedStore
    std::unique_ptr<Store> ownedStore;
    HandlerRegistry handlers;
    ManualExecutor executor;
    QObject inboxTarget;
    EventBatch events;
    std::unique_ptr<EngineParts> parts;
};

} // namespace Yard::Test
