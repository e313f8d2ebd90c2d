// SPDX-License-Identifier: GPL-3.0-or-later
#include "handlerregistry.h"

#include "commandhandler.h"
#include "simulatehandler.h"

using namespace Qt::StringLiterals;

namespace Yard {

namespace {

class FunctionHandler final : public Handler
{
public:
    explicit FunctionHandler(std::function<Outcome(RunContext &)> fn)
        : m_fn(std::move(fn))
    {}
    Outcome run(RunContext &context) override { return m_fn(context); }

private:
    std::function<Outcome(RunContext &)> m_fn;
};

class NoopHandler final : public Handler
{
public:
    Outcome run(RunContext &) override { return Outcome::success(); }
};

} // namespace

void HandlerRegistry::add(const QString &type, std::shared_ptr<Handler> handler)
{
    QWriteLocker locker(&m_lock);
    m_handlers.insert(type, std::move(handler));
    m_version.fetch_add(1, std::memory_order_acq_rel);
}

void HandlerRegistry::add(const QString &type, std::function<Outcome(RunContext &)> fn)
{
    add(type, std::make_shared<FunctionHandler>(std::move(fn)));
}

std::shared_ptr<Handler> HandlerRegistry::find(const QString &type) const
{
    QReadLocker locker(&m_lock);
    return m_handlers.value(type);
}

bool HandlerRegistry::contains(const QString &type) const
{
    QReadLocker locker(&m_lock);
    return m_handlers.contains(type);
}

QStringList HandlerRegistry::types() const
{
    QReadLocker locker(&m_lock);
    QStringList list = m_handlers.keys();
    list.sort();
    return list;
}

void HandlerRegistry::addBuiltins()
{
    add(u"noop"_s, std::make_shared<NoopHandler>());
    add(u"simulate"_s, std::make_shared<SimulateHandler>());
    add(u"command"_s, std::make_shared<CommandHandler>());
}

} // namespace Yard
