// `gantry serve`: loads the configuration, deploys the APIs of apis.dir, runs the gateway until SIGTERM/SIGINT,
// reloads apis.dir on SIGHUP.
#pragma once

#include <string>

namespace gantry {

int run_serve(const std::string& config_path, char** environ);

}  // namespace gantry
