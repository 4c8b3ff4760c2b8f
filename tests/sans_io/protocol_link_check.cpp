// Linked with every object of flowscope_protocol and without libuv (see CMakeLists.txt):
// that the link succeeds is the check. Running it only shows it starts.
int main() {
  return 0;
}
