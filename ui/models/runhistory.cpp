// SPDX-License-Identifier: GPL-3.0-or-later
#include "runhistory.h"

namespace Yard::Ui {

void RunHistory::add(const EventBatch &events)
{
    for (const Event &e : events) {
        // Progress is the bar's business; wakes and claims are the cycle's.
        if (e.run == 0 || e.type == EventType::RunProgress || e.type == EventType::WakeSent)
            continue;
        auto it = m_runs.find(e.run);
        if (it == m_runs.end()) {
            it = m_runs.insert(e.run, {});
            m_order.push_back(e.run);
            while (int(m_order.size()) > kRuns) {
                m_runs.remove(m_order.front());
                m_order.pop_front();
            }
            it = m_runs.find(e.run);
        }
        if (it->size() >= kPerRun)
            it->remove(1); // keep how it began
        it->append(e);
    }
}

} // namespace Yard::Ui
