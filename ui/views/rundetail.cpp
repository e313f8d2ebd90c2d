// SPDX-License-Identifier: GPL-3.0-or-later
#include "rundetail.h"

#include "format.h"
#include "models/runhistory.h"
#include "theme.h"

#include "store/storereader.h"

#include <QJsonDocument>
#include <QLabel>
#include <QPlainTextEdit>
#include <QScrollBar>
#include <QTabWidget>
#include <QTextBrowser>
#include <QTimer>
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

/// A saved state as an operator can read it (SPEC P3): indented JSON, or for anything else the
/// size and the first bytes as a hex dump with their printable characters.
QString describeState(const QByteArray &state)
{
    if (state.isEmpty())
        return RunDetail::tr("(no saved state)");
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(state, &error);
    if (error.error == QJsonParseError::NoError)
        return RunDetail::tr("%n byte(s) of JSON:", nullptr, int(state.size())) + u"\n\n"_s
               + QString::fromUtf8(doc.toJson(QJsonDocument::Indented));
    constexpr int kShown = 512;
    QString text = RunDetail::tr("%n byte(s), not JSON", nullptr, int(state.size()))
                   + (state.size() > kShown ? RunDetail::tr("; the first %1 in hex:").arg(kShown) : RunDetail::tr(", in hex:"))
                   + u"\n\n"_s;
    for (qsizetype off = 0; off < qMin<qsizetype>(state.size(), kShown); off += 16) {
        const QByteArray line = state.mid(off, 16);
        QString hex, ascii;
        for (qsizetype i = 0; i < 16; ++i) {
            if (i < line.size()) {
                hex += u"%1 "_s.arg(quint8(line[i]), 2, 16, QChar(u'0'));
                ascii += line[i] >= 0x20 && line[i] < 0x7f ? QChar(char16_t(line[i])) : QChar(u'.');
            } else {
                hex += u"   "_s;
            }
            if (i == 7)
                hex += u' ';
        }
        text += u"%1  %2 %3\n"_s.arg(off, 6, 16, QChar(u'0')).arg(hex, ascii);
    }
    return text;
}

QString historyLine(const Event &e)
{
    QString what = eventTypeName(e.type);
    switch (e.type) {
    case EventType::RunStarted:
        if (e.value > 1)
            what += RunDetail::tr(" (attempt %1)").arg(e.value);
        break;
    case EventType::RunRescheduled:
        what += RunDetail::tr(" — yielded its slot; waits again with its saved state");
        break;
    default:
        break;
    }
    if (!e.text.isEmpty() && e.type != EventType::RunQueued)
        what += u": "_s + e.text;
    return u"%1  %2"_s.arg(Format::clock(e.time), what);
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
    , m_live(new QTimer(this))
{
    // The log tails live: a run that has not finished is read again every second (one row on
    // the reader's thread), keeping the log at its end if the operator was there.
    m_live->setInterval(1000);
    connect(m_live, &QTimer::timeout, this, [this] { refreshIf(m_id); });
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
    if (m_console.reader) {
        connect(m_console.reader, &StoreReader::runReady, this,
                [this](quint64 request, const Run &run, const QString &key, bool found) {
                    if (request != m_request)
                        return;
                    // Its attempts (SPEC J4) are read with it and shown once both are in.
                    m_pending = Pending{run, key, found};
                    m_attemptsRequest = m_console.reader->requestAttempts(run.id);
                });
        connect(m_console.reader, &StoreReader::attemptsReady, this,
                [this](quint64 request, const RunAttempts &attempts) {
                    if (request != m_attemptsRequest || !m_pending)
                        return;
                    m_attempts = attempts;
                    show(m_pending->run, m_pending->key, m_pending->found);
                });
    }
    m_title->setText(tr("<i>Select a run to see its timeline, input, result and log.</i>"));
}

void RunDetail::setRun(RunId id)
{
    m_id = id;
    m_live->stop();
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
    html += u"</table>"_s;
    if (m_attempts.size() > 1 || (m_attempts.size() == 1 && r.jobId)) {
        html += u"<h4>%1</h4><table>"_s.arg(tr("Attempts"));
        for (const RunAttempt &a : std::as_const(m_attempts)) {
            const bool bad = a.outcome != u"completed";
            html += u"<tr><td>#%1</td><td style='padding-left:8px'>%2</td><td style='padding-left:8px'>%3</td>"
                    "<td style='padding-left:8px;color:%4'>%5</td><td style='padding-left:8px'>%6</td></tr>"_s
                        .arg(a.attempt)
                        .arg(Format::clock(a.startedAt), Format::duration(qMax<qint64>(0, a.finishedAt - a.startedAt)),
                             bad ? Theme::color(Theme::Role::Failed).name() : Theme::color(Theme::Role::Completed).name(),
                             a.outcome.toHtmlEscaped(), a.error.left(200).toHtmlEscaped());
        }
        html += u"</table>"_s;
    }
    if (r.errorCode != ErrorCode::None)
        html += u"<p style='color:%1'><b>%2</b>: %3</p>"_s.arg(Theme::color(Theme::Role::Failed).name(),
                                                               errorCodeName(r.errorCode), r.error.toHtmlEscaped());
    // What the row cannot tell, first: interruptions, reschedules, recoveries, in order.
    const QVector<Event> story = m_console.history ? m_console.history->of(r.id) : QVector<Event>();
    if (!story.isEmpty()) {
        html += u"<h4>%1</h4><table>"_s.arg(tr("What happened"));
        for (const Event &e : story) {
            const bool interruption = e.type == EventType::RunInterrupted || e.type == EventType::RunRescheduled
                                      || e.type == EventType::LeaseRecovered;
            const QString line = historyLine(e).toHtmlEscaped();
            html += u"<tr><td>%1</td></tr>"_s.arg(
                interruption ? u"<span style='color:%1'>%2</span>"_s.arg(Theme::color(Theme::Role::Warning).name(), line)
                             : line);
        }
        html += u"</table>"_s;
    }
    html += u"<h4>%1</h4><table>"_s.arg(tr("Timeline"));
    html += row(tr("Created"), Format::timestamp(r.createdAt));
    html += row(tr("Queued"), Format::timestamp(r.queuedAt));
    if (r.startedAt > 0)
        html += row(story.isEmpty() ? tr("Started") : tr("Last started"),
                    Format::timestamp(r.startedAt) + u" — "_s
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
    // Refreshed every second while the run is live: only what changed is set again, so nothing
    // the operator scrolled jumps back.
    if (m_summary->property("html").toString() != html) {
        m_summary->setProperty("html", html);
        const int scrolled = m_summary->verticalScrollBar()->value();
        m_summary->setHtml(html);
        m_summary->verticalScrollBar()->setValue(scrolled);
    }
    const QString input = r.input + (r.payloadJson.isEmpty() ? QString() : u"\n\n— payload —\n"_s + pretty(r.payloadJson));
    if (m_input->toPlainText() != input)
        m_input->setPlainText(input);
    const QString output = r.errorCode != ErrorCode::None ? errorCodeName(r.errorCode) + u": "_s + r.error : r.result;
    if (m_output->toPlainText() != output)
        m_output->setPlainText(output);
    QScrollBar *bar = m_log->verticalScrollBar();
    const bool atEnd = bar->value() >= bar->maximum() - 2;
    const int scrolled = bar->value();
    const QString log = r.log.isEmpty() ? tr("(the handler logged nothing yet)") : r.log;
    if (m_log->toPlainText() != log) {
        m_log->setPlainText(log);
        bar->setValue(atEnd ? bar->maximum() : scrolled);
    }
    if (r.isTerminal())
        m_live->stop();
    else if (!m_live->isActive())
        m_live->start();
    const QString state = describeState(r.savedState);
    if (m_state->toPlainText() != state)
        m_state->setPlainText(state);
}

} // namespace Yard::Ui
