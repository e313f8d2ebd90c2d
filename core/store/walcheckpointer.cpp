// SPDX-License-Identifier: GPL-3.0-or-later
#include "walcheckpointer.h"

#include "logging.h"
#include "schema.h"

#include <QSqlDatabase>
#include <QSqlDriver>
#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

#include <sqlite3.h>

using namespace Qt::StringLiterals;

namespace Yard {

WalCheckpointer::WalCheckpointer(QString path, QString connectionName)
    : m_path(std::move(path))
    , m_connectionName(std::move(connectionName))
{}

WalCheckpointer::~WalCheckpointer()
{
    stop();
}

bool WalCheckpointer::attach(QSqlDatabase &writer)
{
    // Qt documents this: the QSQLITE driver's handle is the connection's sqlite3*.
    const QVariant handle = writer.driver() ? writer.driver()->handle() : QVariant();
    if (!handle.isValid() || qstrcmp(handle.typeName(), "sqlite3*") != 0)
        return false;
    sqlite3 *db = *static_cast<sqlite3 *const *>(handle.constData());
    if (!db)
        return false;
    m_thread = std::thread([this] { loop(); });
    sqlite3_wal_hook(db, &WalCheckpointer::walHook, this); // replaces wal_autocheckpoint
    return true;
}

void WalCheckpointer::stop()
{
    {
        std::lock_guard lock(m_mutex);
        m_stop = true;
    }
    m_wake.notify_one();
    if (m_thread.joinable())
        m_thread.join();
}

quint64 WalCheckpointer::backgroundCheckpoints() const
{
    std::lock_guard lock(m_mutex);
    return m_background;
}

quint64 WalCheckpointer::inlineCheckpoints() const
{
    std::lock_guard lock(m_mutex);
    return m_inline;
}

int WalCheckpointer::walHook(void *self, sqlite3 *db, const char *schema, int frames)
{
    // On the writer's thread, right after a commit; `frames` is the log's length now.
    auto *c = static_cast<WalCheckpointer *>(self);
    if (frames >= kInlineFrames) {
        // The thread has copied most of it: what is left is quick, and the next write
        // transaction starts the log over.
        sqlite3_wal_checkpoint_v2(db, schema, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
        c->m_framesAtWake = 0;
        std::lock_guard lock(c->m_mutex);
        ++c->m_inline;
        return SQLITE_OK;
    }
    if (frames < c->m_framesAtWake) // the log started over
        c->m_framesAtWake = 0;
    if (frames - c->m_framesAtWake >= kWakeFrames) {
        c->m_framesAtWake = frames;
        {
            std::lock_guard lock(c->m_mutex);
            c->m_pending = true;
        }
        c->m_wake.notify_one();
    }
    return SQLITE_OK;
}

void WalCheckpointer::loop()
{
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, m_connectionName);
        db.setDatabaseName(m_path);
        const bool open = db.open() && !Schema::configureConnection(db, m_path, false).isError();
        if (!open)
            qCWarning(lcStore).noquote() << u"%1: no background checkpoints (%2); the writer does them"_s.arg(
                m_path, db.lastError().text());
        QSqlQuery q(db);
        for (;;) {
            {
                std::unique_lock lock(m_mutex);
                m_wake.wait(lock, [this] { return m_stop || m_pending; });
                if (m_stop)
                    break;
                m_pending = false;
            }
            if (!open)
                continue;
            // PASSIVE: copies what no reader still needs, never waits for the writer.
            q.exec(u"PRAGMA wal_checkpoint(PASSIVE)"_s);
            q.finish();
            std::lock_guard lock(m_mutex);
            ++m_background;
        }
    }
    QSqlDatabase::removeDatabase(m_connectionName);
}

} // namespace Yard
