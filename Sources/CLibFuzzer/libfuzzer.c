#include "libfuzzer.h"

// A weak reference: the plain build leaves it null; the fuzzing build links libclang_rt.fuzzer_no_main
// and forces this symbol in (-u LLVMFuzzerRunDriver), so libFuzzer runs under rlr-fuzz's own main.
extern int LLVMFuzzerRunDriver(int *argc, char ***argv, rlr_fuzz_callback callback) __attribute__((weak));

int rlr_libfuzzer_linked(void) { return LLVMFuzzerRunDriver != 0; }

int rlr_libfuzzer_run(int *argc, char ***argv, rlr_fuzz_callback callback) {
    return LLVMFuzzerRunDriver ? LLVMFuzzerRunDriver(argc, argv, callback) : -1;
}
