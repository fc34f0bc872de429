#include "connectors/formats/json_key_table.h"

#include <bit>
#include <cstring>

namespace sluice::connectors {

static_assert(std::endian::native == std::endian::little, "key words are compared little-endian");

JsonKeyTable::JsonKeyTable(const std::vector<std::string_view>& names) {
  for (std::string_view name : names) {
    Name entry;
    entry.first_word = words_.size();
    entry.matchable = name.find_first_of("\"\\") == std::string_view::npos;
    std::string quoted(name);
    quoted.push_back('"');
    entry.full_words = quoted.size() / 8;
    const size_t rest = quoted.size() % 8;
    entry.last_mask = rest == 0 ? 0 : (uint64_t{1} << (8 * rest)) - 1;
    quoted.resize((quoted.size() + 7) / 8 * 8, '\0');
    for (size_t i = 0; i < quoted.size(); i += 8) {
      uint64_t word = 0;
      std::memcpy(&word, quoted.data() + i, 8);
      words_.push_back(word);
    }
    names_.push_back(entry);
  }
}

}  // namespace sluice::connectors
