// VAP-XFER and retention over the in-memory store: the accepted file goes to the national
// system and leaves temporary storage except the contact data; stale files are deleted.
#include "domain/retention.h"

#include <gtest/gtest.h>

#include "fakes/in_memory_store.h"

namespace openvap::domain {
namespace {

class RetentionTest : public ::testing::Test {
 protected:
  RetentionTest() : clock_(*ParseIsoTimestamp("2027-01-15T09:00:00Z")), service_(store_, clock_) {}

  Application Put(const std::string& id, ApplicationStatus status) {
    Application a;
    a.id = ApplicationId(id);
    a.owner = AccountId("acc-anna");
    a.status = status;
    a.form = ApplicationForm({{"1", "ERIKSSON"}, {"13", "X1234567"}});
    a.contact_email = "anna@example.org";
    a.notified_state = "FR";
    a.lodging.provider_reviewed = true;
    a.created_at = a.updated_at = clock_.Now();
    EXPECT_TRUE(
        store_
            .Write([&](UnitOfWork& u) -> Status {
              OPENVAP_RETURN_IF_ERROR(u.Applications().Insert(a));
              const Bytes pdf = {'%', 'P', 'D', 'F', '-'};
              return u.Applications().InsertDocument(
                  a.id,
                  {"doc-1", "travel-document", "p.pdf", "application/pdf", 5, "", clock_.Now()},
                  pdf);
            })
            .ok());
    return a;
  }

  fakes::InMemoryStore store_;
  FixedClock clock_;
  RetentionService service_;
};

TEST_F(RetentionTest, TheNationalSystemGetsTheWholeFileThenOnlyContactDataStays) {
  Put("app-1", ApplicationStatus::kAccepted);
  const auto package = service_.PrepareTransfer(ApplicationId("app-1"));
  ASSERT_TRUE(package.ok()) << package.error().message;
  EXPECT_EQ(package->file["form"]["1"], "ERIKSSON");
  ASSERT_EQ(package->documents.size(), 1U);
  EXPECT_EQ(package->documents[0].second.size(), 5U);
  ASSERT_TRUE(service_.CompleteTransfer(ApplicationId("app-1")).ok());
  ASSERT_TRUE(service_.CompleteTransfer(ApplicationId("app-1")).ok());  // idempotent
  const auto state = store_.Snapshot();
  const Application& a = state.applications.at("app-1");
  EXPECT_TRUE(a.purged);
  EXPECT_TRUE(a.form.empty());
  EXPECT_FALSE(a.lodging.provider_reviewed);
  EXPECT_EQ(a.contact_email, "anna@example.org");
  EXPECT_EQ(a.owner.value(), "acc-anna");
  EXPECT_FALSE(state.documents.contains("app-1"));
  EXPECT_EQ(service_.PrepareTransfer(ApplicationId("app-1")).error().code, "invalid-transition");
  Put("app-2", ApplicationStatus::kNotified);
  EXPECT_EQ(service_.PrepareTransfer(ApplicationId("app-2")).error().code, "invalid-transition");
}

// Drafts and files never completed go with their messages; a closed file whose decision is in
// the register shrinks to its contact data (the register keeps it five years, VIS Art 23); one
// withdrawn before the register held anything goes, messages and all.
TEST_F(RetentionTest, StaleDraftsAndIncompleteFilesGoClosedOnesShrink) {
  for (const auto& put : {std::pair{"draft", ApplicationStatus::kDraft},
                          std::pair{"incomplete", ApplicationStatus::kSubmitted},
                          std::pair{"refused", ApplicationStatus::kRefused},
                          std::pair{"withdrawn", ApplicationStatus::kWithdrawn}}) {
    const std::string id = put.first;
    Put(id, put.second);
    ASSERT_TRUE(store_
                    .Write([&](UnitOfWork& u) {
                      return u.Messages().Insert(AccountMessage{"msg-" + id, AccountId("acc-anna"),
                                                                ApplicationId(id), "x", "s", "b",
                                                                clock_.Now(), std::nullopt});
                    })
                    .ok());
  }
  Decision refusal;
  refusal.id = DecisionId("dec-1");
  refusal.application = ApplicationId("refused");
  refusal.kind = DecisionKind::kRefuse;
  refusal.decided_at = clock_.Now();
  ASSERT_TRUE(
      store_.Write([&](UnitOfWork& u) { return u.Registry().InsertDecision(refusal); }).ok());
  const auto messages = [&] {
    std::vector<std::string> ids;
    for (const AccountMessage& m : store_.Snapshot().messages) ids.push_back(m.id);
    return ids;
  };
  clock_.Advance(std::chrono::hours(24 * 31));
  auto report = *service_.Apply();
  EXPECT_EQ(report.drafts_deleted, 0);
  EXPECT_EQ(report.closed_reduced, 1);
  EXPECT_EQ(report.closed_deleted, 1);
  EXPECT_FALSE(store_.Snapshot().applications.contains("withdrawn"));
  EXPECT_EQ(messages(), (std::vector<std::string>{"msg-draft", "msg-incomplete", "msg-refused"}));
  clock_.Advance(std::chrono::hours(24 * 60));
  report = *service_.Apply();
  EXPECT_EQ(report.drafts_deleted, 1);
  EXPECT_EQ(report.incomplete_deleted, 0);
  EXPECT_EQ(report.closed_reduced, 0);  // already reduced, not listed again
  clock_.Advance(std::chrono::hours(24 * 100));
  EXPECT_EQ(service_.Apply()->incomplete_deleted, 1);
  const auto state = store_.Snapshot();
  EXPECT_EQ(state.applications.size(), 1U);
  EXPECT_TRUE(state.applications.at("refused").purged);
  EXPECT_EQ(state.audit.back().action, "application.delete-incomplete");
  EXPECT_EQ(messages(), std::vector<std::string>{"msg-refused"});  // read with the decision
}

}  // namespace
}  // namespace openvap::domain
