#include "connectors/connector_options.h"

#include <fmt/format.h>

#include "common/duration.h"
#include "connectors/formats/text_value_parser.h"
#include "sql/plan_error.h"

namespace sluice::connectors {

std::string ConnectorOptions::GetString(const std::string& key, const std::string& fallback) const {
  auto it = options_->find(key);
  return it == options_->end() ? fallback : it->second;
}

Result<bool> ConnectorOptions::GetBool(const std::string& key, bool fallback) const {
  auto it = options_->find(key);
  if (it == options_->end()) return fallback;
  if (auto v = ParseBooleanText(it->second)) return *v;
  return Status::InvalidArgument(
      fmt::format("option '{}' = '{}' must be 'true' or 'false'", key, it->second));
}

Result<int64_t> ConnectorOptions::GetInt(const std::string& key, int64_t fallback) const {
  auto it = options_->find(key);
  if (it == options_->end()) return fallback;
  if (auto v = ParseIntegerText(it->second)) return *v;
  return Status::InvalidArgument(
      fmt::format("option '{}' = '{}' must be an integer", key, it->second));
}

Result<double> ConnectorOptions::GetDouble(const std::string& key, double fallback) const {
  auto it = options_->find(key);
  if (it == options_->end()) return fallback;
  if (auto v = ParseDoubleText(it->second)) return *v;
  return Status::InvalidArgument(
      fmt::format("option '{}' = '{}' must be a number", key, it->second));
}

Result<char> ConnectorOptions::GetChar(const std::string& key, char fallback) const {
  auto it = options_->find(key);
  if (it == options_->end()) return fallback;
  const std::string& v = it->second;
  if (v.size() == 1) return v[0];
  if (v == "\\t") return '\t';
  return Status::InvalidArgument(
      fmt::format("option '{}' = '{}' must be a single character", key, v));
}

Result<int64_t> ConnectorOptions::GetDurationMillis(const std::string& key,
                                                    int64_t fallback) const {
  auto it = options_->find(key);
  if (it == options_->end()) return fallback;
  auto v = ParseDurationMillis(it->second);
  if (!v.ok()) return v.status().WithContext(fmt::format("option '{}'", key));
  return v;
}

Status ConnectorOptions::CheckKnown(const std::string& prefix, const std::set<std::string>& known,
                                    const std::string& owner) const {
  for (const auto& [key, value] : *options_) {
    if (key.rfind(prefix, 0) != 0 || known.count(key.substr(prefix.size())) > 0) continue;
    std::string list;
    for (const auto& k : known) list += (list.empty() ? "'" : ", '") + prefix + k + "'";
    const std::string closest =
        sql::ClosestName(key.substr(prefix.size()), {known.begin(), known.end()});
    const std::string hint =
        closest.empty() ? "" : fmt::format("; did you mean '{}{}'?", prefix, closest);
    return Status::InvalidArgument(
        fmt::format("option '{}' is not known to {}{}; its options: {}", key, owner, hint, list));
  }
  return Status::Ok();
}

}  // namespace sluice::connectors
