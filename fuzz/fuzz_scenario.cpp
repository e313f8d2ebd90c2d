// SPDX-License-Identifier: GPL-3.0-or-later
// libFuzzer target for the scenario parser (SPEC I6, R4): any input either is a scenario or is
// refused with one line naming the JSON path and the problem. Accepted actions are in time
// order, and their payloads are JSON objects the simulate handler reads.
#include "sim/scenario.h"

#include <QJsonDocument>

#include <cstddef>
#include <cstdint>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray input(reinterpret_cast<const char *>(data), qsizetype(size));
    Yard::Expected<Yard::Sim::Scenario> s = Yard::Sim::parseScenario(input);
    if (!s) {
        const QString &m = s.error().message;
        if (s.error().code != Yard::ErrorCode::InvalidRequest || m.isEmpty() || m.contains(u'\n') || !m.contains(u": "))
            std::abort(); // one line: "path: problem"
        return 0;
    }
    qint64 previous = -1;
    for (const Yard::Sim::Action &a : s->actions) {
        if (a.atMs < previous)
            std::abort();
        previous = a.atMs;
        if (!a.outcomes.isEmpty() && !QJsonDocument::fromJson(Yard::Sim::payloadFor(a.outcomes)).isObject())
            std::abort();
    }
    return 0;
}
