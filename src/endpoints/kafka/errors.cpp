#include "endpoints/kafka/errors.hpp"

#include <string>

namespace gantry::kafka {

namespace {

class Category final : public boost::system::error_category {
 public:
  const char* name() const noexcept override { return "kafka"; }
  std::string message(int ev) const override {
    switch (static_cast<KafkaErrc>(ev)) {
      case KafkaErrc::ok: return "ok";
      case KafkaErrc::broker_unavailable: return "Kafka broker unavailable";
      case KafkaErrc::overloaded: return "Kafka producer queue full";
      case KafkaErrc::unknown_topic: return "Kafka topic does not exist";
      case KafkaErrc::message_too_large: return "message too large for Kafka";
      case KafkaErrc::not_authorized: return "Kafka broker refused the gateway's credentials";
      case KafkaErrc::shutting_down: return "gateway shutting down";
      case KafkaErrc::bad_position: return "not a Kafka position of this API";
      case KafkaErrc::subscriber_too_slow: return "subscriber too slow: its queue overflowed";
      case KafkaErrc::broker_error: return "Kafka broker error";
    }
    return "unknown Kafka error";
  }
};

}  // namespace

const boost::system::error_category& kafka_category() {
  static const Category category;
  return category;
}

KafkaErrc classify(rd_kafka_resp_err_t err) {
  switch (err) {
    case RD_KAFKA_RESP_ERR_NO_ERROR: return KafkaErrc::ok;
    case RD_KAFKA_RESP_ERR__MSG_TIMED_OUT:
    case RD_KAFKA_RESP_ERR__TIMED_OUT:
    case RD_KAFKA_RESP_ERR__TRANSPORT:
    case RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN:
    case RD_KAFKA_RESP_ERR__RESOLVE:
    case RD_KAFKA_RESP_ERR_LEADER_NOT_AVAILABLE:
    case RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION:
    case RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT:
    case RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS:
      return KafkaErrc::broker_unavailable;
    case RD_KAFKA_RESP_ERR__QUEUE_FULL: return KafkaErrc::overloaded;
    case RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC:
    case RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART:
    case RD_KAFKA_RESP_ERR__UNKNOWN_PARTITION:
      return KafkaErrc::unknown_topic;
    case RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE:
      return KafkaErrc::message_too_large;
    case RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED:
    case RD_KAFKA_RESP_ERR_GROUP_AUTHORIZATION_FAILED:
    case RD_KAFKA_RESP_ERR_CLUSTER_AUTHORIZATION_FAILED:
    case RD_KAFKA_RESP_ERR_SASL_AUTHENTICATION_FAILED:
    case RD_KAFKA_RESP_ERR__AUTHENTICATION:
    case RD_KAFKA_RESP_ERR__SSL:
      return KafkaErrc::not_authorized;
    case RD_KAFKA_RESP_ERR__PURGE_QUEUE:
    case RD_KAFKA_RESP_ERR__PURGE_INFLIGHT:
    case RD_KAFKA_RESP_ERR__DESTROY:
      return KafkaErrc::shutting_down;
    default: return KafkaErrc::broker_error;
  }
}

unsigned http_status(KafkaErrc e) {
  switch (e) {
    case KafkaErrc::ok: return 200;
    case KafkaErrc::message_too_large: return 413;
    case KafkaErrc::bad_position: return 400;
    case KafkaErrc::not_authorized:
    case KafkaErrc::broker_error: return 502;
    default: return 503;
  }
}

}  // namespace gantry::kafka
