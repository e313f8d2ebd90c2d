// SPDX-License-Identifier: GPL-3.0-or-later
#include "jobdialog.h"

#include "models/jobsmodel.h"
#include "theme.h"

#include "jobs/cronexpression.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDateTimeEdit>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QStackedWidget>
#include <QTimeZone>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace Yard::Ui {

namespace {
enum Kind { CronKind, IntervalKind, OnceKind, ImmediateKind, AfterJobKind };

QSpinBox *spin(int min, int max, int value, const QString &suffix)
{
    auto *s = new QSpinBox;
    s->setRange(min, max);
    s->setValue(value);
    s->setSuffix(suffix);
    return s;
}
} // namespace

JobDialog::JobDialog(const QVector<Job> &others, QWidget *parent)
    : QDialog(parent)
    , m_others(others)
    , m_name(new QLineEdit)
    , m_type(new QComboBox)
    , m_kind(new QComboBox)
    , m_scheduleStack(new QStackedWidget)
    , m_cron(new QLineEdit)
    , m_zone(new QComboBox)
    , m_every(spin(1, 366 * 86400, 300, tr(" s")))
    , m_at(new QDateTimeEdit)
    , m_afterJob(new QComboBox)
    , m_afterDelay(spin(0, 366 * 86400, 0, tr(" s")))
    , m_reading(new QLabel)
    , m_preview(new QLabel)
    , m_priority(new QComboBox)
    , m_lane(new QLineEdit(u"cron"_s))
    , m_session(new QLineEdit)
    , m_requires(new QLineEdit)
    , m_payload(new QPlainTextEdit)
    , m_attempts(spin(1, 100, 3, QString()))
    , m_backoff(new QComboBox)
    , m_initial(spin(0, 86'400'000, 100, tr(" ms")))
    , m_factor(new QDoubleSpinBox)
    , m_maxDelay(spin(0, 86'400'000, 30'000, tr(" ms")))
    , m_jitter(new QDoubleSpinBox)
    , m_timeout(spin(0, 7 * 86'400, 0, tr(" s")))
    , m_misfire(new QComboBox)
    , m_enabled(new QCheckBox(tr("&Enabled: fire on schedule")))
    , m_error(new QLabel)
    , m_buttons(new QDialogButtonBox(QDialogButtonBox::Save | QDialogButtonBox::Cancel))
{
    setWindowTitle(tr("Job"));
    auto *layout = new QVBoxLayout(this);
    auto *columns = new QHBoxLayout;
    layout->addLayout(columns);

    // What and when.
    auto *left = new QFormLayout;
    m_name->setPlaceholderText(tr("What it is, e.g. Nightly reindex"));
    left->addRow(tr("&Name:"), m_name);
    m_type->setEditable(true);
    m_type->addItems({u"simulate"_s, u"command"_s, u"agent"_s, u"noop"_s});
    m_type->setToolTip(tr("The handler that runs it: command runs a program (payload: program, args, env, cwd, stdin)"));
    left->addRow(tr("&Type:"), m_type);
    m_kind->addItems({tr("Cron"), tr("Interval"), tr("Once"), tr("Immediately"), tr("After another job")});
    left->addRow(tr("&Schedule:"), m_kind);

    auto *cronPage = new QWidget;
    auto *cronForm = new QFormLayout(cronPage);
    cronForm->setContentsMargins(0, 0, 0, 0);
    m_cron->setPlaceholderText(tr("minute hour day-of-month month day-of-week, or @daily"));
    m_cron->setText(u"30 2 * * *"_s);
    m_cron->setAccessibleName(tr("Cron expression"));
    QFont mono(u"monospace"_s);
    mono.setStyleHint(QFont::Monospace);
    m_cron->setFont(mono);
    cronForm->addRow(tr("E&xpression:"), m_cron);
    m_zone->setEditable(true);
    m_zone->addItem(tr("(this machine's zone)"), QString());
    for (const QByteArray &id : QTimeZone::availableTimeZoneIds())
        m_zone->addItem(QString::fromUtf8(id), QString::fromUtf8(id));
    m_zone->setAccessibleName(tr("Time zone"));
    cronForm->addRow(tr("Time &zone:"), m_zone);
    m_scheduleStack->addWidget(cronPage);
    auto *intervalPage = new QWidget;
    auto *intervalForm = new QFormLayout(intervalPage);
    intervalForm->setContentsMargins(0, 0, 0, 0);
    intervalForm->addRow(tr("E&very:"), m_every);
    m_scheduleStack->addWidget(intervalPage);
    auto *oncePage = new QWidget;
    auto *onceForm = new QFormLayout(oncePage);
    onceForm->setContentsMargins(0, 0, 0, 0);
    m_at->setDisplayFormat(u"yyyy-MM-dd HH:mm:ss"_s);
    m_at->setDateTime(QDateTime::currentDateTime().addSecs(3600));
    m_at->setCalendarPopup(true);
    onceForm->addRow(tr("&At (local time):"), m_at);
    m_scheduleStack->addWidget(oncePage);
    auto *immediatePage = new QLabel(tr("It runs once, as soon as it is saved."));
    immediatePage->setWordWrap(true);
    m_scheduleStack->addWidget(immediatePage);
    auto *afterPage = new QWidget;
    auto *afterForm = new QFormLayout(afterPage);
    afterForm->setContentsMargins(0, 0, 0, 0);
    for (const Job &j : m_others)
        m_afterJob->addItem(u"#%1 %2"_s.arg(j.id).arg(j.spec.name), j.id);
    afterForm->addRow(tr("After &job:"), m_afterJob);
    afterForm->addRow(tr("&Delay:"), m_afterDelay);
    m_scheduleStack->addWidget(afterPage);
    m_scheduleStack->setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Maximum); // no gap under short pages
    left->addRow(m_scheduleStack);
    m_reading->setWordWrap(true);
    left->addRow(tr("Reads:"), m_reading);
    m_preview->setTextFormat(Qt::PlainText);
    m_preview->setAccessibleName(tr("Next fire times"));
    m_preview->setFont(mono);
    left->addRow(tr("Next 5:"), m_preview);
    for (int p = 0; p < int(Priority::Count); ++p)
        m_priority->addItem(priorityName(Priority(p)), p);
    m_priority->setCurrentIndex(int(Priority::Normal));
    left->addRow(tr("&Priority:"), m_priority);
    left->addRow(tr("&Lane:"), m_lane);
    m_session->setPlaceholderText(tr("optional: runs in this session's queue"));
    left->addRow(tr("Sess&ion:"), m_session);
    m_requires->setPlaceholderText(tr("optional: gpu, python (then a capable session claims it)"));
    left->addRow(tr("&Requires:"), m_requires);
    columns->addLayout(left, 3);

    // How it runs.
    auto *right = new QVBoxLayout;
    auto *payloadBox = new QGroupBox(tr("Pa&yload (JSON)"));
    auto *payloadLayout = new QVBoxLayout(payloadBox);
    m_payload->setFont(mono);
    m_payload->setPlaceholderText(uR"({"program": "/bin/sh", "args": ["-c", "echo hi"]})"_s);
    m_payload->setAccessibleName(tr("Payload"));
    m_payload->setMinimumHeight(90);
    payloadLayout->addWidget(m_payload);
    right->addWidget(payloadBox);
    auto *retryBox = new QGroupBox(tr("Retries"));
    auto *retry = new QFormLayout(retryBox);
    retry->addRow(tr("Attempts in all:"), m_attempts);
    m_backoff->addItems({tr("exponential"), tr("fixed")});
    retry->addRow(tr("Backoff:"), m_backoff);
    retry->addRow(tr("First delay:"), m_initial);
    m_factor->setRange(1, 100);
    m_factor->setValue(2);
    m_factor->setSingleStep(0.5);
    retry->addRow(tr("Factor:"), m_factor);
    retry->addRow(tr("Longest delay:"), m_maxDelay);
    m_jitter->setRange(0, 1);
    m_jitter->setSingleStep(0.05);
    m_jitter->setValue(0.25);
    retry->addRow(tr("Jitter (±):"), m_jitter);
    right->addWidget(retryBox);
    auto *other = new QFormLayout;
    m_timeout->setSpecialValueText(tr("none"));
    m_timeout->setToolTip(tr("A run still going after this is cancelled; the attempt ends 'timeout' and is retried"));
    other->addRow(tr("T&imeout:"), m_timeout);
    m_misfire->addItem(tr("catch up once"), int(Misfire::CatchUp));
    m_misfire->addItem(tr("skip"), int(Misfire::Skip));
    m_misfire->setToolTip(tr("What a fire missed while Yardmaster was not running does at the next start"));
    other->addRow(tr("&Missed fires:"), m_misfire);
    m_enabled->setChecked(true);
    other->addRow(m_enabled);
    right->addLayout(other);
    right->addStretch();
    columns->addLayout(right, 2);

    m_error->setWordWrap(true);
    m_error->setTextFormat(Qt::PlainText);
    m_error->setStyleSheet(u"color: %1"_s.arg(Theme::color(Theme::Role::Failed).name()));
    m_error->setAccessibleName(tr("What is wrong"));
    layout->addWidget(m_error);
    layout->addWidget(m_buttons);
    connect(m_buttons, &QDialogButtonBox::accepted, this, [this] {
        if (isValid())
            accept();
    });
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    connect(m_kind, &QComboBox::currentIndexChanged, m_scheduleStack, &QStackedWidget::setCurrentIndex);
    for (QLineEdit *e : {m_name, m_cron, m_lane, m_session, m_requires})
        connect(e, &QLineEdit::textChanged, this, &JobDialog::revalidate);
    for (QComboBox *c : {m_kind, m_zone, m_afterJob, m_type})
        connect(c, &QComboBox::currentTextChanged, this, &JobDialog::revalidate);
    for (QSpinBox *s : {m_every, m_afterDelay, m_attempts, m_initial, m_maxDelay, m_timeout})
        connect(s, &QSpinBox::valueChanged, this, &JobDialog::revalidate);
    connect(m_at, &QDateTimeEdit::dateTimeChanged, this, &JobDialog::revalidate);
    connect(m_payload, &QPlainTextEdit::textChanged, this, &JobDialog::revalidate);
    setMinimumWidth(820);
    revalidate();
}

void JobDialog::setPreviewFrom(TimeMs from)
{
    m_previewFrom = from;
    revalidate();
}

void JobDialog::setSpec(const JobSpec &s)
{
    m_name->setText(s.name);
    m_type->setCurrentText(s.type);
    switch (s.schedule.kind) {
    case Schedule::Kind::Cron:
        m_kind->setCurrentIndex(CronKind);
        m_cron->setText(s.schedule.cron);
        if (s.schedule.timeZone.isEmpty())
            m_zone->setCurrentIndex(0);
        else
            m_zone->setCurrentText(s.schedule.timeZone);
        break;
    case Schedule::Kind::Interval:
        m_kind->setCurrentIndex(IntervalKind);
        m_every->setValue(int(s.schedule.everyMs / 1000));
        break;
    case Schedule::Kind::Once:
        m_kind->setCurrentIndex(OnceKind);
        m_at->setDateTime(QDateTime::fromMSecsSinceEpoch(s.schedule.at));
        break;
    case Schedule::Kind::Immediate:
        m_kind->setCurrentIndex(ImmediateKind);
        break;
    case Schedule::Kind::AfterJob:
        m_kind->setCurrentIndex(AfterJobKind);
        m_afterJob->setCurrentIndex(qMax(0, m_afterJob->findData(s.schedule.afterJob)));
        m_afterDelay->setValue(int(s.schedule.delayMs / 1000));
        break;
    }
    m_priority->setCurrentIndex(int(s.priority));
    m_lane->setText(s.lane);
    m_session->setText(s.sessionKey);
    m_requires->setText(s.capabilities.join(u", "_s));
    m_payload->setPlainText(s.payloadJson.isEmpty() ? QString()
                                                    : QString::fromUtf8(QJsonDocument::fromJson(s.payloadJson).toJson(QJsonDocument::Indented)));
    m_attempts->setValue(s.retry.maxAttempts);
    m_backoff->setCurrentIndex(s.retry.exponential ? 0 : 1);
    m_initial->setValue(int(s.retry.initialMs));
    m_factor->setValue(s.retry.factor);
    m_maxDelay->setValue(int(s.retry.maxMs));
    m_jitter->setValue(s.retry.jitter);
    m_timeout->setValue(int(s.timeoutMs / 1000));
    m_misfire->setCurrentIndex(s.misfire == Misfire::Skip ? 1 : 0);
    m_enabled->setChecked(s.enabled);
    revalidate();
}

Expected<JobSpec> JobDialog::collect() const
{
    QJsonObject schedule;
    switch (m_kind->currentIndex()) {
    case CronKind: {
        schedule.insert(u"cron"_s, m_cron->text());
        const QString zone = m_zone->currentIndex() == 0 && m_zone->currentText() == m_zone->itemText(0)
                                 ? QString()
                                 : m_zone->currentText().trimmed();
        if (!zone.isEmpty())
            schedule.insert(u"tz"_s, zone);
        break;
    }
    case IntervalKind:
        schedule.insert(u"interval"_s, QJsonObject{{u"every_ms"_s, qint64(m_every->value()) * 1000}});
        break;
    case OnceKind:
        schedule.insert(u"once"_s, QJsonObject{{u"at"_s, m_at->dateTime().toOffsetFromUtc(m_at->dateTime().offsetFromUtc()).toString(Qt::ISODate)}});
        break;
    case ImmediateKind:
        schedule.insert(u"immediate"_s, true);
        break;
    case AfterJobKind:
        if (m_afterJob->count() == 0)
            return Error::make(ErrorCode::InvalidRequest, tr("There is no other job to follow yet."));
        schedule.insert(u"after_job"_s, QJsonObject{{u"job"_s, m_afterJob->currentData().toLongLong()},
                                                   {u"delay_ms"_s, qint64(m_afterDelay->value()) * 1000}});
        break;
    }
    QJsonObject o{{u"name"_s, m_name->text().trimmed()},
                  {u"type"_s, m_type->currentText().trimmed()},
                  {u"schedule"_s, schedule},
                  {u"priority"_s, priorityName(Priority(m_priority->currentData().toInt()))},
                  {u"lane"_s, m_lane->text().trimmed().isEmpty() ? u"cron"_s : m_lane->text().trimmed()},
                  {u"timeout_ms"_s, qint64(m_timeout->value()) * 1000},
                  {u"enabled"_s, m_enabled->isChecked()},
                  {u"misfire"_s, m_misfire->currentIndex() == 1 ? u"skip"_s : u"catch_up"_s},
                  {u"retry"_s, QJsonObject{{u"max_attempts"_s, m_attempts->value()},
                                           {u"backoff"_s, m_backoff->currentIndex() == 0 ? u"exponential"_s : u"fixed"_s},
                                           {u"initial_ms"_s, m_initial->value()},
                                           {u"factor"_s, m_factor->value()},
                                           {u"max_ms"_s, m_maxDelay->value()},
                                           {u"jitter"_s, m_jitter->value()}}}};
    if (!m_session->text().trimmed().isEmpty())
        o.insert(u"session"_s, m_session->text().trimmed());
    QJsonArray caps;
    for (const QString &c : m_requires->text().split(u',', Qt::SkipEmptyParts)) {
        if (!c.trimmed().isEmpty())
            caps.append(c.trimmed());
    }
    if (!caps.isEmpty())
        o.insert(u"requires"_s, caps);
    const QString payload = m_payload->toPlainText().trimmed();
    if (!payload.isEmpty()) {
        QJsonParseError e;
        const QJsonDocument doc = QJsonDocument::fromJson(payload.toUtf8(), &e);
        if (e.error != QJsonParseError::NoError)
            return Error::make(ErrorCode::InvalidRequest,
                               tr("The payload is not valid JSON: %1 at character %2").arg(e.errorString()).arg(e.offset));
        if (!doc.isObject())
            return Error::make(ErrorCode::InvalidRequest, tr("The payload must be a JSON object: { … }"));
        o.insert(u"payload"_s, doc.object());
    }
    return JobSpec::fromJson(o);
}

JobSpec JobDialog::spec() const
{
    Expected<JobSpec> s = collect();
    return s ? s.value() : JobSpec{};
}

QStringList JobDialog::preview() const
{
    return m_preview->text().split(u'\n', Qt::SkipEmptyParts);
}

void JobDialog::revalidate()
{
    const Expected<JobSpec> s = collect();
    m_problem = s ? QString() : s.error().message;
    m_reading->clear();
    m_preview->clear();
    m_preview->setToolTip(QString());
    if (s) {
        const Schedule &sch = s->schedule;
        if (sch.kind == Schedule::Kind::Cron) {
            Expected<CronExpression> c = CronExpression::parse(sch.cron, sch.timeZone);
            if (c) {
                m_reading->setText(c->describe());
                Job probe;
                probe.spec = s.value();
                QStringList lines, hover;
                const TimeMs from = m_previewFrom > 0 ? m_previewFrom : QDateTime::currentMSecsSinceEpoch();
                for (TimeMs t : c->next(from, 5)) {
                    lines << JobsModel::when(t, probe);
                    hover << tr("%1 local · %2 UTC")
                                 .arg(QDateTime::fromMSecsSinceEpoch(t).toString(u"yyyy-MM-dd HH:mm t"_s),
                                      QDateTime::fromMSecsSinceEpoch(t, QTimeZone::utc()).toString(u"yyyy-MM-dd HH:mm"_s));
                }
                m_preview->setText(lines.join(u'\n'));
                m_preview->setToolTip(hover.join(u'\n'));
            }
        } else {
            m_reading->setText(sch.summary());
        }
    }
    m_error->setText(m_problem);
    m_error->setVisible(!m_problem.isEmpty());
    m_cron->setStyleSheet(m_problem.startsWith(u"field "_s) || m_problem.contains(u"never fires"_s)
                                  || m_problem.startsWith(u"expected 5 fields"_s)
                              ? u"border: 1px solid %1"_s.arg(Theme::color(Theme::Role::Failed).name())
                              : QString());
    m_buttons->button(QDialogButtonBox::Save)->setEnabled(m_problem.isEmpty());
    m_buttons->button(QDialogButtonBox::Save)->setToolTip(m_problem);
}

} // namespace Yard::Ui
