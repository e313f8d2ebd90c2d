// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "model/errors.h"

#include <QString>

class QSqlDatabase;

namespace Yard {

/// Where a cluster's PostgreSQL lives (SPEC X1): `postgresql://[user@]host[:port]/dbname[?k=v&…]`.
///
/// The password never travels in the URL (it would land in `ps`, shell history and logs): libpq
/// reads it from PGPASSWORD, from PGPASSFILE or from ~/.pgpass, which is what a connection without
/// one asks it to do. Query parameters that libpq understands and that are safe to pass on
/// (sslmode, sslrootcert, connect_timeout, application_name, host for a socket folder,
/// target_session_attrs) are kept; anything else is refused by name.
struct ClusterUrl
{
    QString host;   ///< a name, an address or a socket folder (empty: libpq's default)
    int port = 0;   ///< 0: libpq's default (5432)
    QString user;   ///< empty: libpq's default (the login name, or PGUSER)
    QString dbname;
    QString options; ///< libpq key=value pairs, space-separated

    /// True when `text` names a PostgreSQL store rather than an SQLite file.
    static bool isClusterUrl(const QString &text);
    /// Parses; the error names what is wrong and never repeats a password.
    static Expected<ClusterUrl> parse(const QString &text);
    /// The URL without secrets, for titles, logs and the status bar.
    QString display() const;

    /// Adds a QPSQL connection under `connectionName` (not yet opened), or says why it cannot:
    /// the driver (libqt6sql6-psql) may be missing.
    Expected<QSqlDatabase> connection(const QString &connectionName) const;
};

} // namespace Yard
