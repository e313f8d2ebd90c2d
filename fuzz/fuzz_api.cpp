// SPDX-License-Identifier: GPL-3.0-or-later
// libFuzzer target for the local API's request parser (SPEC I2, R4): any line either parses
// into a request or gives an invalid_request error that says why; every typed read of its
// parameters answers or refuses without crashing; an event filter parses or is refused; and
// every reply the server would write is one line of valid JSON carrying the version.
#include "api/apiprotocol.h"

#include <QJsonDocument>
#include <QJsonObject>

#include <cstddef>
#include <cstdint>
#include <cstdlib>

namespace {

void mustBeOneJsonLine(const QByteArray &reply)
{
    if (!reply.endsWith('\n') || reply.count('\n') != 1)
        std::abort();
    const QJsonDocument doc = QJsonDocument::fromJson(reply);
    if (!doc.isObject() || doc.object().value(QStringLiteral("v")).toInt() != Yard::Api::kVersion)
        std::abort();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray line(reinterpret_cast<const char *>(data), qsizetype(size));
    QJsonValue id;
    Yard::Expected<Yard::Api::Request> r = Yard::Api::parseRequest(line, &id);
    if (!r) {
        if (r.error().code != Yard::ErrorCode::InvalidRequest || r.error().message.isEmpty())
            std::abort();
        mustBeOneJsonLine(Yard::Api::errorReply(id, r.error()));
        return 0;
    }
    const Yard::Api::Params p(r->params);
    for (auto it = r->params.begin(); it != r->params.end(); ++it) {
        const QString key = it.key();
        (void)p.string(key);
        (void)p.requiredString(key);
        (void)p.integer(key, 0, -1000, 1000);
        (void)p.boolean(key, false);
        (void)p.strings(key);
        (void)p.object(key);
    }
    Yard::Expected<QJsonObject> filter = p.object(QStringLiteral("filter"));
    if (filter) {
        Yard::Expected<Yard::Api::EventSubscription> s = Yard::Api::EventSubscription::fromJson(filter.value());
        if (!s && s.error().message.isEmpty())
            std::abort();
    }
    mustBeOneJsonLine(Yard::Api::okReply(r->id, r->params));
    mustBeOneJsonLine(Yard::Api::errorReply(r->id, Yard::Error::make(Yard::ErrorCode::InvalidRequest, r->command)));
    return 0;
}
