#pragma once

#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace sluice {

/// Keeps the secrets of the process (passwords, tokens: option values, URL passwords) and replaces
/// them with "***" in text that leaves the process: log lines, error messages, `explain`, /metrics
/// and /api/status. Independently of the registered values, the password of every
/// "scheme://user:password@" in the text is replaced. Secrets shorter than 3 characters are not
/// searched for outside URLs (they would match ordinary text).
/// Thread-safe: Add* and Redact may be called from any thread.
class SecretRedactor {
 public:
  /// Returns the process-wide instance.
  static SecretRedactor& Global();

  /// Registers `secret` (ignored when shorter than 3 characters).
  void Add(const std::string& secret);
  /// Registers the values of options whose key names a secret (password, token, secret,
  /// credentials, sasl.jaas.config, private key) and the passwords inside URL values.
  void AddFromOptions(const std::map<std::string, std::string>& options);
  /// Returns `text` with every registered secret and URL password replaced by "***".
  std::string Redact(std::string_view text) const;

  /// Returns true when an option named `key` holds a secret.
  static bool IsSecretKey(std::string_view key);

 private:
  mutable std::mutex mu_;
  std::vector<std::string> secrets_;  // longest first, so a secret's prefix never splits it
};

}  // namespace sluice
