// SPDX-License-Identifier: GPL-3.0-or-later
#include "demoworkload.h"

#include "engine/engine.h"

#include <QJsonArray>
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
    const char16_t *capabilities; ///< comma-separated: what its sessions can claim (SPEC D3)
};

// Agents with their own habits, so sessions look and behave differently.
const Persona kPersonas[] = {
    {u"coder", u"main", QueueMode::Queue, 1, 1200, u"python,git"},
    {u"reviewer", u"main", QueueMode::Collect, 1, 1500, u"git,review"},
    {u"planner", u"main", QueueMode::Followup, 1, 2000, u"planning"},
    {u"researcher", u"subagent", QueueMode::Queue, 2, 900, u"web,search"},
    {u"tester", u"subagent", QueueMode::Queue, 2, 1200, u"python,ci"},
    {u"support", u"main", QueueMode::Interrupt, 1, 1500, u"crm"},
    {u"swarm", u"team", QueueMode::Queue, 3, 700, u"python,web"},
    {u"scheduler", u"cron", QueueMode::Queue, 1, 3000, u"ops"},
};

struct DemoTask
{
    const char16_t *what;
    const char16_t *capabilities;
    const char16_t *owner;
    double weight;
};

// Tasks for the mechanical cycle (SPEC D3–D6): most are claimed by a capable session within a
// cycle; "gpu" work has no session until the ladder spawns one from the "trainer" template; no
// one covers "fpga", so those climb the whole ladder to Needs attention within minutes.
const DemoTask kTasks[] = {
    {u"Fix the flaky integration test", u"python,ci", u"", 0.22},
    {u"Review the dependency bump", u"git,review", u"", 0.16},
    {u"Collect sources on vector indexes", u"web,search", u"", 0.16},
    {u"Draft the Q3 migration plan", u"planning", u"", 0.10},
    {u"Answer the escalated ticket", u"crm", u"support", 0.10},
    {u"Rotate the staging certificates", u"ops", u"", 0.08},
    {u"Fine-tune the ranking model", u"gpu,python", u"", 0.12},
    {u"Synthesise the FPGA bitstream", u"fpga", u"", 0.06},
};

QStringList split(const char16_t *list)
{
    return QString::fromUtf16(list).split(u',', Qt::SkipEmptyParts);
}

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
        spec.capabilities = split(p.capabilities);
        spec.claims = true; // woken for a task, it claims it (SPEC D3)
        spec.queueOverride.mode = p.mode;
        spec.queueOverride.maxConcurrent = p.maxConcurrent;
        spec.queueOverride.debounceMs = p.mode == QueueMode::Collect ? 1500 : 300;
        Expected<Session> s = m_engine->createSession(spec);
        if (s)
            m_sessions.append(s->id);
    }
    // Workers the starvation ladder can spawn (SPEC D6), unless the configuration has its own.
    if (m_engine->agentTemplates().isEmpty())
        m_engine->setAgentTemplates({{u"trainer"_s, {u"gpu"_s, u"python"_s}}, {u"analyst"_s, {u"sql"_s, u"web"_s}}});
    // A lane of long background work that interactive bursts preempt (SPEC P2).
    if (!m_engine->laneStats(u"batch"_s))
        m_engine->setLaneLimit(u"batch"_s, 4);
    m_lastBurst = m_engine->clock()->now();
    // Cycles every 5 s instead of 15 s, so the ladder is visible within minutes; an interval the
    // operator chose is kept.
    if (m_engine->cycleInterval() == CycleOptions{}.intervalMs)
        m_engine->setCycleInterval(m_options.cycleIntervalMs);
    createJobs();
    m_running = true;
    m_lastCron = m_engine->clock()->now();
    m_timer = m_engine->clock()->callAfter(kTickMs, [this] { m_engine->batch([this] { tick(); }); });
}

void DemoWorkload::createJobs()
{
    // A handful of jobs (SPEC J1-J4, H2), made once: a later demo finds them by name.
    QStringList existing;
    for (const Job &j : m_engine->jobs())
        existing << j.spec.name;
    auto make = [&](const QString &name, const QJsonObject &json) -> JobId {
        for (const Job &j : m_engine->jobs()) {
            if (j.spec.name == name)
                return j.id;
        }
        QJsonObject o = json;
        o.insert(u"name"_s, name);
        Expected<JobSpec> spec = JobSpec::fromJson(o);
        Expected<Job> job = spec ? m_engine->createJob(spec.value()) : Expected<Job>(spec.error());
        if (!job) {
            qWarning("demo: job %s: %s", qPrintable(name), qPrintable(job.error().toString()));
            return 0;
        }
        return job->id;
    };
    const QJsonObject quick{{u"duration_ms"_s, 2000}, {u"distribution"_s, u"fixed"_s}, {u"steps"_s, 4}};
    make(u"Sync the issue tracker"_s, {{u"schedule"_s, QJsonObject{{u"cron"_s, u"* * * * *"_s}}},
                                       {u"type"_s, u"simulate"_s}, {u"payload"_s, quick}});
    const JobId build = make(u"Build the nightly index"_s,
                             {{u"schedule"_s, QJsonObject{{u"interval"_s, QJsonObject{{u"every_ms"_s, 45'000}}}}},
                              {u"type"_s, u"simulate"_s}, {u"payload"_s, quick}});
    if (build)
        make(u"Publish the index"_s, {{u"schedule"_s, QJsonObject{{u"after_job"_s, QJsonObject{{u"job"_s, build}, {u"delay_ms"_s, 5000}}}}},
                                     {u"type"_s, u"simulate"_s}, {u"payload"_s, quick}});
    make(u"Flaky export to the data lake"_s,
         {{u"schedule"_s, QJsonObject{{u"interval"_s, QJsonObject{{u"every_ms"_s, 60'000}}}}},
          {u"type"_s, u"simulate"_s},
          {u"payload"_s, QJsonObject{{u"duration_ms"_s, 1000}, {u"fail_p"_s, 0.7}, {u"error"_s, u"upstream returned 503"_s}}},
          {u"retry"_s, QJsonObject{{u"max_attempts"_s, 4}, {u"initial_ms"_s, 2000}, {u"factor"_s, 2}}}});
    make(u"Say hi from a shell"_s,
         {{u"schedule"_s, QJsonObject{{u"cron"_s, u"*/2 * * * *"_s}}},
          {u"type"_s, u"command"_s},
          // sh is named as the program: the handler never adds a shell of its own.
          {u"payload"_s, QJsonObject{{u"program"_s, u"/bin/sh"_s}, {u"args"_s, QJsonArray{u"-c"_s, u"echo hi"_s}}}},
          {u"timeout_ms"_s, 10'000}});
}

void DemoWorkload::stop()
{
    if (!m_running)
        return;
    m_running = false;
    for (const auto &[sid, until] : std::as_const(m_prompting))
        m_engine->setSessionActivity(sid, SessionState::Active, false);
    m_prompting.clear();
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
        if (unit(m_rng) < 0.5) {
            // Free background work straight to a lane.
            RunSubmission sub;
            sub.handler = u"simulate"_s;
            sub.lane = unit(m_rng) < 0.6 ? u"team"_s : u"subagent"_s;
            sub.input = u"background task"_s;
            sub.priority = unit(m_rng) < 0.7 ? Priority::Low : Priority::Normal;
            sub.payloadJson = payload(4000, 0.6);
            m_engine->submitRun(sub);
            continue;
        }
        // A task a capable session must claim.
        double pick = unit(m_rng);
        const DemoTask *task = &kTasks[0];
        for (const DemoTask &t : kTasks) {
            task = &t;
            if ((pick -= t.weight) < 0)
                break;
        }
        TaskSubmission sub;
        sub.handler = u"simulate"_s;
        sub.lane = u"subagent"_s;
        sub.input = QString::fromUtf16(task->what);
        sub.priority = unit(m_rng) < 0.2 ? Priority::High : Priority::Normal;
        sub.payloadJson = payload(3000, 0.5);
        sub.needs.capabilities = split(task->capabilities);
        sub.needs.owner = QString::fromUtf16(task->owner);
        sub.needs.channel = unit(m_rng) < 0.34 ? u"slack"_s : u"console"_s;
        m_engine->submitTask(sub);
    }
    // Agents are sometimes busy talking to their user: not woken meanwhile (SPEC S1).
    for (qsizetype i = m_prompting.size() - 1; i >= 0; --i) {
        if (m_prompting[i].second <= now) {
            m_engine->setSessionActivity(m_prompting[i].first, SessionState::Active, false);
            m_prompting.remove(i);
        }
    }
    if (unit(m_rng) < 0.04) {
        const SessionId sid = m_sessions[int(m_rng() % quint32(m_sessions.size()))];
        const Session *s = m_engine->sessions().find(sid);
        if (s && s->state == SessionState::Active && !s->prompting) {
            m_engine->setSessionActivity(sid, SessionState::Active, true);
            m_prompting.append({sid, now + 3000 + TimeMs(m_rng() % 5000)});
        }
    }
    // Long background work keeps the batch lane full; now and then a user waits on it.
    if (const auto batch = m_engine->laneStats(u"batch"_s); batch && batch->active + batch->pending < batch->limit + 2) {
        RunSubmission sub;
        sub.handler = u"simulate"_s;
        sub.lane = u"batch"_s;
        sub.input = u"Re-embed the document archive (long, resumable)"_s;
        sub.priority = Priority::Low;
        QJsonObject o{{u"duration_ms"_s, 30'000}, {u"distribution"_s, u"fixed"_s}, {u"steps"_s, 30}};
        if (m_rng() % 4 == 0)
            o.insert(u"yields"_s, false); // this one ignores interrupts: left to finish
        sub.payloadJson = QJsonDocument(o).toJson(QJsonDocument::Compact);
        m_engine->submitRun(sub);
    }
    if (now - m_lastBurst >= m_options.burstEveryMs) {
        m_lastBurst = now;
        for (int i = 0; i < 2; ++i) {
            RunSubmission sub;
            sub.handler = u"simulate"_s;
            sub.lane = u"batch"_s;
            sub.input = u"Answer the user waiting in the chat"_s;
            sub.priority = i == 0 ? Priority::Interactive : Priority::Urgent;
            sub.payloadJson = payload(1500, 0.3);
            m_engine->submitRun(sub);
        }
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
