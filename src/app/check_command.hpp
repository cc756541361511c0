// `gantry check FILE...`: validate v4 definitions offline and report every problem, one line each.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace gantry {

class Registry;

// Problems go to `err` as "<file>: <json-path>: <message>" (warnings as "<file>: <json-path>: warning: <message>"),
// one summary line per file to `out` ("<file>: ok", "<file>: invalid (N errors)", "<file>: unreadable").
// Returns 0 when every file is valid, 1 when any is invalid, 2 when any cannot be read (2 wins over 1).
int run_check(const std::vector<std::string>& files, const Registry& registry, std::ostream& out, std::ostream& err);

}  // namespace gantry
