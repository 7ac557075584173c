// Placeholder entry point while the CLI is being written.
#include <cstdio>
int main() { std::puts("leasesim: under construction"); return 0; }
