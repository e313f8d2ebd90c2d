// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QString>

class QSqlDatabase;
struct sqlite3;
struct sqlite3_stmt;

namespace Yard {

/// A prepared statement on the SQLite handle underneath a Qt SQL connection, for the store
/// writer's hot path. QSqlQuery::bindValue() builds a placeholder name with QString::arg() and
/// looks it up in a hash for every value: with 26 columns a run, that was a third of the writer
/// thread's time. Binding here is one sqlite3_bind_* call per value.
///
/// Lives on the connection's thread and must be destroyed before the connection closes.
class SqliteStatement final
{
    Q_DISABLE_COPY_MOVE(SqliteStatement)

public:
    SqliteStatement() = default;
    ~SqliteStatement();

    /// Prepares `sql` (positional `?`) on `db`'s connection; false with errorText() on failure.
    bool prepare(const QSqlDatabase &db, const QString &sql);

    /// Copied: SQLite keeps its own copy of the value. Borrowed: the value must stay valid and
    /// unchanged until exec() returns (no copy; the writer's rows outlive their statement).
    enum class Lifetime { Copied, Borrowed };

    // Indexes are 0-based, like QSqlQuery::bindValue().
    void bind(int index, qint64 value);
    void bind(int index, int value) { bind(index, qint64(value)); }
    void bind(int index, double value);
    /// A null QString binds as '' (the columns are NOT NULL).
    void bind(int index, const QString &text) { bindText(index, text, Lifetime::Copied); }
    void bindText(int index, const QString &text, Lifetime lifetime);
    /// UTF-8 text; empty binds as ''.
    void bindUtf8(int index, const QByteArray &text, Lifetime lifetime = Lifetime::Copied);
    /// Empty binds as SQL NULL.
    void bindBlobOrNull(int index, const QByteArray &blob, Lifetime lifetime = Lifetime::Copied);

    /// Runs the statement with the bound values, then resets it for the next row. False (with
    /// errorText()) if a value could not be bound or the row could not be written.
    bool exec();
    /// Why the last prepare() or exec() failed.
    QString errorText() const { return m_error; }

private:
    void check(int rc);

    sqlite3 *m_db = nullptr;
    sqlite3_stmt *m_stmt = nullptr;
    QString m_error;
    QString m_bindError; ///< the first bind failure of the row being bound
};

} // namespace Yard
