#include "endpoints/kafka/record.hpp"

namespace gantry::kafka {

void read_record(const rd_kafka_message_t& m, bool remove_confluent_header, Record& into) {
  into.topic = rd_kafka_topic_name(m.rkt);
  into.partition = m.partition;
  into.offset = m.offset;
  if (m.key) into.key.emplace(static_cast<const char*>(m.key), m.key_len);
  const char* value = static_cast<const char*>(m.payload);
  std::size_t len = m.payload ? m.len : 0;
  if (remove_confluent_header && len >= 5 && value[0] == 0) {
    value += 5;
    len -= 5;
  }
  if (len) into.value.assign(value, len);
  rd_kafka_timestamp_type_t type;
  into.timestamp_ms = rd_kafka_message_timestamp(&m, &type);
  rd_kafka_headers_t* headers = nullptr;
  if (rd_kafka_message_headers(&m, &headers) == RD_KAFKA_RESP_ERR_NO_ERROR) {
    const char* name;
    const void* data;
    size_t size;
    for (size_t i = 0; rd_kafka_header_get_all(headers, i, &name, &data, &size) == RD_KAFKA_RESP_ERR_NO_ERROR; ++i)
      into.headers.emplace_back(name, data ? std::string(static_cast<const char*>(data), size) : std::string());
  }
}

}  // namespace gantry::kafka
