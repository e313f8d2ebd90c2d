// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>

#include <memory>
#include <vector>

namespace Yard {

class Handler;
class HandlerRegistry;

/// The handler types the engine has seen, as small ids, with their handlers looked up once
/// (SPEC H1). Engine thread only.
///
/// A run names its type once, when it is accepted; starting it then costs an index, not the
/// registry's lock, a string hash and a shared_ptr copy. The table follows the registry: when
/// a handler is added or replaced it looks again, and keeps the replaced handlers alive, since
/// a worker may still be running one.
class HandlerTable final
{
    Q_DISABLE_COPY_MOVE(HandlerTable)

public:
    explicit HandlerTable(const HandlerRegistry *registry);

    /// The id of a handler type, known to the registry or not (an unknown one fails at start).
    quint16 resolve(const QString &type);
    /// The type's name, as a view that needs no reference count (see NamePool).
    const QString &name(quint16 id) const { return m_entries[id].name; }
    /// The handler for an id, or nullptr when none is registered for its type.
    Handler *handler(quint16 id);
    /// Runs of this type may be interrupted for urgent work (unknown types may).
    bool preemptible(quint16 id);
    /// Runs of this type get their session's transcript (SPEC H3).
    bool wantsTranscript(quint16 id);
    int count() const { return int(m_entries.size()); }

private:
    struct Entry
    {
        QString name;
        std::shared_ptr<Handler> handler;
    };
    void refresh();

    const HandlerRegistry *m_registry; ///< Not owning.
    std::vector<Entry> m_entries;      ///< index 0: no type
    std::vector<std::shared_ptr<Handler>> m_retired;
    quint64 m_seenVersion = 0;
    quint16 m_last = 0; ///< the most recent resolve(), tried first
};

} // namespace Yard
