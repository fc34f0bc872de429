#pragma once

#include "runtime/connector_registry.h"

namespace sluice::connectors {

/// Registers the connectors of this module: sources 'datagen' and 'filesystem', sinks
/// 'filesystem', 'print' and 'blackhole'. Call once at start-up, before the registry is shared.
void RegisterBuiltinConnectors(runtime::ConnectorRegistry* registry);

}  // namespace sluice::connectors
