// SPDX-License-Identifier: GPL-3.0-or-later
#include "handlertable.h"

#include "exec/handlerregistry.h"
#include "model/namepool.h"

namespace Yard {

HandlerTable::HandlerTable(const HandlerRegistry *registry)
    : m_registry(registry)
{
    m_entries.push_back(Entry{});
    m_seenVersion = m_registry->version();
}

quint16 HandlerTable::resolve(const QString &type)
{
    if (type.isEmpty())
        return 0;
    if (m_last != 0 && m_entries[m_last].name == type)
        return m_last;
    // A short scan: a scheduler knows a handful of types, and comparing short strings is far
    // cheaper than Qt's seeded string hash.
    for (size_t i = 1; i < m_entries.size(); ++i) {
        if (m_entries[i].name == type) {
            m_last = quint16(i);
            return m_last;
        }
    }
    if (m_entries.size() >= 0xFFFF)
        return 0;
    const quint16 pooled = NamePool::handlers().intern(type);
    m_entries.push_back(Entry{NamePool::handlers().name(pooled), m_registry->find(type)});
    m_last = quint16(m_entries.size() - 1);
    return m_last;
}

Handler *HandlerTable::handler(quint16 id)
{
    if (m_registry->version() != m_seenVersion)
        refresh();
    return id < m_entries.size() ? m_entries[id].handler.get() : nullptr;
}

void HandlerTable::refresh()
{
    m_seenVersion = m_registry->version();
    for (size_t i = 1; i < m_entries.size(); ++i) {
        std::shared_ptr<Handler> now = m_registry->find(m_entries[i].name);
        if (now == m_entries[i].handler)
            continue;
        if (m_entries[i].handler)
            m_retired.push_back(std::move(m_entries[i].handler));
        m_entries[i].handler = std::move(now);
    }
}

bool HandlerTable::preemptible(quint16 id)
{
    const Handler *h = handler(id);
    return !h || h->preemptible();
}

bool HandlerTable::wantsTranscript(quint16 id)
{
    const Handler *h = handler(id);
    return h && h->wantsTranscript();
}

} // namespace Yard
