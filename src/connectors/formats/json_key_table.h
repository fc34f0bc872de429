#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

namespace sluice::connectors {

/// The field names a JSON decoder looks for, matched against a key's raw bytes in the input
/// (just past its opening quote) without unescaping or a memcmp call: each name is kept with
/// its closing quote in 8-byte words and compared a word at a time. Keys usually come in the
/// order of the names, so a lookup starts where the last one matched.
///
/// Reads up to 7 bytes past the first differing byte of a key, which simdjson's padding after
/// the input allows. Names holding a quote or a backslash never match raw bytes (their keys
/// are escaped in the input); the decoder resolves escaped keys by unescaping them.
class JsonKeyTable {
 public:
  explicit JsonKeyTable(const std::vector<std::string_view>& names);

  /// Returns the index of the name the raw key at `raw` equals, starting at the name after the
  /// last match; -1 when none does.
  int Find(const char* raw) {
    const size_t n = names_.size();
    for (size_t k = 0, i = hint_; k < n; ++k, i = i + 1 < n ? i + 1 : 0) {
      if (Equals(names_[i], raw)) {
        hint_ = i + 1 < n ? i + 1 : 0;
        return static_cast<int>(i);
      }
    }
    return -1;
  }
  /// Starts a new object: the next lookup starts at the first name.
  void Restart() { hint_ = 0; }

 private:
  struct Name {
    size_t first_word = 0;   // index in words_
    size_t full_words = 0;   // words compared whole
    uint64_t last_mask = 0;  // bytes of the last, partial word compared (0: none)
    bool matchable = true;
  };

  bool Equals(const Name& name, const char* raw) const {
    if (!name.matchable) return false;
    const uint64_t* word = words_.data() + name.first_word;
    for (size_t i = 0; i < name.full_words; ++i) {
      if (LoadWord(raw + 8 * i) != word[i]) return false;
    }
    return name.last_mask == 0 ||
           ((LoadWord(raw + 8 * name.full_words) ^ word[name.full_words]) & name.last_mask) == 0;
  }
  static uint64_t LoadWord(const char* p) {
    uint64_t word;
    std::memcpy(&word, p, 8);
    return word;
  }

  std::vector<Name> names_;
  std::vector<uint64_t> words_;
  size_t hint_ = 0;
};

}  // namespace sluice::connectors
