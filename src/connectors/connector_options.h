#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>

#include "common/status.h"

namespace sluice::connectors {

/// Typed, validated access to a table's WITH options (Flink's names). Errors name the option and
/// the value and say what was expected. Views the map it is given, which must outlive it.
class ConnectorOptions {
 public:
  explicit ConnectorOptions(const std::map<std::string, std::string>& options)
      : options_(&options) {}

  const std::map<std::string, std::string>& map() const { return *options_; }
  bool Has(const std::string& key) const { return options_->count(key) > 0; }
  std::string GetString(const std::string& key, const std::string& fallback = "") const;
  /// Accepts 'true' or 'false'.
  Result<bool> GetBool(const std::string& key, bool fallback) const;
  Result<int64_t> GetInt(const std::string& key, int64_t fallback) const;
  Result<double> GetDouble(const std::string& key, double fallback) const;
  /// Accepts one character, or '\t' written as backslash and t.
  Result<char> GetChar(const std::string& key, char fallback) const;
  /// Accepts a duration as Flink writes it ("5 s", "100 ms", "2 min").
  Result<int64_t> GetDurationMillis(const std::string& key, int64_t fallback) const;

  /// Returns kInvalidArgument for an option starting with `prefix` whose rest is not in `known`.
  Status CheckKnown(const std::string& prefix, const std::set<std::string>& known,
                    const std::string& owner) const;

 private:
  const std::map<std::string, std::string>* options_;
};

}  // namespace sluice::connectors
