// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QElapsedTimer>

#include <atomic>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif

namespace Yard {

inline void cpuRelax()
{
#if defined(__x86_64__) || defined(__i386__)
    _mm_pause();
#elif defined(__aarch64__)
    asm volatile("yield");
#endif
}

/// Busy-waits up to `maxNs` for `ready()` to become true, without system calls. Used where a
/// hand-off between threads is usually microseconds away: cheaper than a futex sleep + wake.
template<typename Ready>
bool spinUntil(Ready ready, qint64 maxNs)
{
    QElapsedTimer t;
    t.start();
    for (;;) {
        for (int i = 0; i < 64; ++i) {
            if (ready())
                return true;
            cpuRelax();
        }
        if (t.nsecsElapsed() > maxNs)
            return ready();
    }
}

} // namespace Yard
