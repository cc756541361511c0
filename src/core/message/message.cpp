#include "core/message/message.hpp"

#include <boost/beast/core/string.hpp>

namespace gantry {

const std::string* Message::header(std::string_view name) const {
  for (const auto& [key, value] : headers)
    if (boost::beast::iequals(key, name)) return &value;
  return nullptr;
}

std::int64_t now_epoch_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

}  // namespace gantry
