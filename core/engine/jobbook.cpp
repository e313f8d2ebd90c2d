// SPDX-License-Identifier: GPL-3.0-or-later
#include "jobbook.h"

#include "activeruns.h"
#include "intake.h"
#include "runrecord.h"
#include "runtable.h"
#include "sessionmanager.h"
#include "turnclock.h"
#include "turnevents.h"
#include "turnhost.h"

#include "exec/runticket.h"
#include "jobs/cronexpression.h"
#include "logging.h"
#include "store/store.h"

using namespace Qt::StringLiterals;

namespace Yard {

namespace {

/// A failure no retry can fix.
bool isFinal(ErrorCode code)
{
    switch (code) {
    case ErrorCode::UnknownHandler:
    case ErrorCode::Aborted:
    case ErrorCode::StateUnreadable:
    case ErrorCode::InvalidRequest:
    case ErrorCode::RunCancelled:
        return true;
    default:
        return false;
    }
}

/// Deterministic jitter per run and attempt, in [0, 1).
double jitterUnit(RunId run, int attempt)
{
    quint64 z = quint64(run) * 0x9E3779B97F4A7C15ULL + quint64(attempt) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    z ^= z >> 31;
    return double(z >> 11) * (1.0 / 9007199254740992.0);
}

} // namespace

JobBook::JobBook(const Parts &parts)
    : m_p(parts)
{}

JobBook::~JobBook()
{
    stop();
}

void JobBook::restore(const QVector<Job> &jobs, JobId maxId)
{
    for (const Job &j : jobs)
        m_jobs[j.id] = Live{j, 0};
    m_nextId = qMax(m_nextId, maxId + 1);
}

void JobBook::start()
{
    if (m_started || m_stopped)
        return;
    m_started = true;
    const TimeMs now = m_p.time->now();
    for (auto &[id, live] : m_jobs) {
        Job &job = live.job;
        if (!job.spec.enabled)
            continue;
        if (job.nextFireAt > 0 && job.nextFireAt <= now) {
            // Missed while the process was down (SPEC J7).
            if (job.spec.misfire == Misfire::CatchUp) {
                qCInfo(lcEngine).noquote() << u"job %1 (%2) missed its fire at %3: catching up once"_s.arg(id).arg(
                    job.spec.name).arg(CronExpression::formatIso(job.nextFireAt, QTimeZone::utc()));
                fire(live, false);
                continue;
            }
            qCInfo(lcEngine).noquote() << u"job %1 (%2) missed its fire at %3: skipped"_s.arg(id).arg(job.spec.name).arg(
                CronExpression::formatIso(job.nextFireAt, QTimeZone::utc()));
            job.nextFireAt = nextAfter(job, now);
            save(job);
        }
        arm(live);
    }
}

void JobBook::stop()
{
    m_stopped = true;
    for (auto &[id, live] : m_jobs)
        m_p.timers->cancel(live.timer);
    for (Clock::TimerId &t : m_retryTimers)
        m_p.timers->cancel(t);
    for (Clock::TimerId &t : m_timeoutTimers)
        m_p.timers->cancel(t);
    m_retryTimers.clear();
    m_timeoutTimers.clear();
}

TimeMs JobBook::nextAfter(const Job &job, TimeMs now) const
{
    const Schedule &s = job.spec.schedule;
    switch (s.kind) {
    case Schedule::Kind::Once:
        return s.at > now && job.fires == 0 ? s.at : 0;
    case Schedule::Kind::Immediate:
    case Schedule::Kind::AfterJob:
        return 0;
    case Schedule::Kind::Interval: {
        // Anchored: the next anchor + k * every after now, whatever happened in between.
        const TimeMs anchor = job.anchorAt > 0 ? job.anchorAt : job.createdAt;
        if (now < anchor)
            return anchor;
        return anchor + ((now - anchor) / s.everyMs + 1) * s.everyMs;
    }
    case Schedule::Kind::Cron: {
        Expected<CronExpression> c = CronExpression::parse(s.cron, s.timeZone);
        if (!c)
            return 0;
        const TimeMs t = c->next(now);
        return t > 0 ? t : 0;
    }
    }
    return 0;
}

void JobBook::arm(Live &live)
{
    m_p.timers->cancel(live.timer);
    const Job &job = live.job;
    if (!m_started || m_stopped || !job.spec.enabled || job.nextFireAt <= 0)
        return;
    const JobId id = job.id;
    live.timer = m_p.timers->callAt(job.nextFireAt, [this, id] {
        auto it = m_jobs.find(id);
        if (it == m_jobs.end())
            return;
        it->second.timer = 0;
        fire(it->second, false);
    });
}

void JobBook::save(const Job &job)
{
    m_p.store->append(JobUpsert{job});
    ++m_version;
}

Expected<RunId> JobBook::submit(const Job &job)
{
    const JobSpec &s = job.spec;
    if (!s.capabilities.isEmpty()) {
        TaskSubmission t;
        t.handler = s.type;
        t.input = s.name;
        t.payloadJson = s.payloadJson;
        t.lane = s.lane;
        t.priority = s.priority;
        t.needs.capabilities = s.capabilities;
        t.maxAttempts = s.retry.maxAttempts;
        t.jobId = job.id;
        return m_p.intake->submitTask(t);
    }
    RunSubmission r;
    r.handler = s.type;
    r.input = s.name;
    r.payloadJson = s.payloadJson;
    r.lane = s.lane;
    r.priority = s.priority;
    r.maxAttempts = s.retry.maxAttempts;
    r.jobId = job.id;
    if (!s.sessionKey.isEmpty()) {
        const Session *session = m_p.sessions->findByKey(s.sessionKey);
        if (!session)
            return Error::make(ErrorCode::SessionNotFound,
                               u"job %1 (%2): session \"%3\" does not exist"_s.arg(job.id).arg(s.name, s.sessionKey));
        r.sessionId = session->id;
        r.lane.clear(); // the session's lane, unless…
        if (s.lane != u"cron")
            r.lane = s.lane;
    }
    return m_p.intake->submitRun(r);
}

void JobBook::fire(Live &live, bool manual)
{
    Job &job = live.job;
    const TimeMs now = m_p.time->now();
    // The cursor moves before the run is dispatched, in the same commit: a restart after this
    // turn finds both, or neither.
    if (!manual) {
        job.lastFireAt = now;
        job.nextFireAt = nextAfter(job, now);
    }
    ++job.fires;
    Expected<RunId> run = submit(job);
    Event e = m_p.events->make(EventType::JobFired);
    e.value = job.id;
    e.priority = job.spec.priority;
    if (run) {
        job.lastRunId = run.value();
        e.run = run.value();
        e.text = manual ? u"%1 (run now)"_s.arg(job.spec.name) : job.spec.name;
    } else {
        job.lastOutcome = u"not started"_s;
        job.lastError = run.error().toString();
        e.code = run.error().code;
        e.text = u"%1: %2"_s.arg(job.spec.name, run.error().message);
        qCWarning(lcEngine).noquote() << u"job %1 (%2) could not start a run: %3"_s.arg(job.id).arg(job.spec.name).arg(
            run.error().toString());
    }
    m_p.events->add(std::move(e));
    save(job);
    arm(live);
}

Expected<Job> JobBook::create(const JobSpec &spec)
{
    if (Error e = spec.validate(); e.isError())
        return e;
    if (spec.schedule.kind == Schedule::Kind::AfterJob && !m_jobs.count(spec.schedule.afterJob))
        return Error::make(ErrorCode::InvalidRequest,
                           u"job \"%1\": after_job names job %2, which does not exist"_s.arg(spec.name).arg(spec.schedule.afterJob));
    if (!spec.sessionKey.isEmpty() && !m_p.sessions->findByKey(spec.sessionKey))
        return Error::make(ErrorCode::SessionNotFound,
                           u"job \"%1\": session \"%2\" does not exist"_s.arg(spec.name, spec.sessionKey));
    const TimeMs now = m_p.time->now();
    Job job;
    job.id = m_nextId++;
    job.spec = spec;
    job.createdAt = now;
    job.anchorAt = now;
    switch (spec.schedule.kind) {
    case Schedule::Kind::Once:
        job.nextFireAt = qMax(spec.schedule.at, now); // a time already past fires at once
        break;
    case Schedule::Kind::Immediate:
        job.nextFireAt = now;
        break;
    default:
        job.nextFireAt = nextAfter(job, now);
        break;
    }
    Live &live = m_jobs[job.id];
    live.job = job;
    save(job);
    arm(live);
    return job;
}

Error JobBook::update(JobId id, const JobSpec &spec)
{
    auto it = m_jobs.find(id);
    if (it == m_jobs.end())
        return Error::make(ErrorCode::InvalidRequest, u"job %1 does not exist"_s.arg(id));
    if (Error e = spec.validate(); e.isError())
        return e;
    if (spec.schedule.kind == Schedule::Kind::AfterJob
        && (spec.schedule.afterJob == id || !m_jobs.count(spec.schedule.afterJob)))
        return Error::make(ErrorCode::InvalidRequest,
                           u"job \"%1\": after_job must name another job that exists, not %2"_s.arg(spec.name).arg(
                               spec.schedule.afterJob));
    Job &job = it->second.job;
    const bool scheduleChanged = !(job.spec.schedule == spec.schedule);
    job.spec = spec;
    const TimeMs now = m_p.time->now();
    if (scheduleChanged) {
        job.anchorAt = now;
        job.nextFireAt = spec.schedule.kind == Schedule::Kind::Immediate ? now
                         : spec.schedule.kind == Schedule::Kind::Once ? qMax(spec.schedule.at, now)
                                                                      : nextAfter(job, now);
    }
    save(job);
    arm(it->second);
    return {};
}

Error JobBook::setEnabled(JobId id, bool enabled)
{
    auto it = m_jobs.find(id);
    if (it == m_jobs.end())
        return Error::make(ErrorCode::InvalidRequest, u"job %1 does not exist"_s.arg(id));
    Job &job = it->second.job;
    if (job.spec.enabled == enabled)
        return {};
    job.spec.enabled = enabled;
    if (enabled && job.spec.schedule.kind != Schedule::Kind::Once && job.spec.schedule.kind != Schedule::Kind::Immediate)
        job.nextFireAt = nextAfter(job, m_p.time->now()); // what it missed while disabled is not caught up
    save(job);
    arm(it->second);
    return {};
}

Expected<RunId> JobBook::runNow(JobId id)
{
    auto it = m_jobs.find(id);
    if (it == m_jobs.end())
        return Error::make(ErrorCode::InvalidRequest, u"job %1 does not exist"_s.arg(id));
    fire(it->second, true);
    const Job &job = it->second.job;
    if (!job.lastError.isEmpty() && job.lastOutcome == u"not started")
        return Error::make(ErrorCode::InvalidRequest, job.lastError);
    return job.lastRunId;
}

Error JobBook::remove(JobId id)
{
    auto it = m_jobs.find(id);
    if (it == m_jobs.end())
        return Error::make(ErrorCode::InvalidRequest, u"job %1 does not exist"_s.arg(id));
    m_p.timers->cancel(it->second.timer);
    const QString name = it->second.job.spec.name;
    m_jobs.erase(it);
    m_p.store->append(JobDelete{id});
    ++m_version;
    // Nothing it scheduled fires after this: its runs waiting for a retry are cancelled.
    const QList<RunId> waiting = m_retryTimers.keys();
    for (RunId runId : waiting) {
        RunRecord *run = m_p.runs->find(runId);
        if (run && run->detail && run->detail->jobId == id) {
            m_p.timers->cancel(m_retryTimers[runId]);
            m_retryTimers.remove(runId);
            m_p.active->cancel(run, ErrorCode::RunCancelled, u"job %1 (%2) was deleted"_s.arg(id).arg(name));
        }
    }
    return {};
}

QVector<Job> JobBook::jobs() const
{
    QVector<Job> list;
    list.reserve(qsizetype(m_jobs.size()));
    for (const auto &[id, live] : m_jobs)
        list.append(live.job);
    return list;
}

const Job *JobBook::job(JobId id) const
{
    auto it = m_jobs.find(id);
    return it == m_jobs.end() ? nullptr : &it->second.job;
}

void JobBook::recordAttempt(const RunRecord *run, const QString &outcome, ErrorCode code, const QString &error)
{
    if (run->startedAt <= 0)
        return; // it never ran: no attempt to record
    RunAttempt a;
    a.run = run->id;
    a.attempt = run->attempt;
    a.startedAt = run->startedAt;
    a.finishedAt = m_p.time->now();
    a.outcome = outcome;
    a.errorCode = code;
    a.error = error.left(2000);
    m_p.store->append(AttemptInsert{a});
}

bool JobBook::retry(RunRecord *run, ErrorCode code, const QString &text, bool retryable)
{
    const qint64 jobId = run->detail ? run->detail->jobId : 0;
    auto it = m_jobs.find(jobId);
    if (it == m_jobs.end() || !retryable || isFinal(code) || run->attempt >= run->maxAttempts || m_stopped)
        return false; // its outcome is final; jobRunFinished records it
    const RetryPolicy &policy = it->second.job.spec.retry;
    const qint64 delay = policy.delayBefore(run->attempt + 1, jitterUnit(run->id, run->attempt));
    recordAttempt(run, code == ErrorCode::Timeout ? u"timeout"_s : u"failed"_s, code, text);
    if (Clock::TimerId t = m_timeoutTimers.take(run->id))
        m_p.timers->cancel(t);
    run->timedOut = false;
    m_p.active->letGo(run);
    if (!m_p.resolver->retryWait(run, code, text, delay))
        return false;
    run->stage = RunRecord::Stage::AwaitingRetry;
    const RunId id = run->id;
    const int attempt = run->attempt;
    m_retryTimers[id] = m_p.timers->callAfter(delay, [this, id, attempt] { retryDue(id, attempt); });
    return true;
}

bool JobBook::resumeRetry(RunRecord *run, TimeMs failedAt)
{
    const auto it = m_jobs.find(run->detail ? run->detail->jobId : 0);
    if (it == m_jobs.end())
        return false;
    const RetryPolicy &policy = it->second.job.spec.retry;
    const qint64 delay = policy.delayBefore(run->attempt + 1, jitterUnit(run->id, run->attempt));
    const qint64 left = qMax<qint64>(0, failedAt + delay - m_p.time->now());
    run->stage = RunRecord::Stage::AwaitingRetry;
    const RunId id = run->id;
    const int attempt = run->attempt;
    m_retryTimers[id] = m_p.timers->callAfter(left, [this, id, attempt] { retryDue(id, attempt); });
    return true;
}

void JobBook::retryDue(RunId id, int attempt)
{
    m_retryTimers.remove(id);
    RunRecord *run = m_p.runs->find(id);
    if (!run || run->state != RunState::RetryWait || run->attempt != attempt)
        return; // cancelled meanwhile
    if (!m_p.resolver->retryNow(run))
        return;
    if (m_p.place)
        m_p.place(run);
}

void JobBook::jobRunStarted(RunRecord *run)
{
    const auto it = m_jobs.find(run->detail->jobId);
    if (it == m_jobs.end() || it->second.job.spec.timeoutMs <= 0)
        return;
    const RunId id = run->id;
    const int attempt = run->attempt;
    if (Clock::TimerId old = m_timeoutTimers.take(id))
        m_p.timers->cancel(old);
    m_timeoutTimers[id] = m_p.timers->callAfter(it->second.job.spec.timeoutMs, [this, id, attempt] {
        m_timeoutTimers.remove(id);
        timeoutDue(id, attempt);
    });
}

void JobBook::timeoutDue(RunId id, int attempt)
{
    RunRecord *run = m_p.runs->find(id);
    if (!run || run->state != RunState::Running || run->attempt != attempt)
        return;
    run->timedOut = true;
    if (run->stage == RunRecord::Stage::BetweenSteps) {
        // Nothing runs it right now: the attempt ends here.
        timedOutRunReturned(run);
        return;
    }
    if (RunTicket *t = run->ticketIfAny())
        t->cancelled.store(true, std::memory_order_release); // the handler stops; its return ends the attempt
}

void JobBook::timedOutRunReturned(RunRecord *run)
{
    const Job *j = job(run->detail ? run->detail->jobId : 0);
    const QString text = u"timed out after %1 ms"_s.arg(j ? j->spec.timeoutMs : 0);
    if (retry(run, ErrorCode::Timeout, text, true))
        return;
    run->timedOut = false;
    m_p.active->end(run, RunState::Failed, ErrorCode::Timeout, text);
}

void JobBook::jobRunFinished(RunRecord *run, RunState outcome, ErrorCode code, const QString &text)
{
    if (Clock::TimerId t = m_timeoutTimers.take(run->id))
        m_p.timers->cancel(t);
    const QString name = code == ErrorCode::Timeout ? u"timeout"_s : runStateName(outcome);
    recordAttempt(run, name, code, outcome == RunState::Completed ? QString() : text);
    auto it = m_jobs.find(run->detail->jobId);
    if (it == m_jobs.end())
        return;
    Job &job = it->second.job;
    const TimeMs now = m_p.time->now();
    job.lastRunId = run->id;
    job.lastOutcome = name;
    job.lastError = outcome == RunState::Completed ? QString() : text;
    job.lastFinishedAt = now;
    if (outcome == RunState::Completed)
        ++job.completed;
    else if (outcome == RunState::Failed)
        ++job.failed;
    save(job);
    if (outcome != RunState::Completed)
        return; // after_job jobs follow successes only (SPEC J2)
    for (auto &[otherId, live] : m_jobs) {
        Job &other = live.job;
        if (other.spec.schedule.kind != Schedule::Kind::AfterJob || other.spec.schedule.afterJob != job.id
            || !other.spec.enabled)
            continue;
        other.nextFireAt = now + other.spec.schedule.delayMs;
        save(other);
        arm(live);
    }
}

} // namespace Yard
