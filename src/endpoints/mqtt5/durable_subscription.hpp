// An at-least-once subscriber of the mqtt5 endpoint: its own MQTT connection with a persistent session (clean start
// false, the endpoint's session expiry), subscribed at QoS 1, run on the subscriber's own io thread. A full
// subscriber queue stops reading the socket, so what the gateway has not taken stays with the broker; messages the
// engine nacks are delivered again, in order, before reading resumes.
#pragma once

#include "core/message/endpoint_connector.hpp"
#include "endpoints/mqtt5/config.hpp"

#include <boost/asio/any_io_executor.hpp>

#include <memory>

namespace gantry::mqtt5 {

// A live client's session ends with its subscription; a durable subscriber's (request.subscriber_id set) is kept
// by the broker for sessionExpiryInterval under a client id derived from the API and the subscriber.
std::unique_ptr<Subscription> open_durable_subscription(const SubscribeRequest& request, MessageSink& sink,
                                                        const EndpointConfig& config,
                                                        boost::asio::any_io_executor blocking);

}  // namespace gantry::mqtt5
