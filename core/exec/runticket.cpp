// SPDX-License-Identifier: GPL-3.0-or-later
#include "runticket.h"

#include "engine/clock.h"
#include "inbox.h"
#include "runcontext.h"

#include <exception>

using namespace Qt::StringLiterals;

namespace Yard {

void RunTicket::reset()
{
    // Only what holds memory or state; the request fields are overwritten by the next fill.
    // (Most runs carry no texts: the checks are cheaper than assigning empty strings.)
    if (!request.input.isNull())
        request.input = QString();
    if (!request.payloadJson.isNull())
        request.payloadJson = QByteArray();
    if (!savedState.isNull())
        savedState = QByteArray();
    if (!outcome.text.isNull())
        outcome.text = QString();
    handler = nullptr;
    owner = nullptr;
    step = 0;
    stepTimer = 0;
    cancelled.store(false, std::memory_order_relaxed);
    leaseLost.store(false, std::memory_order_relaxed);
    interrupted.store(false, std::memory_order_relaxed);
    noReschedule = false;
}

void RunTicket::execute()
{
    if (step == 0 && hook && *hook) {
        try {
            const HookVerdict verdict = (*hook)(request);
            if (verdict.abort) {
                outcome = Outcome::failure(verdict.reason.isEmpty()
                                               ? u"aborted by the pre-execute hook"_s
                                               : verdict.reason,
                                           ErrorCode::Aborted);
                return;
            }
        } catch (const std::exception &e) {
            outcome = Outcome::failure(u"pre-execute hook threw: "_s + QString::fromUtf8(e.what()),
                                       ErrorCode::Aborted);
            return;
        } catch (...) {
            outcome = Outcome::failure(u"pre-execute hook threw an unknown exception"_s,
                                       ErrorCode::Aborted);
            return;
        }
    }
    if (!handler) {
        outcome = Outcome::failure(u"no handler is registered for type \"%1\""_s.arg(request.handler),
                                   ErrorCode::UnknownHandler);
        return;
    }
    RunContext context(*this);
    try {
        outcome = handler->run(context);
    } catch (const std::exception &e) {
        outcome = Outcome::failure(u"handler threw: "_s + QString::fromUtf8(e.what()));
    } catch (...) {
        outcome = Outcome::failure(u"handler threw an unknown exception"_s);
    }
}

InboxItem RunTicket::finishedItem() const
{
    InboxItem item;
    item.ticket = const_cast<RunTicket *>(this);
    item.runId = request.runId;
    item.kind = InboxItem::Kind::Finished;
    return item;
}

void RunTicket::run()
{
    execute();
    inbox->push(finishedItem());
}

} // namespace Yard
