// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engineoptions.h"
#include "submission.h"

#include "model/errors.h"

#include <vector>

namespace Yard {

class AdmissionPump;
class DurabilityTracker;
class HandlerTable;
class LaneSet;
class RunResolver;
class RunTable;
class SessionChanges;
class SessionManager;
class SessionQueue;
class SessionQueues;
class Store;
class TaskBoard;
class TurnClock;
class TurnEvents;
struct EngineCounters;
struct RunRecord;
struct SessionSpec;

/// A reason to refuse all new work right now (draining, shutting down). Intake asks each.
class AcceptanceGate
{
public:
    virtual ~AcceptanceGate() = default;
    /// An error to reject with, or no error to let the work in.
    virtual Error refusal() const = 0;
};

/// Where work enters (SPEC S1, Q1–Q4, Q9): sessions, messages and runs. It checks what every
/// submission must pass in one place (the gates, the session exists and is open), names the
/// run's handler and lane once, and hands the run to its session's queue or, for free runs,
/// straight to its lane. A rejected submission is counted and reported as run.rejected.
class Intake final
{
    Q_DISABLE_COPY_MOVE(Intake)

public:
    struct Parts
    {
        const TurnClock *time;
        Store *store;
        SessionManager *sessions;
        SessionQueues *queues;
        RunTable *runs;
        RunResolver *resolver;
        AdmissionPump *pump;
        LaneSet *lanes;
        HandlerTable *handlers;
        TurnEvents *events;
        SessionChanges *changes;
        EngineCounters *counters;
        const EngineOptions *options;
        DurabilityTracker *durability;
        TaskBoard *board;
    };
    explicit Intake(const Parts &parts); ///< Not owning any of them.

    /// Gates are asked in the order they were added. Not owning.
    void addGate(const AcceptanceGate *gate) { m_gates.push_back(gate); }

    /// At start: the first block of run ids, durably reserved (waits for the disk once).
    Error prepareIds();

    Expected<Session> createSession(const SessionSpec &spec);
    Expected<SubmitReceipt> submitMessage(const MessageRequest &request);
    Expected<RunId> submitRun(const RunSubmission &submission);
    /// A task (SPEC D3): it waits on the task board until a capable session claims it.
    Expected<RunId> submitTask(const TaskSubmission &submission);

private:
    Error reject(ErrorCode code, SessionId session, const QString &why);
    /// The gates' refusal, reported; or no error.
    Error refusal(SessionId session);
    /// The open session `id`, or the reported reason it cannot take work.
    Expected<const Session *> openSession(SessionId id);
    RunRecord *newRecord(const QString &handler, const QString &input, const QString &lane,
                         Priority priority, TimeMs submittedAt, const QByteArray &payload);
    RunId nextRunId();
    void reserveAhead();
    Expected<RunId> enqueue(RunRecord *run, SessionQueue *queue, const MessageRequest *message,
                            MessageId *messageId);

    Parts m_p;
    std::vector<const AcceptanceGate *> m_gates;
    /// Run ids are handed out only from blocks whose reservation is on disk, so a crash can
    /// never give an id twice; the next block is reserved while half of the current one is left.
    struct IdBlock
    {
        RunId next = 0;
        RunId end = 0; ///< one past the block
        bool durable = false;
        quint64 token = 0;
    };
    IdBlock m_current;
    IdBlock m_ahead;
    qint64 m_blockSize;
    quint64 m_tokens = 0;
};

} // namespace Yard
