// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "ids.h"
#include "queueconfig.h"

#include <QByteArray>
#include <QMetaType>
#include <QString>
#include <QStringList>
#include <QVector>

namespace Yard {

enum class SessionState : quint8 { Active, Idle, Closed };

QString sessionStateName(SessionState state);
std::optional<SessionState> sessionStateFromName(QStringView name);

/// A durable agent session (SPEC S1).
struct Session
{
    SessionId id = 0;
    QString key;       ///< unique, operator-visible name
    QString agent;     ///< agent name; selects the context window for the throttle
    QString workspace; ///< empty = global
    QString channel;
    QString type;
    SessionState state = SessionState::Active;
    bool prompting = false;
    QStringList capabilities;
    TimeMs createdAt = 0;
    TimeMs lastActivityAt = 0;
    QueueConfigOverride queueOverride; ///< per-session queue-config overrides
    QString lane;                      ///< default lane for the session's runs; empty = main
    qint64 transcriptChars = 0;        ///< running total, feeds the default token estimate
    bool paused = false;               ///< operator paused this session's queue (SPEC D7)
    /// Cancel-all's stale cutoff (SPEC Q9): messages sent before it are stale; 0 = none. Kept
    /// with the session so it survives the queue's eviction and a restart.
    TimeMs staleCutoff = 0;
    /// An agent session that claims a task when the cycle wakes it (SPEC D3): what an agent
    /// would do through the claim API, done in process for the demo, spawned sessions and the
    /// simulator. Other sessions are woken and claim for themselves.
    bool claims = false;
};

/// One durable transcript message, ordered per session by id.
struct Message
{
    MessageId id = 0;
    SessionId sessionId = 0;
    QString role; ///< "user", "assistant", "system", "tool"
    QString content;
    QByteArray metadataJson; ///< a JSON object, compact; empty = {}
    TimeMs createdAt = 0;
};

using MessageList = QVector<Message>;

} // namespace Yard

Q_DECLARE_METATYPE(Yard::Session)
Q_DECLARE_METATYPE(Yard::Message)
