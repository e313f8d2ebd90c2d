// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QJsonObject>
#include <QJsonValue>
#include <QLocalSocket>
#include <QString>

#include <deque>

namespace Yard::Ctl {

/// What a request came back with: a result, an error from the server (code and message), or
/// a lost connection.
struct Reply
{
    bool ok = false;
    bool connectionLost = false;
    QJsonValue result;
    QString code;    ///< the S3 code when the server refused
    QString message; ///< its words, or why the connection failed
};

/// A blocking client of the local API: yardctl needs no event loop. Replies are matched to
/// requests by id; event lines that arrive meanwhile are kept for nextEvent().
class Client
{
public:
    /// Connects to the socket `name` (see ApiServer::socketPath). False: error() says why.
    bool connectTo(const QString &name, int timeoutMs = 3000);
    QString path() const { return m_path; }
    QString error() const { return m_error; }

    /// Sends one request and waits for its reply (at most `timeoutMs`).
    Reply request(const QString &command, QJsonObject params = {}, int timeoutMs = 60'000);
    /// The next event of a subscription; false when the connection closed or `timeoutMs`
    /// (negative: forever) passed.
    bool nextEvent(QJsonObject *event, int timeoutMs, bool *closed);

private:
    bool readLine(QJsonObject *line, int timeoutMs, bool *closed);

    QLocalSocket m_socket;
    QString m_path;
    QString m_error;
    QByteArray m_in;
    qint64 m_nextId = 1;
    std::deque<QJsonObject> m_events;
};

} // namespace Yard::Ctl
