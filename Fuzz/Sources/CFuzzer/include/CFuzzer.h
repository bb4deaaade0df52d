// libFuzzer's driver, called from each harness's main (SwiftPM gives every executable a
// Swift main, so libFuzzer's own main cannot be used). Provided by -sanitize=fuzzer.
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));
