// SPDX-License-Identifier: GPL-3.0-or-later
#include "store.h"

namespace Yard {

quint64 Store::commitAsync()
{
    if (m_buffer.empty())
        return m_seq;
    MutationBatch batch;
    batch.swap(m_buffer);
    submit(std::move(batch), ++m_seq);
    return m_seq;
}

void Store::setObserver(StoreObserver *observer)
{
    QMutexLocker locker(&m_observerMutex);
    m_observer = observer;
}

void Store::notifyCommitted(quint64 seq)
{
    QMutexLocker locker(&m_observerMutex);
    if (m_observer)
        m_observer->committed(seq);
}

void Store::notifyWritesFailing(const Error &error)
{
    QMutexLocker locker(&m_observerMutex);
    if (m_observer)
        m_observer->writesFailing(error);
}

void Store::notifyWritesRecovered(qint64 failedForMs)
{
    QMutexLocker locker(&m_observerMutex);
    if (m_observer)
        m_observer->writesRecovered(failedForMs);
}

const QString Store::kReservedRunIdsKey = QStringLiteral("ids.runs.reserved");

Expected<RunId> Store::reserveRunIds(qint64 count)
{
    const RunId first = m_lastRunId + 1;
    m_lastRunId += qMax<qint64>(1, count);
    append(SettingSet{kReservedRunIdsKey, QString::number(m_lastRunId)});
    return first;
}

void Store::noteHighestRunId(const StoredState &state)
{
    noteHighestRunId(state.maxRunId);
    noteHighestRunId(state.settings.value(kReservedRunIdsKey).toLongLong());
}

} // namespace Yard
