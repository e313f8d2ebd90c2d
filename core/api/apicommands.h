// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "apiprotocol.h"

#include "model/event.h"

#include <QHash>

#include <functional>
#include <QObject>
#include <QSet>

namespace Yard {
struct RunFilter;
struct RunPage;
class Scheduler;
class StoreReader;
} // namespace Yard

namespace Yard::Api {

/// Where replies and subscriptions go: the server's connections, by client id.
class Replier
{
public:
    virtual ~Replier() = default;
    virtual void reply(quint64 client, const QByteArray &bytes) = 0;
    virtual bool subscribe(quint64 client, const EventSubscription &subscription) = 0;
};

/// What serves the API's requests: the engine's commands, or a cluster node's (SPEC X1).
class CommandSet
{
public:
    virtual ~CommandSet() = default;
    /// A batch of requests from one client, in order.
    virtual void handle(quint64 client, const QString &user, const QVector<Request> &batch) = 0;
    /// An event line for subscribers, naming its session by key when known.
    virtual QByteArray eventLine(const Event &e) const = 0;
    /// The key of a session (learnt from events and lists), or empty.
    virtual QString sessionKey(SessionId id) const = 0;
    /// Learns session keys from a batch before it is matched against subscriptions.
    virtual void learnKeys(const EventBatch &events) = 0;
};

/// The API's commands (SPEC I2), each a call into the engine (through the Scheduler, never
/// blocking) or a read on the StoreReader's thread; replies arrive on the server's thread.
/// Operator actions are audited as "api:<user>". See docs/api.md for every command.
class Commands final : public CommandSet
{
    Q_DISABLE_COPY_MOVE(Commands)

public:
    /// `context` lives on the server's thread: replies are delivered there.
    Commands(Scheduler *scheduler, StoreReader *reader, Replier *replier, QObject *context);
    ~Commands();

    /// A batch of requests from one client, in order (submits go to the engine together).
    void handle(quint64 client, const QString &user, const QVector<Request> &batch) override;
    QByteArray eventLine(const Event &e) const override;
    QString sessionKey(SessionId id) const override { return m_sessionKeys.value(id); }
    void learnKeys(const EventBatch &events) override;

    /// Every command name, for errors and docs.
    static QStringList names();

private:
    void dispatch(quint64 client, const QString &user, const Request &r);
    void submitBatch(quint64 client, const QString &user, const QVector<Request> &submits);
    void fail(quint64 client, const QJsonValue &id, const Error &e);
    void ok(quint64 client, const QJsonValue &id, const QJsonValue &result);

    void status(quint64 client, const Request &r);
    void sessionsList(quint64 client, const Request &r);
    void runsList(quint64 client, const Request &r);
    void runsAct(quint64 client, const QString &user, const Request &r, const QString &action);
    void jobsAct(quint64 client, const QString &user, const Request &r, const QString &action);
    void lanes(quint64 client, const QString &user, const Request &r, bool set);
    void control(quint64 client, const QString &user, const Request &r, const QString &action);
    void taskCreate(quint64 client, const QString &user, const Request &r);
    /// Asks the reader for a page of runs; `answer` runs on this thread.
    void readRuns(const RunFilter &filter, RunId before, int limit, std::function<void(const RunPage &)> answer);

    Scheduler *m_scheduler;
    StoreReader *m_reader;
    Replier *m_replier;
    QObject *m_context;
    QHash<SessionId, QString> m_sessionKeys;
    QHash<quint64, std::function<void(const RunPage &)>> m_pendingRuns;
};

} // namespace Yard::Api
