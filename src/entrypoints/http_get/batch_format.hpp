// The three bodies an http-get response can take (Gravitee's shapes): JSON, XML and plain text, each with the
// messages and a pagination block carrying the cursor to ask for the next batch.
#pragma once

#include "core/message/message.hpp"

#include <optional>
#include <string>
#include <vector>

namespace gantry::http_get {

enum class BodyFormat { json, xml, text };

// From the Accept header: none or empty -> text, "*/*" -> JSON, application/json, application/xml, text/plain;
// a list is read in order. Nothing when no listed type can be produced (the caller answers 400).
std::optional<BodyFormat> choose_format(std::string_view accept);
std::string_view content_type(BodyFormat format);

struct BatchOptions {
  bool headers_in_payload = false;
  bool metadata_in_payload = false;
};

struct Pagination {
  std::string cursor;       // as the client sent it ("" = none)
  std::string next_cursor;  // id of the last message in this batch ("" = none)
  std::string limit;        // the `limit` query parameter as sent ("" = none)
};

// Why the stream behind a page ended with an error (Gravitee's `error` beside the items): an item of its own with
// a fresh id, the reason as content and Gravitee's failure key, when the endpoint named one, as metadata `key`.
struct PageError {
  std::string id;
  std::string content;
  std::string key;
};

std::string format_batch(BodyFormat format, const std::vector<MessagePtr>& messages, const Pagination& pagination,
                         const BatchOptions& options, const PageError* error = nullptr);

}  // namespace gantry::http_get
