#pragma once

namespace xnet {

// --threads T: T > 0 as given, 0 (the default) = all cores of this machine.
int resolve_threads(int requested);

}  // namespace xnet
