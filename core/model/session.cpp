// SPDX-License-Identifier: GPL-3.0-or-later
#include "session.h"

using namespace Qt::StringLiterals;

namespace Yard {

QString sessionStateName(SessionState state)
{
    switch (state) {
    case SessionState::Active:
        return u"active"_s;
    case SessionState::Idle:
        return u"idle"_s;
    case SessionState::Closed:
        return u"closed"_s;
    }
    return u"active"_s;
}

std::optional<SessionState> sessionStateFromName(QStringView name)
{
    for (auto s : {SessionState::Active, SessionState::Idle, SessionState::Closed}) {
        if (name == sessionStateName(s))
            return s;
    }
    return std::nullopt;
}

} // namespace Yard
