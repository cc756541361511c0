// The body of a responseTemplates entry, rendered for one error: Gravitee's templates are EL templates that read
// #error (key, statusCode, message, cause, parameters). A body without `{#` is sent as written.
#pragma once

#include "core/definition/model.hpp"

#include <string>
#include <string_view>

namespace gantry {

struct ErrorFacts {
  std::string_view key;
  unsigned status = 0;
  std::string_view message;  // what the gateway says about the failure ("" for backend connection failures)
  std::string_view cause;    // what went wrong underneath (Gravitee's diagnostic message)
};

std::string render_template_body(const ResponseTemplate& t, const ErrorFacts& error);

}  // namespace gantry
