// The functions are inline in include/vector_math.h; compiling it here checks the header on its own.
#include "vector_math.h"
