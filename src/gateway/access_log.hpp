// One access-log line per exchange (text or JSON) on stdout; the process log goes to stderr.
#pragma once

#include "core/config/config.hpp"
#include "gateway/exchange.hpp"

namespace gantry {

// Sets up the process logger (stderr) and the access logger (stdout) from the `log` configuration.
void configure_logging(const LogConfig& config);

void log_access(const Exchange& ex);

}  // namespace gantry
