#include "common/secret_redactor.h"

#include <algorithm>
#include <cctype>
#include <tuple>

namespace sluice {
namespace {

constexpr char kMask[] = "***";
constexpr size_t kMinSecretLength = 3;

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Returns the [begin, end) of the password in the first "scheme://user:password@" at or after
// `from`, or {npos, npos}.
std::pair<size_t, size_t> FindUrlPassword(std::string_view text, size_t from) {
  for (size_t scheme = text.find("://", from); scheme != std::string_view::npos;
       scheme = text.find("://", scheme + 3)) {
    const size_t start = scheme + 3;
    size_t end = start;
    while (end < text.size() && text[end] != '/' && text[end] != '@' &&
           !std::isspace(static_cast<unsigned char>(text[end])) && text[end] != '"' &&
           text[end] != '\'') {
      ++end;
    }
    if (end >= text.size() || text[end] != '@') continue;
    const size_t colon = text.find(':', start);
    if (colon == std::string_view::npos || colon >= end) continue;
    return {colon + 1, end};
  }
  return {std::string_view::npos, std::string_view::npos};
}

}  // namespace

SecretRedactor& SecretRedactor::Global() {
  static SecretRedactor* instance = new SecretRedactor();
  return *instance;
}

bool SecretRedactor::IsSecretKey(std::string_view key) {
  const std::string k = Lower(key);
  for (const char* word : {"password", "passwd", "token", "secret", "credential", "jaas.config",
                           "private", "api-key", "apikey", "access-key"}) {
    if (k.find(word) != std::string::npos) return true;
  }
  return false;
}

void SecretRedactor::Add(const std::string& secret) {
  if (secret.size() < kMinSecretLength) return;
  std::lock_guard<std::mutex> lock(mu_);
  if (std::find(secrets_.begin(), secrets_.end(), secret) != secrets_.end()) return;
  secrets_.push_back(secret);
  std::stable_sort(secrets_.begin(), secrets_.end(),
                   [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
}

void SecretRedactor::AddFromOptions(const std::map<std::string, std::string>& options) {
  for (const auto& [key, value] : options) {
    if (IsSecretKey(key)) Add(value);
    for (auto [begin, end] = FindUrlPassword(value, 0); begin != std::string_view::npos;
         std::tie(begin, end) = FindUrlPassword(value, end)) {
      Add(value.substr(begin, end - begin));
    }
  }
}

std::string SecretRedactor::Redact(std::string_view text) const {
  std::string out(text);
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& secret : secrets_) {
      for (size_t at = out.find(secret); at != std::string::npos;
           at = out.find(secret, at + sizeof(kMask) - 1)) {
        out.replace(at, secret.size(), kMask);
      }
    }
  }
  for (auto [begin, end] = FindUrlPassword(out, 0); begin != std::string::npos;
       std::tie(begin, end) = FindUrlPassword(out, begin + sizeof(kMask) - 1)) {
    if (out.compare(begin, end - begin, kMask) != 0) out.replace(begin, end - begin, kMask);
  }
  return out;
}

}  // namespace sluice
