// libFuzzer target: every line of the input through the 'csv' format's decoder, with the default
// options, with ';' as delimiter and no quote character, and with comments, a null literal and
// 'csv.ignore-parse-errors', over a schema with every scalar type that reads a projection of
// the line's columns. Checks the RecordDecoder contract (record_decoder_contract.h).

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "connectors/formats/format_factory.h"
#include "fuzz/record_decoder_contract.h"

namespace sluice::fuzz {
namespace {

SchemaPtr RecordSchema() {
  return std::make_shared<Schema>(std::vector<Field>{
      {"id", LogicalType::BigInt()},
      {"name", LogicalType::String()},
      {"quantity", LogicalType::Int()},
      {"price", LogicalType::Decimal(10, 2)},
      {"ratio", LogicalType::Double()},
      {"small", LogicalType::Float()},
      {"filled", LogicalType::Boolean()},
      {"ts", LogicalType::Timestamp(3)},
      {"ltz", LogicalType::TimestampLtz(3)},
      {"day", LogicalType::Date()},
  });
}

struct Decoders {
  SchemaPtr schema = RecordSchema();
  SchemaPtr projected = std::make_shared<Schema>(
      std::vector<Field>{{"day", LogicalType::Date()}, {"name", LogicalType::String()}});
  std::vector<std::unique_ptr<runtime::RecordDecoder>> full;
  std::unique_ptr<runtime::RecordDecoder> projection;

  Decoders() {
    const std::vector<std::map<std::string, std::string>> option_sets = {
        {{"format", "csv"}},
        {{"format", "csv"}, {"csv.field-delimiter", ";"}, {"csv.disable-quote-character", "true"}},
        {{"format", "csv"},
         {"csv.allow-comments", "true"},
         {"csv.null-literal", "n/a"},
         {"csv.quote-character", "'"},
         {"csv.ignore-parse-errors", "true"}},
    };
    for (const auto& options : option_sets) {
      full.push_back(Create(options, schema, {}));
    }
    projection = Create({{"format", "csv"}}, projected, {9, 1});
  }

  std::unique_ptr<runtime::RecordDecoder> Create(const std::map<std::string, std::string>& options,
                                                 const SchemaPtr& decoded,
                                                 const std::vector<size_t>& columns) {
    auto decoder = connectors::FormatFactory::CreateDecoder(options, decoded, columns, 10);
    if (!decoder.ok()) Fail(decoder.status().ToString(), "");
    return std::move(*decoder);
  }
};

}  // namespace
}  // namespace sluice::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static sluice::fuzz::Decoders decoders;
  std::string_view input(reinterpret_cast<const char*>(data), size);
  while (!input.empty()) {
    const size_t end = input.find('\n');
    std::string_view line = input.substr(0, end);
    for (auto& decoder : decoders.full) {
      sluice::fuzz::CheckDecodesTwiceAlike(decoder.get(), decoders.schema, line, 1);
    }
    sluice::fuzz::CheckDecodesTwiceAlike(decoders.projection.get(), decoders.projected, line, 1);
    input = end == std::string_view::npos ? std::string_view() : input.substr(end + 1);
  }
  return 0;
}
