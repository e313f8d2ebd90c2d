// SPDX-License-Identifier: GPL-3.0-or-later
#include "queueconfig.h"

#include <QJsonArray>
#include <QJsonDocument>

#include <cmath>

#include <QJsonValue>

using namespace Qt::StringLiterals;

namespace Yard {

QString queueModeName(QueueMode mode)
{
    switch (mode) {
    case QueueMode::Queue:
        return u"queue"_s;
    case QueueMode::Followup:
        return u"followup"_s;
    case QueueMode::Interrupt:
        return u"interrupt"_s;
    case QueueMode::Collect:
        return u"collect"_s;
    }
    return u"queue"_s;
}

std::optional<QueueMode> queueModeFromName(QStringView name)
{
    for (auto m : {QueueMode::Queue, QueueMode::Followup, QueueMode::Interrupt, QueueMode::Collect}) {
        if (name.compare(queueModeName(m), Qt::CaseInsensitive) == 0)
            return m;
    }
    return std::nullopt;
}

QString dropPolicyName(DropPolicy drop)
{
    return drop == DropPolicy::New ? u"new"_s : u"old"_s;
}

DropPolicy dropPolicyFromName(QStringView name, bool *known)
{
    const bool isNew = name.compare(u"new", Qt::CaseInsensitive) == 0;
    const bool isOld = name.compare(u"old", Qt::CaseInsensitive) == 0;
    if (known)
        *known = isNew || isOld;
    return isNew ? DropPolicy::New : DropPolicy::Old;
}

QJsonObject QueueConfig::toJson() const
{
    return QJsonObject{{u"mode"_s, queueModeName(mode)},
                       {u"cap"_s, cap},
                       {u"drop"_s, dropPolicyName(drop)},
                       {u"debounce_ms"_s, debounceMs},
                       {u"max_concurrent"_s, maxConcurrent}};
}

QueueConfig QueueConfigOverride::applyTo(QueueConfig base) const
{
    if (mode)
        base.mode = *mode;
    if (cap)
        base.cap = *cap;
    if (drop)
        base.drop = *drop;
    if (debounceMs)
        base.debounceMs = *debounceMs;
    if (maxConcurrent)
        base.maxConcurrent = *maxConcurrent;
    return base;
}

QJsonObject QueueConfigOverride::toJson() const
{
    QJsonObject o;
    if (mode)
        o.insert(u"mode"_s, queueModeName(*mode));
    if (cap)
        o.insert(u"cap"_s, *cap);
    if (drop)
        o.insert(u"drop"_s, dropPolicyName(*drop));
    if (debounceMs)
        o.insert(u"debounce_ms"_s, *debounceMs);
    if (maxConcurrent)
        o.insert(u"max_concurrent"_s, *maxConcurrent);
    return o;
}

namespace {

std::optional<int> intField(const QJsonObject &o, const QString &key, int min, Error *error)
{
    const QJsonValue v = o.value(key);
    if (v.isUndefined() || v.isNull())
        return std::nullopt;
    const double d = v.toDouble(-1e18);
    // Range first: converting an out-of-range double to an integer is undefined behaviour.
    if (!v.isDouble() || d < min || d > 1e9 || d != std::floor(d)) {
        *error = Error::make(ErrorCode::InvalidRequest,
                             u"queue config field \"%1\" must be an integer >= %2"_s.arg(key).arg(min));
        return std::nullopt;
    }
    return int(d);
}

} // namespace

Expected<QueueConfigOverride> QueueConfigOverride::fromJson(const QJsonObject &object)
{
    static const QStringList kKnown{u"mode"_s, u"cap"_s, u"drop"_s, u"debounce_ms"_s,
                                    u"max_concurrent"_s};
    for (auto it = object.begin(); it != object.end(); ++it) {
        if (!kKnown.contains(it.key()))
            return Error::make(ErrorCode::InvalidRequest,
                               u"unknown queue config field \"%1\""_s.arg(it.key()));
    }
    QueueConfigOverride result;
    Error error;
    auto asText = [](const QJsonValue &v) {
        return v.isString() ? v.toString()
                            : QString::fromUtf8(QJsonDocument(QJsonArray{v}).toJson(QJsonDocument::Compact)).mid(1).chopped(1);
    };
    if (object.contains(u"mode"_s)) {
        const QString name = asText(object.value(u"mode"_s));
        result.mode = queueModeFromName(name);
        if (!result.mode || !object.value(u"mode"_s).isString())
            return Error::make(ErrorCode::InvalidRequest,
                               u"queue mode \"%1\" is not one of queue, followup, interrupt, collect"_s
                                   .arg(name));
    }
    if (object.contains(u"drop"_s)) {
        const QString name = asText(object.value(u"drop"_s));
        bool known = false;
        result.drop = dropPolicyFromName(name, &known);
        if (!known || !object.value(u"drop"_s).isString())
            return Error::make(ErrorCode::InvalidRequest,
                               u"drop policy \"%1\" is not one of old, new"_s.arg(name));
    }
    result.cap = intField(object, u"cap"_s, 0, &error);
    result.debounceMs = intField(object, u"debounce_ms"_s, -1, &error);
    result.maxConcurrent = intField(object, u"max_concurrent"_s, 0, &error);
    if (error.isError())
        return error;
    return result;
}

} // namespace Yard
