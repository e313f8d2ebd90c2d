// SPDX-License-Identifier: GPL-3.0-or-later
#include "namepool.h"

#include <QMutex>

namespace Yard {

NamePool::NamePool()
    : m_mutex(new QMutex)
{}

NamePool::~NamePool()
{
    for (auto &chunk : m_chunks)
        delete[] chunk.load(std::memory_order_relaxed);
    delete m_mutex;
}

NamePool &NamePool::lanes()
{
    static NamePool *pool = new NamePool; // immortal: views of its names may outlive statics
    return *pool;
}

NamePool &NamePool::handlers()
{
    static NamePool *pool = new NamePool;
    return *pool;
}

quint16 NamePool::intern(const QString &name)
{
    if (name.isEmpty())
        return kNone;
    QMutexLocker locker(m_mutex);
    const auto known = m_ids.constFind(name);
    if (known != m_ids.cend())
        return *known;
    const int count = m_count.load(std::memory_order_relaxed);
    if (count >= kChunks * kChunkSize - 1)
        return kNone;
    QString *chunk = m_chunks[count >> kChunkBits].load(std::memory_order_relaxed);
    if (!chunk) {
        chunk = new QString[kChunkSize];
        m_chunks[count >> kChunkBits].store(chunk, std::memory_order_release);
    }
    // A deep copy of its own, so the pool never shares a buffer with a caller.
    chunk[count & (kChunkSize - 1)] = QString(name.constData(), name.size());
    m_ids.insert(chunk[count & (kChunkSize - 1)], quint16(count));
    m_count.store(count + 1, std::memory_order_release);
    return quint16(count);
}

QString NamePool::name(quint16 id) const
{
    if (id == kNone || id >= m_count.load(std::memory_order_acquire))
        return {};
    const QString &s = m_chunks[id >> kChunkBits].load(std::memory_order_acquire)[id & (kChunkSize - 1)];
    return QString::fromRawData(s.constData(), s.size());
}

} // namespace Yard
