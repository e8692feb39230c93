// The generated units of tests/headers only have to compile and link
// together; this program does nothing.
int main() { return 0; }
