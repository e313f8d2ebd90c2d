// SPDX-License-Identifier: GPL-3.0-or-later
#include "sessiondetail.h"

#include "format.h"
#include "theme.h"

#include "engine/scheduler.h"
#include "store/storereader.h"

#include <QDateTime>
#include <QHeaderView>
#include <QLabel>
#include <QTabWidget>
#include <QTextBrowser>
#include <QTimer>
#include <QTreeWidget>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace Yard::Ui {

SessionDetail::SessionDetail(const Console &console, QWidget *parent)
    : QWidget(parent)
    , m_console(console)
    , m_header(new QLabel)
    , m_tabs(new QTabWidget)
    , m_queue(new QTreeWidget)
    , m_transcript(new QTextBrowser)
    , m_settings(new QLabel)
    , m_refresh(new QTimer(this))
    , m_transcriptRefresh(new QTimer(this))
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    m_header->setWordWrap(true);
    m_header->setTextFormat(Qt::RichText);
    m_header->setMargin(4);
    layout->addWidget(m_header);
    m_queue->setColumnCount(5);
    m_queue->setHeaderLabels({tr("Run"), tr("Stage"), tr("Priority"), tr("Waiting / running"), tr("Input")});
    m_queue->setRootIsDecorated(false);
    m_queue->setUniformRowHeights(true);
    m_queue->setAlternatingRowColors(true);
    m_queue->header()->setStretchLastSection(true);
    for (auto [col, w] : {std::pair{0, 70}, {1, 190}, {2, 85}, {3, 110}})
        m_queue->setColumnWidth(col, w);
    m_queue->setAccessibleName(tr("Session queue"));
    connect(m_queue, &QTreeWidget::itemActivated, this, [this](QTreeWidgetItem *item) {
        Q_EMIT runActivated(item->data(0, Qt::UserRole).toLongLong());
    });
    m_transcript->setOpenLinks(false);
    m_transcript->setAccessibleName(tr("Transcript"));
    m_settings->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    m_settings->setMargin(8);
    m_settings->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_tabs->addTab(m_queue, tr("&Queue"));
    m_tabs->addTab(m_transcript, tr("&Transcript"));
    m_tabs->addTab(m_settings, tr("Se&ttings"));
    layout->addWidget(m_tabs, 1);

    m_refresh->setSingleShot(true);
    m_refresh->setInterval(250);
    connect(m_refresh, &QTimer::timeout, this, &SessionDetail::refresh);
    m_transcriptRefresh->setSingleShot(true);
    m_transcriptRefresh->setInterval(1000);
    connect(m_transcriptRefresh, &QTimer::timeout, this, &SessionDetail::refreshTranscript);
    connect(m_tabs, &QTabWidget::currentChanged, this, [this] { refreshTranscript(); });
    if (m_console.reader)
        connect(m_console.reader, &StoreReader::messagesReady, this,
                [this](quint64 request, SessionId, const MessageList &messages) {
                    if (request == m_messagesRequest)
                        showTranscript(messages);
                });
    show(std::nullopt);
}

void SessionDetail::setSession(SessionId id)
{
    if (id == m_id)
        return;
    m_id = id;
    m_detail.reset();
    m_transcript->clear();
    refresh();
    refreshTranscript();
}

void SessionDetail::sessionChanged()
{
    if (!m_refresh->isActive())
        m_refresh->start();
    if (!m_transcriptRefresh->isActive())
        m_transcriptRefresh->start();
}

void SessionDetail::refresh()
{
    if (!m_id) {
        show(std::nullopt);
        return;
    }
    const SessionId id = m_id;
    m_console.scheduler->call(
        this, [id](Engine &e) { return e.sessionDetail(id); },
        [this, id](const std::optional<Yard::SessionDetail> &d) {
            if (id == m_id)
                show(d);
        });
}

void SessionDetail::refreshTranscript()
{
    if (!m_id || m_tabs->currentWidget() != m_transcript)
        return;
    if (m_console.reader) {
        m_messagesRequest = m_console.reader->requestMessages(m_id, 200);
        return;
    }
    const SessionId id = m_id;
    m_console.scheduler->call(
        this,
        [id](Engine &e) {
            Expected<MessageList> m = e.sessions().messages(id);
            return m ? m.value().mid(qMax<qsizetype>(0, m.value().size() - 200)) : MessageList();
        },
        [this, id](const MessageList &messages) {
            if (id == m_id)
                showTranscript(messages);
        });
}

void SessionDetail::show(const std::optional<Yard::SessionDetail> &detail)
{
    m_detail = detail;
    m_queue->clear();
    if (!detail) {
        m_header->setText(m_id ? tr("<i>Session %1 no longer exists.</i>").arg(m_id)
                               : tr("<i>Select a session to see its queue and transcript.</i>"));
        m_settings->clear();
        return;
    }
    const Session &s = detail->session;
    const QueueConfig &c = detail->config;
    m_header->setText(tr("<b>%1</b> &nbsp; agent <b>%2</b> · lane <b>%3</b> · %4 · mode <b>%5</b> · "
                         "context %6")
                          .arg(s.key.toHtmlEscaped(), s.agent.isEmpty() ? u"—"_s : s.agent.toHtmlEscaped(),
                               s.lane.isEmpty() ? u"main"_s : s.lane.toHtmlEscaped(),
                               s.paused ? u"<span style='color:%1'><b>paused</b></span>"_s.arg(
                                              Theme::color(Theme::Role::Paused).name())
                                        : sessionStateName(s.state),
                               queueModeName(c.mode), Format::percent(detail->tokenRatio)));
    const TimeMs now = QDateTime::currentMSecsSinceEpoch();
    const QSize rowSize(0, m_queue->fontMetrics().height() + 8); // as tall as the sessions table's rows
    auto add = [this, now, rowSize](const RunBrief &b, bool running) {
        auto *item = new QTreeWidgetItem(m_queue);
        item->setSizeHint(0, rowSize);
        item->setData(0, Qt::UserRole, b.id);
        item->setText(0, u"#%1"_s.arg(b.id));
        item->setText(1, running && b.progress > 0 ? u"%1 (%2)"_s.arg(b.stage, Format::percent(b.progress)) : b.stage);
        item->setText(2, priorityName(b.priority));
        item->setText(3, Format::duration(qMax<qint64>(0, now - (running ? b.startedAt : b.queuedAt))));
        item->setText(4, b.preview);
        item->setToolTip(4, b.preview);
        if (running) {
            QFont f = item->font(0);
            f.setBold(true);
            for (int c = 0; c < 5; ++c)
                item->setFont(c, f);
            item->setForeground(1, Theme::color(Theme::Role::Running));
        }
    };
    for (const RunBrief &b : detail->running)
        add(b, true);
    for (const RunBrief &b : detail->queued)
        add(b, false);
    if (detail->running.isEmpty() && detail->queued.isEmpty()) {
        auto *item = new QTreeWidgetItem(m_queue);
        item->setText(1, tr("Nothing queued or running"));
        item->setFlags(Qt::NoItemFlags);
    }
    m_tabs->setTabText(0, tr("&Queue (%1 running, %2 waiting)").arg(detail->running.size()).arg(detail->queued.size()));
    m_settings->setText(tr("<table cellspacing=4>"
                           "<tr><td>Mode</td><td><b>%1</b></td></tr>"
                           "<tr><td>Cap</td><td><b>%2</b> waiting messages</td></tr>"
                           "<tr><td>Drop when full</td><td><b>%3</b></td></tr>"
                           "<tr><td>Debounce</td><td><b>%4 ms</b></td></tr>"
                           "<tr><td>Max concurrent</td><td><b>%5</b></td></tr>"
                           "<tr><td>Capabilities</td><td>%6</td></tr>"
                           "<tr><td>Channel</td><td>%7</td></tr>"
                           "<tr><td>Created</td><td>%8</td></tr></table>")
                            .arg(queueModeName(c.mode))
                            .arg(c.cap)
                            .arg(dropPolicyName(c.drop))
                            .arg(c.debounceMs)
                            .arg(c.effectiveMaxConcurrent())
                            .arg(s.capabilities.isEmpty() ? u"—"_s : s.capabilities.join(u", "_s).toHtmlEscaped(),
                                 s.channel.isEmpty() ? u"—"_s : s.channel.toHtmlEscaped(),
                                 Format::timestamp(s.createdAt)));
}

void SessionDetail::showTranscript(const MessageList &messages)
{
    QString html;
    for (const Message &m : messages) {
        const QColor color = m.role == u"assistant" ? Theme::color(Theme::Role::Completed)
                             : m.role == u"user"    ? Theme::color(Theme::Role::Running)
                                                    : Theme::color(Theme::Role::Muted);
        html += u"<p><span style='color:%1'><b>%2</b></span> <span style='color:%3'>%4</span><br>%5</p>"_s.arg(
            color.name(), m.role.toHtmlEscaped(), Theme::color(Theme::Role::Muted).name(),
            Format::clock(m.createdAt),
            m.content.toHtmlEscaped().replace(u"\n"_s, u"<br>"_s));
    }
    if (messages.isEmpty())
        html = tr("<i>No messages yet.</i>");
    m_transcript->setHtml(html);
    m_transcript->moveCursor(QTextCursor::End);
}

} // namespace Yard::Ui
