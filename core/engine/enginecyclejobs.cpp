// SPDX-License-Identifier: GPL-3.0-or-later
// The Engine front, continued: the mechanical cycle, needs attention, lanes and jobs.
#include "engineturn.h"

namespace Yard {

Expected<CycleResult> Engine::runCycleNow()
{
    Turn turn(this);
    return d->cycles.runNow();
}

void Engine::setCycleInterval(qint64 ms)
{
    Turn turn(this);
    d->cycles.setInterval(ms);
}

qint64 Engine::cycleInterval() const
{
    return d->cycles.interval();
}

const CycleStats &Engine::cycleStats() const
{
    return d->cycles.stats();
}

QVector<CycleResult> Engine::cycleHistory(int max) const
{
    const auto &h = d->cycles.history();
    QVector<CycleResult> out;
    const size_t n = std::min(h.size(), size_t(qMax(0, max)));
    out.reserve(qsizetype(n));
    for (size_t i = h.size() - n; i < h.size(); ++i)
        out.append(h[i]);
    return out;
}

void Engine::setAgentTemplates(const QVector<AgentTemplate> &templates)
{
    d->options.agentTemplates = templates;
}

const QVector<AgentTemplate> &Engine::agentTemplates() const
{
    return d->options.agentTemplates;
}

AttentionPage Engine::needsAttentionPage(const NeedsAttentionFilter &filter, RunId before, int limit)
{
    Turn turn(this); // the store commits what this turn appended before it is read
    return d->store->needsAttentionPage(filter, before, limit);
}

int Engine::needsAttentionOpen() const
{
    return d->resolver.attentionOpen();
}

int Engine::waitingTasks() const
{
    return d->board.waiting();
}

int Engine::claimedTasks() const
{
    return d->board.claimed();
}

Error Engine::setLaneLimit(const QString &name, int limit)
{
    Turn turn(this);
    return d->settings.setLaneLimit(name, limit);
}

Error Engine::setLanePaused(const QString &name, bool paused)
{
    Turn turn(this);
    return d->settings.setLanePaused(name, paused);
}

Expected<Job> Engine::createJob(const JobSpec &spec)
{
    Turn turn(this);
    return d->jobs.create(spec);
}

Error Engine::updateJob(JobId id, const JobSpec &spec)
{
    Turn turn(this);
    return d->jobs.update(id, spec);
}

Error Engine::setJobEnabled(JobId id, bool enabled)
{
    Turn turn(this);
    return d->jobs.setEnabled(id, enabled);
}

Expected<RunId> Engine::runJobNow(JobId id)
{
    Turn turn(this);
    return d->jobs.runNow(id);
}

Error Engine::deleteJob(JobId id)
{
    Turn turn(this);
    return d->jobs.remove(id);
}

QVector<Job> Engine::jobs() const
{
    return d->jobs.jobs();
}

std::optional<Job> Engine::job(JobId id) const
{
    const Job *j = d->jobs.job(id);
    return j ? std::optional<Job>(*j) : std::nullopt;
}

Error Engine::setLanePreemptGrace(const QString &name, int ms)
{
    Turn turn(this);
    return d->settings.setLanePreemptGrace(name, ms);
}

} // namespace Yard
