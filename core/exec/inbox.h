// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QMutex>
#include <QString>

#include <atomic>
#include <vector>

class QObject;

namespace Yard {

class RunTicket;

/// One report from a worker to the engine.
struct InboxItem
{
    enum class Kind : quint8 { Finished, Progress, Log, StateSaved, Heartbeat };
    RunTicket *ticket = nullptr;
    qint64 runId = 0;
    Kind kind = Kind::Finished;
    double fraction = 0;
    QString text;
    QByteArray data;
};

/// Worker -> engine channel. Workers append under a short lock; the engine takes everything at
/// once. Only the empty -> non-empty transition posts an event to the engine, so a busy engine
/// receives one wake-up per batch, never one per run. Never blocks on the engine.
class Inbox final
{
    Q_DISABLE_COPY_MOVE(Inbox)

public:
    /// `target` receives a QEvent of type eventType() when items arrive.
    explicit Inbox(QObject *target);

    void push(InboxItem &&item);
    /// Appends several items under one lock (and at most one wake-up); `items` is emptied.
    void pushAll(std::vector<InboxItem> &items);
    /// Moves every pending item into `out` (which is cleared first).
    void takeAll(std::vector<InboxItem> &out);
    /// The consumer is reading: pushes need not wake it until takeOrEndReading() finds nothing.
    void beginReading();
    /// Like takeAll(); when nothing is pending it ends reading (atomically with the check, so
    /// no push is left without a wake-up) and returns false.
    bool takeOrEndReading(std::vector<InboxItem> &out);
    /// The consumer stops reading before the inbox is empty: it gets one wake-up to come back.
    void endReadingAndWake();
    bool isEmpty() const;
    /// Spins for up to 20 µs; true as soon as an item is there.
    bool waitBriefly() const;

    static int eventType();

private:
    QObject *m_target;
    mutable QMutex m_mutex;
    std::vector<InboxItem> m_items;
    std::atomic<int> m_count{0};
    bool m_posted = false;
    bool m_reading = false;
};

} // namespace Yard
