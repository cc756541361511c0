// Hex digests for identifiers derived from request data (client identifiers) and for stored credential hashes.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace gantry {

// Lower-case hex of `size` bytes.
std::string to_hex(const unsigned char* data, std::size_t size);

// SHA-256 of `text` as 64 lower-case hex digits.
std::string sha256_hex(std::string_view text);

}  // namespace gantry
