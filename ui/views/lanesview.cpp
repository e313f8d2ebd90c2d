// SPDX-License-Identifier: GPL-3.0-or-later
#include "lanesview.h"

#include "models/lanesmodel.h"
#include "operatoractions.h"
#include "widgets/ratiobardelegate.h"

#include "engine/enginestatus.h"

#include <QAction>
#include <QHeaderView>
#include <QInputDialog>
#include <QLabel>
#include <QTableView>
#include <QToolBar>
#include <QVBoxLayout>

namespace Yard::Ui {

LanesView::LanesView(const Console &console, QWidget *parent)
    : QWidget(parent)
    , m_console(console)
    , m_model(new LanesModel(this))
    , m_table(new QTableView)
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    auto *toolbar = new QToolBar;
    toolbar->setToolButtonStyle(Qt::ToolButtonTextOnly);
    m_edit = toolbar->addAction(tr("Change limit…"), this, [this] {
        if (m_console.actions->refusedReadOnly())
            return;
        const LaneStats *l = m_model->lane(m_table->currentIndex().row());
        if (!l)
            return;
        bool ok = false;
        const int limit = QInputDialog::getInt(this, tr("Lane %1").arg(l->name),
                                               tr("Concurrent runs allowed in lane \"%1\":").arg(l->name),
                                               l->limit, 1, 100000, 1, &ok);
        if (ok)
            m_console.actions->setLaneLimit(l->name, limit);
    });
    m_grace = toolbar->addAction(tr("Grace period…"), this, [this] {
        if (m_console.actions->refusedReadOnly())
            return;
        const LaneStats *l = m_model->lane(m_table->currentIndex().row());
        if (!l)
            return;
        bool ok = false;
        const int ms = QInputDialog::getInt(
            this, tr("Lane %1").arg(l->name),
            tr("How long an interrupted run in lane \"%1\" has to yield to interactive or urgent work "
               "before it is left to finish (milliseconds; 0 = the default):")
                .arg(l->name),
            l->preemptGraceDefault ? 0 : l->preemptGraceMs, 0, 3'600'000, 10, &ok);
        if (ok)
            m_console.actions->setLanePreemptGrace(l->name, ms);
    });
    m_grace->setToolTip(tr("Preemption (SPEC P2): the lowest-priority run of a full lane is interrupted when "
                           "interactive or urgent work waits, and gets this long to yield"));
    m_pause = toolbar->addAction(tr("Pause lane"), this, [this] {
        const LaneStats *l = m_model->lane(m_table->currentIndex().row());
        if (l)
            m_console.actions->setLanePaused(l->name, !l->paused);
    });
    layout->addWidget(toolbar);
    m_table->setModel(m_model);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::DoubleClicked | QAbstractItemView::EditKeyPressed);
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 12);
    m_table->horizontalHeader()->setSectionResizeMode(LanesModel::Utilisation, QHeaderView::Stretch);
    m_table->setColumnWidth(LanesModel::Preempted, 130);
    m_table->setColumnWidth(LanesModel::Grace, 140);
    m_table->setItemDelegateForColumn(LanesModel::Utilisation,
                                      new RatioBarDelegate(LanesModel::UtilisationRole, this));
    m_table->setAccessibleName(tr("Lanes"));
    layout->addWidget(m_table, 1);
    auto *hint = new QLabel(tr("Lanes limit how many runs execute at once. Limits change live: raise one "
                               "and waiting runs start at once. A paused lane lets running runs finish "
                               "and starts nothing new. When a full lane has interactive or urgent work "
                               "waiting, its lowest-priority run is interrupted and gets the grace period "
                               "to yield its slot; a run that does not is left to finish."));
    hint->setWordWrap(true);
    hint->setForegroundRole(QPalette::PlaceholderText);
    layout->addWidget(hint);
    connect(m_model, &LanesModel::limitEdited, m_console.actions, &OperatorActions::setLaneLimit);
    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this, &LanesView::updateActions);
    updateActions();
}

QString LanesView::currentLane() const
{
    const LaneStats *l = m_model->lane(m_table->currentIndex().row());
    return l ? l->name : QString();
}

void LanesView::applySnapshot(const EngineSnapshot &snapshot)
{
    const QString current = currentLane();
    m_model->applyLanes(snapshot.lanes);
    if (!current.isEmpty() && currentLane() != current) {
        for (int r = 0; r < m_model->rowCount(); ++r) {
            if (m_model->lane(r)->name == current)
                m_table->setCurrentIndex(m_model->index(r, 0));
        }
    }
    updateActions();
}

void LanesView::updateActions()
{
    const LaneStats *l = m_model->lane(m_table->currentIndex().row());
    m_edit->setEnabled(l);
    m_grace->setEnabled(l);
    m_pause->setEnabled(l);
    m_pause->setText(l && l->paused ? tr("Resume lane") : tr("Pause lane"));
}

} // namespace Yard::Ui
