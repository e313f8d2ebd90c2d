// SPDX-License-Identifier: GPL-3.0-or-later
#include "logcapture.h"

namespace Yard::Test {

namespace {
LogCapture *s_current = nullptr; // message handlers are process-wide
} // namespace

LogCapture::LogCapture(QByteArray category)
    : m_category(std::move(category))
{
    s_current = this;
    m_previous = qInstallMessageHandler(&LogCapture::handler);
}

LogCapture::~LogCapture()
{
    qInstallMessageHandler(m_previous);
    s_current = nullptr;
}

int LogCapture::count(const QString &text) const
{
    int n = 0;
    for (const QString &m : m_messages)
        n += m.contains(text);
    return n;
}

void LogCapture::handler(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    LogCapture *self = s_current;
    const bool wanted = self && (type == QtWarningMsg || type == QtCriticalMsg)
                        && (self->m_category.isEmpty()
                            || (context.category && self->m_category == context.category));
    if (wanted)
        self->m_messages << message;
    else if (self && self->m_previous)
        self->m_previous(type, context, message);
}

} // namespace Yard::Test
