#include "expr/json_functions.h"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <simdjson.h>

#include "common/json_string.h"
#include "expr/expr_compiler.h"
#include "expr/function_node.h"
#include "expr/json_path.h"
#include "types/cell_text.h"

namespace sluice::expr {
namespace {

std::string_view StringAt(const Operand& o, size_t i) { return o.column->strings()[o.Index(i)]; }

// Resolves `path` in `json`; false when either is not valid.
bool Lookup(simdjson::dom::parser& parser, std::string_view json, std::string_view path,
            simdjson::dom::element* out) {
  auto pointer = JsonPointer(path);
  simdjson::dom::element doc;
  return pointer && !parser.parse(json.data(), json.size(), true).get(doc) &&
         !doc.at_pointer(*pointer).get(*out);
}

Status JsonQueryKernel(const KernelArgs& k, Column* out) {
  simdjson::dom::parser parser;
  StringArena& arena = out->own_arena();
  for (size_t i = 0; i < k.rows; ++i) {
    if (out->IsNull(i)) continue;
    simdjson::dom::element v;
    if (!Lookup(parser, StringAt(k.args[0], i), StringAt(k.args[1], i), &v) ||
        (!v.is_object() && !v.is_array())) {
      out->SetNull(i);
      continue;
    }
    out->strings()[i] = arena.Add(simdjson::minify(v));
  }
  return Status::Ok();
}

Status JsonExistsKernel(const KernelArgs& k, Column* out) {
  simdjson::dom::parser parser;
  for (size_t i = 0; i < k.rows; ++i) {
    if (out->IsNull(i)) continue;
    simdjson::dom::element v;
    out->bools()[i] = Lookup(parser, StringAt(k.args[0], i), StringAt(k.args[1], i), &v);
  }
  return Status::Ok();
}

// Which arguments hold JSON text already (a nested JSON_OBJECT or JSON_ARRAY).
struct JsonArgsState : KernelState {
  std::vector<bool> raw;
};

// Appends argument `a` at row `i` as a JSON value.
void AppendJsonValue(const KernelArgs& k, size_t a, size_t i, std::string* out) {
  const Operand& o = k.args[a];
  const Column& c = *o.column;
  const size_t row = o.Index(i);
  if (c.IsNull(row)) {
    out->append("null");
    return;
  }
  const auto& state = static_cast<const JsonArgsState&>(*k.state);
  const TypeId id = c.type().id;
  if (state.raw[a] || c.type().is_numeric() || id == TypeId::kBoolean) {
    if (state.raw[a]) {
      out->append(c.strings()[row]);
    } else {
      AppendCellText(c, row, out);
    }
    return;
  }
  std::string text;
  AppendCellText(c, row, &text);
  AppendJsonString(text, out);
}

Status JsonConstructorKernel(const KernelArgs& k, Column* out, bool object) {
  StringArena& arena = out->own_arena();
  std::string text;
  for (size_t i = 0; i < k.rows; ++i) {
    const bool absent_on_null = StringAt(k.args[0], i) == "ABSENT";
    text.assign(object ? "{" : "[");
    bool first = true;
    for (size_t a = 1; a < k.args.size(); a += object ? 2 : 1) {
      const size_t value = object ? a + 1 : a;
      if (absent_on_null && k.args[value].IsNull(i)) continue;
      if (!first) text.push_back(',');
      first = false;
      if (object) {
        if (k.args[a].IsNull(i)) return Status::DataError("JSON_OBJECT key is NULL");
        AppendJsonString(StringAt(k.args[a], i), &text);
        text.push_back(':');
      }
      AppendJsonValue(k, value, i, &text);
    }
    text.push_back(object ? '}' : ']');
    out->strings()[i] = arena.Add(text);
  }
  return Status::Ok();
}

Status JsonObjectKernel(const KernelArgs& k, Column* out) {
  return JsonConstructorKernel(k, out, true);
}
Status JsonArrayKernel(const KernelArgs& k, Column* out) {
  return JsonConstructorKernel(k, out, false);
}

Status JsonCallMismatch(const std::string& name, const std::vector<LogicalType>& args,
                        std::string_view expected) {
  std::vector<std::string> types;
  for (const auto& t : args) types.push_back(t.WithNullable(true).ToString());
  return Status::PlanError(
      fmt::format("cannot apply {} to ({}); expected {}", name, fmt::join(types, ", "), expected));
}

bool IsStringOrNull(const LogicalType& t) {
  return t.id == TypeId::kString || t.id == TypeId::kNull;
}

}  // namespace

bool JsonFunctions::Handles(const std::string& name) {
  return name == "JSON_QUERY" || name == "JSON_EXISTS" || name == "JSON_OBJECT" ||
         name == "JSON_ARRAY";
}

Result<LogicalType> JsonFunctions::Resolve(const std::string& name,
                                           const std::vector<LogicalType>& args) {
  if (name == "JSON_QUERY" || name == "JSON_EXISTS") {
    if (args.size() != 2 || !IsStringOrNull(args[0]) || !IsStringOrNull(args[1])) {
      return JsonCallMismatch(name, args, name + "(<STRING>, <STRING path>)");
    }
    if (name == "JSON_QUERY") return LogicalType::String();
    return LogicalType::Boolean().WithNullable(args[0].nullable || args[1].nullable);
  }
  const bool object = name == "JSON_OBJECT";
  bool ok = !args.empty() && IsStringOrNull(args[0]) && (!object || args.size() % 2 == 1);
  for (size_t a = 1; ok && a < args.size(); ++a) {
    ok = !args[a].is_nested() && (!object || a % 2 == 0 || IsStringOrNull(args[a]));
  }
  if (!ok) {
    return JsonCallMismatch(
        name, args,
        object ? "JSON_OBJECT([KEY] <STRING> VALUE <scalar>, ...)" : "JSON_ARRAY(<scalar>, ...)");
  }
  return LogicalType::String().WithNullable(false);
}

Result<ExprNodePtr> JsonFunctions::Compile(const sql::BoundExpr& expr,
                                           std::vector<ExprNodePtr> args) {
  const std::string& f = expr.function;
  std::vector<LogicalType> types;
  for (const auto& a : args) types.push_back(a->type());
  ASSIGN_OR_RETURN(LogicalType type, Resolve(f, types));
  if (f == "JSON_QUERY" || f == "JSON_EXISTS") {
    for (auto& a : args) {
      ASSIGN_OR_RETURN(a, ExprCompiler::Coerce(std::move(a), LogicalType::String()));
    }
    Kernel kernel = f == "JSON_QUERY" ? JsonQueryKernel : JsonExistsKernel;
    return ExprNodePtr(std::make_unique<FunctionNode>(type, kernel, std::move(args)));
  }
  auto state = std::make_unique<JsonArgsState>();
  for (size_t a = 0; a < args.size(); ++a) {
    const sql::BoundExpr& arg = *expr.args[a];
    state->raw.push_back(arg.kind == sql::BoundExprKind::kCall &&
                         (arg.function == "JSON_OBJECT" || arg.function == "JSON_ARRAY"));
    if (args[a]->type().id == TypeId::kNull) {
      ASSIGN_OR_RETURN(args[a], ExprCompiler::Coerce(std::move(args[a]), LogicalType::String()));
    }
  }
  Kernel kernel = f == "JSON_OBJECT" ? JsonObjectKernel : JsonArrayKernel;
  return ExprNodePtr(std::make_unique<FunctionNode>(type, kernel, std::move(args), std::move(state),
                                                    /*propagate_nulls=*/false));
}

}  // namespace sluice::expr
