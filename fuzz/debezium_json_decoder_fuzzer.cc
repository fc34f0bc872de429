// libFuzzer target: one Debezium change event (the whole input) through the 'debezium-json'
// format's decoder, without and with 'debezium-json.schema-include' and with
// 'debezium-json.ignore-parse-errors', into physical columns of every scalar type and the
// format's metadata columns. Checks the RecordDecoder contract (record_decoder_contract.h) for
// a changelog: 0 (tombstone), 1 (+I, -D) or 2 (-U, +U) rows per event.

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

SchemaPtr EventSchema() {
  return std::make_shared<Schema>(std::vector<Field>{
      {"id", LogicalType::BigInt()},
      {"name", LogicalType::String()},
      {"quantity", LogicalType::Int()},
      {"price", LogicalType::Decimal(10, 2)},
      {"ratio", LogicalType::Double()},
      {"flag", LogicalType::Boolean()},
      {"ts", LogicalType::Timestamp(3)},
      {"day", LogicalType::Date()},
      {"op", LogicalType::String()},
      {"source_ts", LogicalType::TimestampLtz(3)},
      {"ingested", LogicalType::TimestampLtz(3)},
      {"db", LogicalType::String()},
      {"tbl", LogicalType::String()},
      {"props", LogicalType::String()},
  });
}

struct Decoders {
  SchemaPtr schema = EventSchema();
  std::vector<std::unique_ptr<runtime::RecordDecoder>> all;

  Decoders() {
    const std::vector<std::string> metadata = {"",
                                               "",
                                               "",
                                               "",
                                               "",
                                               "",
                                               "",
                                               "",
                                               "op",
                                               "value.source.timestamp",
                                               "value.ingestion-timestamp",
                                               "value.source.database",
                                               "value.source.table",
                                               "value.source.properties"};
    const std::vector<std::map<std::string, std::string>> option_sets = {
        {{"format", "debezium-json"}},
        {{"format", "debezium-json"}, {"debezium-json.schema-include", "true"}},
        {{"format", "debezium-json"}, {"debezium-json.ignore-parse-errors", "true"}},
    };
    for (const auto& options : option_sets) {
      auto decoder =
          connectors::FormatFactory::CreateDecoder(options, schema, {}, schema->size(), metadata);
      if (!decoder.ok()) Fail(decoder.status().ToString(), "");
      all.push_back(std::move(*decoder));
    }
  }
};

}  // namespace
}  // namespace sluice::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static sluice::fuzz::Decoders decoders;
  std::string_view record(reinterpret_cast<const char*>(data), size);
  for (auto& decoder : decoders.all) {
    sluice::fuzz::CheckDecodesTwiceAlike(decoder.get(), decoders.schema, record, 2);
  }
  return 0;
}
