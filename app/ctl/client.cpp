// SPDX-License-Identifier: GPL-3.0-or-later
#include "client.h"

#include "api/apiserver.h"

#include <QDeadlineTimer>
#include <QJsonDocument>

using namespace Qt::StringLiterals;

namespace Yard::Ctl {

bool Client::connectTo(const QString &name, int timeoutMs)
{
    m_path = ApiServer::socketPath(name);
    m_socket.connectToServer(m_path);
    if (m_socket.waitForConnected(timeoutMs))
        return true;
    m_error = u"cannot connect to Yardmaster at %1: %2\n"
              "Is it running? Start one with 'yardmaster --headless', or name its socket with --socket."_s
                  .arg(m_path, m_socket.errorString());
    return false;
}

bool Client::readLine(QJsonObject *line, int timeoutMs, bool *closed)
{
    QDeadlineTimer deadline(timeoutMs < 0 ? QDeadlineTimer::Forever : QDeadlineTimer(timeoutMs));
    *closed = false;
    for (;;) {
        const qsizetype nl = m_in.indexOf('\n');
        if (nl >= 0) {
            const QByteArray bytes = m_in.left(nl);
            m_in.remove(0, nl + 1);
            QJsonParseError error;
            const QJsonDocument doc = QJsonDocument::fromJson(bytes, &error);
            if (!doc.isObject())
                continue; // not ours to judge: a newer server may say more
            *line = doc.object();
            return true;
        }
        if (m_socket.state() != QLocalSocket::ConnectedState && m_socket.bytesAvailable() == 0) {
            *closed = true;
            return false;
        }
        if (deadline.hasExpired())
            return false;
        if (m_socket.bytesAvailable() == 0 && !m_socket.waitForReadyRead(int(qMin<qint64>(deadline.remainingTime(), 1000)))
            && m_socket.state() != QLocalSocket::ConnectedState) {
            *closed = true;
            return false;
        }
        m_in += m_socket.readAll();
    }
}

Reply Client::request(const QString &command, QJsonObject params, int timeoutMs)
{
    const qint64 id = m_nextId++;
    params.insert(u"id"_s, id);
    params.insert(u"command"_s, command);
    m_socket.write(QJsonDocument(params).toJson(QJsonDocument::Compact) + '\n');
    m_socket.flush();
    Reply r;
    QDeadlineTimer deadline(timeoutMs);
    for (;;) {
        QJsonObject line;
        bool closed = false;
        if (!readLine(&line, int(qMax<qint64>(deadline.remainingTime(), 0)), &closed)) {
            r.connectionLost = true;
            r.message = closed ? u"the connection to %1 was lost"_s.arg(m_path)
                               : u"no answer from %1 within %2 s"_s.arg(m_path).arg(timeoutMs / 1000);
            return r;
        }
        if (line.contains(u"event"_s) && !line.contains(u"id"_s)) {
            m_events.push_back(line.value(u"event"_s).toObject());
            continue;
        }
        if (line.value(u"id"_s).toInteger() != id)
            continue;
        r.ok = line.value(u"ok"_s).toBool();
        r.result = line.value(u"result"_s);
        const QJsonObject error = line.value(u"error"_s).toObject();
        r.code = error.value(u"code"_s).toString();
        r.message = error.value(u"message"_s).toString();
        return r;
    }
}

bool Client::nextEvent(QJsonObject *event, int timeoutMs, bool *closed)
{
    *closed = false;
    if (!m_events.empty()) {
        *event = m_events.front();
        m_events.pop_front();
        return true;
    }
    QDeadlineTimer deadline(timeoutMs < 0 ? QDeadlineTimer::Forever : QDeadlineTimer(timeoutMs));
    for (;;) {
        QJsonObject line;
        if (!readLine(&line, timeoutMs < 0 ? -1 : int(qMax<qint64>(deadline.remainingTime(), 0)), closed))
            return false;
        if (line.contains(u"event"_s) && !line.contains(u"id"_s)) {
            *event = line.value(u"event"_s).toObject();
            return true;
        }
    }
}

} // namespace Yard::Ctl
