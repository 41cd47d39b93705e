// Deliveries to a real HTTP endpoint on loopback and to an outbox folder.
#include "adapters/outbound/outbound.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <mutex>

#include "adapters/http/router.h"
#include "adapters/http/server.h"
#include "support/process.h"

namespace openvap::outbound {
namespace {

class Receiver {
 public:
  Receiver() {
    router_.Add("POST", "/ok", [this](http::Request& r) {
      std::lock_guard lock(mu_);
      bodies_.push_back(r.body);
      names_.emplace_back(r.Header("x-openvap-delivery"));
      return http::JsonResponse(202, {});
    });
    router_.Add("POST", "/busy", [](http::Request&) { return http::JsonResponse(503, {}); });
    router_.Add("POST", "/refuse", [](http::Request&) { return http::JsonResponse(422, {}); });
    server_ =
        std::make_unique<http::Server>(http::ServerOptions{.host = "127.0.0.1", .port = 0},
                                       [this](http::Request& r) { return router_.Dispatch(r); });
    EXPECT_TRUE(server_->Start().ok());
  }
  ~Receiver() { server_->Stop(); }
  std::string Url(const char* path) const {
    return "http://127.0.0.1:" + std::to_string(server_->port()) + path;
  }
  std::vector<std::string> bodies() {
    std::lock_guard lock(mu_);
    return bodies_;
  }
  std::vector<std::string> names() {
    std::lock_guard lock(mu_);
    return names_;
  }

 private:
  http::Router router_;
  std::mutex mu_;
  std::vector<std::string> bodies_;
  std::vector<std::string> names_;
  std::unique_ptr<http::Server> server_;
};

TEST(Outbound, PostsJsonAndClassifiesAnswers) {
  Receiver receiver;
  const Destination ok(receiver.Url("/ok"));
  ASSERT_TRUE(ok.Deliver("transfer-app-1", {{"application", "app-1"}}).ok());
  ASSERT_EQ(receiver.bodies().size(), 1U);
  EXPECT_EQ(nlohmann::json::parse(receiver.bodies()[0])["application"], "app-1");
  EXPECT_EQ(receiver.names()[0], "transfer-app-1");
  EXPECT_EQ(Destination(receiver.Url("/busy")).Deliver("x", {}).error().code, "delivery-temporary");
  EXPECT_EQ(Destination(receiver.Url("/refuse")).Deliver("x", {}).error().code,
            "delivery-permanent");
  EXPECT_EQ(Destination("http://127.0.0.1:1/").Deliver("x", {}).error().code, "delivery-temporary");
  EXPECT_EQ(Destination("ftp://x").Deliver("x", {}).error().code, "delivery-permanent");
}

TEST(Outbound, AFolderDestinationWritesOneFilePerDeliveryAtomically) {
  openvap::testing::TempDir tmp;
  const Destination folder("file://" + tmp.path() + "/ees");
  ASSERT_TRUE(folder.Deliver("visa FRA1/../x", {{"visa", "FRA1"}}).ok());
  ASSERT_TRUE(folder.Deliver("visa FRA1/../x", {{"visa", "FRA1"}, {"again", true}}).ok());
  std::vector<std::string> files;
  for (const auto& e : std::filesystem::directory_iterator(tmp.path() + "/ees")) {
    files.push_back(e.path().filename().string());
  }
  ASSERT_EQ(files.size(), 1U);  // same name: redelivery overwrites
  EXPECT_EQ(files[0], "visa_FRA1____x.json");
  std::ifstream in(tmp.path() + "/ees/" + files[0]);
  EXPECT_TRUE(nlohmann::json::parse(in)["again"]);
}

}  // namespace
}  // namespace openvap::outbound
