// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "outcome.h"

namespace Yard {

class RunContext;

/// A kind of work (SPEC H1). One instance serves every run of its type, on any worker thread, so
/// it must keep per-run state in the RunContext (saveState) rather than in members.
class Handler
{
public:
    virtual ~Handler() = default;
    /// Executes (a step of) the run. Exceptions fail the run with their message (SPEC Q10).
    virtual Outcome run(RunContext &context) = 0;
    /// False: runs of this type are never interrupted to make room for interactive or urgent
    /// work (SPEC P2), e.g. a handler that cannot stop halfway.
    virtual bool preemptible() const { return true; }
    /// True: the engine hands each run its session's transcript (RunContext::transcriptJson),
    /// as the agent handler needs (SPEC H3). Costs a copy of the transcript per run.
    virtual bool wantsTranscript() const { return false; }
};

} // namespace Yard
