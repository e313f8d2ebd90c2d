// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "runrecord.h"

#include <deque>
#include <memory>
#include <vector>

namespace Yard {

/// Every live run by id, and the memory its records come from. Engine thread only.
///
/// Run ids only grow, so the table is dense: chunks of 4,096 slots indexed by id, created when
/// the first run of a range arrives and freed when its last one leaves. A lookup is two loads,
/// nothing ever rehashes (a hash table of a million runs stalled a turn for 25 ms), and a
/// straggler keeps only its chunk's 32 KB of slots alive. Records come from slabs recycled
/// through a free list, so accepting a run does not call malloc.
class RunTable final
{
    Q_DISABLE_COPY_MOVE(RunTable)

public:
    RunTable();
    ~RunTable();

    /// A fresh record for run `id`, in the table. `id` must not be live.
    RunRecord *create(RunId id);
    RunRecord *find(RunId id) const
    {
        const qint64 chunk = (id >> kChunkBits) - m_firstChunk;
        if (id <= 0 || chunk < 0 || chunk >= qint64(m_chunks.size()) || !m_chunks[size_t(chunk)])
            return nullptr;
        return m_chunks[size_t(chunk)]->entries[size_t(id & kChunkMask)];
    }
    /// Takes a record out of the table; its memory stays valid until release().
    void remove(RunRecord *rec);
    /// Returns a record that is no longer in the table to the free list.
    void release(RunRecord *rec);
    /// remove() and release().
    void destroy(RunRecord *rec)
    {
        remove(rec);
        release(rec);
    }

    int size() const { return m_size; }
    /// Calls fn(RunRecord *) for every live run, by id. fn must not add or remove runs.
    template<typename Fn>
    void forEach(Fn fn) const
    {
        for (const auto &chunk : m_chunks) {
            if (!chunk || chunk->used == 0)
                continue;
            for (RunRecord *rec : chunk->entries) {
                if (rec)
                    fn(rec);
            }
        }
    }
    /// Every live run (a copy, so the caller may change the table while walking it).
    std::vector<RunRecord *> all() const;

    /// Bytes the table and its record slabs hold (for the benchmark and diagnostics).
    qint64 memoryBytes() const;

private:
    static constexpr int kChunkBits = 12;
    static constexpr qint64 kChunkMask = (qint64(1) << kChunkBits) - 1;
    static constexpr int kSlabRecords = 1024;

    struct Chunk
    {
        RunRecord *entries[size_t(1) << kChunkBits] = {};
        int used = 0;
    };

    RunRecord *allocate();
    void trimEmptyEdges();

    std::deque<std::unique_ptr<Chunk>> m_chunks; ///< m_chunks[0] holds ids from m_firstChunk << kChunkBits
    qint64 m_firstChunk = 0;
    std::unique_ptr<Chunk> m_spare; ///< one empty chunk kept, so a boundary does not allocate
    std::vector<void *> m_slabs;    ///< Owning (aligned storage for kSlabRecords records each).
    RunRecord *m_free = nullptr;    ///< free list through RunRecord::next
    int m_size = 0;
};

} // namespace Yard
