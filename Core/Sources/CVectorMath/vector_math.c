// The functions are inline in include/vector_math.h; compiling it here checks the header on its own.
#include "vector_math.h"

RLR_DEFINE_ADAM(rlr_adam_avx2, rlr_float8, 8, __attribute__((target("avx2,fma"))))
