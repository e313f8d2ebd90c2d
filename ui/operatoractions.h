// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/submission.h"
#include "model/ids.h"
#include "model/job.h"
#include "model/queueconfig.h"
#include "store/runquery.h"

#include <QObject>
#include <QVector>

namespace Yard {
class Scheduler;
} // namespace Yard

namespace Yard::Ui {

/// Every operator action of the console. Each one runs on the engine thread together with its
/// audit-log entry (SPEC E2), then reports back here: actionDone() with a one-line summary for
/// the status bar, or actionFailed() with the engine's error. Never blocks the GUI.
class OperatorActions final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(OperatorActions)

public:
    OperatorActions(Scheduler *scheduler, QString actor, QObject *parent = nullptr);

    const QString &actor() const { return m_actor; }

    /// Read-only mode (U12, asynqmon's): every action below is refused with actionFailed()
    /// saying so, and nothing reaches the engine. Views disable their buttons on readOnlyChanged.
    void setReadOnly(bool readOnly);
    bool isReadOnly() const { return m_readOnly; }
    /// In read-only mode: says so (actionFailed) and returns true. Views call it before they
    /// open a dialog for an action, so the operator is not asked for a reason in vain.
    bool refusedReadOnly();

    void pause(const QString &reason);
    void resume(const QString &reason = {});
    void drain(const QString &reason);
    void cancelRuns(const QVector<RunId> &runs, const QString &reason);
    void retryRuns(const QVector<RunId> &runs, const QString &reason);
    void requeueRuns(const QVector<RunId> &runs, const QString &reason);
    void sendMessage(SessionId session, const QString &text);
    void cancelOldest(SessionId session, const QString &key);
    void cancelAll(SessionId session, const QString &key, const QString &reason);
    void resetSession(SessionId session, const QString &key, const QString &reason);
    void setSessionPaused(SessionId session, const QString &key, bool paused);
    void setQueueConfig(SessionId session, const QString &key, const QueueConfigOverride &config);
    void setLaneLimit(const QString &lane, int limit);
    void setLanePaused(const QString &lane, bool paused);
    /// 0 = the default grace period.
    void setLanePreemptGrace(const QString &lane, int ms);
    void setDemoRunning(bool running);
    /// SPEC D8 on needs_attention runs: the listed ones, or with an empty list everything
    /// `filter` matches. `note` is the reason (required to acknowledge).
    void resolveAttention(AttentionAction action, const QVector<RunId> &runs,
                          const NeedsAttentionFilter &filter, const QString &note);
    void runCycleNow();
    // Jobs (SPEC J1, U6).
    void createJob(const JobSpec &spec);
    void updateJob(JobId id, const JobSpec &spec);
    void setJobEnabled(JobId id, const QString &name, bool enabled);
    void runJobNow(JobId id, const QString &name);
    void deleteJob(JobId id, const QString &name, const QString &reason);
    /// <= 0: cycles run only on demand.
    void setCycleInterval(qint64 ms);

Q_SIGNALS:
    void readOnlyChanged(bool readOnly);
    void actionDone(const QString &summary);
    void actionFailed(const QString &error);
    /// A cancel request reached the engine; outcomes arrive as run events.
    void cancelRequested(const QVector<Yard::RunId> &runs);
    /// Cancels the engine refused (run already finished, unknown run…).
    void cancelRejected(const QVector<Yard::RunId> &runs);
    /// A needs-attention action finished: `done` runs changed.
    void attentionResolved(int done, int failed);
    /// A job was created (its id) or changed.
    void jobSaved(Yard::JobId id);

private:
    Scheduler *m_scheduler;
    QString m_actor;
    bool m_readOnly = false;

};

} // namespace Yard::Ui
