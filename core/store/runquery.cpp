// SPDX-License-Identifier: GPL-3.0-or-later
#include "runquery.h"

using namespace Qt::StringLiterals;

namespace Yard {

bool NeedsAttentionFilter::matches(const Run &run) const
{
    if (run.state != RunState::NeedsAttention)
        return false;
    if (upTo > 0 && run.id > upTo)
        return false;
    const TaskInfo *task = run.task ? &*run.task : nullptr;
    if (!includeAcknowledged && task && task->acknowledgedAt != 0)
        return false;
    const QString cap = capability.trimmed();
    if (!cap.isEmpty() && !(task && task->needs.capabilities.contains(cap, Qt::CaseInsensitive)))
        return false;
    const QString ws = workspace.trimmed();
    if (!ws.isEmpty() && !(task && task->needs.workspace.contains(ws, Qt::CaseInsensitive)))
        return false;
    const QString t = text.trimmed();
    if (!t.isEmpty() && !run.error.contains(t, Qt::CaseInsensitive) && !run.input.contains(t, Qt::CaseInsensitive))
        return false;
    return true;
}

QString NeedsAttentionFilter::describe() const
{
    QStringList parts;
    if (!capability.trimmed().isEmpty())
        parts << u"capability %1"_s.arg(capability.trimmed());
    if (!workspace.trimmed().isEmpty())
        parts << u"workspace ~ %1"_s.arg(workspace.trimmed());
    if (!text.trimmed().isEmpty())
        parts << u"text ~ \"%1\""_s.arg(text.trimmed());
    if (!includeAcknowledged)
        parts << u"not acknowledged"_s;
    return parts.isEmpty() ? u"all"_s : parts.join(u", "_s);
}

AttentionRow AttentionRow::fromRun(const Run &run)
{
    AttentionRow r;
    r.id = run.id;
    r.handler = run.handler;
    r.lane = run.lane;
    r.priority = run.priority;
    r.attempt = run.attempt;
    r.queuedAt = run.queuedAt;
    r.markedAt = run.finishedAt > 0 ? run.finishedAt : run.updatedAt;
    r.diagnostic = run.error;
    r.preview = run.input.left(160).simplified();
    if (run.task) {
        r.wakeCount = run.task->escalatedWakes;
        r.spawnUnresolvable = run.task->spawnUnresolvable;
        r.needs = run.task->needs;
        r.acknowledgedBy = run.task->acknowledgedBy;
        r.acknowledgement = run.task->acknowledgement;
        r.acknowledgedAt = run.task->acknowledgedAt;
    }
    return r;
}

QString AttentionRow::tier() const
{
    return spawnUnresolvable ? u"4 · no template could spawn a worker"_s
                             : u"4 · a spawned worker did not claim it"_s;
}

} // namespace Yard
