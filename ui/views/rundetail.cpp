// SPDX-License-Identifier: GPL-3.0-or-later
#include "rundetail.h"

#include "format.h"
#include "theme.h"

#include "store/storereader.h"

#include <QJsonDocument>
#include <QLabel>
#include <QPlainTextEdit>
#include <QTabWidget>
#include <QTextBrowser>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace Yard::Ui {

namespace {
QPlainTextEdit *readOnlyText(const QString &name)
{
    auto *t = new QPlainTextEdit;
    t->setReadOnly(true);
    t->setLineWrapMode(QPlainTextEdit::WidgetWidth);
    t->setAccessibleName(name);
    QFont mono(u"monospace"_s);
    mono.setStyleHint(QFont::Monospace);
    t->setFont(mono);
    return t;
}

QString pretty(const QByteArray &bytes)
{
    const QJsonDocument doc = QJsonDocument::fromJson(bytes);
    return doc.isNull() ? QString::fromUtf8(bytes) : QString::fromUtf8(doc.toJson(QJsonDocument::Indented));
}
} // namespace

RunDetail::RunDetail(const Console &console, QWidget *parent)
    : QWidget(parent)
    , m_console(console)
    , m_title(new QLabel)
    , m_tabs(new QTabWidget)
    , m_summary(new QTextBrowser)
    , m_input(readOnlyText(tr("Run input")))
    , m_output(readOnlyText(tr("Run result or error")))
    , m_log(readOnlyText(tr("Run log")))
    , m_state(readOnlyText(tr("Saved state")))
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    m_title->setTextFormat(Qt::RichText);
    m_title->setMargin(4);
    layout->addWidget(m_title);
    m_summary->setAccessibleName(tr("Run timeline"));
    m_tabs->addTab(m_summary, tr("Timeline"));
    m_tabs->addTab(m_input, tr("Input"));
    m_tabs->addTab(m_output, tr("Result / error"));
    m_tabs->addTab(m_log, tr("Log"));
    m_tabs->addTab(m_state, tr("Saved state"));
    layout->addWidget(m_tabs, 1);
    if (m_console.reader)
        connect(m_console.reader, &StoreReader::runReady, this,
                [this](quint64 request, const Run &run, const QString &key, bool found) {
                    if (request == m_request)
                        show(run, key, found);
                });
    m_title->setText(tr("<i>Select a run to see its timeline, input, result and log.</i>"));
}

void RunDetail::setRun(RunId id)
{
    m_id = id;
    if (!id) {
        m_title->setText(tr("<i>Select a run to see its timeline, input, result and log.</i>"));
        for (QPlainTextEdit *t : {m_input, m_output, m_log, m_state})
            t->clear();
        m_summary->clear();
        return;
    }
    if (m_console.reader)
        m_request = m_console.reader->requestRun(id);
    else
        m_title->setText(tr("<i>Run details need a database (the scheduler runs in memory).</i>"));
}

void RunDetail::refreshIf(RunId id)
{
    if (id != 0 && id == m_id && m_console.reader)
        m_request = m_console.reader->requestRun(id);
}

void RunDetail::show(const Run &r, const QString &sessionKey, bool found)
{
    if (!found) {
        // Written by the engine a moment ago: the writer commits within milliseconds.
        m_title->setText(tr("<i>Run #%1 is not in the database yet…</i>").arg(r.id));
        return;
    }
    m_title->setText(tr("<b>Run #%1</b> · %2 · <b>%3</b>").arg(r.id).arg(r.handler.toHtmlEscaped(), runStateName(r.state)));
    auto row = [](const QString &k, const QString &v) {
        return u"<tr><td style='padding-right:12px'>%1</td><td>%2</td></tr>"_s.arg(k, v);
    };
    QString html = u"<table>"_s;
    html += row(tr("Session"), sessionKey.isEmpty() ? tr("— (not bound to a session)") : sessionKey.toHtmlEscaped());
    html += row(tr("Lane / priority"), r.lane.toHtmlEscaped() + u" · "_s + priorityName(r.priority));
    html += row(tr("Attempt"), u"%1 of %2"_s.arg(r.attempt).arg(qMax(r.maxAttempts, r.attempt)));
    if (r.retryOf)
        html += row(tr("Retry of"), u"#%1"_s.arg(r.retryOf));
    if (r.mergedInto)
        html += row(tr("Merged into"), u"#%1"_s.arg(r.mergedInto));
    if (r.mergedCount > 1)
        html += row(tr("Carries"), tr("%1 messages (collect mode)").arg(r.mergedCount));
    html += u"</table><h4>%1</h4><table>"_s.arg(tr("Timeline"));
    html += row(tr("Created"), Format::timestamp(r.createdAt));
    html += row(tr("Queued"), Format::timestamp(r.queuedAt));
    if (r.startedAt > 0)
        html += row(tr("Started"), Format::timestamp(r.startedAt) + u" — "_s
                                       + tr("waited %1").arg(Format::duration(r.startedAt - r.queuedAt)));
    if (r.finishedAt > 0)
        html += row(tr("Finished (%1)").arg(runStateName(r.state)),
                    Format::timestamp(r.finishedAt)
                        + (r.startedAt > 0 ? u" — "_s + tr("ran %1").arg(Format::duration(r.finishedAt - r.startedAt))
                                           : QString()));
    else if (!r.isTerminal())
        html += row(tr("Now"), runStateName(r.state)
                                   + (r.progress > 0 ? u" · %1 %2"_s.arg(Format::percent(r.progress), r.progressText.toHtmlEscaped())
                                                     : QString()));
    html += u"</table>"_s;
    if (r.errorCode != ErrorCode::None)
        html += u"<p style='color:%1'><b>%2</b>: %3</p>"_s.arg(Theme::color(Theme::Role::Failed).name(),
                                                               errorCodeName(r.errorCode), r.error.toHtmlEscaped());
    m_summary->setHtml(html);
    m_input->setPlainText(r.input + (r.payloadJson.isEmpty() ? QString() : u"\n\n— payload —\n"_s + pretty(r.payloadJson)));
    m_output->setPlainText(r.errorCode != ErrorCode::None ? errorCodeName(r.errorCode) + u": "_s + r.error : r.result);
    m_log->setPlainText(r.log.isEmpty() ? tr("(the handler logged nothing)") : r.log);
    m_state->setPlainText(r.savedState.isEmpty() ? tr("(no saved state)") : pretty(r.savedState));
}

} // namespace Yard::Ui
