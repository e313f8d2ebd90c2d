// SPDX-License-Identifier: GPL-3.0-or-later
#include "apiload.h"

#include <QByteArray>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <mutex>

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

namespace Yard::Bench {

namespace {

using Clock = std::chrono::steady_clock;

int connectTo(const QString &path)
{
    const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    const QByteArray p = path.toLocal8Bit();
    if (size_t(p.size()) >= sizeof(addr.sun_path)) {
        ::close(fd);
        return -1;
    }
    std::memcpy(addr.sun_path, p.constData(), size_t(p.size()));
    if (::connect(fd, reinterpret_cast<sockaddr *>(&addr), sizeof(addr)) != 0) {
        ::close(fd);
        return -1;
    }
    return fd;
}

bool writeAll(int fd, const QByteArray &bytes)
{
    qsizetype done = 0;
    while (done < bytes.size()) {
        const ssize_t n = ::write(fd, bytes.constData() + done, size_t(bytes.size() - done));
        if (n <= 0)
            return false;
        done += n;
    }
    return true;
}

/// The number after `key` in a compact JSON line ("\"id\":" → 17), or -1.
qint64 numberAfter(const QByteArray &line, const char *key)
{
    const qsizetype at = line.indexOf(key);
    if (at < 0)
        return -1;
    qint64 n = 0;
    bool any = false;
    for (qsizetype i = at + qsizetype(std::strlen(key)); i < line.size() && line[i] >= '0' && line[i] <= '9'; ++i) {
        n = n * 10 + (line[i] - '0');
        any = true;
    }
    return any ? n : -1;
}

struct ClientResult
{
    qint64 acked = 0;
    qint64 refused = 0;
    QVector<qint64> runs;
    QVector<double> latencies;
    QString error;
};

void client(const ApiLoadOptions &o, int index, Clock::time_point end, ClientResult *r)
{
    const int fd = connectTo(o.socketPath);
    if (fd < 0) {
        r->error = QStringLiteral("client %1 cannot connect to %2").arg(index).arg(o.socketPath);
        return;
    }
    QVector<Clock::time_point> sentAt;
    qint64 next = 0;
    qint64 outstanding = 0;
    QByteArray in;
    char buffer[64 * 1024];
    const QByteArray handler = o.handler.isEmpty() ? QByteArray() : ",\"handler\":\"" + o.handler.toUtf8() + '"';
    for (;;) {
        const bool sending = Clock::now() < end;
        if (!sending && outstanding == 0)
            break;
        if (sending && outstanding < o.window) {
            QByteArray out;
            const auto now = Clock::now();
            while (outstanding < o.window) {
                out += "{\"id\":" + QByteArray::number(next) + ",\"command\":\"submit\",\"session\":\"load-"
                       + QByteArray::number(index) + '-' + QByteArray::number(next % o.sessionsPerClient)
                       + "\",\"text\":\"load\"" + handler + "}\n";
                sentAt.append(now);
                ++next;
                ++outstanding;
            }
            if (!writeAll(fd, out)) {
                r->error = QStringLiteral("client %1 lost its connection while writing").arg(index);
                break;
            }
        }
        pollfd p{fd, POLLIN, 0};
        if (::poll(&p, 1, 100) <= 0)
            continue;
        const ssize_t n = ::read(fd, buffer, sizeof buffer);
        if (n <= 0) {
            r->error = QStringLiteral("client %1 lost its connection with %2 replies owed").arg(index).arg(outstanding);
            break;
        }
        in.append(buffer, n);
        const auto now = Clock::now();
        qsizetype start = 0;
        for (qsizetype nl = in.indexOf('\n'); nl >= 0; nl = in.indexOf('\n', start)) {
            const QByteArray line = in.mid(start, nl - start);
            start = nl + 1;
            const qint64 id = numberAfter(line, "\"id\":");
            if (id < 0 || id >= sentAt.size())
                continue;
            --outstanding;
            if (line.contains("\"ok\":true")) {
                ++r->acked;
                r->runs.append(numberAfter(line, "\"run\":"));
                r->latencies.append(std::chrono::duration<double, std::milli>(now - sentAt[id]).count());
            } else {
                ++r->refused;
            }
        }
        in.remove(0, start);
    }
    ::close(fd);
}

} // namespace

double percentile(QVector<double> values, double p)
{
    if (values.isEmpty())
        return 0;
    std::sort(values.begin(), values.end());
    const auto i = qsizetype(p * double(values.size() - 1) + 0.5);
    return values[qBound<qsizetype>(0, i, values.size() - 1)];
}

ApiLoadResult runApiLoad(const ApiLoadOptions &o)
{
    std::vector<ClientResult> results(size_t(o.clients));
    std::vector<std::thread> threads;
    const auto begin = Clock::now();
    const auto end = begin + std::chrono::microseconds(qint64(o.seconds * 1e6));
    for (int i = 0; i < o.clients; ++i)
        threads.emplace_back(client, std::cref(o), i, end, &results[size_t(i)]);
    for (std::thread &t : threads)
        t.join();
    ApiLoadResult r;
    r.seconds = std::chrono::duration<double>(Clock::now() - begin).count();
    for (const ClientResult &c : results) {
        r.acked += c.acked;
        r.refused += c.refused;
        r.runs += c.runs;
        r.latenciesMs += c.latencies;
        if (r.error.isEmpty())
            r.error = c.error;
    }
    return r;
}

TerminalEventCounter::TerminalEventCounter(const QString &socketPath)
{
    m_fd = connectTo(socketPath);
    if (m_fd < 0)
        return;
    writeAll(m_fd, "{\"id\":1,\"command\":\"events.subscribe\",\"filter\":{\"types\":[\"run.completed\",\"run.failed\","
                   "\"run.cancelled\",\"run.dropped\",\"run.stale\",\"run.merged\",\"run.needs_attention\"]}}\n");
    m_thread = std::make_unique<std::thread>([this] { loop(); });
}

TerminalEventCounter::~TerminalEventCounter()
{
    stop();
}

void TerminalEventCounter::loop()
{
    QByteArray in;
    char buffer[64 * 1024];
    while (!m_stop.load()) {
        pollfd p{m_fd, POLLIN, 0};
        if (::poll(&p, 1, 50) <= 0)
            continue;
        const ssize_t n = ::read(m_fd, buffer, sizeof buffer);
        if (n <= 0)
            break;
        in.append(buffer, n);
        qsizetype start = 0;
        for (qsizetype nl = in.indexOf('\n'); nl >= 0; nl = in.indexOf('\n', start)) {
            const QByteArray line = in.mid(start, nl - start);
            start = nl + 1;
            if (!line.contains("\"event\":{")) {
                if (line.contains("\"subscribed\":true"))
                    m_subscribed = true;
                continue;
            }
            const qint64 run = numberAfter(line, "\"run\":");
            if (run > 0) {
                ++m_counts[run];
                ++m_total;
            }
        }
        in.remove(0, start);
    }
}

QHash<qint64, int> TerminalEventCounter::stop()
{
    m_stop = true;
    if (m_thread) {
        m_thread->join();
        m_thread.reset();
    }
    if (m_fd >= 0) {
        ::close(m_fd);
        m_fd = -1;
    }
    return m_counts;
}

} // namespace Yard::Bench
