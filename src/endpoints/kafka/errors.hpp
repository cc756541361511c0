// Kafka client outcomes as values: one enum and error category; how each maps to an HTTP status for the gateway.
#pragma once

#include <librdkafka/rdkafka.h>

#include <boost/system/error_code.hpp>

#include <string_view>

namespace gantry::kafka {

enum class KafkaErrc {
  ok = 0,
  broker_unavailable,  // 503: no broker answered within message.timeout.ms, or every broker is down
  overloaded,          // 503: the producer's bounded queue is full
  unknown_topic,       // 404-like, but reported 503: the topic does not exist (and is not auto-created)
  message_too_large,   // 413
  not_authorized,      // 502: the broker refused our credentials or ACLs
  shutting_down,       // 503: the gateway is stopping; the record was not sent
  bad_position,        // 400: a resume id (Last-Event-ID, cursor) that is not a Kafka position of this API
  subscriber_too_slow, // the subscriber's bounded queue overflowed; it was dropped (resume with its last id)
  broker_error,        // 502: anything else the broker or client reported
};

const boost::system::error_category& kafka_category();
inline boost::system::error_code make_error_code(KafkaErrc e) { return {static_cast<int>(e), kafka_category()}; }

// librdkafka's error into ours (RD_KAFKA_RESP_ERR_NO_ERROR -> ok).
KafkaErrc classify(rd_kafka_resp_err_t err);

// The HTTP status a gateway answers a client with for this outcome (200 for ok).
unsigned http_status(KafkaErrc e);

}  // namespace gantry::kafka

namespace boost::system {
template <>
struct is_error_code_enum<gantry::kafka::KafkaErrc> : std::true_type {};
}  // namespace boost::system
