// SPDX-License-Identifier: GPL-3.0-or-later
#include "sqlitestatement.h"

#include <QSqlDatabase>
#include <QSqlDriver>
#include <QVariant>

#include <sqlite3.h>

using namespace Qt::StringLiterals;

namespace Yard {

SqliteStatement::~SqliteStatement()
{
    sqlite3_finalize(m_stmt);
}

bool SqliteStatement::prepare(const QSqlDatabase &db, const QString &sql)
{
    sqlite3_finalize(m_stmt);
    m_stmt = nullptr;
    m_error.clear();
    // Qt documents this: the QSQLITE driver's handle is the connection's sqlite3*.
    const QVariant handle = db.driver() ? db.driver()->handle() : QVariant();
    if (!handle.isValid() || qstrcmp(handle.typeName(), "sqlite3*") != 0) {
        m_error = u"the SQL driver gives no SQLite handle (%1)"_s.arg(db.driverName());
        return false;
    }
    m_db = *static_cast<sqlite3 *const *>(handle.constData());
    if (!m_db) {
        m_error = u"the database connection is not open"_s;
        return false;
    }
    const int rc = sqlite3_prepare_v3(m_db, sql.toUtf8().constData(), -1,
                                      SQLITE_PREPARE_PERSISTENT, &m_stmt, nullptr);
    if (rc != SQLITE_OK) {
        m_error = QString::fromUtf8(sqlite3_errmsg(m_db));
        m_stmt = nullptr;
        return false;
    }
    return true;
}

void SqliteStatement::check(int rc)
{
    if (rc != SQLITE_OK && m_bindError.isEmpty())
        m_bindError = QString::fromUtf8(sqlite3_errmsg(m_db));
}

void SqliteStatement::bind(int index, qint64 value)
{
    check(sqlite3_bind_int64(m_stmt, index + 1, value));
}

void SqliteStatement::bind(int index, double value)
{
    check(sqlite3_bind_double(m_stmt, index + 1, value));
}

void SqliteStatement::bindText(int index, const QString &text, Lifetime lifetime)
{
    if (text.isEmpty()) {
        check(sqlite3_bind_text(m_stmt, index + 1, "", 0, SQLITE_STATIC));
        return;
    }
    // constData() with a length needs no terminating null: utf16() would copy a string that
    // has none (a view of an interned name, a literal) on every row.
    check(sqlite3_bind_text16(m_stmt, index + 1, text.constData(), int(text.size() * sizeof(char16_t)),
                              lifetime == Lifetime::Borrowed ? SQLITE_STATIC : SQLITE_TRANSIENT));
}

void SqliteStatement::bindUtf8(int index, const QByteArray &text, Lifetime lifetime)
{
    check(sqlite3_bind_text(m_stmt, index + 1, text.isEmpty() ? "" : text.constData(), int(text.size()),
                            lifetime == Lifetime::Borrowed && !text.isEmpty() ? SQLITE_STATIC
                                                                               : SQLITE_TRANSIENT));
}

void SqliteStatement::bindBlobOrNull(int index, const QByteArray &blob, Lifetime lifetime)
{
    if (blob.isEmpty())
        check(sqlite3_bind_null(m_stmt, index + 1));
    else
        check(sqlite3_bind_blob(m_stmt, index + 1, blob.constData(), int(blob.size()),
                                lifetime == Lifetime::Borrowed ? SQLITE_STATIC : SQLITE_TRANSIENT));
}

bool SqliteStatement::exec()
{
    m_error = m_bindError; // a failed bind fails the row
    m_bindError.clear();
    bool ok = m_error.isEmpty();
    if (ok) {
        const int rc = sqlite3_step(m_stmt);
        ok = rc == SQLITE_DONE || rc == SQLITE_ROW;
        if (!ok)
            m_error = QString::fromUtf8(sqlite3_errmsg(m_db));
    }
    sqlite3_reset(m_stmt);
    sqlite3_clear_bindings(m_stmt);
    return ok;
}

} // namespace Yard
