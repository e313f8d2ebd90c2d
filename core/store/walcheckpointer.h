// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>

#include <condition_variable>
#include <mutex>
#include <thread>

class QSqlDatabase;
struct sqlite3;

namespace Yard {

/// Keeps the write-ahead log short without stalling the writer. SQLite's own auto-checkpoint
/// copies the log into the database inside the commit that crosses its bound: a stall of tens
/// of milliseconds that every acknowledgement waiting on that commit pays (the local API's p99).
///
/// Here a thread with a connection of its own runs PASSIVE checkpoints while the writer goes on
/// committing. The writer (through SQLite's WAL hook) only wakes it, and once the log passes
/// kInlineFrames finishes the few frames left itself, which lets SQLite start the log over
/// (a passive checkpoint alone never catches a log that is being written to).
class WalCheckpointer
{
public:
    /// Frames written since the last wake-up that wake the checkpointing thread.
    static constexpr int kWakeFrames = 256;
    /// A log this long (16 MiB of 4 KiB pages) is finished by the writer itself.
    static constexpr int kInlineFrames = 4096;

    WalCheckpointer(QString path, QString connectionName);
    ~WalCheckpointer();

    /// Takes over checkpoints of the writer's connection (replacing wal_autocheckpoint) and
    /// starts the thread. False (nothing changed) when the handle cannot be had.
    bool attach(QSqlDatabase &writer);
    /// Stops the thread; the writer's connection keeps the hook until it closes.
    void stop();

    /// Checkpoints run by the thread and by the writer (tests, diagnostics).
    quint64 backgroundCheckpoints() const;
    quint64 inlineCheckpoints() const;

private:
    static int walHook(void *self, sqlite3 *db, const char *schema, int frames);
    void loop();

    const QString m_path;
    const QString m_connectionName;
    std::thread m_thread;
    mutable std::mutex m_mutex;
    std::condition_variable m_wake;
    bool m_stop = false;
    bool m_pending = false;
    int m_framesAtWake = 0;        ///< writer thread only
    quint64 m_background = 0;
    quint64 m_inline = 0;
};

} // namespace Yard
