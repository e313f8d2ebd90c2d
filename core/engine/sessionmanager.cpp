// SPDX-License-Identifier: GPL-3.0-or-later
#include "sessionmanager.h"

#include "clock.h"
#include "store/store.h"

#include <algorithm>

using namespace Qt::StringLiterals;

namespace Yard {

SessionManager::SessionManager(Store *store, const Clock *clock, int capacity)
    : m_store(store)
    , m_clock(clock)
    , m_capacity(qMax(1, capacity))
{}

void SessionManager::restore(const QVector<Session> &sessions, SessionId maxSessionId,
                             MessageId maxMessageId)
{
    m_index.clear();
    m_keys.clear();
    clear();
    for (const Session &s : sessions) {
        m_index.insert_or_assign(s.id, s);
        m_keys.insert(s.key, s.id);
    }
    m_lastSessionId = qMax(m_lastSessionId, maxSessionId);
    m_lastMessageId = qMax(m_lastMessageId, maxMessageId);
}

Expected<Session> SessionManager::create(const SessionSpec &spec)
{
    const QString key = spec.key.trimmed();
    if (key.isEmpty())
        return Error::make(ErrorCode::InvalidRequest, u"a session needs a non-empty key"_s);
    if (m_keys.contains(key))
        return Error::make(ErrorCode::InvalidRequest, u"a session with key \"%1\" already exists"_s.arg(key));
    Session s;
    s.id = ++m_lastSessionId;
    s.key = key;
    s.agent = spec.agent;
    s.workspace = spec.workspace;
    s.channel = spec.channel;
    s.type = spec.type;
    s.capabilities = spec.capabilities;
    s.lane = spec.lane;
    s.state = spec.state == SessionState::Closed ? SessionState::Active : spec.state;
    s.prompting = spec.prompting;
    s.claims = spec.claims;
    s.queueOverride = spec.queueOverride;
    s.createdAt = s.lastActivityAt = m_clock->now();
    m_store->append(SessionUpsert{s});
    m_index.insert_or_assign(s.id, s);
    m_keys.insert(s.key, s.id);
    insertCached(s, {});
    return s;
}

Expected<CachedSession *> SessionManager::get(SessionId id)
{
    auto it = m_cache.find(id);
    if (it != m_cache.end()) {
        touch(it->second);
        return &it->second.data;
    }
    std::optional<Session> session = m_store->loadSession(id);
    if (!session) {
        // The index may know a session whose row is still in flight (in-memory stores).
        auto known = m_index.find(id);
        if (known == m_index.end())
            return Errors::sessionNotFound(id);
        session = known->second;
    }
    Expected<MessageList> messages = m_store->loadMessages(id);
    if (!messages)
        return messages.error();
    m_index.insert_or_assign(id, *session);
    m_keys.insert(session->key, id);
    return insertCached(*session, std::move(messages).value());
}

Expected<CachedSession *> SessionManager::getOrCreate(const SessionSpec &spec)
{
    if (const Session *s = findByKey(spec.key.trimmed()))
        return get(s->id);
    Expected<Session> created = create(spec);
    if (!created)
        return created.error();
    return get(created->id);
}

Expected<Message> SessionManager::addMessage(SessionId id, const QString &role,
                                             const QString &content, const QByteArray &metadataJson)
{
    // The metadata index is enough to append: a session whose transcript is not cached is not
    // loaded for it (that would wait on the store for every message once more sessions are
    // active than the cache holds). A cached transcript gets the message too.
    auto known = m_index.find(id);
    if (known == m_index.end()) {
        Expected<CachedSession *> loaded = get(id); // created by another process, perhaps
        if (!loaded)
            return loaded.error();
        known = m_index.find(id);
    }
    const Session &current = known->second;
    if (current.state == SessionState::Closed)
        return Error::make(ErrorCode::SessionClosed, u"session \"%1\" is closed"_s.arg(current.key));
    Message m;
    m.id = ++m_lastMessageId;
    m.sessionId = id;
    m.role = role;
    m.content = content;
    m.metadataJson = metadataJson;
    m.createdAt = m_clock->now();

    Session updated = current;
    updated.transcriptChars += content.size();
    updated.lastActivityAt = m.createdAt;
    m_store->append(MessageInsert{m});
    m_store->append(SessionUpsert{updated});
    m_index.insert_or_assign(id, updated);
    if (auto cached = m_cache.find(id); cached != m_cache.end()) {
        cached->second.data.session = updated;
        cached->second.data.messages.append(m);
        touch(cached->second);
    }
    return m;
}

Expected<MessageList> SessionManager::messages(SessionId id)
{
    Expected<CachedSession *> cached = get(id);
    if (!cached)
        return cached.error();
    return cached.value()->messages;
}

Error SessionManager::replaceMessages(SessionId id, MessageList messages)
{
    Expected<CachedSession *> cached = get(id);
    if (!cached)
        return cached.error();
    qint64 chars = 0;
    for (Message &m : messages) {
        if (m.id <= 0)
            m.id = ++m_lastMessageId;
        else
            m_lastMessageId = qMax(m_lastMessageId, m.id);
        m.sessionId = id;
        if (m.createdAt == 0)
            m.createdAt = m_clock->now();
        chars += m.content.size();
    }
    CachedSession *c = cached.value();
    Session updated = c->session;
    updated.transcriptChars = chars;
    updated.lastActivityAt = m_clock->now();
    m_store->append(MessagesReplace{id, messages});
    m_store->append(SessionUpsert{updated});
    c->session = updated;
    c->messages = std::move(messages);
    m_index.insert_or_assign(id, updated);
    return {};
}

Error SessionManager::update(const Session &session)
{
    auto it = m_index.find(session.id);
    if (it == m_index.end())
        return Errors::sessionNotFound(session.id);
    m_store->append(SessionUpsert{session});
    if (it->second.key != session.key) {
        m_keys.remove(it->second.key);
        m_keys.insert(session.key, session.id);
    }
    it->second = session;
    auto cached = m_cache.find(session.id);
    if (cached != m_cache.end())
        cached->second.data.session = session;
    return {};
}

Error SessionManager::remove(SessionId id)
{
    auto it = m_index.find(id);
    if (it == m_index.end())
        return Errors::sessionNotFound(id);
    m_store->append(SessionDelete{id});
    m_keys.remove(it->second.key);
    m_index.erase(it);
    invalidate(id);
    return {};
}

void SessionManager::invalidate(SessionId id)
{
    auto it = m_cache.find(id);
    if (it == m_cache.end())
        return;
    m_lru.erase(it->second.lru);
    m_cache.erase(it);
}

void SessionManager::clear()
{
    m_cache.clear();
    m_lru.clear();
}

void SessionManager::setCapacity(int capacity)
{
    m_capacity = qMax(1, capacity);
    evictOverflow();
}

const Session *SessionManager::find(SessionId id) const
{
    auto it = m_index.find(id);
    return it == m_index.end() ? nullptr : &it->second;
}

const Session *SessionManager::findByKey(const QString &key) const
{
    auto it = m_keys.constFind(key);
    return it == m_keys.cend() ? nullptr : find(*it);
}

QVector<SessionId> SessionManager::ids() const
{
    QVector<SessionId> list;
    list.reserve(qsizetype(m_index.size()));
    for (const auto &[id, session] : m_index)
        list.append(id);
    std::sort(list.begin(), list.end());
    return list;
}

CachedSession *SessionManager::insertCached(Session session, MessageList messages)
{
    const SessionId id = session.id;
    invalidate(id);
    m_lru.push_front(id);
    Entry &e = m_cache[id];
    e.data.session = std::move(session);
    e.data.messages = std::move(messages);
    e.data.lastAccess = m_clock->now();
    e.lru = m_lru.begin();
    evictOverflow();
    return &e.data;
}

void SessionManager::touch(Entry &entry)
{
    entry.data.lastAccess = m_clock->now();
    m_lru.splice(m_lru.begin(), m_lru, entry.lru);
}

void SessionManager::evictOverflow()
{
    while (int(m_cache.size()) > m_capacity) {
        const SessionId victim = m_lru.back();
        m_lru.pop_back();
        m_cache.erase(victim);
    }
}

} // namespace Yard
