// The repository contract, run against every back end: SQLite always; PostgreSQL when POSTGRES_URL is set (as
// `make test` does, through scripts/services.sh). Each PostgreSQL test works in a schema of its own.
#include "gateway/subscription_directory.hpp"
#include "storage/migrations.hpp"
#include "storage/postgres/pg_connection.hpp"
#include "storage/sql_repository.hpp"
#include "storage/sqlite/sqlite_connection.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <random>

namespace gantry::storage {
namespace {

std::string random_name(const char* prefix) {
  std::random_device rd;
  return prefix + std::to_string(rd()) + std::to_string(rd());
}

// Opens (and reopens) one database of a back end for one test, and removes it afterwards.
class Backend {
 public:
  virtual ~Backend() = default;
  virtual std::unique_ptr<SqlConnection> connect() = 0;
  std::unique_ptr<Repository> open() { return std::make_unique<SqlRepository>(connect()); }
};

class SqliteBackend : public Backend {
 public:
  SqliteBackend() : path_("/tmp/" + random_name("gantry-repo-") + "/gantry.db") {}
  ~SqliteBackend() override { std::filesystem::remove_all(std::filesystem::path(path_).parent_path()); }
  std::unique_ptr<SqlConnection> connect() override { return std::make_unique<SqliteConnection>(path_); }

 private:
  std::string path_;
};

class PostgresBackend : public Backend {
 public:
  explicit PostgresBackend(std::string url) : url_(std::move(url)), schema_(random_name("gantry_test_")) {
    PgConnection(url_).execute("CREATE SCHEMA " + schema_);
  }
  ~PostgresBackend() override { PgConnection(url_).execute("DROP SCHEMA " + schema_ + " CASCADE"); }
  std::unique_ptr<SqlConnection> connect() override {
    auto conn = std::make_unique<PgConnection>(url_);
    conn->execute("SET search_path TO " + schema_);
    return conn;
  }

 private:
  std::string url_, schema_;
};

class RepositoryTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "sqlite") {
      backend_ = std::make_unique<SqliteBackend>();
    } else {
      const char* url = std::getenv("POSTGRES_URL");
      if (!url || !*url) GTEST_SKIP() << "POSTGRES_URL is not set (scripts/services.sh run -- ... sets it)";
      backend_ = std::make_unique<PostgresBackend>(url);
    }
    repo_ = backend_->open();
  }

  ApiRecord api(const std::string& id, Millis created) {
    ApiRecord a;
    a.id = id;
    a.name = "API " + id;
    a.definition = R"({"id":")" + id + R"(", "name": "x",  "spacing":  "kept"})";
    a.paths = {" /" + id, "example.com /" + id + "/v2"};
    a.created_at = a.updated_at = created;
    return a;
  }

  DeploymentRecord deployment(const std::string& id, const std::string& api_id, const std::string& definition) {
    DeploymentRecord d;
    d.id = id;
    d.api_id = api_id;
    d.label = "label " + id;
    d.definition = definition;
    d.created_at = 1000;
    return d;
  }

  std::unique_ptr<Backend> backend_;
  std::unique_ptr<Repository> repo_;
};

TEST_P(RepositoryTest, StoresApisExactlyAsSent) {
  repo_->insert_api(api("a", 2));
  repo_->insert_api(api("b", 1));
  auto found = repo_->find_api("a");
  ASSERT_TRUE(found);
  EXPECT_EQ(found->definition, R"({"id":"a", "name": "x",  "spacing":  "kept"})");
  EXPECT_EQ(found->paths, (std::vector<std::string>{" /a", "example.com /a/v2"}));
  EXPECT_EQ(found->state, "STOPPED");
  EXPECT_TRUE(found->need_redeploy);
  auto all = repo_->list_apis();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].id, "b");  // oldest first
  EXPECT_FALSE(repo_->find_api("missing"));
}

TEST_P(RepositoryTest, UpdatesAndDeletesApisRememberingDeletedIds) {
  repo_->insert_api(api("a", 1));
  auto a = *repo_->find_api("a");
  a.state = "STARTED";
  a.name = "renamed";
  repo_->update_api(a);
  EXPECT_EQ(repo_->find_api("a")->name, "renamed");
  EXPECT_EQ(repo_->find_api("a")->state, "STARTED");
  repo_->add_deployment(deployment("d1", "a", "{}"));
  EXPECT_FALSE(repo_->api_was_deleted("a"));
  repo_->delete_api("a");
  EXPECT_FALSE(repo_->find_api("a"));
  EXPECT_TRUE(repo_->api_was_deleted("a"));
  EXPECT_TRUE(repo_->list_deployments("a").empty());
  EXPECT_FALSE(repo_->api_was_deleted("never-existed"));
}

TEST_P(RepositoryTest, NumbersDeploymentsPerApiNewestFirst) {
  repo_->insert_api(api("a", 1));
  repo_->insert_api(api("b", 1));
  EXPECT_EQ(repo_->add_deployment(deployment("d1", "a", "v1")).number, 1);
  EXPECT_EQ(repo_->add_deployment(deployment("d2", "a", "v2")).number, 2);
  EXPECT_EQ(repo_->add_deployment(deployment("d3", "b", "w1")).number, 1);
  auto history = repo_->list_deployments("a");
  ASSERT_EQ(history.size(), 2u);
  EXPECT_EQ(history[0].id, "d2");
  EXPECT_EQ(history[0].label, "label d2");
  EXPECT_EQ(history[1].definition, "v1");
  EXPECT_TRUE(repo_->find_deployment("a", "d1"));
  EXPECT_FALSE(repo_->find_deployment("b", "d1"));
}

TEST_P(RepositoryTest, DeployableApisAreTheStartedOnesAtTheirLatestDeployment) {
  repo_->insert_api(api("started", 1));
  repo_->insert_api(api("stopped", 2));
  repo_->insert_api(api("never-deployed", 3));
  repo_->add_deployment(deployment("s1", "started", "old"));
  repo_->add_deployment(deployment("s2", "started", "new"));
  repo_->add_deployment(deployment("t1", "stopped", "x"));
  for (const char* id : {"started", "never-deployed"}) {
    auto a = *repo_->find_api(id);
    a.state = "STARTED";
    repo_->update_api(a);
  }
  auto live = repo_->deployable_apis();
  ASSERT_EQ(live.size(), 1u);
  EXPECT_EQ(live[0].api_id, "started");
  EXPECT_EQ(live[0].deployment_id, "s2");
  EXPECT_EQ(live[0].definition, "new");
}

TEST_P(RepositoryTest, RevisionGrowsWithEveryChangeGatewaysMustSee) {
  const auto r0 = repo_->revision();
  repo_->insert_api(api("a", 1));
  repo_->add_deployment(deployment("d1", "a", "{}"));
  const auto r1 = repo_->revision();
  EXPECT_GT(r1, r0);
  auto a = *repo_->find_api("a");
  a.state = "STARTED";
  repo_->update_api(a);
  const auto r2 = repo_->revision();
  EXPECT_GT(r2, r1);
  repo_->delete_api("a");
  EXPECT_GT(repo_->revision(), r2);
}

TEST_P(RepositoryTest, TransactionsRollBackOnException) {
  EXPECT_THROW(repo_->transaction([&] {
    repo_->insert_api(api("a", 1));
    throw std::runtime_error("abort");
  }),
               std::runtime_error);
  EXPECT_FALSE(repo_->find_api("a"));
  repo_->transaction([&] { repo_->transaction([&] { repo_->insert_api(api("b", 1)); }); });
  EXPECT_TRUE(repo_->find_api("b"));
}

TEST_P(RepositoryTest, DuplicateApiIdIsAStorageError) {
  repo_->insert_api(api("a", 1));
  EXPECT_THROW(repo_->insert_api(api("a", 1)), StorageError);
}

TEST_P(RepositoryTest, PlansAndApplications) {
  PlanRecord p;
  p.id = "p1";
  p.api_id = "a";
  p.name = "Gold";
  p.security_type = "API_KEY";
  p.extra = R"({"tags":["x"]})";
  repo_->save_plan(p);
  p.status = "PUBLISHED";
  p.published_at = 42;
  repo_->save_plan(p);  // replaces
  auto found = repo_->find_plan("p1");
  ASSERT_TRUE(found);
  EXPECT_EQ(found->status, "PUBLISHED");
  EXPECT_EQ(found->published_at, 42);
  EXPECT_EQ(found->extra, R"({"tags":["x"]})");
  EXPECT_EQ(repo_->list_plans("a").size(), 1u);
  EXPECT_TRUE(repo_->list_plans("b").empty());
  repo_->delete_plan("p1");
  EXPECT_FALSE(repo_->find_plan("p1"));

  ApplicationRecord app;
  app.id = "app1";
  app.name = "Mobile";
  app.api_key_mode = "EXCLUSIVE";
  repo_->save_application(app);
  EXPECT_EQ(repo_->find_application("app1")->api_key_mode, "EXCLUSIVE");
  EXPECT_EQ(repo_->list_applications().size(), 1u);
  repo_->delete_application("app1");
  EXPECT_FALSE(repo_->find_application("app1"));
}

TEST_P(RepositoryTest, ActiveSubscriptionsAreAcceptedAndWithinTheirPeriod) {
  auto sub = [&](const std::string& id, const std::string& status, Millis start, Millis end) {
    SubscriptionRecord s;
    s.id = id;
    s.api_id = "a";
    s.plan_id = "p";
    s.application_id = "app";
    s.status = status;
    s.starting_at = start;
    s.ending_at = end;
    repo_->save_subscription(s);
  };
  sub("open-ended", "ACCEPTED", 100, 0);
  sub("running", "ACCEPTED", 100, 500);
  sub("ended", "ACCEPTED", 100, 200);
  sub("future", "ACCEPTED", 400, 0);
  sub("paused", "PAUSED", 100, 0);
  sub("pending", "PENDING", 0, 0);
  std::vector<std::string> ids;
  for (const auto& s : repo_->active_subscriptions("a", 300)) ids.push_back(s.id);
  std::sort(ids.begin(), ids.end());
  EXPECT_EQ(ids, (std::vector<std::string>{"open-ended", "running"}));
  EXPECT_EQ(repo_->list_subscriptions("a").size(), 6u);
  EXPECT_EQ(repo_->list_application_subscriptions("app").size(), 6u);
  EXPECT_EQ(repo_->find_subscription("paused")->status, "PAUSED");
}

TEST_P(RepositoryTest, SubscriptionsKeepTheirConsumerConfiguration) {
  SubscriptionRecord s;
  s.id = "hook";
  s.api_id = "a";
  s.status = "ACCEPTED";
  repo_->save_subscription(s);
  EXPECT_EQ(repo_->find_subscription("hook")->consumer_configuration, "{}");
  s.consumer_configuration = R"({"entrypointConfiguration":{"callbackUrl":"http://127.0.0.1:1/h"}})";
  repo_->save_subscription(s);
  EXPECT_EQ(repo_->find_subscription("hook")->consumer_configuration, s.consumer_configuration);
}

TEST_P(RepositoryTest, ApiKeysAreFoundByValuePerApi) {
  ApiKeyRecord k;
  k.id = "k1";
  k.key = "secret-value-1";
  k.api_id = "a";
  k.subscription_id = "s1";
  k.application_id = "app";
  k.expire_at = 1000;
  repo_->save_api_key(k);
  auto found = repo_->find_api_key("a", "secret-value-1");
  ASSERT_TRUE(found);
  EXPECT_EQ(found->id, "k1");
  EXPECT_TRUE(found->usable(999));
  EXPECT_FALSE(found->usable(1000));  // expired
  EXPECT_FALSE(repo_->find_api_key("b", "secret-value-1"));
  k.revoked = true;
  repo_->save_api_key(k);
  EXPECT_FALSE(repo_->find_api_key_by_id("k1")->usable(0));
  EXPECT_EQ(repo_->list_api_keys("s1").size(), 1u);
}

TEST_P(RepositoryTest, SettingsAndReopeningKeepEverything) {
  repo_->put_setting("management.password_hash", "h1");
  repo_->put_setting("management.password_hash", "h2");
  repo_->insert_api(api("a", 1));
  repo_.reset();
  repo_ = backend_->open();  // migrations already applied: nothing to do, nothing lost
  EXPECT_EQ(repo_->get_setting("management.password_hash"), "h2");
  EXPECT_FALSE(repo_->get_setting("missing"));
  EXPECT_TRUE(repo_->find_api("a"));
}

TEST_P(RepositoryTest, MigrationsApplyOnce) {
  auto conn = backend_->connect();
  EXPECT_EQ(migrate(*conn), 0);
  auto rows = conn->query("SELECT MAX(version) FROM schema_migrations");
  EXPECT_EQ(rows.at(0).at(0), std::to_string(latest_schema_version()));
}

TEST_P(RepositoryTest, GatewaySubscriptionIndexHoldsUsableKeysOfAcceptedSubscriptions) {
  auto sub = [&](const std::string& id, const std::string& status, Millis start, Millis end) {
    SubscriptionRecord s;
    s.id = id;
    s.api_id = "a";
    s.plan_id = "p";
    s.application_id = "app-" + id;
    s.status = status;
    s.metadata = R"({"bar": "blue", "n": 3})";
    s.starting_at = start;
    s.ending_at = end;
    repo_->save_subscription(s);
  };
  auto key = [&](const std::string& value, const std::string& sub_id, bool revoked, bool paused, Millis expire) {
    ApiKeyRecord k;
    k.id = "id-" + value;
    k.key = value;
    k.api_id = "a";
    k.subscription_id = sub_id;
    k.revoked = revoked;
    k.paused = paused;
    k.expire_at = expire;
    repo_->save_api_key(k);
  };
  const auto r0 = repo_->revision();
  sub("s1", "ACCEPTED", 100, 0);
  EXPECT_GT(repo_->revision(), r0);  // gateways must see subscription and key changes
  sub("s2", "PAUSED", 100, 0);
  sub("s3", "ACCEPTED", 100, 500);
  const auto r1 = repo_->revision();
  key("good", "s1", false, false, 0);
  EXPECT_GT(repo_->revision(), r1);
  key("revoked", "s1", true, false, 0);
  key("paused-key", "s1", false, true, 0);
  key("expiring", "s1", false, false, 300);
  key("paused-sub", "s2", false, false, 0);
  key("ending", "s3", false, false, 0);

  auto index = gantry::SubscriptionSnapshot::load(*repo_, {"a"});
  auto found = index->find("a", "good", 200);
  ASSERT_TRUE(found);
  EXPECT_EQ(found->id, "s1");
  EXPECT_EQ(found->application, "app-s1");
  EXPECT_EQ(gantry::el::to_string(gantry::el::Value(found->metadata)), "{bar=blue, n=3}");
  EXPECT_FALSE(index->find("a", "good", 99));  // before the subscription starts
  EXPECT_FALSE(index->find("b", "good", 200));  // another API
  EXPECT_FALSE(index->find("a", "revoked", 200));
  EXPECT_FALSE(index->find("a", "paused-key", 200));
  EXPECT_TRUE(index->find("a", "expiring", 299));
  EXPECT_FALSE(index->find("a", "expiring", 300));
  EXPECT_FALSE(index->find("a", "paused-sub", 200));
  EXPECT_TRUE(index->find("a", "ending", 499));
  EXPECT_FALSE(index->find("a", "ending", 500));
  EXPECT_FALSE(index->find("a", "", 200));
}

INSTANTIATE_TEST_SUITE_P(Backends, RepositoryTest, ::testing::Values("sqlite", "postgres"),
                         [](const auto& info) { return info.param; });

TEST(PostgresPlaceholdersTest, NumbersQuestionMarksOutsideLiterals) {
  EXPECT_EQ(to_postgres_placeholders("SELECT a FROM t WHERE b = ? AND c = '?' AND d = ?"),
            "SELECT a FROM t WHERE b = $1 AND c = '?' AND d = $2");
}

TEST(SqliteConnectionTest, UsesWriteAheadLogging) {
  const std::string dir = "/tmp/" + random_name("gantry-wal-");
  {
    SqliteConnection conn(dir + "/nested/g.db");
    EXPECT_EQ(conn.query("PRAGMA journal_mode", {}).at(0).at(0), "wal");
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace gantry::storage
