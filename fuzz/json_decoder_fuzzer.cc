// libFuzzer target: one JSON record (the whole input) through the 'json' format's decoder, with
// the defaults, 'json.fail-on-missing-field' and 'json.ignore-parse-errors' (the format refuses
// both together), over a schema with every scalar type. Checks the RecordDecoder contract
// (record_decoder_contract.h).

#include <cstddef>
#include <cstdint>
#include <memory>
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
      {"big", LogicalType::Decimal(18, 0)},
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
  std::vector<std::unique_ptr<runtime::RecordDecoder>> all;

  Decoders() {
    for (const char* missing : {"false", "true"}) {
      for (const char* ignore : {"false", "true"}) {
        if (missing == std::string_view("true") && ignore == std::string_view("true")) {
          continue;  // the format refuses both together
        }
        auto decoder =
            connectors::FormatFactory::CreateDecoder({{"format", "json"},
                                                      {"json.fail-on-missing-field", missing},
                                                      {"json.ignore-parse-errors", ignore}},
                                                     schema, {}, schema->size());
        if (!decoder.ok()) Fail(decoder.status().ToString(), "");
        all.push_back(std::move(*decoder));
      }
    }
  }
};

}  // namespace
}  // namespace sluice::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static sluice::fuzz::Decoders decoders;
  std::string_view record(reinterpret_cast<const char*>(data), size);
  for (auto& decoder : decoders.all) {
    sluice::fuzz::CheckDecodesTwiceAlike(decoder.get(), decoders.schema, record, 1);
  }
  return 0;
}
