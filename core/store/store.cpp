// SPDX-License-Identifier: GPL-3.0-or-later
#include "store.h"

namespace Yard {

void Store::handOver()
{
    if (m_buffer.empty())
        return;
    MutationBatch batch;
    batch.swap(m_buffer);
    submit(std::move(batch));
}

} // namespace Yard
