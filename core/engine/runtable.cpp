// SPDX-License-Identifier: GPL-3.0-or-later
#include "runtable.h"

#include <cstdlib>
#include <new>

namespace Yard {

RunTable::RunTable() = default;

RunTable::~RunTable()
{
    forEach([this](RunRecord *rec) { rec->~RunRecord(); });
    // Free-list records are destroyed already; slabs are raw storage.
    for (void *slab : m_slabs)
        std::free(slab);
}

RunRecord *RunTable::allocate()
{
    if (!m_free) {
        void *slab = std::aligned_alloc(alignof(RunRecord), sizeof(RunRecord) * kSlabRecords);
        if (!slab)
            throw std::bad_alloc();
        m_slabs.push_back(slab);
        auto *records = static_cast<RunRecord *>(slab);
        for (int i = kSlabRecords - 1; i >= 0; --i) {
            RunRecord *rec = new (&records[i]) RunRecord;
            rec->next = m_free;
            m_free = rec;
        }
    }
    RunRecord *rec = m_free;
    m_free = rec->next;
    rec->next = nullptr;
    return rec;
}

RunRecord *RunTable::create(RunId id)
{
    Q_ASSERT(id > 0);
    const qint64 chunkIndex = id >> kChunkBits;
    if (m_chunks.empty())
        m_firstChunk = chunkIndex;
    while (chunkIndex < m_firstChunk) {
        m_chunks.emplace_front();
        --m_firstChunk;
    }
    while (chunkIndex - m_firstChunk >= qint64(m_chunks.size()))
        m_chunks.emplace_back();
    std::unique_ptr<Chunk> &chunk = m_chunks[size_t(chunkIndex - m_firstChunk)];
    if (!chunk)
        chunk = m_spare ? std::move(m_spare) : std::make_unique<Chunk>();
    RunRecord *&slot = chunk->entries[size_t(id & kChunkMask)];
    Q_ASSERT(!slot);
    RunRecord *rec = allocate();
    rec->id = id;
    slot = rec;
    ++chunk->used;
    ++m_size;
    return rec;
}

void RunTable::remove(RunRecord *rec)
{
    const qint64 index = (rec->id >> kChunkBits) - m_firstChunk;
    if (index < 0 || index >= qint64(m_chunks.size()))
        return;
    std::unique_ptr<Chunk> &chunk = m_chunks[size_t(index)];
    if (!chunk)
        return;
    RunRecord *&slot = chunk->entries[size_t(rec->id & kChunkMask)];
    if (slot != rec)
        return;
    slot = nullptr;
    --m_size;
    if (--chunk->used == 0) {
        if (!m_spare)
            m_spare = std::move(chunk);
        else
            chunk.reset();
        trimEmptyEdges();
    }
}

void RunTable::trimEmptyEdges()
{
    while (!m_chunks.empty() && !m_chunks.front()) {
        m_chunks.pop_front();
        ++m_firstChunk;
    }
    while (!m_chunks.empty() && !m_chunks.back())
        m_chunks.pop_back();
}

void RunTable::release(RunRecord *rec)
{
    // Reset to a fresh record (drops its detail) and keep the memory for the next run.
    *rec = RunRecord();
    rec->next = m_free;
    m_free = rec;
}

std::vector<RunRecord *> RunTable::all() const
{
    std::vector<RunRecord *> list;
    list.reserve(size_t(m_size));
    forEach([&list](RunRecord *rec) { list.push_back(rec); });
    return list;
}

qint64 RunTable::memoryBytes() const
{
    return qint64(m_slabs.size()) * kSlabRecords * qint64(sizeof(RunRecord))
           + qint64(m_chunks.size() + (m_spare ? 1 : 0)) * qint64(sizeof(Chunk));
}

} // namespace Yard
