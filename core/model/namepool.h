// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QHash>
#include <QString>

#include <atomic>

class QMutex;

namespace Yard {

/// A process-wide, append-only pool of short names (lanes, handler types) as small ids.
///
/// A name, once interned, lives until the process ends. That is what lets name() return a view
/// that crosses threads without reference counting: copying a shared QString costs an atomic
/// increment on a cache line every thread touches, and that bounced between the engine and the
/// workers on every run. Interning takes a lock; name() takes none.
class NamePool final
{
    Q_DISABLE_COPY_MOVE(NamePool)

public:
    static constexpr quint16 kNone = 0;

    NamePool();
    /// Only pools of one's own (tests) are ever destroyed: lanes() and handlers() live forever.
    ~NamePool();

    /// Lane names (events carry them as ids).
    static NamePool &lanes();
    /// Handler types.
    static NamePool &handlers();

    /// The id of `name`, interning it on first use; kNone for an empty name or a full pool.
    quint16 intern(const QString &name);
    /// A view of the interned name (no reference count; valid for the life of the process);
    /// empty for kNone or an unknown id.
    QString name(quint16 id) const;

private:
    static constexpr int kChunkBits = 8;
    static constexpr int kChunkSize = 1 << kChunkBits;
    static constexpr int kChunks = 256;

    QMutex *m_mutex; ///< Owning.
    QHash<QString, quint16> m_ids; ///< guarded by m_mutex
    std::atomic<QString *> m_chunks[kChunks] = {};
    std::atomic<int> m_count{1}; ///< id 0 is "none"
};

} // namespace Yard
