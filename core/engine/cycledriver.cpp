// SPDX-License-Identifier: GPL-3.0-or-later
#include "cycledriver.h"

#include "engineoptions.h"
#include "intake.h"
#include "pausecontrol.h"
#include "runrecord.h"
#include "runresolver.h"
#include "runtable.h"
#include "sessionmanager.h"
#include "taskboard.h"
#include "turnclock.h"
#include "turnevents.h"
#include "turnhost.h"

#include "logging.h"

using namespace Qt::StringLiterals;

namespace Yard {

namespace {

MechanicalCycle::Options cycleOptions(const CycleOptions &o)
{
    MechanicalCycle::Options m;
    m.wakeCooldownMs = o.wakeCooldownMs;
    m.sweepLimit = o.sweepLimit;
    m.thresholds = o.thresholds;
    return m;
}

QString summary(const CycleResult &r)
{
    if (r.paused)
        return u"paused: %1 leases recovered, nobody woken"_s.arg(r.recoveredLeases);
    QStringList parts;
    parts << u"%1 of %2 wakes sent"_s.arg(r.wakeSucceeded).arg(r.wakeAttempts);
    if (r.noMatchRuns)
        parts << u"%1 without an eligible session"_s.arg(r.noMatchRuns);
    if (r.recoveredLeases)
        parts << u"%1 leases recovered"_s.arg(r.recoveredLeases);
    if (r.starvedRuns)
        parts << u"%1 starved"_s.arg(r.starvedRuns);
    if (r.needsAttention)
        parts << u"%1 need attention"_s.arg(r.needsAttention);
    return parts.join(u", "_s);
}

} // namespace

CycleDriver::CycleDriver(const Parts &parts)
    : m_p(parts)
    , m_interval(parts.options->cycle.intervalMs)
{
    MechanicalCycle::Ports ports{m_p.time->clock(), this, this, this, this, this,
                                 [this] { return m_p.pause->isPaused(); }};
    m_cycle = std::make_unique<MechanicalCycle>(ports, cycleOptions(m_p.options->cycle));
}

CycleDriver::~CycleDriver()
{
    m_p.timers->cancel(m_timer);
}

void CycleDriver::start()
{
    if (m_started || m_stopped)
        return;
    m_started = true;
    m_cycle->rebuild(); // the in-memory wake state only: the budgets are durable
    schedule();
}

void CycleDriver::stop()
{
    m_stopped = true;
    m_p.timers->cancel(m_timer);
    m_nextDue = 0;
}

void CycleDriver::schedule()
{
    m_p.timers->cancel(m_timer);
    m_nextDue = 0;
    if (m_stopped || !m_started || m_interval <= 0)
        return;
    m_nextDue = m_p.time->now() + m_interval;
    m_timer = m_p.timers->callAt(m_nextDue, [this] {
        m_timer = 0;
        runNow();
    });
}

void CycleDriver::setInterval(qint64 ms)
{
    m_interval = qMax<qint64>(0, ms);
    schedule();
}

Expected<CycleResult> CycleDriver::runNow()
{
    if (m_stopped)
        return Error::make(ErrorCode::Stopped, u"the scheduler is stopped: no more cycles"_s);
    CycleResult result = m_cycle->runOnce();
    if (result.error.isError())
        qCWarning(lcEngine).noquote() << u"cycle %1: %2"_s.arg(m_cycle->stats().cycles).arg(result.error.message);
    Event e = m_p.events->make(EventType::CycleCompleted);
    e.value = qint64(m_cycle->stats().cycles);
    e.text = summary(result);
    m_p.events->add(std::move(e));
    m_history.push_back(result);
    while (m_history.size() > size_t(kHistory))
        m_history.pop_front();
    m_recent.append(result);
    if (m_recent.size() > kHistory)
        m_recent.remove(0, m_recent.size() - kHistory);
    schedule();
    return result;
}

QVector<CycleResult> CycleDriver::takeRecent()
{
    return std::exchange(m_recent, {});
}

// Ports ----------------------------------------------------------------------------------------

const TaskIndex &CycleDriver::pending()
{
    return m_p.board->index();
}

int CycleDriver::activeRuns()
{
    return m_p.board->claimed();
}

QVector<RunId> CycleDriver::recoverExpiredLeases(int limit, Error *error)
{
    return m_p.board->sweepExpired(limit, error);
}

QVector<CycleSession> CycleDriver::sessions()
{
    QVector<CycleSession> out;
    const QVector<SessionId> ids = m_p.sessions->ids();
    out.reserve(ids.size());
    for (SessionId id : ids) {
        if (const Session *s = m_p.sessions->find(id))
            out.append(m_p.board->cycleSession(*s));
    }
    return out;
}

QVector<Error> CycleDriver::wakeMany(const QVector<WakeTarget> &targets)
{
    QVector<Error> errors;
    errors.reserve(targets.size());
    for (const WakeTarget &t : targets) {
        const Session *s = m_p.sessions->find(t.session.id);
        if (!s || s->state == SessionState::Closed) {
            errors.append(Errors::sessionNotFound(t.session.id));
            continue;
        }
        Event e = m_p.events->make(EventType::WakeSent);
        e.run = t.run.id;
        e.session = t.session.id;
        e.priority = t.run.priority;
        e.text = t.reason;
        m_p.events->add(std::move(e));
        errors.append(Error{});
        if (s->claims) {
            const SessionId session = t.session.id;
            const RunId run = t.run.id;
            m_p.timers->callAfter(0, [this, session, run] { claimAfterWake(session, run); });
        }
    }
    return errors;
}

void CycleDriver::claimAfterWake(SessionId session, RunId run)
{
    Expected<RunId> claimed = m_p.board->claim(session, run);
    if (!claimed)
        claimed = m_p.board->claim(session, 0); // another session took it: any it may take
    if (!claimed)
        qCDebug(lcEngine).noquote() << u"woken session %1 claims nothing: %2"_s.arg(session).arg(
            claimed.error().message);
}

Error CycleDriver::emitRunStarved(const CycleRun &run, qint64 ageMs)
{
    RunRecord *rec = m_p.runs->find(run.id);
    if (!rec)
        return Errors::runNotLive(run.id);
    m_p.events->add(EventType::RunStarved, *rec, ErrorCode::None,
                    u"queued %1 s without a claim"_s.arg(ageMs / 1000), ageMs);
    return {};
}

Error CycleDriver::requestWorkerSpawn(const CycleRun &run)
{
    RunRecord *rec = m_p.runs->find(run.id);
    if (!rec || !rec->task())
        return Errors::runNotLive(run.id);
    const AgentTemplate *found = nullptr;
    for (const AgentTemplate &t : m_p.options->agentTemplates) {
        if (t.covers(run.needs)) {
            found = &t;
            break;
        }
    }
    if (!found) {
        QStringList asked = run.needs.capabilities;
        if (!run.needs.owner.isEmpty())
            asked.prepend(u"agent " + run.needs.owner);
        const Error e = Error::make(ErrorCode::SpawnUnresolvable,
                                    u"no agent template covers %1"_s.arg(
                                        asked.isEmpty() ? u"this task"_s : asked.join(u", "_s)));
        rec->task()->spawnUnresolvable = true;
        m_p.resolver->persist(rec);
        m_p.events->add(EventType::SpawnUnresolvable, *rec, e.code, e.message);
        return e;
    }
    // A worker session of that agent, where the task is: it is woken next cycle and claims.
    SessionSpec spec;
    spec.agent = found->agent;
    spec.capabilities = found->capabilities;
    spec.workspace = run.needs.workspace;
    spec.channel = run.needs.channel;
    spec.type = u"spawned"_s;
    spec.claims = true;
    for (int n = 1;; ++n) {
        spec.key = u"spawn-%1-%2"_s.arg(found->agent).arg(n);
        if (!m_p.sessions->findByKey(spec.key))
            break;
    }
    Expected<Session> created = m_p.intake->createSession(spec);
    if (!created)
        return created.error();
    rec->task()->spawnUnresolvable = false;
    Event e = m_p.events->make(EventType::SpawnRequested);
    e.run = run.id;
    e.session = created->id;
    e.priority = run.priority;
    e.text = found->agent;
    m_p.events->add(std::move(e));
    return {};
}

Error CycleDriver::markNeedsAttention(RunId id, const QString &diagnostic)
{
    RunRecord *rec = m_p.runs->find(id);
    if (!rec || !rec->task() || rec->stage != RunRecord::Stage::AwaitingClaim)
        return Errors::runNotLive(id);
    TaskInfo *task = rec->task();
    task->escalatedWakes = task->budget.wakeCount;
    task->budget = RunStarvation{}; // cleared with the mark (SPEC D6); a requeue starts afresh
    m_p.board->take(rec);
    if (!m_p.resolver->finish(rec, RunState::NeedsAttention, ErrorCode::None, diagnostic)) {
        m_p.board->add(rec);
        return Error::make(ErrorCode::InvalidTransition, u"run %1 cannot be marked needs_attention"_s.arg(id));
    }
    m_p.runs->destroy(rec); // it leaves the engine; the store keeps it for the operator
    return {};
}

std::optional<RunStarvation> CycleDriver::load(RunId id)
{
    const RunRecord *rec = m_p.runs->find(id);
    const TaskInfo *task = rec ? rec->task() : nullptr;
    if (!task || (task->budget.wakeCount == 0 && task->budget.since == 0))
        return std::nullopt;
    RunStarvation b = task->budget;
    b.run = id;
    return b;
}

void CycleDriver::upsert(const RunStarvation &budget)
{
    RunRecord *rec = m_p.runs->find(budget.run);
    if (!rec || !rec->task())
        return;
    rec->task()->budget = budget;
    m_p.resolver->persist(rec);
}

void CycleDriver::clear(RunId id)
{
    RunRecord *rec = m_p.runs->find(id);
    if (!rec || !rec->task())
        return;
    rec->task()->budget = RunStarvation{};
    m_p.resolver->persist(rec);
}

} // namespace Yard
