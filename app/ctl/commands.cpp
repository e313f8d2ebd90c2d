// SPDX-License-Identifier: GPL-3.0-or-later
// yardctl's commands (SPEC I3): each one request (or a few) to the local API, printed as a table
// for people or as JSON for scripts. See docs/api.md for the requests themselves.
#include "commands.h"

#include "client.h"
#include "table.h"

#include <QElapsedTimer>
#include <QThread>

#include "model/priority.h"
#include "model/runstate.h"

#include <QDateTime>
#include <QDeadlineTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QTextStream>

#include <cstdio>

#include <unistd.h>

using namespace Qt::StringLiterals;

namespace Yard::Ctl {

namespace {

void out(const QString &text)
{
    std::fputs(text.toUtf8().constData(), stdout);
    std::fflush(stdout);
}

void err(const QString &text)
{
    std::fputs(text.toUtf8().constData(), stderr);
}

QString compact(const QJsonValue &v)
{
    if (v.isObject())
        return QString::fromUtf8(QJsonDocument(v.toObject()).toJson(QJsonDocument::Compact));
    if (v.isArray())
        return QString::fromUtf8(QJsonDocument(v.toArray()).toJson(QJsonDocument::Compact));
    return v.toVariant().toString();
}

/// An ISO time from the server, in this machine's zone: "14:03:07" today, else "12-04 14:03".
QString when(const QJsonValue &iso)
{
    if (!iso.isString() || iso.toString().isEmpty())
        return u"–"_s;
    const QDateTime t = QDateTime::fromString(iso.toString(), Qt::ISODateWithMs).toLocalTime();
    if (!t.isValid())
        return iso.toString();
    return t.date() == QDate::currentDate() ? t.toString(u"HH:mm:ss"_s) : t.toString(u"MM-dd HH:mm"_s);
}

QString took(const QJsonValue &from, const QJsonValue &to)
{
    if (!from.isString() || !to.isString())
        return QString();
    const qint64 ms = QDateTime::fromString(from.toString(), Qt::ISODateWithMs)
                          .msecsTo(QDateTime::fromString(to.toString(), Qt::ISODateWithMs));
    if (ms < 1000)
        return u"%1 ms"_s.arg(ms);
    if (ms < 60'000)
        return u"%1 s"_s.arg(double(ms) / 1000.0, 0, 'f', 1);
    return u"%1 min"_s.arg(double(ms) / 60'000.0, 0, 'f', 1);
}

QString yesNo(const QJsonValue &v)
{
    return v.toBool() ? u"yes"_s : u"no"_s;
}

QString num(const QJsonValue &v)
{
    return QString::number(v.toInteger());
}

/// Connects, runs `fn`, and maps what went wrong to the documented exit codes.
int withServer(Invocation &inv, const std::function<int(Client &)> &fn)
{
    Client client;
    if (!client.connectTo(inv.socket)) {
        err(u"yardctl: "_s + client.error() + u'\n');
        return ExitNoConnect;
    }
    return fn(client);
}

/// A reply: JSON for --json, else `human(result)`; errors on stderr with their exit code.
int show(const Invocation &inv, const Reply &r, const std::function<void(const QJsonObject &)> &human)
{
    if (r.connectionLost) {
        err(u"yardctl: "_s + r.message + u'\n');
        return ExitNoConnect;
    }
    if (!r.ok) {
        err(u"yardctl: %1 (%2)\n"_s.arg(r.message, r.code));
        return ExitServer;
    }
    if (inv.json)
        out(compact(r.result) + u'\n');
    else
        human(r.result.toObject());
    return ExitOk;
}

int call(Invocation &inv, const QString &command, const QJsonObject &params,
         const std::function<void(const QJsonObject &)> &human)
{
    return withServer(inv, [&](Client &c) { return show(inv, c.request(command, params), human); });
}

std::optional<QString> checkPriority(const Invocation &inv, QString *error)
{
    const QString p = inv.value(u"priority"_s);
    if (!p.isEmpty() && !priorityFromName(p)) {
        *error = u"--priority must be interactive, urgent, high, normal or low, not \"%1\""_s.arg(p);
        return std::nullopt;
    }
    return p;
}

/// --payload JSON (an object), or "@FILE" to read it from a file.
std::optional<QJsonObject> payloadOption(const Invocation &inv, const QString &name, QString *error)
{
    if (!inv.has(name))
        return QJsonObject();
    QByteArray bytes = inv.value(name).toUtf8();
    if (bytes.startsWith('@')) {
        QFile f(QString::fromUtf8(bytes.mid(1)));
        if (!f.open(QIODevice::ReadOnly)) {
            *error = u"--%1: cannot read %2: %3"_s.arg(name, f.fileName(), f.errorString());
            return std::nullopt;
        }
        bytes = f.readAll();
    }
    QJsonParseError pe;
    const QJsonDocument doc = QJsonDocument::fromJson(bytes, &pe);
    if (pe.error != QJsonParseError::NoError || !doc.isObject()) {
        *error = pe.error != QJsonParseError::NoError
                     ? u"--%1 is not valid JSON: %2 at byte %3"_s.arg(name, pe.errorString()).arg(pe.offset)
                     : u"--%1 must be a JSON object, like '{\"steps\": 3}'"_s.arg(name);
        return std::nullopt;
    }
    return doc.object();
}

/// A duration like "90" (seconds), "90s", "5m", "2h", "1d" or "250ms", in milliseconds.
std::optional<qint64> duration(const QString &text)
{
    static const QRegularExpression re(u"^(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|min|h|d)?$"_s);
    const QRegularExpressionMatch m = re.match(text.trimmed());
    if (!m.hasMatch())
        return std::nullopt;
    static const QHash<QString, qint64> kUnits{{u"ms"_s, 1},          {u"s"_s, 1000},         {QString(), 1000},
                                               {u"m"_s, 60'000},      {u"min"_s, 60'000},     {u"h"_s, 3'600'000},
                                               {u"d"_s, 86'400'000}};
    return qint64(m.captured(1).toDouble() * double(kUnits.value(m.captured(2))));
}

// Filters ---------------------------------------------------------------------------------------

const QStringList kRunFilterKeys{u"state"_s, u"session"_s, u"lane"_s,          u"type"_s,          u"priority"_s,
                                 u"job"_s,   u"text"_s,    u"created_after"_s, u"created_before"_s};
const QStringList kAttentionFilterKeys{u"capability"_s, u"workspace"_s, u"text"_s};
const QStringList kEventFilterKeys{u"type"_s, u"prefix"_s, u"session"_s, u"run"_s};

/// --filter KEY=VALUE (repeatable) as the API's filter object; an error names a bad key.
std::optional<QJsonObject> filterOption(const Invocation &inv, const QStringList &keys, QString *error)
{
    QJsonObject f;
    for (const QString &item : inv.all(u"filter"_s)) {
        for (const QString &pair : item.split(u' ', Qt::SkipEmptyParts)) {
            const qsizetype eq = pair.indexOf(u'=');
            const QString key = pair.left(eq).trimmed();
            const QString value = eq < 0 ? QString() : pair.mid(eq + 1).trimmed();
            if (eq < 0 || !keys.contains(key) || value.isEmpty()) {
                *error = eq < 0 || value.isEmpty()
                             ? u"--filter takes KEY=VALUE, like state=failed, not \"%1\""_s.arg(pair)
                             : u"--filter: unknown key \"%1\" (known: %2)"_s.arg(key, keys.join(u", "_s));
                return std::nullopt;
            }
            if (key == u"state") {
                for (const QString &s : value.split(u',', Qt::SkipEmptyParts)) {
                    if (!runStateFromName(s)) {
                        *error = u"--filter: unknown run state \"%1\""_s.arg(s);
                        return std::nullopt;
                    }
                }
            }
            if (key == u"job" || key == u"run") {
                bool ok = false;
                const qint64 n = value.toLongLong(&ok);
                if (!ok || n < 1) {
                    *error = u"--filter: %1 must be an id, not \"%2\""_s.arg(key, value);
                    return std::nullopt;
                }
                f.insert(key, n);
            } else if (f.contains(key)) {
                f.insert(key, QString(f.value(key).toString() + u',' + value)); // state=failed state=cancelled
            } else {
                f.insert(key, value);
            }
        }
    }
    return f;
}

// Printing --------------------------------------------------------------------------------------

void printLanes(const QJsonArray &lanes)
{
    Table t({u"lane"_s, u"limit"_s, u"running"_s, u"waiting"_s, u"paused"_s, u"started"_s, u"preempted"_s,
             u"refused"_s, u"grace"_s});
    t.alignRight({1, 2, 3, 5, 6, 7});
    for (const QJsonValue &v : lanes) {
        const QJsonObject l = v.toObject();
        t.add({l[u"name"_s].toString(), num(l[u"limit"_s]), num(l[u"running"_s]), num(l[u"waiting"_s]),
               yesNo(l[u"paused"_s]), num(l[u"started"_s]), num(l[u"preemptions"_s]), num(l[u"preemptions_refused"_s]),
               u"%1 ms"_s.arg(l[u"preempt_grace_ms"_s].toInteger())});
    }
    out(t.render());
}

QString eventText(const QJsonObject &e)
{
    QString line = when(e[u"t"_s]);
    const QDateTime t = QDateTime::fromString(e[u"t"_s].toString(), Qt::ISODateWithMs).toLocalTime();
    if (t.isValid())
        line = t.toString(u"HH:mm:ss.zzz"_s);
    line += u"  "_s + e[u"event"_s].toString().leftJustified(22);
    QStringList parts;
    if (e.contains(u"run"_s))
        parts << u"run %1"_s.arg(e[u"run"_s].toInteger());
    if (e.contains(u"session"_s))
        parts << u"session "_s + e[u"session"_s].toString();
    else if (e.contains(u"session_id"_s))
        parts << u"session #%1"_s.arg(e[u"session_id"_s].toInteger());
    for (const QString &k : {u"lane"_s, u"priority"_s, u"attempt"_s, u"job"_s, u"agent"_s, u"error"_s, u"delay_ms"_s}) {
        if (e.contains(k))
            parts << k + u' ' + e[k].toVariant().toString();
    }
    if (e.contains(u"detail"_s))
        parts << e[u"detail"_s].toString();
    return line + parts.join(u" · "_s) + u'\n';
}

void printNodes(const QJsonArray &nodes)
{
    Table t({u"node"_s, u"name"_s, u"host"_s, u"pid"_s, u"state"_s, u"heartbeat"_s, u"running"_s, u"completed"_s,
             u"refused"_s});
    t.alignRight({0, 3, 5, 6, 7, 8});
    for (const QJsonValue &v : nodes) {
        const QJsonObject n = v.toObject();
        const qint64 age = n[u"heartbeat_age_ms"_s].toInteger();
        const QString state = n[u"state"_s].toString();
        t.add({num(n[u"id"_s]), n[u"name"_s].toString(), n[u"host"_s].toString(), num(n[u"pid"_s]),
               state == u"lost" ? u"NOT HEARTBEATING"_s : state,
               state == u"lost" ? u"last %1"_s.arg(when(n[u"heartbeat_at"_s])) : u"%1 s ago"_s.arg(age / 1000.0, 0, 'f', 1),
               u"%1/%2"_s.arg(n[u"running"_s].toInteger()).arg(n[u"capacity"_s].toInteger()), num(n[u"completed"_s]),
               num(n[u"refused"_s])});
    }
    out(t.render());
}

/// `status` of a cluster node (SPEC X1): the cluster's state, its nodes and lanes over every node.
void printClusterStatus(const QJsonObject &s)
{
    QString state = u"running"_s;
    if (s[u"draining"_s].toBool())
        state = u"DRAINING by %1 since %2: %3"_s.arg(s[u"paused_by"_s].toString(), when(s[u"paused_at"_s]),
                                                    s[u"pause_reason"_s].toString());
    else if (s[u"paused"_s].toBool())
        state = u"PAUSED by %1 since %2: %3"_s.arg(s[u"paused_by"_s].toString(), when(s[u"paused_at"_s]),
                                                  s[u"pause_reason"_s].toString());
    const QJsonArray nodes = s[u"nodes"_s].toArray();
    QString text;
    QTextStream o(&text);
    o << "Cluster          " << state << " (every node)\n";
    o << "Database         " << s[u"database"_s].toString() << " (this is node " << s[u"node"_s].toInteger() << ")\n";
    o << "Nodes            " << s[u"nodes_alive"_s].toInteger() << " heartbeating of " << nodes.size() << '\n';
    o << "Runs             " << s[u"running"_s].toInteger() << " running, " << s[u"queued"_s].toInteger() << " queued\n";
    o << "Needs attention  " << s[u"needs_attention"_s].toInteger() << '\n';
    o << "Completed        " << s[u"counters"_s].toObject()[u"completed"_s].toInteger() << " by the nodes\n\n";
    o.flush();
    out(text);
    printNodes(nodes);
    out(u"\n"_s);
    Table t({u"lane"_s, u"limit"_s, u"running"_s, u"waiting"_s, u"paused"_s});
    t.alignRight({1, 2, 3});
    for (const QJsonValue &v : s[u"lanes"_s].toArray()) {
        const QJsonObject l = v.toObject();
        t.add({l[u"name"_s].toString(), num(l[u"limit"_s]), num(l[u"running"_s]), num(l[u"waiting"_s]),
               yesNo(l[u"paused"_s])});
    }
    out(t.render());
}

// Commands --------------------------------------------------------------------------------------

int nodesList(Invocation &inv)
{
    return call(inv, u"nodes.list"_s, {}, [](const QJsonObject &s) { printNodes(s[u"nodes"_s].toArray()); });
}

int status(Invocation &inv)
{
    return call(inv, u"status"_s, {}, [](const QJsonObject &s) {
        if (s[u"cluster"_s].toBool()) {
            printClusterStatus(s);
            return;
        }
        QString state = u"running"_s;
        if (s[u"store_failing"_s].toBool())
            state = u"PAUSED: the database cannot be written (see the log)"_s;
        else if (s[u"draining"_s].toBool())
            state = u"DRAINING (new work is refused)"_s;
        else if (s[u"paused"_s].toBool())
            state = u"PAUSED by %1 since %2: %3"_s.arg(s[u"paused_by"_s].toString(), when(s[u"paused_at"_s]),
                                                      s[u"pause_reason"_s].toString());
        const QJsonObject c = s[u"counters"_s].toObject();
        const QJsonObject cy = s[u"cycle"_s].toObject();
        QString text;
        QTextStream o(&text);
        o << "Scheduler        " << state << '\n';
        o << "Runs             " << s[u"running"_s].toInteger() << " running, " << s[u"queued"_s].toInteger() << " queued\n";
        o << "Sessions         " << s[u"sessions"_s].toInteger() << '\n';
        o << "Tasks            " << s[u"tasks_waiting"_s].toInteger() << " waiting, " << s[u"tasks_claimed"_s].toInteger()
          << " claimed\n";
        o << "Needs attention  " << s[u"needs_attention"_s].toInteger() << '\n';
        o << "Jobs             " << s[u"jobs"_s].toInteger() << '\n';
        o << "Since start      " << c[u"accepted"_s].toInteger() << " accepted, " << c[u"completed"_s].toInteger()
          << " completed, " << c[u"failed"_s].toInteger() << " failed, " << c[u"cancelled"_s].toInteger()
          << " cancelled, " << c[u"preemptions"_s].toInteger() << " preempted\n";
        o << "Cycles           " << cy[u"cycles"_s].toInteger() << ", every "
          << cy[u"interval_ms"_s].toInteger() / 1000 << " s, last " << when(cy[u"last_at"_s]) << ", "
          << cy[u"wake_succeeded"_s].toInteger() << " wakes, " << cy[u"recovered_leases"_s].toInteger()
          << " leases recovered\n\n";
        o.flush();
        out(text);
        printLanes(s[u"lanes"_s].toArray());
    });
}

int cycles(Invocation &inv)
{
    QString error;
    const auto limit = inv.integer(u"limit"_s, 20, 1, 500, &error);
    if (!limit)
        return Cli::usageError(error, inv.command);
    return call(inv, u"cycles"_s, {{u"limit"_s, *limit}}, [](const QJsonObject &s) {
        Table t({u"cycle"_s, u"at"_s, u"took"_s, u"pending"_s, u"active"_s, u"scanned"_s, u"wakes"_s, u"recovered"_s,
                 u"starved"_s, u"spawns"_s, u"attention"_s, u"note"_s});
        t.alignRight({0, 3, 4, 5, 6, 7, 8, 9, 10});
        for (const QJsonValue &v : s[u"recent"_s].toArray()) {
            const QJsonObject r = v.toObject();
            QString note = r[u"paused"_s].toBool() ? u"paused"_s : QString();
            if (!r[u"error"_s].toString().isEmpty())
                note = r[u"error"_s].toString();
            t.add({num(r[u"cycle"_s]), when(r[u"at"_s]), u"%1 ms"_s.arg(double(r[u"duration_us"_s].toInteger()) / 1000.0, 0, 'f', 1),
                   num(r[u"pending_runs"_s]), num(r[u"active_runs"_s]), num(r[u"sessions_scanned"_s]),
                   u"%1/%2"_s.arg(r[u"wake_succeeded"_s].toInteger()).arg(r[u"wake_attempts"_s].toInteger()),
                   num(r[u"recovered_leases"_s]), num(r[u"starved_runs"_s]), num(r[u"spawn_requested"_s]),
                   num(r[u"needs_attention"_s]), note});
        }
        if (t.isEmpty())
            out(u"No cycle has run yet.\n"_s);
        else
            out(t.render());
    });
}

int pause(Invocation &inv)
{
    const QString reason = inv.value(u"reason"_s).trimmed();
    if (reason.isEmpty())
        return Cli::usageError(u"pause needs --reason: every operator sees it"_s, inv.command);
    return call(inv, u"pause"_s, {{u"reason"_s, reason}},
                [&](const QJsonObject &r) { out(u"Paused (%1 runs still finishing): %2\n"_s.arg(r[u"running"_s].toInteger()).arg(reason)); });
}

int resume(Invocation &inv)
{
    return call(inv, u"resume"_s, {{u"reason"_s, inv.value(u"reason"_s)}},
                [](const QJsonObject &) { out(u"Resumed: runs start again.\n"_s); });
}

/// A cluster has no event stream: the drain is written for every node, then its running runs
/// are counted until none is left (or the timeout passes; the cluster stays draining).
int drainCluster(Invocation &inv, Client &c, qint64 timeoutMs)
{
    const Reply r = c.request(u"drain"_s, {{u"reason"_s, inv.value(u"reason"_s)}});
    if (!r.ok)
        return show(inv, r, {});
    qint64 running = r.result[u"running"_s].toInteger();
    if (!inv.json)
        err(u"Draining every node: %1 runs still running; no node starts new ones…\n"_s.arg(running));
    QElapsedTimer waited;
    waited.start();
    const qint64 limit = timeoutMs < 0 ? 60000 : timeoutMs;
    for (;;) {
        const Reply s = c.request(u"status"_s);
        if (!s.ok)
            return show(inv, s, {});
        if (s.result[u"running"_s].toInteger() != running) {
            running = s.result[u"running"_s].toInteger();
            if (!inv.json && running > 0)
                err(u"  %1 runs still running\n"_s.arg(running));
        }
        if (running == 0) {
            if (inv.json)
                out(compact(QJsonObject{{u"drained"_s, true}, {u"cluster"_s, true}}) + u'\n');
            else
                out(u"Drained: nothing runs on any node. 'yardctl resume' starts work again.\n"_s);
            return int(ExitOk);
        }
        if (waited.elapsed() >= limit) {
            if (inv.json)
                out(compact(QJsonObject{{u"drained"_s, false}, {u"running"_s, running}, {u"cluster"_s, true}}) + u'\n');
            else
                out(u"Drain timed out: %1 runs still running; the cluster stays draining ('yardctl resume' ends it).\n"_s
                        .arg(running));
            return int(ExitServer);
        }
        QThread::msleep(250);
    }
}

int drain(Invocation &inv)
{
    std::optional<qint64> timeoutMs = -1;
    if (inv.has(u"timeout"_s)) {
        timeoutMs = duration(inv.value(u"timeout"_s));
        if (!timeoutMs)
            return Cli::usageError(u"--timeout must be a duration like 30, 30s or 5m, not \"%1\""_s.arg(inv.value(u"timeout"_s)),
                                   inv.command);
    }
    const bool wait = !inv.has(u"no-wait"_s);
    return withServer(inv, [&](Client &c) {
        const Reply hello = c.request(u"ping"_s);
        if (wait && hello.ok && hello.result[u"cluster"_s].toBool())
            return drainCluster(inv, c, *timeoutMs);
        if (wait) {
            const Reply sub = c.request(u"events.subscribe"_s, {{u"filter"_s, QJsonObject{{u"types"_s, u"scheduler.drained"_s}}}});
            if (!sub.ok)
                return show(inv, sub, {});
        }
        const Reply r = c.request(u"drain"_s, {{u"timeout_ms"_s, *timeoutMs}, {u"reason"_s, inv.value(u"reason"_s)}});
        if (!r.ok || !wait)
            return show(inv, r, [](const QJsonObject &o) {
                out(u"Draining: %1 runs still running; new work is refused.\n"_s.arg(o[u"running"_s].toInteger()));
            });
        qint64 running = r.result[u"running"_s].toInteger();
        if (!inv.json)
            err(u"Draining: %1 runs still running; new work is refused…\n"_s.arg(running));
        for (;;) {
            QJsonObject e;
            bool closed = false;
            if (c.nextEvent(&e, 1000, &closed)) {
                const bool timedOut = e[u"error"_s].toString() == u"timeout";
                if (inv.json)
                    out(compact(e) + u'\n');
                else
                    out(timedOut ? u"Drain timed out: %1\n"_s.arg(e[u"detail"_s].toString())
                                 : u"Drained: nothing runs. 'yardctl resume' starts work again.\n"_s);
                return timedOut ? int(ExitServer) : int(ExitOk);
            }
            if (closed) {
                err(u"yardctl: the connection to %1 was lost\n"_s.arg(c.path()));
                return int(ExitNoConnect);
            }
            // Progress while it waits.
            const Reply s = c.request(u"status"_s);
            if (s.ok && !inv.json && s.result[u"running"_s].toInteger() != running) {
                running = s.result[u"running"_s].toInteger();
                err(u"  %1 runs still running\n"_s.arg(running));
            }
        }
    });
}

int submit(Invocation &inv)
{
    QString error;
    const auto priority = checkPriority(inv, &error);
    const auto payload = payloadOption(inv, u"payload"_s, &error);
    if (!priority || !payload)
        return Cli::usageError(error, inv.command);
    if (inv.value(u"session"_s).trimmed().isEmpty())
        return Cli::usageError(u"submit needs --session KEY"_s, inv.command);
    if (!inv.has(u"text"_s))
        return Cli::usageError(u"submit needs --text TEXT (or --text - to read it from standard input)"_s, inv.command);
    QString text = inv.value(u"text"_s);
    if (text == u"-") {
        QFile in;
        if (!in.open(stdin, QIODevice::ReadOnly))
            return Cli::usageError(u"cannot read standard input"_s, inv.command);
        text = QString::fromUtf8(in.readAll());
    }
    QJsonObject params{{u"session"_s, inv.value(u"session"_s)}, {u"text"_s, text}};
    for (const QString &k : {u"lane"_s, u"priority"_s, u"handler"_s}) {
        if (inv.has(k))
            params.insert(k, inv.value(k));
    }
    if (!payload->isEmpty())
        params.insert(u"payload"_s, *payload);
    return call(inv, u"submit"_s, params, [&](const QJsonObject &r) {
        out(u"Run %1 queued in session %2 (on disk).\n"_s.arg(r[u"run"_s].toInteger()).arg(inv.value(u"session"_s)));
    });
}

int taskCreate(Invocation &inv)
{
    QString error;
    const auto priority = checkPriority(inv, &error);
    const auto payload = payloadOption(inv, u"payload"_s, &error);
    const auto attempts = inv.integer(u"max-attempts"_s, 0, 0, 1000, &error);
    if (!priority || !payload || !attempts)
        return Cli::usageError(error, inv.command);
    if (inv.value(u"requires"_s).trimmed().isEmpty())
        return Cli::usageError(u"task create needs --requires CAPS (comma-separated capabilities, like go,sql)"_s, inv.command);
    QJsonObject params{{u"requires"_s, QJsonArray::fromStringList(inv.value(u"requires"_s).split(u',', Qt::SkipEmptyParts))}};
    for (const QString &k : {u"priority"_s, u"handler"_s, u"input"_s, u"lane"_s, u"workspace"_s, u"channel"_s, u"owner"_s}) {
        if (inv.has(k))
            params.insert(k, inv.value(k));
    }
    if (*attempts)
        params.insert(u"max_attempts"_s, *attempts);
    if (!payload->isEmpty())
        params.insert(u"payload"_s, *payload);
    return call(inv, u"task.create"_s, params, [](const QJsonObject &r) {
        out(u"Task %1 queued; the next cycle wakes a capable session.\n"_s.arg(r[u"run"_s].toInteger()));
    });
}

int sessionsList(Invocation &inv)
{
    QString error;
    const auto limit = inv.integer(u"limit"_s, 100, 1, 1000, &error);
    const auto offset = limit ? inv.integer(u"offset"_s, 0, 0, std::numeric_limits<qint32>::max(), &error) : std::nullopt;
    if (!limit || !offset)
        return Cli::usageError(error, inv.command);
    return call(inv, u"sessions.list"_s,
                {{u"limit"_s, *limit}, {u"offset"_s, *offset}, {u"search"_s, inv.value(u"search"_s)}},
                [](const QJsonObject &r) {
                    Table t({u"key"_s, u"id"_s, u"agent"_s, u"state"_s, u"mode"_s, u"running"_s, u"queued"_s,
                             u"last activity"_s, u"paused"_s});
                    t.alignRight({1, 5, 6});
                    const QJsonArray list = r[u"sessions"_s].toArray();
                    for (const QJsonValue &v : list) {
                        const QJsonObject s = v.toObject();
                        t.add({s[u"key"_s].toString(), num(s[u"id"_s]), s[u"agent"_s].toString(), s[u"state"_s].toString(),
                               s[u"mode"_s].toString(), num(s[u"running"_s]), num(s[u"queued"_s]),
                               when(s[u"last_activity"_s]), yesNo(s[u"paused"_s])});
                    }
                    if (t.isEmpty()) {
                        out(u"No sessions.\n"_s);
                        return;
                    }
                    out(t.render());
                    const qint64 total = r[u"total"_s].toInteger();
                    if (total > list.size())
                        out(u"(%1 of %2; --offset %3 shows more)\n"_s.arg(list.size()).arg(total).arg(
                            r[u"offset"_s].toInteger() + list.size()));
                });
}

void printRuns(const QJsonObject &r)
{
    Table t({u"id"_s, u"state"_s, u"session"_s, u"type"_s, u"lane"_s, u"priority"_s, u"att"_s, u"queued"_s, u"took"_s,
             u"error"_s});
    t.alignRight({0, 6});
    const QJsonArray runs = r[u"runs"_s].toArray();
    for (const QJsonValue &v : runs) {
        const QJsonObject run = v.toObject();
        QString error = run[u"error"_s].toString();
        if (!run[u"detail"_s].toString().isEmpty())
            error += u": "_s + run[u"detail"_s].toString();
        const QString session = run[u"session"_s].toString();
        t.add({num(run[u"id"_s]), run[u"state"_s].toString(), session.isEmpty() ? u"(task)"_s : session, run[u"type"_s].toString(),
               run[u"lane"_s].toString(), run[u"priority"_s].toString(), num(run[u"attempt"_s]), when(run[u"queued_at"_s]),
               took(run[u"started_at"_s], run[u"finished_at"_s]), error});
    }
    if (t.isEmpty()) {
        out(u"No runs match.\n"_s);
        return;
    }
    out(t.render());
    if (r[u"more"_s].toBool())
        out(u"(more: --before %1)\n"_s.arg(r[u"next_before"_s].toInteger()));
}

int runsList(Invocation &inv)
{
    QString error;
    const auto limit = inv.integer(u"limit"_s, 50, 1, 1000, &error);
    const auto before = limit ? inv.integer(u"before"_s, 0, 0, std::numeric_limits<qint64>::max(), &error) : std::nullopt;
    if (!limit || !before)
        return Cli::usageError(error, inv.command);
    QJsonObject params{{u"limit"_s, *limit}, {u"before"_s, *before}};
    for (const QString &k : {u"state"_s, u"session"_s, u"lane"_s, u"type"_s, u"priority"_s, u"text"_s}) {
        if (inv.has(k))
            params.insert(k, inv.value(k));
    }
    for (const QString &s : inv.value(u"state"_s).split(u',', Qt::SkipEmptyParts)) {
        if (!runStateFromName(s))
            return Cli::usageError(u"--state: unknown run state \"%1\" (queued, running, completed, failed, cancelled, "
                                   "needs_attention, …)"_s.arg(s),
                                   inv.command);
    }
    if (inv.has(u"job"_s)) {
        const auto job = inv.integer(u"job"_s, 0, 1, std::numeric_limits<qint32>::max(), &error);
        if (!job)
            return Cli::usageError(error, inv.command);
        params.insert(u"job"_s, *job);
    }
    return call(inv, u"runs.list"_s, params, printRuns);
}

bool confirmed(const QString &question)
{
    if (!::isatty(STDIN_FILENO))
        return true; // scripts decide with --dry-run first
    err(question + u" [y/N] "_s);
    char answer[16] = {};
    if (!std::fgets(answer, sizeof answer, stdin))
        return false;
    return answer[0] == 'y' || answer[0] == 'Y';
}

int runsAct(Invocation &inv, const QString &action)
{
    QString error;
    const bool attention = action == u"recover" || action == u"ack";
    const auto filter = filterOption(inv, attention ? kAttentionFilterKeys : kRunFilterKeys, &error);
    if (!filter)
        return Cli::usageError(error, inv.command);
    QJsonArray ids;
    for (const QString &p : inv.positional) {
        bool ok = false;
        const qint64 id = p.toLongLong(&ok);
        if (!ok || id < 1)
            return Cli::usageError(u"\"%1\" is not a run id"_s.arg(p), inv.command);
        ids.append(id);
    }
    if (ids.isEmpty() == filter->isEmpty())
        return Cli::usageError(ids.isEmpty() ? u"name the runs: IDs, or --filter KEY=VALUE"_s
                                             : u"give run IDs or --filter, not both"_s,
                               inv.command);
    const QString reason = inv.value(u"reason"_s);
    if (action == u"ack" && reason.trimmed().isEmpty())
        return Cli::usageError(u"runs ack needs --reason: the note kept with the runs"_s, inv.command);
    QJsonObject params{{u"reason"_s, reason}};
    if (!ids.isEmpty())
        params.insert(u"ids"_s, ids);
    else
        params.insert(u"filter"_s, *filter);
    const QString command = u"runs."_s + action;
    return withServer(inv, [&](Client &c) {
        QJsonObject dry = params;
        dry.insert(u"dry_run"_s, true);
        if (inv.has(u"dry-run"_s) || !filter->isEmpty()) {
            const Reply count = c.request(command, dry);
            if (inv.has(u"dry-run"_s) || !count.ok) {
                return show(inv, count, [&](const QJsonObject &r) {
                    out(u"%1 runs match; %2 would act on them.\n"_s.arg(r[u"matches"_s].toInteger()).arg(inv.command->name)
                        + (r[u"more"_s].toBool() ? u"(more than that: the filter is too wide to act on at once)\n"_s : QString()));
                });
            }
            const qint64 matches = count.result[u"matches"_s].toInteger();
            if (matches == 0) {
                if (inv.json)
                    out(compact(QJsonObject{{u"done"_s, 0}, {u"failed"_s, 0}, {u"errors"_s, QJsonArray()}}) + u'\n');
                else
                    out(u"No runs match.\n"_s);
                return int(ExitOk);
            }
            if (!inv.has(u"yes"_s) && !confirmed(u"%1 %2 runs?"_s.arg(action).arg(matches))) {
                err(u"Nothing done.\n"_s);
                return int(ExitOk);
            }
        }
        const Reply r = c.request(command, params);
        const int code = show(inv, r, [&](const QJsonObject &o) {
            QString text = u"%1: %2 done"_s.arg(action).arg(o[u"done"_s].toInteger());
            if (o.contains(u"created"_s)) {
                QStringList created;
                for (const QJsonValue &v : o[u"created"_s].toArray())
                    created << num(v);
                text += u" (new runs %1)"_s.arg(created.join(u", "_s));
            }
            if (o[u"failed"_s].toInteger() > 0)
                text += u", %1 not"_s.arg(o[u"failed"_s].toInteger());
            out(text + u'\n');
            for (const QJsonValue &e : o[u"errors"_s].toArray())
                err(u"  "_s + e.toString() + u'\n');
        });
        if (code == ExitOk && r.result[u"failed"_s].toInteger() > 0)
            return int(ExitServer);
        return code;
    });
}

int lanesList(Invocation &inv)
{
    return call(inv, u"lanes.list"_s, {}, [](const QJsonObject &r) { printLanes(r[u"lanes"_s].toArray()); });
}

int lanesSet(Invocation &inv)
{
    if (inv.positional.size() != 1)
        return Cli::usageError(u"lanes set needs one lane name"_s, inv.command);
    QString error;
    const auto limit = inv.integer(u"limit"_s, 0, 1, 100'000, &error);
    const auto grace = limit ? inv.integer(u"grace-ms"_s, -1, 0, 3'600'000, &error) : std::nullopt;
    if (!limit || !grace)
        return Cli::usageError(error, inv.command);
    if (inv.has(u"pause"_s) && inv.has(u"resume"_s))
        return Cli::usageError(u"--pause and --resume exclude each other"_s, inv.command);
    QJsonObject params{{u"name"_s, inv.positional.first()}, {u"reason"_s, inv.value(u"reason"_s)}};
    if (*limit)
        params.insert(u"limit"_s, *limit);
    if (*grace >= 0)
        params.insert(u"grace_ms"_s, *grace);
    if (inv.has(u"pause"_s) || inv.has(u"resume"_s))
        params.insert(u"paused"_s, inv.has(u"pause"_s));
    if (params.size() == 2)
        return Cli::usageError(u"lanes set needs --limit, --pause, --resume or --grace-ms"_s, inv.command);
    return call(inv, u"lanes.set"_s, params, [](const QJsonObject &l) { printLanes(QJsonArray{l}); });
}

int events(Invocation &inv)
{
    QString error;
    const auto filter = filterOption(inv, kEventFilterKeys, &error);
    const auto count = filter ? inv.integer(u"count"_s, 0, 1, std::numeric_limits<qint32>::max(), &error) : std::nullopt;
    std::optional<qint64> forMs = 0;
    if (filter && count && inv.has(u"for"_s) && !(forMs = duration(inv.value(u"for"_s))))
        error = u"--for must be a duration like 30s or 5m, not \"%1\""_s.arg(inv.value(u"for"_s));
    if (!filter || !count || !forMs)
        return Cli::usageError(error, inv.command);
    QJsonObject f;
    for (auto it = filter->begin(); it != filter->end(); ++it) {
        if (it.key() == u"type")
            f.insert(u"types"_s, it.value());
        else
            f.insert(it.key(), it.value());
    }
    return withServer(inv, [&](Client &c) {
        const Reply sub = c.request(u"events.subscribe"_s, {{u"filter"_s, f}});
        if (!sub.ok)
            return show(inv, sub, {});
        err(u"Following events on %1 (Ctrl+C stops)…\n"_s.arg(c.path())); // stderr: --json output stays clean
        QDeadlineTimer deadline(*forMs > 0 ? QDeadlineTimer(*forMs) : QDeadlineTimer(QDeadlineTimer::Forever));
        qint64 seen = 0;
        for (;;) {
            QJsonObject e;
            bool closed = false;
            if (c.nextEvent(&e, *forMs > 0 ? int(qMax<qint64>(deadline.remainingTime(), 0)) : -1, &closed)) {
                out(inv.json ? compact(e) + u'\n' : eventText(e));
                if (*count && ++seen >= *count)
                    return int(ExitOk);
                continue;
            }
            if (closed) {
                err(u"yardctl: the scheduler at %1 went away\n"_s.arg(c.path()));
                return int(ExitNoConnect);
            }
            if (deadline.hasExpired())
                return int(ExitOk);
        }
    });
}

// Jobs ------------------------------------------------------------------------------------------

void printJobs(const QJsonArray &jobs)
{
    Table t({u"id"_s, u"name"_s, u"type"_s, u"schedule"_s, u"enabled"_s, u"next"_s, u"last"_s, u"result"_s, u"ok"_s,
             u"failed"_s});
    t.alignRight({0, 8, 9});
    for (const QJsonValue &v : jobs) {
        const QJsonObject j = v.toObject();
        const QJsonObject spec = j[u"job"_s].toObject();
        t.add({num(j[u"id"_s]), spec[u"name"_s].toString(), spec[u"type"_s].toString(), j[u"schedule"_s].toString(),
               yesNo(j[u"enabled"_s]), when(j[u"next_fire_at"_s]), when(j[u"last_fire_at"_s]),
               j[u"last_outcome"_s].toString(), num(j[u"completed"_s]), num(j[u"failed"_s])});
    }
    out(t.isEmpty() ? u"No jobs.\n"_s : t.render());
}

int jobsList(Invocation &inv)
{
    QString error;
    const auto limit = inv.integer(u"limit"_s, 100, 1, 1000, &error);
    const auto offset = limit ? inv.integer(u"offset"_s, 0, 0, std::numeric_limits<qint32>::max(), &error) : std::nullopt;
    if (!limit || !offset)
        return Cli::usageError(error, inv.command);
    QJsonObject params{{u"limit"_s, *limit}, {u"offset"_s, *offset}, {u"search"_s, inv.value(u"search"_s)},
                       {u"type"_s, inv.value(u"type"_s)}};
    if (inv.has(u"enabled"_s) && inv.has(u"disabled"_s))
        return Cli::usageError(u"--enabled and --disabled exclude each other"_s, inv.command);
    if (inv.has(u"enabled"_s) || inv.has(u"disabled"_s))
        params.insert(u"enabled"_s, inv.has(u"enabled"_s));
    return call(inv, u"jobs.list"_s, params, [](const QJsonObject &r) {
        const QJsonArray list = r[u"jobs"_s].toArray();
        printJobs(list);
        const qint64 total = r[u"total"_s].toInteger();
        if (total > list.size())
            out(u"(%1 of %2; --offset %3 shows more)\n"_s.arg(list.size()).arg(total).arg(r[u"offset"_s].toInteger()
                                                                                        + list.size()));
    });
}

/// A job definition from --file, then the flags over it.
std::optional<QJsonObject> jobDefinition(const Invocation &inv, QJsonObject job, QString *error)
{
    if (inv.has(u"file"_s)) {
        const QString path = inv.value(u"file"_s);
        QFile f;
        const bool opened = path == u"-" ? f.open(stdin, QIODevice::ReadOnly) : (f.setFileName(path), f.open(QIODevice::ReadOnly));
        if (!opened) {
            *error = u"--file: cannot read %1: %2"_s.arg(path, f.errorString());
            return std::nullopt;
        }
        QJsonParseError pe;
        const QJsonDocument doc = QJsonDocument::fromJson(f.readAll(), &pe);
        if (!doc.isObject()) {
            *error = u"--file %1: %2"_s.arg(path, pe.error != QJsonParseError::NoError
                                                      ? u"%1 at byte %2"_s.arg(pe.errorString()).arg(pe.offset)
                                                      : u"a job is a JSON object"_s);
            return std::nullopt;
        }
        job = doc.object();
    }
    for (const QString &k : {u"name"_s, u"type"_s, u"lane"_s, u"session"_s, u"misfire"_s}) {
        if (inv.has(k))
            job.insert(k, inv.value(k));
    }
    if (inv.has(u"priority"_s)) {
        if (!checkPriority(inv, error))
            return std::nullopt;
        job.insert(u"priority"_s, inv.value(u"priority"_s));
    }
    if (inv.has(u"requires"_s))
        job.insert(u"requires"_s, QJsonArray::fromStringList(inv.value(u"requires"_s).split(u',', Qt::SkipEmptyParts)));
    const int schedules = int(inv.has(u"cron"_s)) + int(inv.has(u"every"_s)) + int(inv.has(u"at"_s)) + int(inv.has(u"now"_s));
    if (schedules > 1) {
        *error = u"give one schedule: --cron, --every, --at or --now"_s;
        return std::nullopt;
    }
    if (inv.has(u"tz"_s) && !inv.has(u"cron"_s)) {
        *error = u"--tz goes with --cron"_s;
        return std::nullopt;
    }
    if (inv.has(u"cron"_s)) {
        QJsonObject s{{u"cron"_s, inv.value(u"cron"_s)}};
        if (inv.has(u"tz"_s))
            s.insert(u"tz"_s, inv.value(u"tz"_s));
        job.insert(u"schedule"_s, s);
    } else if (inv.has(u"every"_s)) {
        const auto ms = duration(inv.value(u"every"_s));
        if (!ms || *ms <= 0) {
            *error = u"--every must be a duration like 90s, 5m or 1h, not \"%1\""_s.arg(inv.value(u"every"_s));
            return std::nullopt;
        }
        job.insert(u"schedule"_s, QJsonObject{{u"interval"_s, QJsonObject{{u"every_ms"_s, *ms}}}});
    } else if (inv.has(u"at"_s)) {
        job.insert(u"schedule"_s, QJsonObject{{u"once"_s, QJsonObject{{u"at"_s, inv.value(u"at"_s)}}}});
    } else if (inv.has(u"now"_s)) {
        job.insert(u"schedule"_s, QJsonObject{{u"immediate"_s, true}});
    }
    const auto payload = payloadOption(inv, u"payload"_s, error);
    if (!payload)
        return std::nullopt;
    if (inv.has(u"payload"_s))
        job.insert(u"payload"_s, *payload);
    if (inv.has(u"timeout"_s)) {
        const auto ms = duration(inv.value(u"timeout"_s));
        if (!ms) {
            *error = u"--timeout must be a duration like 30s or 10m, not \"%1\""_s.arg(inv.value(u"timeout"_s));
            return std::nullopt;
        }
        job.insert(u"timeout_ms"_s, *ms);
    }
    if (inv.has(u"max-attempts"_s)) {
        const auto n = inv.integer(u"max-attempts"_s, 1, 1, 100, error);
        if (!n)
            return std::nullopt;
        QJsonObject retry = job[u"retry"_s].toObject();
        retry.insert(u"max_attempts"_s, *n);
        job.insert(u"retry"_s, retry);
    }
    if (inv.has(u"disabled"_s))
        job.insert(u"enabled"_s, false);
    return job;
}

const QList<Option> kJobDefinitionOptions{
    {u"file"_s, u"PATH"_s, u"The job as JSON (docs/api.md shows its fields); - reads standard input. Flags given too override it"_s},
    {u"name"_s, u"NAME"_s, u"What operators see"_s},
    {u"type"_s, u"HANDLER"_s, u"The handler that runs it (simulate, command, agent, …)"_s},
    {u"cron"_s, u"EXPR"_s, u"A cron schedule, like \"30 2 * * *\" (quote it)"_s},
    {u"tz"_s, u"ZONE"_s, u"The cron's time zone, like Europe/Berlin (default: the machine's)"_s},
    {u"every"_s, u"DURATION"_s, u"An interval schedule: 90s, 5m, 1h"_s},
    {u"at"_s, u"ISO8601"_s, u"Once, at this instant"_s},
    {u"now"_s, {}, u"Once, right away"_s},
    {u"payload"_s, u"JSON"_s, u"The handler's input as a JSON object, or @FILE"_s},
    {u"priority"_s, u"PRIORITY"_s, u"interactive, urgent, high, normal or low"_s},
    {u"lane"_s, u"LANE"_s, u"The lane its runs go to"_s},
    {u"session"_s, u"KEY"_s, u"The session its runs belong to"_s},
    {u"requires"_s, u"CAPS"_s, u"Capabilities a session needs to take its runs (a task per fire)"_s},
    {u"max-attempts"_s, u"N"_s, u"Attempts before a run fails for good (retries with backoff between)"_s},
    {u"timeout"_s, u"DURATION"_s, u"A run that takes longer is stopped and counts as failed"_s},
    {u"misfire"_s, u"POLICY"_s, u"Fires missed while down: skip, fire_once or catch_up"_s},
    {u"disabled"_s, {}, u"Create it disabled"_s},
};

int jobsWrite(Invocation &inv, bool create)
{
    QString error;
    if (create && !inv.positional.isEmpty())
        return Cli::usageError(u"jobs create takes no job id (unexpected \"%1\")"_s.arg(inv.positional.first()), inv.command);
    if (!create && inv.positional.size() != 1)
        return Cli::usageError(u"jobs update needs one job id"_s, inv.command);
    return withServer(inv, [&](Client &c) {
        QJsonObject base;
        qint64 id = 0;
        if (!create) {
            id = inv.positional.first().toLongLong();
            const Reply list = c.request(u"jobs.list"_s, {{u"job_id"_s, id}});
            if (!list.ok)
                return show(inv, list, {});
            for (const QJsonValue &v : list.result[u"jobs"_s].toArray()) {
                if (v[u"id"_s].toInteger() == id)
                    base = v[u"job"_s].toObject();
            }
            if (base.isEmpty()) {
                err(u"yardctl: no job %1 (yardctl jobs list shows them)\n"_s.arg(inv.positional.first()));
                return int(ExitServer);
            }
        }
        const auto job = jobDefinition(inv, base, &error);
        if (!job)
            return Cli::usageError(error, inv.command);
        QJsonObject params{{u"job"_s, *job}, {u"reason"_s, inv.value(u"reason"_s)}};
        if (!create)
            params.insert(u"job_id"_s, id);
        return show(inv, c.request(create ? u"jobs.create"_s : u"jobs.update"_s, params), [&](const QJsonObject &j) {
            out(u"Job %1 %2: %3, %4; next fire %5.\n"_s.arg(j[u"id"_s].toInteger())
                    .arg(create ? u"created"_s : u"updated"_s, j[u"job"_s][u"name"_s].toString(), j[u"schedule"_s].toString(),
                         when(j[u"next_fire_at"_s])));
        });
    });
}

int jobsAct(Invocation &inv, const QString &action)
{
    if (inv.positional.size() != 1)
        return Cli::usageError(u"jobs %1 needs one job id"_s.arg(action), inv.command);
    bool ok = false;
    const qint64 id = inv.positional.first().toLongLong(&ok);
    if (!ok || id < 1)
        return Cli::usageError(u"\"%1\" is not a job id"_s.arg(inv.positional.first()), inv.command);
    return call(inv, u"jobs."_s + action, {{u"job_id"_s, id}, {u"reason"_s, inv.value(u"reason"_s)}}, [&](const QJsonObject &r) {
        if (action == u"run")
            out(u"Job %1 runs now: run %2.\n"_s.arg(id).arg(r[u"run"_s].toInteger()));
        else if (action == u"delete")
            out(u"Job %1 deleted; its past runs stay in the history.\n"_s.arg(id));
        else
            out(u"Job %1 %2; next fire %3.\n"_s.arg(id).arg(action == u"enable" ? u"enabled"_s : u"disabled"_s,
                                                            when(r[u"next_fire_at"_s])));
    });
}

const Option kReason{u"reason"_s, u"TEXT"_s, u"Why: kept in the audit log with your user name"_s};

} // namespace

QList<Command> remoteCommands()
{
    QList<Command> c;
    c << Command{u"status"_s, QString(), u"Show whether the scheduler runs, what it holds, its counters and lanes"_s, {}, {}, false, status};
    c << Command{u"pause"_s, u"--reason TEXT"_s, u"Pause the scheduler: nothing new starts, running runs finish"_s,
                 u"Every operator sees the reason in the console's banner and in 'yardctl status'."_s, {kReason}, false, pause};
    c << Command{u"resume"_s, u"[--reason TEXT]"_s, u"Resume a paused or draining scheduler"_s, {}, {kReason}, false, resume};
    c << Command{u"drain"_s, u"[--timeout DURATION] [--no-wait]"_s,
                 u"Refuse new work, start nothing new, and wait until nothing runs"_s,
                 u"Progress goes to standard error while it waits. Exits 1 when the timeout passes with runs still "
                 "running. 'yardctl resume' ends a drain."_s,
                 {{u"timeout"_s, u"DURATION"_s, u"Give up waiting after this long (30s, 5m)"_s},
                  {u"no-wait"_s, {}, u"Start the drain and return at once"_s},
                  kReason},
                 false, drain};
    c << Command{u"submit"_s, u"--session KEY --text TEXT [--lane L] [--priority P]"_s,
                 u"Send a message to a session; prints the run once it is on disk"_s,
                 u"The session is created when it does not exist yet. The reply comes only once the run is durable: "
                 "a crash after it loses nothing."_s,
                 {{u"session"_s, u"KEY"_s, u"The session's key"_s},
                  {u"text"_s, u"TEXT"_s, u"The message; - reads it from standard input"_s},
                  {u"lane"_s, u"LANE"_s, u"The lane (default: the session's)"_s},
                  {u"priority"_s, u"PRIORITY"_s, u"interactive, urgent, high, normal (default) or low"_s},
                  {u"handler"_s, u"HANDLER"_s, u"The handler that runs it (default: the session's)"_s},
                  {u"payload"_s, u"JSON"_s, u"The handler's input as a JSON object, or @FILE"_s}},
                 false, submit};
    c << Command{u"task create"_s, u"--requires CAPS [--payload JSON] [--priority P]"_s,
                 u"Queue a task: a run that a capable session claims"_s,
                 u"The mechanical cycle wakes idle sessions whose capabilities cover CAPS (and workspace, channel and "
                 "owner, when given); one of them claims it."_s,
                 {{u"requires"_s, u"CAPS"_s, u"Capabilities, comma-separated (go,sql)"_s},
                  {u"payload"_s, u"JSON"_s, u"The handler's input as a JSON object, or @FILE"_s},
                  {u"priority"_s, u"PRIORITY"_s, u"interactive, urgent, high, normal (default) or low"_s},
                  {u"input"_s, u"TEXT"_s, u"What the task asks, as operators see it"_s},
                  {u"handler"_s, u"HANDLER"_s, u"The handler that runs it (default: simulate)"_s},
                  {u"lane"_s, u"LANE"_s, u"The lane"_s},
                  {u"workspace"_s, u"NAME"_s, u"Only sessions in this workspace"_s},
                  {u"channel"_s, u"NAME"_s, u"Only sessions on this channel"_s},
                  {u"owner"_s, u"AGENT"_s, u"Only sessions of this agent"_s},
                  {u"max-attempts"_s, u"N"_s, u"Lease expiries before it needs attention"_s}},
                 false, taskCreate};
    c << Command{u"sessions list"_s, u"[--search TEXT] [--limit N] [--offset N]"_s, u"List sessions"_s, {},
                 {{u"search"_s, u"TEXT"_s, u"Only sessions whose key contains TEXT"_s},
                  {u"limit"_s, u"N"_s, u"At most N (default 100)"_s},
                  {u"offset"_s, u"N"_s, u"Skip the first N"_s}},
                 false, sessionsList};
    c << Command{u"runs list"_s, u"[--state S] [--session KEY] [--lane L] [--limit N] [--before ID]"_s,
                 u"List runs, newest first, from the run history"_s, {},
                 {{u"state"_s, u"STATES"_s, u"Only these states, comma-separated (failed,cancelled)"_s},
                  {u"session"_s, u"KEY"_s, u"Only this session's runs"_s},
                  {u"lane"_s, u"LANE"_s, u"Only this lane"_s},
                  {u"type"_s, u"HANDLER"_s, u"Only runs of this handler"_s},
                  {u"priority"_s, u"PRIORITY"_s, u"Only this priority"_s},
                  {u"job"_s, u"ID"_s, u"Only this job's runs"_s},
                  {u"text"_s, u"TEXT"_s, u"Only runs whose input, error or payload contains TEXT"_s},
                  {u"limit"_s, u"N"_s, u"At most N (default 50)"_s},
                  {u"before"_s, u"ID"_s, u"Only runs older than this id (the next page)"_s}},
                 false, runsList};
    const QString filterHelp = u"Runs that match: state, session, lane, type, priority, job, text, created_after, "
                               "created_before (KEY=VALUE; lists with commas)"_s;
    const QString attentionFilterHelp = u"needs_attention runs that match: capability, workspace, text (KEY=VALUE)"_s;
    const auto act = [&](const QString &action, const QString &summary, const QString &details, bool attention) {
        QList<Option> options{{u"filter"_s, u"KEY=VALUE"_s, attention ? attentionFilterHelp : filterHelp, true},
                              {u"dry-run"_s, {}, u"Only count what matches"_s},
                              {u"yes"_s, {}, u"Do not ask before acting on a filter (asked only on a terminal)"_s},
                              kReason};
        return Command{u"runs "_s + action, u"(ID... | --filter KEY=VALUE...) [--dry-run] [--reason TEXT]"_s, summary,
                       details, options, false, [action](Invocation &inv) { return runsAct(inv, action); }};
    };
    c << act(u"cancel"_s, u"Cancel runs (queued ones never start; running ones are interrupted)"_s, {}, false);
    c << act(u"retry"_s, u"Queue a new run for each failed or cancelled run"_s,
             u"The old runs stay as they are; the reply names the new ones."_s, false);
    c << act(u"requeue"_s, u"Put runs back in their queue as they were"_s, {}, false);
    c << act(u"recover"_s, u"Give needs_attention runs a new attempt"_s, {}, true);
    c << act(u"ack"_s, u"Acknowledge needs_attention runs: dealt with, nothing to run"_s,
             u"The reason is required and kept with the runs."_s, true);
    c << Command{u"jobs list"_s, u"[--search TEXT] [--type HANDLER] [--enabled|--disabled] [--limit N] [--offset N]"_s,
                 u"List jobs with their schedules, next fire and last result"_s, {},
                 {{u"search"_s, u"TEXT"_s, u"Only jobs whose name contains TEXT"_s},
                  {u"type"_s, u"HANDLER"_s, u"Only jobs of this run type"_s},
                  {u"enabled"_s, QString(), u"Only enabled jobs"_s},
                  {u"disabled"_s, QString(), u"Only disabled jobs"_s},
                  {u"limit"_s, u"N"_s, u"At most N (default 100)"_s},
                  {u"offset"_s, u"N"_s, u"Skip the first N"_s}},
                 false, jobsList};
    QList<Option> createOptions = kJobDefinitionOptions;
    createOptions << kReason;
    c << Command{u"jobs create"_s, u"(--file PATH | --name NAME --type HANDLER SCHEDULE) [OPTIONS]"_s,
                 u"Create a job"_s,
                 u"SCHEDULE is one of --cron EXPR [--tz ZONE], --every DURATION, --at ISO8601 or --now. Example: "
                 "yardctl jobs create --name nightly --type command --cron \"30 2 * * *\" --payload '{\"program\": "
                 "\"/usr/local/bin/backup\"}'"_s,
                 createOptions, false, [](Invocation &inv) { return jobsWrite(inv, true); }};
    c << Command{u"jobs update"_s, u"ID [--file PATH] [OPTIONS]"_s, u"Change a job: the flags given replace those fields"_s,
                 {}, createOptions, false, [](Invocation &inv) { return jobsWrite(inv, false); }};
    for (const QString &a : {u"enable"_s, u"disable"_s, u"run"_s, u"delete"_s}) {
        const QString summary = a == u"enable"    ? u"Enable a job: it fires on its schedule again"_s
                                : a == u"disable" ? u"Disable a job: it does not fire until enabled"_s
                                : a == u"run"     ? u"Run a job now, outside its schedule"_s
                                                  : u"Delete a job (its past runs stay in the history)"_s;
        c << Command{u"jobs "_s + a, u"ID [--reason TEXT]"_s, summary, {}, {kReason}, false,
                     [a](Invocation &inv) { return jobsAct(inv, a); }};
    }
    c << Command{u"lanes list"_s, QString(), u"List lanes with their limits, load and preemptions"_s, {}, {}, false, lanesList};
    c << Command{u"nodes list"_s, QString(), u"List a cluster's nodes: state, heartbeat, runs held (cluster only)"_s,
                 u"On a cluster node (yardmaster --db postgresql://...): every node of the cluster, and those that stopped "
                 "heartbeating with when they were last seen."_s,
                 {}, false, nodesList};
    c << Command{u"lanes set"_s, u"NAME [--limit N] [--pause | --resume] [--grace-ms N]"_s,
                 u"Change a lane (a new name creates it)"_s, {},
                 {{u"limit"_s, u"N"_s, u"How many of its runs may run at once"_s},
                  {u"pause"_s, {}, u"Start nothing new in this lane"_s},
                  {u"resume"_s, {}, u"Start its runs again"_s},
                  {u"grace-ms"_s, u"N"_s, u"How long a preempted run gets to yield"_s},
                  kReason},
                 false, lanesSet};
    c << Command{u"events"_s, u"[--follow] [--filter KEY=VALUE...] [--count N] [--for DURATION]"_s,
                 u"Follow the live event stream"_s,
                 u"Prints events as they happen until Ctrl+C, --count events or --for a while. Filters: "
                 "type=run.failed,run.completed (exact names), prefix=run. (a family), session=KEY, run=ID."_s,
                 {{u"follow"_s, {}, u"Keep following (the default)"_s},
                  {u"filter"_s, u"KEY=VALUE"_s, u"Only matching events: type, prefix, session, run"_s, true},
                  {u"count"_s, u"N"_s, u"Stop after N events"_s},
                  {u"for"_s, u"DURATION"_s, u"Stop after this long"_s}},
                 false, events};
    c << Command{u"cycles"_s, u"[--limit N]"_s, u"Show the last mechanical cycles: wakes, recovered leases, starvation"_s,
                 {}, {{u"limit"_s, u"N"_s, u"How many (default 20)"_s}}, false, cycles};
    return c;
}

} // namespace Yard::Ctl
