// Ownership of librdkafka handles (client, queue, message) and the creation of a client from properties.
#pragma once

#include "endpoints/kafka/client_properties.hpp"

#include <librdkafka/rdkafka.h>

#include <memory>
#include <string>

namespace gantry::kafka {

struct HandleDeleter {
  void operator()(rd_kafka_t* rk) const { rd_kafka_destroy(rk); }
};
using HandlePtr = std::unique_ptr<rd_kafka_t, HandleDeleter>;

struct QueueDeleter {
  void operator()(rd_kafka_queue_t* q) const { rd_kafka_queue_destroy(q); }
};
using QueuePtr = std::unique_ptr<rd_kafka_queue_t, QueueDeleter>;

struct MessageDeleter {
  void operator()(rd_kafka_message_t* m) const { rd_kafka_message_destroy(m); }
};
using MessagePtr = std::unique_ptr<rd_kafka_message_t, MessageDeleter>;

struct PartitionListDeleter {
  void operator()(rd_kafka_topic_partition_list_t* l) const { rd_kafka_topic_partition_list_destroy(l); }
};
using PartitionListPtr = std::unique_ptr<rd_kafka_topic_partition_list_t, PartitionListDeleter>;

// `conf` is consumed in every case. Null with `error` set when librdkafka refuses.
inline HandlePtr make_handle(rd_kafka_type_t type, ConfPtr conf, std::string* error) {
  char err[512];
  rd_kafka_t* rk = rd_kafka_new(type, conf.get(), err, sizeof err);
  if (!rk) {
    *error = err;
    return nullptr;
  }
  conf.release();  // rd_kafka_new took it
  return HandlePtr(rk);
}

}  // namespace gantry::kafka
