// The Hyperscan / Vectorscan C API (same header and ABI in both). Vectorscan is Debian's portable fork.
#ifndef PROMPTGATE_CHYPERSCAN_SHIM_H
#define PROMPTGATE_CHYPERSCAN_SHIM_H
#include <hs/hs.h>
#endif
