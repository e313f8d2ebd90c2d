// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Engine::Turn, for the files that make up the Engine front (engine.cpp, enginecyclejobs.cpp).

#include "engine.h"
#include "engineparts.h"

namespace Yard {

/// One turn of the engine, as a scope.
class Engine::Turn final
{
public:
    explicit Turn(Engine *engine)
        : m_scope(engine->d.get())
    {}

private:
    TurnScope m_scope;
};

} // namespace Yard
