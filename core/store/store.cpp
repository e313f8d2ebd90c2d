// SPDX-License-Identifier: GPL-3.0-or-later
#include "store.h"

namespace Yard {

void Store::commitAsync()
{
    if (m_buffer.empty())
        return;
    MutationBatch batch;
    batch.swap(m_buffer);
    submit(std::move(batch));
}

Expected<RunId> Store::reserveRunIds(int count)
{
    const RunId first = m_lastRunId + 1;
    m_lastRunId += qMax(1, count);
    return first;
}

} // namespace Yard
