// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "model/errors.h"
#include "model/session.h"

#include <QHash>

#include <list>
#include <unordered_map>

namespace Yard {

class Clock;
class Store;

/// What a new session starts with. Every field is optional but the key.
struct SessionSpec
{
    QString key;
    QString agent;
    QString workspace;
    QString channel;
    QString type;
    QStringList capabilities;
    QString lane;
    QueueConfigOverride queueOverride;
    SessionState state = SessionState::Active;
    bool prompting = false;
    bool claims = false; ///< claims a task when woken (Session::claims)
};

/// A session with its transcript, as held in the cache.
struct CachedSession
{
    Session session;
    MessageList messages;
    TimeMs lastAccess = 0;
};

/// Write-through LRU cache of sessions with their messages (SPEC S2, seed 000).
///
/// Every session's metadata is indexed in memory (it is small and the scheduler needs it for all
/// sessions); transcripts are cached for at most capacity() sessions. A hit refreshes the last
/// access; a miss loads the session and its messages from the store; eviction drops the least
/// recently used. Writes go to the store first, then to the cache. Engine thread only.
class SessionManager final
{
    Q_DISABLE_COPY_MOVE(SessionManager)

public:
    SessionManager(Store *store, const Clock *clock, int capacity = 100);

    /// Seeds the metadata index and id counters at start.
    void restore(const QVector<Session> &sessions, SessionId maxSessionId, MessageId maxMessageId);

    Expected<Session> create(const SessionSpec &spec);
    /// Cache hit refreshes; miss loads session + messages. session_not_found if absent.
    Expected<CachedSession *> get(SessionId id);
    /// Returns the session with that key, creating it from `spec` when absent.
    Expected<CachedSession *> getOrCreate(const SessionSpec &spec);
    /// Appends one message; session_closed for closed sessions.
    Expected<Message> addMessage(SessionId id, const QString &role, const QString &content,
                                 const QByteArray &metadataJson = {});
    Expected<MessageList> messages(SessionId id);
    /// Replaces the whole transcript in one transaction.
    Error replaceMessages(SessionId id, MessageList messages);
    /// Writes changed metadata (state, queue overrides, lane, …).
    Error update(const Session &session);
    Error remove(SessionId id);
    /// Drops a session from the cache only; it stays in the store.
    void invalidate(SessionId id);
    /// Drops every cached transcript.
    void clear();
    /// Number of cached sessions (with transcripts).
    int size() const { return int(m_cache.size()); }
    int capacity() const { return m_capacity; }
    void setCapacity(int capacity);
    bool isCached(SessionId id) const { return m_cache.count(id) != 0; }

    /// Metadata of any session, cached or not; nullptr if unknown.
    const Session *find(SessionId id) const;
    const Session *findByKey(const QString &key) const;
    /// Every known session id, in creation order.
    QVector<SessionId> ids() const;
    int sessionCount() const { return int(m_index.size()); }

private:
    using LruList = std::list<SessionId>;
    struct Entry
    {
        CachedSession data;
        LruList::iterator lru;
    };

    CachedSession *insertCached(Session session, MessageList messages);
    void touch(Entry &entry);
    void evictOverflow();

    Store *m_store;
    const Clock *m_clock;
    int m_capacity;
    // Node-based maps: pointers handed out stay valid until that session is dropped.
    std::unordered_map<SessionId, Entry> m_cache;
    LruList m_lru; ///< front = most recently used
    std::unordered_map<SessionId, Session> m_index;
    QHash<QString, SessionId> m_keys;
    SessionId m_lastSessionId = 0;
    MessageId m_lastMessageId = 0;
};

} // namespace Yard
