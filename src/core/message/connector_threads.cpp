#include "core/message/connector_threads.hpp"

#include <atomic>

namespace gantry {

namespace {
std::atomic<ConnectorThreads*> current_instance{nullptr};
}

ConnectorThreads::ConnectorThreads(std::size_t blocking_threads)
    : work_(boost::asio::make_work_guard(io_)), blocking_(blocking_threads), io_thread_([this] { io_.run(); }) {
  current_instance.store(this);
}

ConnectorThreads::~ConnectorThreads() {
  ConnectorThreads* self = this;
  current_instance.compare_exchange_strong(self, nullptr);
  work_.reset();
  io_.stop();
  io_thread_.join();
  blocking_.stop();
  blocking_.join();
}

ConnectorThreads* ConnectorThreads::current() { return current_instance.load(); }

}  // namespace gantry
