// libFuzzer's driver, when the binary links it (scripts/fuzz builds rlr-fuzz with it); absent otherwise.
#include <stddef.h>
#include <stdint.h>

typedef int (*rlr_fuzz_callback)(const uint8_t *data, size_t size);

/// 1 when libFuzzer is linked into this binary, 0 otherwise.
int rlr_libfuzzer_linked(void);

/// Runs libFuzzer's driver over `callback` with libFuzzer's own command line (it exits the process when done);
/// returns -1 at once when libFuzzer is not linked.
int rlr_libfuzzer_run(int *argc, char ***argv, rlr_fuzz_callback callback);
