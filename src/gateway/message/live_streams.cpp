#include "gateway/message/live_streams.hpp"

#include <boost/asio/post.hpp>

namespace gantry {

LiveStreams::Handle::~Handle() {
  *it_->on_stop = nullptr;  // a stop callback already posted finds nothing to do
  std::lock_guard lock(owner_.mutex_);
  owner_.entries_.erase(it_);
}

std::unique_ptr<LiveStreams::Handle> LiveStreams::enter(boost::asio::any_io_executor executor,
                                                        std::function<void()> on_stop) {
  std::lock_guard lock(mutex_);
  if (stopped_) return nullptr;
  entries_.push_back(
      LiveStreamEntry{std::move(executor), std::make_shared<std::function<void()>>(std::move(on_stop))});
  return std::make_unique<Handle>(*this, std::prev(entries_.end()));
}

void LiveStreams::stop_all() {
  std::lock_guard lock(mutex_);
  stopped_ = true;
  for (auto& entry : entries_) {
    boost::asio::post(entry.executor, [callback = entry.on_stop] {
      if (*callback) (*callback)();
    });
  }
}

std::size_t LiveStreams::size() const {
  std::lock_guard lock(mutex_);
  return entries_.size();
}

}  // namespace gantry
