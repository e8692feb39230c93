// What the corrupt-file corpus (tests/corrupt/) is made from: the generator
// (make_corpus.cpp) saves a `sample` and breaks the file; the test
// (tests/test_corrupt_corpus.cpp) reads the broken files back as `sample`
// where the manifest says so.
#pragma once

#include <string>
#include <vector>

#include <zanj/options.hpp>

namespace zanj_corpus {

struct sample {
  std::string name;
  int count = 0;
  std::vector<double> values;     // a .npy member (values.npy)
  std::vector<std::string> tags;  // a .jsonl member (tags.jsonl)
};

inline sample make_sample() {
  sample s{"corpus", 7, {}, {}};
  for (int i = 0; i < 8; ++i) {
    s.values.push_back(0.5 * i);
    s.tags.push_back("t" + std::to_string(i));
  }
  return s;
}

/// Small thresholds keep every file small while still having externals.
inline zanj::options corpus_options(bool compress) {
  zanj::options o;
  o.external_array_threshold = 8;
  o.external_list_threshold = 8;
  o.compress = compress;
  return o;
}

}  // namespace zanj_corpus
