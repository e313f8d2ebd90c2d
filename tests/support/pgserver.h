// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>
#include <QTemporaryDir>

#include <memory>

namespace Yard::Test {

/// A throwaway PostgreSQL 15 server for tests and benches: its own cluster in a temporary
/// folder, on a free port of 127.0.0.1, with trust authentication for the role `yard` and a
/// database `yard`. PostgreSQL refuses to run as root, so as root the server runs as the
/// `postgres` user Debian's package creates. Stopped (immediately) and deleted with the object.
class PgServer final
{
public:
    PgServer();
    ~PgServer();

    /// Starts the server; empty on success, else what is missing or what failed (with the log).
    QString start();
    void stop();
    /// postgresql://yard@127.0.0.1:PORT/yard
    QString url() const;
    int port() const { return m_port; }
    /// The folder with PostgreSQL's programs (initdb, pg_ctl, …), or empty when not installed.
    static QString binDir();
    /// Runs psql on the server with `sql`; returns its output (tests' own checks).
    QString psql(const QString &sql, bool *ok = nullptr) const;
    /// Puts `line` first in pg_hba.conf and reloads the server (tests of password logins).
    bool prependHba(const QString &line);

private:
    QString run(const QString &program, const QStringList &args, bool *ok) const;

    std::unique_ptr<QTemporaryDir> m_dir;
    QString m_data;
    int m_port = 0;
    bool m_asPostgres = false;
    bool m_running = false;
};

} // namespace Yard::Test
