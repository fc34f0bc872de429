#include "expr/string_kernels.h"

#include <simdjson.h>

#include <optional>
#include <regex>

#include "expr/expr_compiler.h"
#include "expr/function_node.h"
#include "expr/json_path.h"

namespace sluice::expr {
namespace {

std::string_view At(const Operand& o, size_t i) { return o.column->strings()[o.Index(i)]; }
int64_t IntAt(const Operand& o, size_t i) { return o.column->ints()[o.Index(i)]; }

template <bool kUpper>
Status CaseKernel(const KernelArgs& k, Column* out) {
  StringArena& arena = out->own_arena();
  for (size_t i = 0; i < k.rows; ++i) {
    if (out->IsNull(i)) continue;
    std::string_view s = At(k.args[0], i);
    char* p = arena.Allocate(s.size());
    for (size_t j = 0; j < s.size(); ++j) {
      char c = s[j];
      if (kUpper && c >= 'a' && c <= 'z') c = static_cast<char>(c - 32);
      if (!kUpper && c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
      p[j] = c;
    }
    out->strings()[i] = std::string_view(p, s.size());
  }
  return Status::Ok();
}

struct TrimState : KernelState {
  bool leading = true;
  bool trailing = true;
};

// Returns the byte length of the UTF-8 character starting at s[0] (1 for a stray byte).
size_t CharLength(std::string_view s) {
  size_t n = 1;
  while (n < s.size() && (static_cast<unsigned char>(s[n]) & 0xc0) == 0x80) ++n;
  return n;
}

// Returns the byte length of the UTF-8 character that ends `s`.
size_t LastCharLength(std::string_view s) {
  size_t n = 1;
  while (n < s.size() && (static_cast<unsigned char>(s[s.size() - n]) & 0xc0) == 0x80) ++n;
  return n;
}

// Returns whether the character `c` (one UTF-8 sequence) is one of the characters of `set`.
bool InCharSet(std::string_view c, std::string_view set) {
  if (c.size() == 1) return set.find(c[0]) != std::string_view::npos;
  for (size_t pos = 0; pos < set.size(); pos += CharLength(set.substr(pos))) {
    if (set.substr(pos, c.size()) == c) return true;
  }
  return false;
}

// TRIM(mode, chars, s): removes from the start (LEADING), the end (TRAILING) or both (BOTH) of s
// every character that occurs in chars, as Flink does; the result is a view into s.
Status TrimKernel(const KernelArgs& k, Column* out) {
  const auto& st = *static_cast<const TrimState*>(k.state);
  out->ShareArenasOf(*k.args[2].column);
  for (size_t i = 0; i < k.rows; ++i) {
    if (out->IsNull(i)) continue;
    std::string_view chars = At(k.args[1], i);
    std::string_view s = At(k.args[2], i);
    while (st.leading && !s.empty()) {
      size_t n = CharLength(s);
      if (!InCharSet(s.substr(0, n), chars)) break;
      s.remove_prefix(n);
    }
    while (st.trailing && !s.empty()) {
      size_t n = LastCharLength(s);
      if (!InCharSet(s.substr(s.size() - n), chars)) break;
      s.remove_suffix(n);
    }
    out->strings()[i] = s;
  }
  return Status::Ok();
}

// Returns the TRIM state for the mode literal of `expr` (its first argument).
Result<std::unique_ptr<KernelState>> TrimModeState(const sql::BoundExpr& expr) {
  const sql::BoundExpr& m = *expr.args[0];
  std::string mode;
  if (m.kind == sql::BoundExprKind::kLiteral && !m.literal.is_null() &&
      m.literal.type.id == TypeId::kString) {
    mode = m.literal.as_string();
  }
  auto st = std::make_unique<TrimState>();
  if (mode == "LEADING") {
    st->trailing = false;
  } else if (mode == "TRAILING") {
    st->leading = false;
  } else if (mode != "BOTH") {
    return Status::PlanError("TRIM: the mode must be the literal BOTH, LEADING or TRAILING");
  }
  return std::unique_ptr<KernelState>(std::move(st));
}

Status ConcatKernel(const KernelArgs& k, Column* out) {
  StringArena& arena = out->own_arena();
  for (size_t i = 0; i < k.rows; ++i) {
    if (out->IsNull(i)) continue;
    size_t n = 0;
    for (const Operand& a : k.args) n += At(a, i).size();
    char* p = arena.Allocate(n);
    size_t off = 0;
    for (const Operand& a : k.args) {
      std::string_view s = At(a, i);
      std::copy(s.begin(), s.end(), p + off);
      off += s.size();
    }
    out->strings()[i] = std::string_view(p, n);
  }
  return Status::Ok();
}

// Returns the byte offset of the `chars`-th character of `s` (its size when past the end).
size_t CharOffset(std::string_view s, int64_t chars) {
  size_t pos = 0;
  for (int64_t c = 0; c < chars && pos < s.size(); ++c) {
    ++pos;
    while (pos < s.size() && (static_cast<unsigned char>(s[pos]) & 0xc0) == 0x80) ++pos;
  }
  return pos;
}

int64_t CharCount(std::string_view s) {
  int64_t n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xc0) != 0x80;
  return n;
}

Status SubstringKernel(const KernelArgs& k, Column* out) {
  out->ShareArenasOf(*k.args[0].column);
  for (size_t i = 0; i < k.rows; ++i) {
    if (out->IsNull(i)) continue;
    std::string_view s = At(k.args[0], i);
    int64_t start = IntAt(k.args[1], i);
    int64_t len = k.args.size() > 2 ? IntAt(k.args[2], i) : INT64_MAX;
    if (len < 0) {
      out->SetNull(i);
      continue;
    }
    int64_t chars = CharCount(s);
    int64_t from = start > 0 ? start - 1 : start < 0 ? chars + start : 0;
    int64_t to = len == INT64_MAX ? chars : from + len;
    from = std::max<int64_t>(from, 0);
    if (to <= from) {
      out->strings()[i] = std::string_view();
      continue;
    }
    size_t b = CharOffset(s, from), e = CharOffset(s, to);
    out->strings()[i] = s.substr(b, e - b);
  }
  return Status::Ok();
}

Status CharLengthKernel(const KernelArgs& k, Column* out) {
  for (size_t i = 0; i < k.rows; ++i) {
    if (!out->IsNull(i)) out->ints()[i] = CharCount(At(k.args[0], i));
  }
  return Status::Ok();
}

// REPLACE(s, search, replacement): every non-overlapping occurrence of search, left to right
// (an empty search leaves s as it is).
Status ReplaceKernel(const KernelArgs& k, Column* out) {
  StringArena& arena = out->own_arena();
  std::string buffer;
  for (size_t i = 0; i < k.rows; ++i) {
    if (out->IsNull(i)) continue;
    const std::string_view s = At(k.args[0], i), search = At(k.args[1], i);
    const std::string_view replacement = At(k.args[2], i);
    if (search.empty() || s.find(search) == std::string_view::npos) {
      out->strings()[i] = arena.Add(s);
      continue;
    }
    buffer.clear();
    size_t from = 0;
    for (size_t at; (at = s.find(search, from)) != std::string_view::npos;) {
      buffer.append(s.substr(from, at - from)).append(replacement);
      from = at + search.size();
    }
    buffer.append(s.substr(from));
    out->strings()[i] = arena.Add(buffer);
  }
  return Status::Ok();
}

struct RegexState : KernelState {
  std::optional<std::regex> literal;  // set when the pattern is a literal that compiles
  bool literal_pattern = false;
};

Status RegexpExtractKernel(const KernelArgs& k, Column* out) {
  const auto& st = *static_cast<const RegexState*>(k.state);
  StringArena& arena = out->own_arena();
  std::optional<std::regex> row_regex;
  for (size_t i = 0; i < k.rows; ++i) {
    if (out->IsNull(i)) continue;
    const std::regex* re = st.literal ? &*st.literal : nullptr;
    if (!st.literal_pattern) {
      try {
        row_regex.emplace(std::string(At(k.args[1], i)));
        re = &*row_regex;
      } catch (const std::regex_error&) {
        re = nullptr;
      }
    }
    std::string_view s = At(k.args[0], i);
    int64_t group = k.args.size() > 2 ? IntAt(k.args[2], i) : 0;
    std::match_results<std::string_view::const_iterator> m;
    if (re == nullptr || !std::regex_search(s.begin(), s.end(), m, *re) || group < 0 ||
        static_cast<size_t>(group) >= m.size() || !m[group].matched) {
      out->SetNull(i);
      continue;
    }
    out->strings()[i] = arena.Add(std::string_view(&*m[group].first, m[group].length()));
  }
  return Status::Ok();
}

Status JsonValueKernel(const KernelArgs& k, Column* out) {
  simdjson::dom::parser parser;
  StringArena& arena = out->own_arena();
  for (size_t i = 0; i < k.rows; ++i) {
    if (out->IsNull(i)) continue;
    auto pointer = JsonPointer(At(k.args[1], i));
    std::string_view json = At(k.args[0], i);
    simdjson::dom::element doc, v;
    if (!pointer || parser.parse(json.data(), json.size(), true).get(doc) ||
        doc.at_pointer(*pointer).get(v)) {
      out->SetNull(i);
      continue;
    }
    std::string text;
    switch (v.type()) {
      case simdjson::dom::element_type::STRING:
        text = std::string(v.get_string().value());
        break;
      case simdjson::dom::element_type::INT64:
      case simdjson::dom::element_type::UINT64:
      case simdjson::dom::element_type::DOUBLE:
      case simdjson::dom::element_type::BOOL:
        text = simdjson::to_string(v);
        break;
      default:
        out->SetNull(i);
        continue;  // null, object, array
    }
    out->strings()[i] = arena.Add(text);
  }
  return Status::Ok();
}

}  // namespace

bool StringKernels::Handles(const std::string& n) {
  return n == "LOWER" || n == "UPPER" || n == "TRIM" || n == "CONCAT" || n == "SUBSTRING" ||
         n == "CHAR_LENGTH" || n == "REGEXP_EXTRACT" || n == "JSON_VALUE" || n == "REPLACE";
}

Result<ExprNodePtr> StringKernels::Compile(const sql::BoundExpr& expr,
                                           std::vector<ExprNodePtr> args, const LogicalType& type) {
  const std::string& n = expr.function;
  for (size_t i = 0; i < args.size(); ++i) {
    bool integer = (n == "SUBSTRING" && i > 0) || (n == "REGEXP_EXTRACT" && i == 2);
    ASSIGN_OR_RETURN(args[i],
                     ExprCompiler::Coerce(std::move(args[i]),
                                          integer ? LogicalType::BigInt() : LogicalType::String()));
  }
  std::unique_ptr<KernelState> state;
  Kernel kernel = nullptr;
  if (n == "LOWER")
    kernel = CaseKernel<false>;
  else if (n == "UPPER")
    kernel = CaseKernel<true>;
  else if (n == "TRIM") {
    if (args.size() != 3) return Status::Internal("TRIM needs [mode, chars, string] arguments");
    kernel = TrimKernel;
    ASSIGN_OR_RETURN(state, TrimModeState(expr));
  } else if (n == "CONCAT")
    kernel = ConcatKernel;
  else if (n == "SUBSTRING")
    kernel = SubstringKernel;
  else if (n == "CHAR_LENGTH")
    kernel = CharLengthKernel;
  else if (n == "JSON_VALUE")
    kernel = JsonValueKernel;
  else if (n == "REPLACE")
    kernel = ReplaceKernel;
  else {
    kernel = RegexpExtractKernel;
    auto rs = std::make_unique<RegexState>();
    const sql::BoundExpr& p = *expr.args[1];
    if (p.kind == sql::BoundExprKind::kLiteral && !p.literal.is_null() &&
        p.literal.type.id == TypeId::kString) {
      rs->literal_pattern = true;
      try {
        rs->literal.emplace(p.literal.as_string());
      } catch (const std::regex_error&) {
        rs->literal.reset();  // a bad pattern yields NULL, as in Flink
      }
    }
    state = std::move(rs);
  }
  return ExprNodePtr(
      std::make_unique<FunctionNode>(type, kernel, std::move(args), std::move(state)));
}

}  // namespace sluice::expr
