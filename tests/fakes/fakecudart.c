/* A fake CUDA runtime: its version queries.  FAKECUDART_VERSION (default 13000). */
#include "fake_common.h"
int cudaRuntimeGetVersion(int *v) { *v = fake_env_int("FAKECUDART_VERSION", 13000); return 0; }
int cudaDriverGetVersion(int *v) { *v = fake_env_int("FAKECUDA_VERSION", 13000); return 0; }
