// SPDX-License-Identifier: GPL-3.0-or-later
#include "configfile.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QStandardPaths>

using namespace Qt::StringLiterals;

namespace Yard::ConfigFile {

QString defaultPath()
{
    return QDir(QStandardPaths::writableLocation(QStandardPaths::GenericConfigLocation))
        .filePath(u"yardmaster/config.json"_s);
}

Error apply(const QString &path, EngineOptions &options, int *workerThreads, bool required)
{
    auto fail = [&path](const QString &what) {
        return Error::make(ErrorCode::InvalidRequest, u"config file %1: %2"_s.arg(path, what));
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
    static const QStringList kKnown{u"lanes"_s, u"queue"_s, u"context_windows"_s, u"worker_threads"_s};
    for (auto it = root.begin(); it != root.end(); ++it) {
        if (!kKnown.contains(it.key()))
            return fail(u"unknown setting \"%1\" (known: %2)"_s.arg(it.key(), kKnown.join(u", "_s)));
    }

    EngineOptions result = options;
    const QJsonObject lanes = root.value(u"lanes"_s).toObject();
    for (auto it = lanes.begin(); it != lanes.end(); ++it) {
        const double v = it.value().toDouble(-1);
        if (!it.value().isDouble() || v != double(int(v)))
            return fail(u"lanes.%1 must be an integer limit"_s.arg(it.key()));
        result.laneLimits.insert(it.key(), int(v));
    }
    if (root.contains(u"queue"_s)) {
        if (!root.value(u"queue"_s).isObject())
            return fail(u"\"queue\" must be an object"_s);
        const auto q = QueueConfigOverride::fromJson(root.value(u"queue"_s).toObject());
        if (!q)
            return fail(q.error().message);
        result.defaultQueue = q->applyTo(result.defaultQueue);
    }
    const QJsonObject windows = root.value(u"context_windows"_s).toObject();
    for (auto it = windows.begin(); it != windows.end(); ++it) {
        const qint64 v = it.value().toInteger(-1);
        if (v <= 0)
            return fail(u"context_windows.%1 must be a positive number of tokens"_s.arg(it.key()));
        result.contextWindows.insert(it.key(), v);
    }
    if (root.contains(u"worker_threads"_s)) {
        const int n = root.value(u"worker_threads"_s).toInt(-1);
        if (n <= 0)
            return fail(u"worker_threads must be a positive integer"_s);
        if (workerThreads)
            *workerThreads = n;
    }
    options = result;
    return {};
}

} // namespace Yard::ConfigFile
