// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "model/ids.h"

#include <unordered_map>

namespace Yard {

/// How many tasks each session holds claimed or running (SPEC D3: a session holding one is not
/// woken). The TaskBoard takes a claim, the RunResolver gives it back with the run's next state
/// change, so no path can forget it. Engine thread only.
class ClaimLedger final
{
public:
    void acquire(SessionId session) { ++m_claims[session]; }
    void release(SessionId session)
    {
        auto it = m_claims.find(session);
        if (it != m_claims.end() && --it->second <= 0)
            m_claims.erase(it);
    }
    int held(SessionId session) const
    {
        auto it = m_claims.find(session);
        return it == m_claims.end() ? 0 : it->second;
    }
    int total() const
    {
        int n = 0;
        for (const auto &[session, count] : m_claims)
            n += count;
        return n;
    }

private:
    std::unordered_map<SessionId, int> m_claims;
};

} // namespace Yard
