// Gravitee's "dynamic configuration" of a message endpoint, for any connector: EL in any string of the endpoint's
// configuration, and overrides by context attribute (`gravitee.attributes.endpoint.<type>.<dotted.path>`),
// evaluated per request and then validated again by the connector's own parser. Built once at deploy time (every
// expression compiled there); a request that needs none of it costs a flag check and a look for the prefix.
#pragma once

#include "core/definition/model.hpp"
#include "core/el/expression.hpp"
#include "core/json/diagnostics.hpp"
#include "core/message/message.hpp"

#include <boost/json/value.hpp>

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace gantry {

// Whether a configuration string holds an expression (`{#`): at deploy time such a field stands for a value known
// per request, and is checked once evaluated.
bool holds_expression(std::string_view text);

// "a, b,c" -> {"a", "b", "c"} (blanks trimmed, empty entries dropped): how Gravitee reads a list from an
// attribute's text (gravitee.attribute.kafka.topics, an override of a list field).
std::vector<std::string> split_attribute_list(std::string_view text);

class DynamicConfig {
 public:
  // The connector's deploy-time parser, run again on the evaluated documents: every problem collected in `diag`
  // (errors make the evaluation fail). It must take the values literally (no `{#` left to tolerate).
  using Parser = std::function<PluginConfigPtr(const boost::json::value& configuration,
                                               const boost::json::value& shared, Diagnostics& diag)>;
  // What an attribute's text becomes when the field it overrides is absent (a present field keeps its JSON type:
  // "true"/"false" for a boolean, a number for a number, "a,b" -> ["a","b"] for an array).
  enum class Kind { text, boolean, integer, list };

  struct Options {
    std::string type;  // "kafka": the attributes are gravitee.attributes.endpoint.kafka.<path>
    Parser parse;
    std::vector<std::pair<std::string, Kind>> kinds;  // dotted path -> kind, for fields that may be absent
    // An override whose first segment neither document has goes to the shared configuration, unless that segment
    // is listed here (kafka: "bootstrapServers" belongs to the configuration).
    std::vector<std::string> configuration_fields;
  };

  // Finds and compiles every string holding `{#` in both documents (either may be null); a syntax error goes to
  // `diag` at its JSON path.
  static std::shared_ptr<const DynamicConfig> build(const boost::json::value& configuration,
                                                    std::string configuration_path, const boost::json::value& shared,
                                                    std::string shared_path, Options options, Diagnostics& diag);

  // "gravitee.attributes.endpoint.kafka." (with the final dot).
  const std::string& attribute_prefix() const { return prefix_; }
  // Whether the configuration holds EL at all (then every request evaluates it; otherwise only a request with an
  // attribute under the prefix does).
  bool has_expressions() const { return !sites_.empty(); }

  struct Evaluation {
    PluginConfigPtr config;          // what the connector's parser made of the evaluated documents; null on problems
    std::vector<Problem> problems;   // errors only, each at its JSON path (or attribute name)
    bool ok() const { return config != nullptr && problems.empty(); }
    // "$.a.b: reason; $.c: reason", for logs.
    std::string describe() const;
  };
  // Overrides first (each attribute under the prefix, taken literally), then the expressions of the fields no
  // attribute replaced, then the parser. A single-expression string that yields null leaves its field out (the
  // default applies); an expression that fails to evaluate is a problem.
  Evaluation evaluate(const el::Context& el, const MessageFields& attributes) const;

  // One step from a document's root to an expression: an object member, or ("", index) for an array element.
  struct Step {
    std::string key;
    std::size_t index = 0;
    bool is_index() const { return key.empty(); }
  };

 private:
  struct Site {
    int document;  // 0: configuration, 1: shared
    std::vector<Step> steps;
    el::TemplatePtr text;
    std::string path;    // JSON path, for problems
    std::string dotted;  // its object keys joined by dots ("consumer.topics"), as overrides name fields
  };
  struct Document {
    boost::json::value value;
    std::string path;
  };

  void collect(int document, const boost::json::value& v, std::vector<Step>& steps, const std::string& path,
               Diagnostics& diag);
  Kind kind_of(std::string_view dotted) const;

  Document documents_[2];
  std::string prefix_;
  Options options_;
  std::vector<Site> sites_;
};

}  // namespace gantry
