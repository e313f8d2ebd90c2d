// SPDX-License-Identifier: GPL-3.0-or-later
#include "embeddedscheduler.h"

#include "engine/scheduler.h"
#include "exec/handlerregistry.h"

#include <QPointer>

using namespace Qt::StringLiterals;

namespace Yard {

class EmbeddedScheduler::Private
{
public:
    std::unique_ptr<Scheduler> scheduler;
};

EmbeddedScheduler::EmbeddedScheduler()
    : d(std::make_unique<Private>())
{
    qRegisterMetaType<Yard::RunEnd>();
}

EmbeddedScheduler::~EmbeddedScheduler()
{
    shutdown();
}

Expected<std::unique_ptr<EmbeddedScheduler>> EmbeddedScheduler::open(const EmbeddedOptions &options)
{
    if (options.workerThreads < 0)
        return Error::make(ErrorCode::InvalidConfig,
                           u"workerThreads must be 0 (sized from the machine) or more, not %1"_s.arg(options.workerThreads));
    for (auto it = options.laneLimits.cbegin(); it != options.laneLimits.cend(); ++it) {
        if (it.key().isEmpty() || it.value() < 1)
            return Error::make(ErrorCode::InvalidConfig,
                               u"lane limit \"%1\" = %2: lanes need a name and a limit of 1 or more"_s.arg(it.key()).arg(it.value()));
    }
    SchedulerOptions o;
    o.databasePath = options.databasePath;
    o.workerThreads = options.workerThreads;
    o.engine.laneLimits = options.laneLimits;
    if (!options.defaultHandler.isEmpty())
        o.engine.messageHandler = options.defaultHandler;
    Expected<std::unique_ptr<Scheduler>> opened = Scheduler::open(std::move(o));
    if (!opened)
        return opened.error();
    std::unique_ptr<EmbeddedScheduler> self(new EmbeddedScheduler);
    self->d->scheduler = std::move(opened).value();
    EmbeddedScheduler *raw = self.get();
    connect(self->d->scheduler.get(), &Scheduler::eventsReady, raw, [raw](const EventBatch &batch) {
        for (const Event &e : batch) {
            if (endsRun(e.type))
                Q_EMIT raw->runEnded(RunEnd{e.run, e.session, e.type, e.code, e.text});
        }
        Q_EMIT raw->eventsReady(batch);
    });
    return self;
}

void EmbeddedScheduler::addHandler(const QString &type, std::shared_ptr<Handler> handler)
{
    if (d->scheduler)
        d->scheduler->handlers().add(type, std::move(handler));
}

void EmbeddedScheduler::addHandler(const QString &type, std::function<Outcome(RunContext &)> fn)
{
    if (d->scheduler)
        d->scheduler->handlers().add(type, std::move(fn));
}

void EmbeddedScheduler::submit(const Work &work, std::function<void(Expected<RunId>)> accepted)
{
    auto answer = [context = QPointer<EmbeddedScheduler>(this), accepted = std::move(accepted)](Expected<RunId> result) {
        if (!accepted || !context)
            return; // nobody asked, or the scheduler is gone
        QMetaObject::invokeMethod(context.data(), [context, accepted, result] {
            if (context)
                accepted(result);
        }, Qt::QueuedConnection);
    };
    if (!d->scheduler) {
        answer(Error::make(ErrorCode::Stopped, u"the scheduler was shut down"_s));
        return;
    }
    if (work.session.trimmed().isEmpty() || work.text.isEmpty()) {
        answer(Error::make(ErrorCode::InvalidRequest, u"work needs a session key and a text"_s));
        return;
    }
    MessageRequest request;
    request.sessionKey = work.session;
    request.content = work.text;
    request.handler = work.handler;
    request.lane = work.lane;
    request.priority = work.priority;
    request.payloadJson = work.payloadJson;
    d->scheduler->post([request, answer](Engine &engine) {
        Expected<SubmitReceipt> receipt = engine.submitMessage(request);
        if (!receipt) {
            answer(receipt.error());
            return;
        }
        const RunId run = receipt->runId;
        engine.whenDurable([answer, run] { answer(run); }); // acknowledged once on disk (SPEC I2)
    });
}

void EmbeddedScheduler::pause(const QString &reason)
{
    if (d->scheduler)
        d->scheduler->post([reason](Engine &engine) { engine.pause(reason, u"embedded"_s); });
}

void EmbeddedScheduler::resume()
{
    if (d->scheduler)
        d->scheduler->post([](Engine &engine) { engine.resume(u"embedded"_s); });
}

Error EmbeddedScheduler::shutdown(int deadlineMs)
{
    if (!d->scheduler)
        return {};
    Error e = d->scheduler->shutdown(deadlineMs);
    d->scheduler.reset();
    return e;
}

QString EmbeddedScheduler::storeLocation() const
{
    return d->scheduler ? d->scheduler->storeLocation() : QString();
}

} // namespace Yard
