// libFuzzer target: a whole pipeline file (the input) through the lexer, the parser and the
// planner with the built-in functions, then the plan printed as `sluice explain` prints it.
// Checks that every failure is a user error (parse or plan error, or a bad option) whose message
// starts with the position "fuzz.sql:<line>:<column>: ", and that a parsed script keeps its text.

#include <cctype>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "expr/function_registry.h"
#include "sql/parser.h"
#include "sql/planner.h"

namespace sluice::fuzz {
namespace {

[[noreturn]] void Fail(const std::string& what, std::string_view text) {
  std::fprintf(stderr, "invariant broken: %s\nscript:\n%.*s\n", what.c_str(),
               static_cast<int>(text.size()), text.data());
  std::abort();
}

// True when `message` starts with "fuzz.sql:<digits>:<digits>: ".
bool IsPositioned(const std::string& message) {
  const std::string prefix = "fuzz.sql:";
  if (message.compare(0, prefix.size(), prefix) != 0) return false;
  size_t i = prefix.size();
  for (int part = 0; part < 2; ++part) {
    const size_t start = i;
    while (i < message.size() && std::isdigit(static_cast<unsigned char>(message[i]))) ++i;
    if (i == start || i >= message.size() || message[i] != ':') return false;
    ++i;
  }
  return i < message.size() && message[i] == ' ';
}

void CheckUserError(const Status& status, StatusCode expected, std::string_view text) {
  if (status.code() != expected && status.code() != StatusCode::kInvalidArgument &&
      status.code() != StatusCode::kNotFound && status.code() != StatusCode::kUnsupported) {
    Fail("not a user error: " + status.ToString(), text);
  }
  if (!IsPositioned(status.message()))
    Fail("an error without its position: " + status.ToString(), text);
}

}  // namespace
}  // namespace sluice::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace sluice;
  static const expr::FunctionRegistry functions;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto script = sql::ParseScript(text, "fuzz.sql");
  if (!script.ok()) {
    fuzz::CheckUserError(script.status(), StatusCode::kParseError, text);
    return 0;
  }
  if (script->text != text) fuzz::Fail("the parsed script does not keep its text", text);
  auto plan = sql::PlanScript(*script, functions, {});
  if (!plan.ok()) {
    fuzz::CheckUserError(plan.status(), StatusCode::kPlanError, text);
    return 0;
  }
  if (!plan->jobs.empty() && plan->ToString().empty()) fuzz::Fail("a plan without text", text);
  return 0;
}
