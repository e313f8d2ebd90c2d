// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "model/ids.h"

#include <QSet>
#include <QVector>

#include <vector>

namespace Yard {

class SessionQueue;

/// Which sessions changed since the last snapshot, so a snapshot lists only those (SPEC E3).
/// A live queue is marked by a flag on the queue (no hashing per run); other sessions by id.
class SessionChanges final
{
    Q_DISABLE_COPY_MOVE(SessionChanges)

public:
    SessionChanges() = default;

    void mark(SessionId id) { m_ids.insert(id); }
    void mark(SessionQueue *queue);
    void removed(SessionId id) { m_removed.append(id); }

    /// Every changed session id, once, and clears the marks (queues' flags included).
    /// `queueOf(id)` finds a live queue or returns nullptr.
    template<typename QueueOf>
    QSet<SessionId> take(QueueOf queueOf);
    QVector<SessionId> takeRemoved()
    {
        QVector<SessionId> list;
        list.swap(m_removed);
        return list;
    }

private:
    QSet<SessionId> m_ids;
    std::vector<SessionId> m_queues; ///< live queues flagged dirty
    QVector<SessionId> m_removed;
};

} // namespace Yard

#include "sessionqueue.h"

namespace Yard {

inline void SessionChanges::mark(SessionQueue *queue)
{
    if (queue->isDirty())
        return;
    queue->setDirty(true);
    m_queues.push_back(queue->id());
}

template<typename QueueOf>
QSet<SessionId> SessionChanges::take(QueueOf queueOf)
{
    QSet<SessionId> ids;
    ids.swap(m_ids);
    for (SessionId id : m_queues) {
        ids.insert(id);
        if (SessionQueue *q = queueOf(id))
            q->setDirty(false);
    }
    m_queues.clear();
    return ids;
}

} // namespace Yard
