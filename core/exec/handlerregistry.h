// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "handler.h"

#include <QHash>
#include <QReadWriteLock>
#include <QString>
#include <QStringList>

#include <atomic>
#include <functional>
#include <memory>

namespace Yard {

/// Handlers by run type (SPEC H1). Thread-safe; lookups happen on the engine thread at dispatch.
class HandlerRegistry final
{
    Q_DISABLE_COPY_MOVE(HandlerRegistry)

public:
    HandlerRegistry() = default;

    void add(const QString &type, std::shared_ptr<Handler> handler);
    /// Convenience for stateless lambdas.
    void add(const QString &type, std::function<Outcome(RunContext &)> fn);
    std::shared_ptr<Handler> find(const QString &type) const;
    bool contains(const QString &type) const;
    QStringList types() const;

    /// Registers the built-in handlers: "noop" and "simulate" (SPEC H4).
    void addBuiltins();

    /// Grows with every add(): caches of looked-up handlers compare it to know they are current.
    quint64 version() const { return m_version.load(std::memory_order_acquire); }

private:
    std::atomic<quint64> m_version{0};
    mutable QReadWriteLock m_lock;
    QHash<QString, std::shared_ptr<Handler>> m_handlers;
};

} // namespace Yard
