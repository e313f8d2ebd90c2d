// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

/// @file
/// Everything a program that embeds the Yardmaster scheduler needs (SPEC I5):
///
/// - Yard::EmbeddedScheduler: opens the store, runs the engine, takes Work, reports RunEnd;
/// - Yard::Handler and Yard::RunContext: what a run type does, and what it may ask of the run
///   it handles (cancellation, interrupts, saved state, progress, log);
/// - Yard::Outcome: how a handler says how its run went.
///
/// Link `Yardmaster::Core` (`find_package(Yardmaster)`); see docs/embedding.md.

#include "embed/embeddedscheduler.h"
#include "exec/handler.h"
#include "exec/outcome.h"
#include "exec/runcontext.h"
