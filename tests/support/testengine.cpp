// SPDX-License-Identifier: GPL-3.0-or-later
#include "testengine.h"

#include <QTest>

namespace Yard::Test {

EngineOptions TestEngine::defaultOptions()
{
    EngineOptions o;
    o.defaultQueue.debounceMs = 0;
    o.messageHandler = QStringLiteral("noop");
    return o;
}

TestEngine::TestEngine(EngineOptions options, std::unique_ptr<Store> s, std::unique_ptr<Executor> e, TimeMs start)
    : store(s ? std::move(s) : std::make_unique<MemoryStore>())
    , executor(e ? std::move(e) : std::make_unique<ManualExecutor>())
{
    if (start > 0)
        clock.advanceTo(start);
    handlers.addBuiltins();
    engine = std::make_unique<Engine>(&clock, store.get(), executor.get(), &handlers, options);
    events = std::make_unique<EventRecorder>(engine.get());
    const Error err = engine->start();
    if (err.isError())
        qFatal("TestEngine: start failed: %s", qPrintable(err.toString()));
}

TestEngine::~TestEngine()
{
    if (!engine)
        return; // a test simulated a crash
    if (ManualExecutor *m = manual())
        m->finishAll();
    runUntilIdle();
    events.reset();
    engine.reset();
}

SessionId TestEngine::session(const QString &key, const QueueConfigOverride &override,
                              const QString &lane)
{
    SessionSpec spec;
    spec.key = key;
    spec.queueOverride = override;
    spec.lane = lane;
    Expected<Session> s = engine->createSession(spec);
    if (!s)
        qFatal("TestEngine: createSession failed: %s", qPrintable(s.error().toString()));
    return s->id;
}

RunId TestEngine::send(SessionId session, const QString &text, Error *error, TimeMs submittedAt)
{
    MessageRequest req;
    req.sessionId = session;
    req.content = text;
    req.submittedAt = submittedAt;
    Expected<SubmitReceipt> r = engine->submitMessage(req);
    if (!r) {
        if (error)
            *error = r.error();
        return 0;
    }
    if (error)
        *error = {};
    return r->runId;
}

void TestEngine::finish(RunId id, const Outcome &outcome)
{
    if (!manual()->finish(id, outcome))
        qWarning("TestEngine::finish: run %lld is not held", static_cast<long long>(id));
    runUntilIdle();
}

void TestEngine::runUntilIdle()
{
    for (int guard = 0; guard < 100000; ++guard) {
        const TimeMs due = clock.nextDue();
        const bool timersDue = due >= 0 && due <= clock.now();
        if (!engine->hasPendingReports() && !timersDue)
            return;
        engine->processInbox();
        if (timersDue)
            clock.fireReady();
    }
    qWarning("TestEngine::runUntilIdle: still busy after 100000 rounds");
}

void TestEngine::advance(qint64 ms)
{
    clock.advance(ms);
    runUntilIdle();
}

} // namespace Yard::Test
