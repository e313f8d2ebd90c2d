// SPDX-License-Identifier: GPL-3.0-or-later
#include "clusterdemo.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

using namespace Qt::StringLiterals;

namespace Yard {

ClusterDemo::ClusterDemo()
    : m_random(QRandomGenerator::securelySeeded())
{}

QVector<QPair<QString, int>> ClusterDemo::lanes()
{
    return {{u"default"_s, 12}, {u"gpu"_s, 3}, {u"io"_s, 6}};
}

QVector<ClusterRunSpec> ClusterDemo::next()
{
    static const QStringList kAgents = {u"planner"_s, u"coder"_s, u"reviewer"_s, u"researcher"_s,
                                        u"tester"_s, u"triage"_s};
    QVector<ClusterRunSpec> runs;
    ++m_tick;
    const int n = int(m_random.bounded(0, 4));
    for (int i = 0; i < n; ++i) {
        ClusterRunSpec r;
        const int session = int(m_random.bounded(24));
        r.sessionKey = u"%1-%2"_s.arg(kAgents.at(session % kAgents.size())).arg(session, 2, 10, QLatin1Char('0'));
        const int lane = int(m_random.bounded(10));
        r.lane = lane < 6 ? u"default"_s : lane < 8 ? u"io"_s : u"gpu"_s;
        r.handler = u"simulate"_s;
        r.priority = m_random.bounded(10) == 0 ? 1 : 3;
        r.input = u"demo turn %1"_s.arg(m_tick);
        QJsonObject payload{{u"duration_ms"_s, int(m_random.bounded(300, 3000))},
                            {u"steps"_s, 3},
                            {u"fail_p"_s, 0.04}};
        if (m_random.bounded(100) == 0)
            payload.insert(u"attempts"_s, QJsonArray{QJsonObject{{u"vanish"_s, true}}, QJsonObject{}});
        r.payloadJson = QJsonDocument(payload).toJson(QJsonDocument::Compact);
        runs.push_back(std::move(r));
    }
    return runs;
}

} // namespace Yard
