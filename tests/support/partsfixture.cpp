// SPDX-License-Identifier: GPL-3.0-or-later
#include "partsfixture.h"
#include "testengine.h"

#include "engine/startuprestore.h"

#include <QTest>

namespace Yard::Test {

EngineOptions PartsFixture::defaultOptions()
{
    return TestEngine::defaultOptions();
}

PartsFixture::PartsFixture(EngineOptions options, std::function<void(RecordingStore &)> prepareStore)
{
    auto recording = std::make_unique<RecordingStore>();
    store = recording.get();
    if (prepareStore)
        prepareStore(*store);
    ownedStore = std::move(recording);
    handlers.addBuiltins();
    parts = std::make_unique<EngineParts>(
        &inboxTarget, &clock, store, &executor, &handlers, std::move(options),
        [this](const EventBatch &batch) { events += batch; }, [] { return true; });
}

PartsFixture::~PartsFixture()
{
    executor.finishAll();
    runUntilIdle();
    parts.reset();
}

Error PartsFixture::restore()
{
    return turn([&] {
        StartupRestore restore({store, &parts->sessions, &parts->lanes, &parts->pause, &parts->options,
                                &parts->control, &parts->resolver, &parts->runs, &parts->board, &parts->jobs});
        return restore.restore();
    });
}

SessionId PartsFixture::session(const QString &key, const QueueConfigOverride &override,
                                const QString &lane)
{
    SessionSpec spec;
    spec.key = key;
    spec.queueOverride = override;
    spec.lane = lane;
    Expected<Session> s = turn([&] { return parts->intake.createSession(spec); });
    if (!s)
        qFatal("PartsFixture: createSession failed: %s", qPrintable(s.error().toString()));
    return s->id;
}

RunId PartsFixture::submit(SessionId session, const QString &handler, const QString &input,
                           const QString &lane, Priority priority)
{
    RunSubmission sub;
    sub.sessionId = session;
    sub.handler = handler;
    sub.input = input;
    sub.lane = lane;
    sub.priority = priority;
    Expected<RunId> id = turn([&] { return parts->intake.submitRun(sub); });
    return id ? id.value() : 0;
}

void PartsFixture::runUntilIdle()
{
    for (int guard = 0; guard < 100000; ++guard) {
        const TimeMs due = clock.nextDue();
        const bool timersDue = due >= 0 && due <= clock.now();
        if (!parts->reports.pending() && !timersDue)
            return;
        turn([&] { return parts->reports.read(); });
        if (timersDue)
            clock.fireReady();
    }
}

void PartsFixture::advance(qint64 ms)
{
    clock.advance(ms);
    runUntilIdle();
}

void PartsFixture::finish(RunId id, const Outcome &outcome)
{
    if (!executor.finish(id, outcome))
        qWarning("PartsFixture::finish: run %lld is not held", static_cast<long long>(id));
    runUntilIdle();
}

int PartsFixture::count(EventType type) const
{
    int n = 0;
    for (const Event &e : events)
        n += e.type == type;
    return n;
}

QVector<Event> PartsFixture::ofRun(RunId run) const
{
    QVector<Event> list;
    for (const Event &e : events) {
        if (e.run == run)
            list.append(e);
    }
    return list;
}

} // namespace Yard::Test
