// SPDX-License-Identifier: GPL-3.0-or-later
#include "demoworkload.h"

#include "engine/engine.h"

#include <QJsonDocument>
#include <QJsonObject>

using namespace Qt::StringLiterals;

namespace Yard {

namespace {

constexpr int kTickMs = 200;

struct Persona
{
    const char16_t *agent;
    const char16_t *lane;
    QueueMode mode;
    int maxConcurrent;
    int contextTokens; ///< small on purpose: transcripts fill it within minutes (throttle, SPEC Q6)
};

// Agents with their own habits, so sessions look and behave differently.
const Persona kPersonas[] = {
    {u"coder", u"main", QueueMode::Queue, 1, 1200},
    {u"reviewer", u"main", QueueMode::Collect, 1, 1500},
    {u"planner", u"main", QueueMode::Followup, 1, 2000},
    {u"researcher", u"subagent", QueueMode::Queue, 2, 900},
    {u"tester", u"subagent", QueueMode::Queue, 2, 1200},
    {u"support", u"main", QueueMode::Interrupt, 1, 1500},
    {u"swarm", u"team", QueueMode::Queue, 3, 700},
    {u"scheduler", u"cron", QueueMode::Queue, 1, 3000},
};

const char16_t *const kPrompts[] = {
    u"Summarise the failing build and propose a fix",
    u"Review the diff in PR 482",
    u"Plan the migration of the billing service",
    u"Find prior art for lease-based scheduling",
    u"Write tests for the cron parser edge cases",
    u"Customer asks why their export is slow",
    u"Split the refactor into independent tasks",
    u"Nightly: reindex the knowledge base",
    u"Triage the new issues from last night",
    u"Explain this stack trace",
};

} // namespace

DemoWorkload::DemoWorkload(Engine *engine, Options options)
    : m_engine(engine)
    , m_options(options)
    , m_rng(options.seed)
{}

DemoWorkload::~DemoWorkload()
{
    stop();
}

void DemoWorkload::start()
{
    if (m_running)
        return;
    m_sessions.clear();
    const int personas = int(std::size(kPersonas));
    for (const Persona &p : kPersonas)
        m_engine->setContextWindow(QString::fromUtf16(p.agent), p.contextTokens);
    for (int i = 0; i < m_options.sessions; ++i) {
        const Persona &p = kPersonas[i % personas];
        const QString key = u"demo-%1-%2"_s.arg(QString::fromUtf16(p.agent)).arg(i / personas + 1, 2, 10, QChar(u'0'));
        if (const Session *existing = m_engine->sessions().findByKey(key)) {
            m_sessions.append(existing->id);
            continue;
        }
        SessionSpec spec;
        spec.key = key;
        spec.agent = QString::fromUtf16(p.agent);
        spec.lane = QString::fromUtf16(p.lane);
        spec.channel = i % 3 == 0 ? u"slack"_s : u"console"_s;
        spec.queueOverride.mode = p.mode;
        spec.queueOverride.maxConcurrent = p.maxConcurrent;
        spec.queueOverride.debounceMs = p.mode == QueueMode::Collect ? 1500 : 300;
        Expected<Session> s = m_engine->createSession(spec);
        if (s)
            m_sessions.append(s->id);
    }
    m_running = true;
    m_lastCron = m_engine->clock()->now();
    m_timer = m_engine->clock()->callAfter(kTickMs, [this] { m_engine->batch([this] { tick(); }); });
}

void DemoWorkload::stop()
{
    if (!m_running)
        return;
    m_running = false;
    m_engine->clock()->cancel(m_timer);
    m_timer = 0;
}

QByteArray DemoWorkload::payload(double meanMs, double spread)
{
    std::lognormal_distribution<double> duration(std::log(meanMs), spread);
    const QJsonObject o{{u"duration_ms"_s, qBound(150.0, duration(m_rng), 60'000.0)},
                        {u"distribution"_s, u"fixed"_s},
                        {u"steps"_s, 4},
                        {u"fail_p"_s, m_options.failureRate},
                        {u"hang_p"_s, m_options.hangRate}};
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

void DemoWorkload::tick()
{
    if (!m_running || m_sessions.isEmpty())
        return;
    std::uniform_real_distribution<double> unit(0, 1);
    // A slow wave over ~90 s so the charts show load rising and falling.
    const TimeMs now = m_engine->clock()->now();
    const double wave = 0.65 + 0.55 * std::sin(double(now % 90'000) / 90'000.0 * 6.2831853);

    m_messageDebt += m_options.messagesPerSecond * wave * kTickMs / 1000.0;
    while (m_messageDebt >= 1) {
        m_messageDebt -= 1;
        // Bursts: some sessions get several messages in a row.
        const SessionId sid = m_sessions[int(m_rng() % quint32(m_sessions.size()))];
        const int burst = unit(m_rng) < 0.15 ? 2 + int(m_rng() % 3) : 1;
        for (int b = 0; b < burst; ++b) {
            MessageRequest req;
            req.sessionId = sid;
            req.content = QString::fromUtf16(kPrompts[m_rng() % std::size(kPrompts)]);
            req.handler = u"simulate"_s;
            const double r = unit(m_rng);
            req.priority = r < 0.05 ? Priority::Interactive
                           : r < 0.12 ? Priority::Urgent
                           : r < 0.30 ? Priority::High
                           : r < 0.85 ? Priority::Normal
                                      : Priority::Low;
            req.payloadJson = payload(2500, 0.8);
            m_engine->submitMessage(req);
        }
    }
    m_taskDebt += m_options.tasksPerSecond * wave * kTickMs / 1000.0;
    while (m_taskDebt >= 1) {
        m_taskDebt -= 1;
        RunSubmission sub;
        sub.handler = u"simulate"_s;
        sub.lane = unit(m_rng) < 0.6 ? u"team"_s : u"subagent"_s;
        sub.input = u"background task"_s;
        sub.priority = unit(m_rng) < 0.7 ? Priority::Low : Priority::Normal;
        sub.payloadJson = payload(4000, 0.6);
        m_engine->submitRun(sub);
    }
    if (now - m_lastCron >= m_options.cronEveryMs) {
        m_lastCron = now;
        RunSubmission sub;
        sub.handler = u"simulate"_s;
        sub.lane = u"cron"_s;
        sub.input = u"periodic maintenance"_s;
        sub.priority = Priority::High;
        sub.payloadJson = payload(1500, 0.3);
        m_engine->submitRun(sub);
    }
    m_timer = m_engine->clock()->callAfter(kTickMs, [this] { m_engine->batch([this] { tick(); }); });
}

} // namespace Yard
