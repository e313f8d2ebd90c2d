// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "intake.h"

#include "store/store.h"

class QObject;

namespace Yard {

class AuditTrail;
class DurabilityTracker;
class PauseControl;
class TurnEvents;
class TurnHost;

/// Whether the store writes (SPEC R5). When a commit fails the scheduler pauses with the reason
/// `store write failed: …` (shown in the console banner, status bar and audit log) and new work
/// is refused with `store_failed`, while the store keeps every unwritten change and retries.
/// When writes succeed again it says so and lifts the refusal; the operator resumes. It is the
/// store's observer: reports arrive on the writer's thread and are handled as engine turns.
class StoreHealth final : public AcceptanceGate, private StoreObserver
{
    Q_DISABLE_COPY_MOVE(StoreHealth)

public:
    struct Parts
    {
        QObject *engineThread; ///< receives the reports as queued calls (the Engine)
        TurnHost *turns;
        Store *store;
        PauseControl *pause;
        TurnEvents *events;
        AuditTrail *audit;
        DurabilityTracker *durability;
    };
    explicit StoreHealth(const Parts &parts); ///< Not owning any of them.
    ~StoreHealth() override;

    /// Starts listening to the store (and stops in the destructor).
    void attach();
    bool isFailing() const { return m_failing; }
    const Error &failure() const { return m_failure; }

    // AcceptanceGate
    Error refusal() const override;

    static const QString kActor; ///< "store": who paused the scheduler

private:
    // StoreObserver (writer thread)
    void committed(quint64 seq) override;
    void writesFailing(const Error &error) override;
    void writesRecovered(qint64 failedForMs) override;

    void onFailing(const Error &error);
    void onRecovered(qint64 failedForMs);
    template<typename Fn>
    void post(Fn fn);

    Parts m_p;
    QObject *m_target; ///< Not owning.
    Error m_failure;
    bool m_failing = false;
    bool m_attached = false;
};

} // namespace Yard
