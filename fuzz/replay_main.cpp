// Replays fuzzer inputs without libFuzzer: calls LLVMFuzzerTestOneInput on
// every regular file named on the command line or found (recursively) in a
// directory named there. A missing directory counts as empty. Fails when an
// input throws anything; crashes and sanitizer reports end the process.
#include <cstddef>
#include <cstdint>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

bool replay(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  const std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (!in.eof() && in.fail()) {
    std::cerr << "cannot read " << file << '\n';
    return false;
  }
  try {
    LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
    return true;
  } catch (const std::exception& e) {
    std::cerr << file << ": uncaught exception: " << e.what() << '\n';
  } catch (...) {
    std::cerr << file << ": uncaught exception of unknown type\n";
  }
  return false;
}

}  // namespace

int main(int argc, char** argv) {
  std::size_t inputs = 0, failures = 0;
  for (int i = 1; i < argc; ++i) {
    const std::filesystem::path arg = argv[i];
    std::vector<std::filesystem::path> files;
    if (std::filesystem::is_directory(arg)) {
      for (const auto& entry : std::filesystem::recursive_directory_iterator(arg))
        if (entry.is_regular_file()) files.push_back(entry.path());
    } else if (std::filesystem::exists(arg)) {
      files.push_back(arg);
    }
    for (const auto& file : files) {
      ++inputs;
      if (!replay(file)) ++failures;
    }
  }
  std::cout << "replayed " << inputs << " inputs, " << failures << " failed\n";
  return failures == 0 ? 0 : 1;
}
