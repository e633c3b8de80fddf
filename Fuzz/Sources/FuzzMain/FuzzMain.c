// SwiftPM links a debug executable with `--defsym main=<module>_main` (so tests can import it), which replaces
// libFuzzer's own main. This is that entry point: it hands over to libFuzzer's driver with our callback. In a build
// without the alias it is unused and libFuzzer's main runs, with the same result.
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));

int promptgate_fuzz_main(int argc, char **argv) {
    return LLVMFuzzerRunDriver(&argc, &argv, LLVMFuzzerTestOneInput);
}
