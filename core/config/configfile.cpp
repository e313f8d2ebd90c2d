// SPDX-License-Identifier: GPL-3.0-or-later
#include "configfile.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QStandardPaths>

#include <algorithm>
#include <cmath>
#include <optional>

using namespace Qt::StringLiterals;

namespace Yard::ConfigFile {

QString defaultPath()
{
    return QDir(QStandardPaths::writableLocation(QStandardPaths::GenericConfigLocation))
        .filePath(u"yardmaster/config.json"_s);
}

namespace {

/// A JSON value as it was written, for error messages.
QString written(const QJsonValue &v)
{
    return QString::fromUtf8(QJsonDocument(QJsonArray{v}).toJson(QJsonDocument::Compact)).mid(1).chopped(1);
}

/// An integer in [min, max], or nullopt (range checked before any conversion).
std::optional<qint64> integer(const QJsonValue &v, qint64 min, qint64 max)
{
    if (!v.isDouble())
        return std::nullopt;
    const double d = v.toDouble();
    if (d < double(min) || d > double(max) || d != std::floor(d))
        return std::nullopt;
    return qint64(d);
}

} // namespace

Error apply(const QString &path, EngineOptions &options, int *workerThreads, bool required)
{
    auto fail = [&path](const QString &what) {
        return Error::make(ErrorCode::InvalidConfig, u"config file %1: %2"_s.arg(path, what));
    };
    QFile file(path);
    if (!file.exists())
        return required ? fail(u"does not exist"_s) : Error{};
    if (!file.open(QIODevice::ReadOnly))
        return fail(u"cannot be read: %1"_s.arg(file.errorString()));
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(file.readAll(), &parseError);
    if (parseError.error != QJsonParseError::NoError)
        return fail(u"invalid JSON at offset %1: %2"_s.arg(parseError.offset).arg(parseError.errorString()));
    if (!doc.isObject())
        return fail(u"the top level must be a JSON object"_s);
    const QJsonObject root = doc.object();
    static const QStringList kKnown{u"lanes"_s,  u"queue"_s,           u"context_windows"_s,
                                    u"worker_threads"_s, u"worker_pools"_s, u"preempt_grace_ms"_s,
                                    u"cycle"_s, u"agent_templates"_s, u"agents"_s};
    for (auto it = root.begin(); it != root.end(); ++it) {
        if (!kKnown.contains(it.key()))
            return fail(u"unknown setting \"%1\" (known: %2)"_s.arg(it.key(), kKnown.join(u", "_s)));
    }

    EngineOptions result = options;
    if (root.contains(u"lanes"_s) && !root.value(u"lanes"_s).isObject())
        return fail(u"\"lanes\" must be an object of lane names and limits, like {\"main\": 30}, "
                    "not %1"_s.arg(written(root.value(u"lanes"_s))));
    const QJsonObject lanes = root.value(u"lanes"_s).toObject();
    for (auto it = lanes.begin(); it != lanes.end(); ++it) {
        if (it.key().trimmed().isEmpty())
            return fail(u"lanes: a lane needs a name"_s);
        // A number of slots, or {"limit": slots, "preempt_grace_ms": ms}.
        QJsonValue limit = it.value();
        if (it.value().isObject()) {
            const QJsonObject lane = it.value().toObject();
            for (auto k = lane.begin(); k != lane.end(); ++k) {
                if (k.key() != u"limit" && k.key() != u"preempt_grace_ms")
                    return fail(u"unknown setting \"lanes.%1.%2\" (known: limit, preempt_grace_ms)"_s.arg(
                        it.key(), k.key()));
            }
            if (lane.contains(u"preempt_grace_ms"_s)) {
                const std::optional<qint64> g = integer(lane.value(u"preempt_grace_ms"_s), 1, 3'600'000);
                if (!g)
                    return fail(u"lanes.%1.preempt_grace_ms must be a whole number of milliseconds from 1 "
                                "to 3600000, not %2"_s.arg(it.key(), written(lane.value(u"preempt_grace_ms"_s))));
                result.lanePreemptGraceMs.insert(it.key(), int(*g));
            }
            if (!lane.contains(u"limit"_s))
                continue;
            limit = lane.value(u"limit"_s);
        }
        const std::optional<qint64> v = integer(limit, 1, kMaxLaneLimit);
        if (!v)
            return fail(u"lanes.%1 must be a whole number of slots from 1 to %2, not %3"_s.arg(it.key())
                            .arg(kMaxLaneLimit)
                            .arg(written(limit)));
        result.laneLimits.insert(it.key(), int(*v));
    }
    if (root.contains(u"queue"_s)) {
        if (!root.value(u"queue"_s).isObject())
            return fail(u"\"queue\" must be an object"_s);
        const auto q = QueueConfigOverride::fromJson(root.value(u"queue"_s).toObject());
        if (!q)
            return fail(u"queue: "_s + q.error().message);
        result.defaultQueue = q->applyTo(result.defaultQueue);
    }
    if (root.contains(u"context_windows"_s) && !root.value(u"context_windows"_s).isObject())
        return fail(u"\"context_windows\" must be an object of agent names and token counts, not %1"_s
                        .arg(written(root.value(u"context_windows"_s))));
    const QJsonObject windows = root.value(u"context_windows"_s).toObject();
    for (auto it = windows.begin(); it != windows.end(); ++it) {
        const std::optional<qint64> v = integer(it.value(), 1, qint64(1) << 40);
        if (!v)
            return fail(u"context_windows.%1 must be a positive whole number of tokens, not %2"_s.arg(
                it.key(), written(it.value())));
        result.contextWindows.insert(it.key(), *v);
    }
    if (root.contains(u"worker_threads"_s)) {
        const std::optional<qint64> n = integer(root.value(u"worker_threads"_s), 1, kMaxWorkerThreads);
        if (!n)
            return fail(u"worker_threads must be a whole number from 1 to %1, not %2"_s.arg(kMaxWorkerThreads)
                            .arg(written(root.value(u"worker_threads"_s))));
        if (workerThreads)
            *workerThreads = int(*n);
    }
    if (root.contains(u"cycle"_s)) {
        if (!root.value(u"cycle"_s).isObject())
            return fail(u"\"cycle\" must be an object, not %1"_s.arg(written(root.value(u"cycle"_s))));
        const QJsonObject cycle = root.value(u"cycle"_s).toObject();
        struct Key { QString name; qint64 min; qint64 max; qint64 *target; };
        qint64 interval = result.cycle.intervalMs, cooldown = result.cycle.wakeCooldownMs;
        qint64 lease = result.cycle.leaseMs, sweep = result.cycle.sweepLimit;
        const Key keys[] = {{u"interval_ms"_s, 0, 86'400'000, &interval},
                            {u"wake_cooldown_ms"_s, 0, 86'400'000, &cooldown},
                            {u"lease_ms"_s, 100, 86'400'000, &lease},
                            {u"sweep_limit"_s, 1, 100'000, &sweep}};
        for (auto it = cycle.begin(); it != cycle.end(); ++it) {
            if (it.key() == u"starvation")
                continue;
            const Key *k = std::find_if(std::begin(keys), std::end(keys), [&](const Key &k) { return k.name == it.key(); });
            if (k == std::end(keys))
                return fail(u"unknown setting \"cycle.%1\" (known: interval_ms, wake_cooldown_ms, lease_ms, sweep_limit, starvation)"_s.arg(it.key()));
            const std::optional<qint64> v = integer(it.value(), k->min, k->max);
            if (!v)
                return fail(u"cycle.%1 must be a whole number from %2 to %3, not %4"_s.arg(k->name).arg(k->min).arg(k->max)
                                .arg(written(it.value())));
            *k->target = *v;
        }
        result.cycle.intervalMs = interval;
        result.cycle.wakeCooldownMs = cooldown;
        result.cycle.leaseMs = lease;
        result.cycle.sweepLimit = int(sweep);
        if (cycle.contains(u"starvation"_s)) {
            if (!cycle.value(u"starvation"_s).isObject())
                return fail(u"cycle.starvation must be an object, not %1"_s.arg(written(cycle.value(u"starvation"_s))));
            const QJsonObject st = cycle.value(u"starvation"_s).toObject();
            StarvationThresholds &t = result.cycle.thresholds;
            qint64 age = t.minQueuedAgeMs, fan = t.fanOutAfter, spawn = t.spawnAfter, event = t.eventAfter,
                   attention = t.needsAttentionAfter;
            const Key tiers[] = {{u"min_queued_age_ms"_s, 0, 86'400'000 * qint64(30), &age},
                                 {u"fan_out_after"_s, 0, 1'000'000, &fan},
                                 {u"spawn_after"_s, 0, 1'000'000, &spawn},
                                 {u"event_after"_s, 0, 1'000'000, &event},
                                 {u"needs_attention_after"_s, 0, 1'000'000, &attention}};
            for (auto it = st.begin(); it != st.end(); ++it) {
                const Key *k = std::find_if(std::begin(tiers), std::end(tiers), [&](const Key &k) { return k.name == it.key(); });
                if (k == std::end(tiers))
                    return fail(u"unknown setting \"cycle.starvation.%1\" (known: min_queued_age_ms, fan_out_after, spawn_after, event_after, needs_attention_after)"_s.arg(it.key()));
                const std::optional<qint64> v = integer(it.value(), k->min, k->max);
                if (!v)
                    return fail(u"cycle.starvation.%1 must be a whole number from %2 to %3, not %4"_s.arg(k->name)
                                    .arg(k->min).arg(k->max).arg(written(it.value())));
                *k->target = *v;
            }
            t.minQueuedAgeMs = age;
            t.fanOutAfter = int(fan);
            t.spawnAfter = int(spawn);
            t.eventAfter = int(event);
            t.needsAttentionAfter = int(attention);
        }
    }
    if (root.contains(u"agent_templates"_s)) {
        if (!root.value(u"agent_templates"_s).isArray())
            return fail(u"\"agent_templates\" must be a list like [{\"agent\": \"coder\", \"capabilities\": [\"go\"]}], not %1"_s
                            .arg(written(root.value(u"agent_templates"_s))));
        const QJsonArray list = root.value(u"agent_templates"_s).toArray();
        QVector<AgentTemplate> templates;
        for (qsizetype i = 0; i < list.size(); ++i) {
            const QJsonObject o = list.at(i).toObject();
            const QString agent = o.value(u"agent"_s).toString().trimmed();
            if (!list.at(i).isObject() || agent.isEmpty())
                return fail(u"agent_templates[%1] needs an \"agent\" name"_s.arg(i));
            AgentTemplate t;
            t.agent = agent;
            if (o.contains(u"capabilities"_s) && !o.value(u"capabilities"_s).isArray())
                return fail(u"agent_templates[%1].capabilities must be a list of names"_s.arg(i));
            for (const QJsonValue &c : o.value(u"capabilities"_s).toArray()) {
                if (!c.isString() || c.toString().trimmed().isEmpty())
                    return fail(u"agent_templates[%1].capabilities: %2 is not a capability name"_s.arg(i).arg(written(c)));
                t.capabilities << c.toString().trimmed();
            }
            templates << t;
        }
        result.agentTemplates = templates;
    }
    if (root.contains(u"agents"_s)) {
        // {"coder": {"command": "/usr/local/bin/coder", "args": [...], "env": {...}, "cwd": "...",
        //  "timeout_ms": 600000, "grace_ms": 2000}, "*": {...}} (SPEC H3)
        if (!root.value(u"agents"_s).isObject())
            return fail(u"\"agents\" must be an object of agent names and commands, like {\"coder\": {\"command\": "
                        "\"/usr/local/bin/coder-agent\"}}, not %1"_s.arg(written(root.value(u"agents"_s))));
        const QJsonObject agents = root.value(u"agents"_s).toObject();
        AgentCommands commands;
        for (auto it = agents.begin(); it != agents.end(); ++it) {
            const QString where = u"agents.%1"_s.arg(it.key());
            if (it.key().trimmed().isEmpty())
                return fail(u"agents: an agent needs a name (or \"*\" for every other agent)"_s);
            if (!it.value().isObject())
                return fail(u"%1 must be an object like {\"command\": \"/usr/local/bin/agent\"}, not %2"_s.arg(where, written(it.value())));
            const QJsonObject o = it.value().toObject();
            static const QStringList kAgentKeys{u"command"_s, u"args"_s, u"env"_s, u"cwd"_s, u"timeout_ms"_s, u"grace_ms"_s};
            for (auto k = o.begin(); k != o.end(); ++k) {
                if (!kAgentKeys.contains(k.key()))
                    return fail(u"unknown setting \"%1.%2\" (known: %3)"_s.arg(where, k.key(), kAgentKeys.join(u", "_s)));
            }
            AgentCommand c;
            c.program = o.value(u"command"_s).toString().trimmed();
            if (!o.value(u"command"_s).isString() || c.program.isEmpty())
                return fail(u"%1.command must be the program to run (a path, no shell), not %2"_s.arg(where, written(o.value(u"command"_s))));
            if (o.contains(u"args"_s)) {
                if (!o.value(u"args"_s).isArray())
                    return fail(u"%1.args must be a list of strings"_s.arg(where));
                for (const QJsonValue &a : o.value(u"args"_s).toArray()) {
                    if (!a.isString())
                        return fail(u"%1.args: %2 is not a string"_s.arg(where, written(a)));
                    c.args << a.toString();
                }
            }
            if (o.contains(u"env"_s)) {
                if (!o.value(u"env"_s).isObject())
                    return fail(u"%1.env must be an object of names and values"_s.arg(where));
                const QJsonObject env = o.value(u"env"_s).toObject();
                for (auto e = env.begin(); e != env.end(); ++e) {
                    if (!e.value().isString() || e.key().isEmpty() || e.key().contains(u'='))
                        return fail(u"%1.env.%2 must be a name without '=' with a string value"_s.arg(where, e.key()));
                    c.env.insert(e.key(), e.value().toString());
                }
            }
            if (o.contains(u"cwd"_s)) {
                if (!o.value(u"cwd"_s).isString())
                    return fail(u"%1.cwd must be a directory path"_s.arg(where));
                c.cwd = o.value(u"cwd"_s).toString();
            }
            if (o.contains(u"timeout_ms"_s)) {
                const std::optional<qint64> t = integer(o.value(u"timeout_ms"_s), 1, 7LL * 86'400'000);
                if (!t)
                    return fail(u"%1.timeout_ms must be a whole number of milliseconds from 1 to 604800000, not %2"_s.arg(
                        where, written(o.value(u"timeout_ms"_s))));
                c.timeoutMs = *t;
            }
            if (o.contains(u"grace_ms"_s)) {
                const std::optional<qint64> g = integer(o.value(u"grace_ms"_s), 0, 600'000);
                if (!g)
                    return fail(u"%1.grace_ms must be a whole number of milliseconds from 0 to 600000, not %2"_s.arg(
                        where, written(o.value(u"grace_ms"_s))));
                c.graceMs = int(*g);
            }
            commands.insert(it.key(), c);
        }
        result.agents = commands;
    }
    if (root.contains(u"preempt_grace_ms"_s)) {
        const std::optional<qint64> g = integer(root.value(u"preempt_grace_ms"_s), 1, 3'600'000);
        if (!g)
            return fail(u"preempt_grace_ms must be a whole number of milliseconds from 1 to 3600000, not %1"_s.arg(
                written(root.value(u"preempt_grace_ms"_s))));
        result.preemptGraceMs = int(*g);
    }
    if (root.contains(u"worker_pools"_s)) {
        if (!root.value(u"worker_pools"_s).isObject())
            return fail(u"\"worker_pools\" must be an object like {\"interactive\": 2, \"background\": 8}, not %1"_s.arg(
                written(root.value(u"worker_pools"_s))));
        const QJsonObject pools = root.value(u"worker_pools"_s).toObject();
        for (auto it = pools.begin(); it != pools.end(); ++it) {
            if (it.key() == u"single_processor") {
                if (!it.value().isBool())
                    return fail(u"worker_pools.single_processor must be true or false, not %1"_s.arg(written(it.value())));
                result.workers.singleProcessor = it.value().toBool();
                continue;
            }
            if (it.key() != u"interactive" && it.key() != u"background")
                return fail(u"unknown setting \"worker_pools.%1\" (known: interactive, background, single_processor)"_s.arg(
                    it.key()));
            const std::optional<qint64> n = integer(it.value(), 0, kMaxWorkerThreads);
            if (!n)
                return fail(u"worker_pools.%1 must be a whole number of threads from 0 (sized by itself) to %2, not %3"_s
                                .arg(it.key())
                                .arg(kMaxWorkerThreads)
                                .arg(written(it.value())));
            (it.key() == u"interactive" ? result.workers.interactive : result.workers.background) = int(*n);
        }
    }
    options = result;
    return {};
}

Error applyEnvironment(EngineOptions &options)
{
    // YARD_INTERACTIVE_WORKERS, YARD_BACKGROUND_WORKERS, YARD_SINGLE_PROCESSOR (SPEC P5): the
    // environment wins over the file, as for lanes (YARD_LANE_<NAME>).
    WorkerCapacity workers = options.workers;
    for (const auto &[name, target] : {std::pair{"YARD_INTERACTIVE_WORKERS", &workers.interactive},
                                       std::pair{"YARD_BACKGROUND_WORKERS", &workers.background}}) {
        if (!qEnvironmentVariableIsSet(name))
            continue;
        bool ok = false;
        const QString text = qEnvironmentVariable(name).trimmed();
        const int n = text.toInt(&ok);
        if (!ok || n < 0 || n > kMaxWorkerThreads)
            return Error::make(ErrorCode::InvalidConfig,
                               u"%1 must be a whole number of threads from 0 (sized by itself) to %2, not \"%3\""_s.arg(
                                   QString::fromLatin1(name)).arg(kMaxWorkerThreads).arg(text));
        *target = n;
    }
    if (qEnvironmentVariableIsSet("YARD_SINGLE_PROCESSOR")) {
        const QString text = qEnvironmentVariable("YARD_SINGLE_PROCESSOR").trimmed().toLower();
        if (text != u"1" && text != u"0" && text != u"true" && text != u"false")
            return Error::make(ErrorCode::InvalidConfig,
                               u"YARD_SINGLE_PROCESSOR must be 1 or 0 (true or false), not \"%1\""_s.arg(text));
        workers.singleProcessor = text == u"1" || text == u"true";
    }
    options.workers = workers;
    return {};
}

} // namespace Yard::ConfigFile
