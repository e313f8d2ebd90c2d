// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QStringList>
#include <QtGlobal>

namespace Yard::Test {

/// Collects the warnings (and worse) logged while it lives, optionally of one category only, so
/// a test can assert "said once" and fail when it is said twice. Other messages pass through.
class LogCapture final
{
    Q_DISABLE_COPY_MOVE(LogCapture)

public:
    explicit LogCapture(QByteArray category = {});
    ~LogCapture();

    const QStringList &messages() const { return m_messages; }
    /// Messages that contain `text`.
    int count(const QString &text) const;

private:
    static void handler(QtMsgType type, const QMessageLogContext &context, const QString &message);

    QByteArray m_category;
    QStringList m_messages;
    QtMessageHandler m_previous;
};

} // namespace Yard::Test
