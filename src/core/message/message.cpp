#include "core/message/message.hpp"

#include <boost/beast/core/string.hpp>

namespace gantry {

const std::string* Message::header(std::string_view name) const {
  for (const auto& [key, value] : headers)
    if (boost::beast::iequals(key, name)) return &value;
  return nullptr;
}

void set_field(MessageFields& fields, std::string_view name, std::string value) {
  std::erase_if(fields, [&](const auto& field) { return boost::beast::iequals(field.first, name); });
  fields.emplace_back(std::string(name), std::move(value));
}

std::int64_t now_epoch_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

}  // namespace gantry
