// Flow selection: http selectors (path parameters, operators, methods), condition selectors, channel selectors,
// default vs best-match execution, plan flows first, disabled flows and steps left out at compile time.
#include "core/definition/parse.hpp"
#include "core/registry/registry.hpp"
#include "gateway/flows/flow_chain.hpp"

#include <boost/json.hpp>
#include <gtest/gtest.h>

namespace gantry {
namespace {

std::shared_ptr<const ApiDefinition> load(std::string_view flows, std::string_view extra = "") {
  static const auto registry = [] {
    auto r = std::make_unique<Registry>();
    register_builtins(*r);
    return r;
  }();
  std::string text = R"({"id": "api-1", "name": "A", "apiVersion": "1", "definitionVersion": "4.0.0", "type": "proxy",
    "listeners": [{"type": "http", "paths": [{"path": "/test"}], "entrypoints": [{"type": "http-proxy"}]}],
    "endpointGroups": [{"name": "g", "type": "http-proxy",
      "endpoints": [{"name": "e", "type": "http-proxy", "configuration": {"target": "http://localhost:8080"}}]}],
    "flows": )" + std::string(flows) + std::string(extra) + "}";
  Diagnostics diag;
  auto def = load_definition(std::string_view(text), *registry, diag);
  for (const auto& p : diag.problems()) ADD_FAILURE() << p.path << ": " << p.message;
  return def;
}

// A step that does something, so that the flow is kept.
constexpr const char* step = R"([{"policy": "transform-headers", "configuration": {"removeHeaders": ["x"]}}])";

std::string flow(std::string_view name, std::string_view selectors) {
  return R"({"name": ")" + std::string(name) + R"(", "selectors": )" + std::string(selectors) + R"(, "request": )" +
         step + "}";
}

class Vars final : public el::Context {
 public:
  el::Map vars;
  el::Value variable(std::string_view name) const override {
    auto it = vars.find(name);
    return it == vars.end() ? el::Value{} : it->second;
  }
};

std::vector<std::string> names(const FlowChain& chain, FlowRequest request, el::Map* params = nullptr) {
  std::vector<const CompiledFlow*> out;
  el::Map local;
  chain.select(request, out, params ? *params : local);
  std::vector<std::string> n;
  for (const auto* f : out) n.push_back(f->name);
  return n;
}

using Names = std::vector<std::string>;

TEST(FlowChain, HttpSelectorsInDefaultMode) {
  auto def = load("[" + flow("all", "[]") + "," +
                  flow("products", R"([{"type": "http", "path": "/products", "pathOperator": "STARTS_WITH"}])") + "," +
                  flow("one", R"([{"type": "http", "path": "/products/:id", "pathOperator": "EQUALS", "methods": ["GET"]}])") +
                  "]");
  auto chain = FlowChain::compile(*def, {});
  ASSERT_TRUE(chain);
  EXPECT_EQ(names(*chain, {"GET", "/"}), Names{"all"});
  EXPECT_EQ(names(*chain, {"GET", "/products"}), (Names{"all", "products"}));
  el::Map params;
  EXPECT_EQ(names(*chain, {"GET", "/products/42"}, &params), (Names{"all", "products", "one"}));
  EXPECT_EQ(el::to_string(params["id"]), "42");
  EXPECT_EQ(names(*chain, {"POST", "/products/42"}), (Names{"all", "products"}));
  EXPECT_EQ(names(*chain, {"GET", "/products/42/reviews"}), (Names{"all", "products"}));
  // Gravitee's STARTS_WITH is a regex prefix (PathPatterns: "/products" -> `/\Qproducts\E/?`, lookingAt): the
  // last literal segment is a prefix of the text, earlier segments are whole.
  EXPECT_EQ(names(*chain, {"GET", "/productsX"}), (Names{"all", "products"}));
  EXPECT_EQ(names(*chain, {"GET", "/product"}), Names{"all"});
}

TEST(FlowChain, BestMatchPicksTheMostSpecificPath) {
  auto def = load("[" + flow("root", R"([{"type": "http", "path": "/"}])") + "," +
                      flow("param", R"([{"type": "http", "path": "/products/:id"}])") + "," +
                      flow("literal", R"([{"type": "http", "path": "/products/special"}])") + "," +
                      flow("products", R"([{"type": "http", "path": "/products"}])") + "]",
                  R"(, "flowExecution": {"mode": "BEST_MATCH"})");
  auto chain = FlowChain::compile(*def, {});
  EXPECT_EQ(names(*chain, {"GET", "/products/special"}), Names{"literal"});
  EXPECT_EQ(names(*chain, {"GET", "/products/7"}), Names{"param"});
  EXPECT_EQ(names(*chain, {"GET", "/products"}), Names{"products"});
  EXPECT_EQ(names(*chain, {"GET", "/other"}), Names{"root"});
}

TEST(FlowChain, ConditionSelectorsAndPlanFlowsFirst) {
  auto def = load("[" + flow("gold", R"([{"type": "condition", "condition": "{#request.tier == 'gold'}"}])") + "]",
                  R"(, "plans": [{"id": "p1", "name": "free", "security": {"type": "key-less"}, "status": "PUBLISHED",
                       "flows": [)" + flow("plan-flow", "[]") + R"(]},
                     {"id": "p2", "name": "keyed", "security": {"type": "api-key"}, "status": "PUBLISHED",
                       "flows": [)" + flow("api-key-flow", "[]") + "]}]");
  auto chain = FlowChain::compile(*def, {});
  Vars gold, silver;
  gold.vars["request"] = el::Map{{"tier", "gold"}};
  silver.vars["request"] = el::Map{{"tier", "silver"}};
  EXPECT_EQ(names(*chain, {"GET", "/", &gold}), (Names{"plan-flow", "gold"}));
  EXPECT_EQ(names(*chain, {"GET", "/", &silver}), Names{"plan-flow"});
}

TEST(FlowChain, ChannelSelectorsOnlyMatchMessages) {
  auto def = load("[" + flow("sub", R"([{"type": "channel", "channel": "/orders", "operations": ["SUBSCRIBE"],
                                          "entrypoints": ["sse"]}])") + "]");
  auto chain = FlowChain::compile(*def, {});
  EXPECT_EQ(names(*chain, {"GET", "/orders"}), Names{});
  FlowRequest message{"GET", "/", nullptr, "/orders/eu", "SUBSCRIBE", "sse"};
  EXPECT_EQ(names(*chain, message), Names{"sub"});
  message.operation = "PUBLISH";
  EXPECT_EQ(names(*chain, message), Names{});
  message = {"GET", "/", nullptr, "/orders", "SUBSCRIBE", "websocket"};
  EXPECT_EQ(names(*chain, message), Names{});
}

TEST(FlowChain, NothingToDoMeansNoChain) {
  EXPECT_FALSE(FlowChain::compile(*load("[]"), {}));
  EXPECT_FALSE(FlowChain::compile(*load(R"([{"name": "empty", "selectors": []}])"), {}));
  EXPECT_FALSE(FlowChain::compile(*load(R"([{"name": "off", "enabled": false, "request": )" + std::string(step) + "}]"), {}));
  EXPECT_FALSE(FlowChain::compile(
      *load(R"([{"name": "step-off", "request": [{"policy": "latency", "enabled": false, "configuration": {}}]}])"), {}));
  EXPECT_TRUE(FlowChain::compile(*load("[]", R"(, "flowExecution": {"matchRequired": true})"), {}));
}

TEST(FlowChain, StepConditionsAreCompiledAndBadOnesRejectedAtDeploy) {
  auto def = load(R"([{"name": "f", "request": [{"policy": "latency", "condition": "{#request.id != null}",
                      "configuration": {}}]}])");
  auto chain = FlowChain::compile(*def, {});
  std::vector<const CompiledFlow*> out;
  el::Map params;
  chain->select({"GET", "/"}, out, params);
  ASSERT_EQ(out.size(), 1u);
  ASSERT_EQ(out[0]->request.size(), 1u);
  EXPECT_TRUE(out[0]->request[0].condition);
  EXPECT_EQ(out[0]->request[0].key, "api-1:api:flow#0:request#0");

  Registry registry;
  register_builtins(registry);
  Diagnostics diag;
  std::string text = R"({"id": "a", "name": "A", "apiVersion": "1", "definitionVersion": "4.0.0", "type": "proxy",
    "listeners": [{"type": "http", "paths": [{"path": "/t"}], "entrypoints": [{"type": "http-proxy"}]}],
    "endpointGroups": [{"name": "g", "type": "http-proxy",
      "endpoints": [{"name": "e", "type": "http-proxy", "configuration": {"target": "http://localhost:8080"}}]}],
    "flows": [{"selectors": [{"type": "condition", "condition": "{#request.headers['x'] ==}"}],
               "request": [{"policy": "latency", "condition": "#a &&", "configuration": {}}]}]})";
  load_definition(std::string_view(text), registry, diag);
  std::vector<std::string> problems;
  for (const auto& p : diag.problems()) problems.push_back(p.path + ": " + p.message);
  EXPECT_EQ(problems,
            (std::vector<std::string>{
                "$.flows[0].selectors[0].condition: invalid expression '{#request.headers['x'] ==}': syntax error at "
                "column 26: unexpected end of the expression",
                "$.flows[0].request[0].condition: invalid expression '#a &&': syntax error at column 6: unexpected end "
                "of the expression"}));
}

}  // namespace
}  // namespace gantry
