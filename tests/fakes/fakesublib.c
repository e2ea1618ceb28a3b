/* An empty shared library standing in for a cuDNN sub-library (they are only looked for and loaded). */
int fake_cudnn_sublibrary(void) { return 1; }
