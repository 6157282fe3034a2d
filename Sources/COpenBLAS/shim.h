// OpenBLAS's CBLAS interface and its extensions (thread count, build
// configuration), from Debian's libopenblas-dev.
#include <cblas.h>
