// VIS Art 23(1): the five years of the register's records, from the event the article names.
#include "domain/register_retention.h"

#include <gtest/gtest.h>

namespace openvap::domain {
namespace {

Date D(const char* iso) { return *ParseIsoDate(iso); }
Timestamp At(const char* iso) { return *ParseIsoTimestamp(iso); }

Decision DecisionOf(DecisionKind kind, const char* at) {
  Decision d;
  d.application = ApplicationId("app-1");
  d.kind = kind;
  d.decided_at = At(at);
  return d;
}

DigitalVisa VisaUntil(const char* valid_until, VisaStatus status = VisaStatus::kIssued) {
  DigitalVisa v;
  v.application = ApplicationId("app-1");
  v.valid_from = D("2027-03-01");
  v.valid_until = D(valid_until);
  v.status = status;
  return v;
}

ApplicationFile FileCreatedAt(const char* at) {
  ApplicationFile f;
  f.application = ApplicationId("app-1");
  f.lodged_at = At("2027-01-02T08:00:00Z");  // submitted earlier: not what counts
  f.created_at = At(at);
  return f;
}

std::string Until(const RegisterRecords& r) {
  const auto until = RegisterRetainedUntil(r);
  return until ? FormatIsoDate(*until) : "open";
}

TEST(RegisterRetentionTest, AnIssuedVisaIsKeptFiveYearsFromItsExpiryOrItsNewExpiry) {
  RegisterRecords r;
  r.file = FileCreatedAt("2027-01-15T09:00:00Z");
  r.decisions = {DecisionOf(DecisionKind::kIssue, "2027-02-01T08:00:00Z")};
  r.visas = {VisaUntil("2027-03-31")};
  EXPECT_EQ(Until(r), "2032-03-31");  // (a)
  r.visas[0].valid_until = D("2027-04-20");
  r.decisions.push_back(DecisionOf(DecisionKind::kExtend, "2027-03-20T08:00:00Z"));
  EXPECT_EQ(Until(r), "2032-04-20");  // (b)
  r.decisions.push_back(DecisionOf(DecisionKind::kConfirm, "2027-03-25T08:00:00Z"));
  EXPECT_EQ(Until(r), "2032-04-20");  // a confirmation moves nothing
}

TEST(RegisterRetentionTest, ARefusalAnnulmentOrRevocationCountsFromItsDate) {
  for (DecisionKind kind : {DecisionKind::kRefuse, DecisionKind::kAnnul, DecisionKind::kRevoke,
                            DecisionKind::kRefuseConfirmation}) {
    RegisterRecords r;
    r.file = FileCreatedAt("2027-01-15T09:00:00Z");
    r.decisions = {DecisionOf(kind, "2027-02-01T08:00:00Z")};
    if (kind != DecisionKind::kRefuse) r.visas = {VisaUntil("2027-12-31", VisaStatus::kRevoked)};
    EXPECT_EQ(Until(r), "2032-02-01") << DecisionKindName(kind);  // (d)
  }
  // Taken at 00:30 in Paris, 23:30 the day before in UTC: the period never starts before the
  // authority's own date (at worst one day later).
  RegisterRecords late;
  late.decisions = {DecisionOf(DecisionKind::kRefuse, "2027-02-01T23:30:00Z")};
  EXPECT_EQ(Until(late), "2032-02-02");
}

TEST(RegisterRetentionTest, TheLatestStartCountsWhenSeveralApply) {
  RegisterRecords r;
  r.file = FileCreatedAt("2027-01-15T09:00:00Z");
  r.decisions = {DecisionOf(DecisionKind::kIssue, "2027-02-01T08:00:00Z"),
                 DecisionOf(DecisionKind::kRevoke, "2027-03-10T08:00:00Z")};
  r.visas = {VisaUntil("2027-03-31", VisaStatus::kRevoked), VisaUntil("2028-01-31")};
  EXPECT_EQ(Until(r), "2033-01-31");  // the second visa, still issued, runs longest
  r.visas[1].status = VisaStatus::kAnnulled;
  EXPECT_EQ(Until(r), "2032-03-10");
  // Revoked by a decision that answered another application (a refused confirmation asked for
  // on its own): the visa's own record of when.
  r.decisions.pop_back();
  r.visas[1].withdrawn_at = At("2027-05-02T08:00:00Z");
  EXPECT_EQ(Until(r), "2032-05-02");
}

TEST(RegisterRetentionTest, AWithdrawnOrClosedFileCountsFromItsCreation) {
  RegisterRecords r;
  r.file = FileCreatedAt("2027-01-15T09:00:00Z");
  EXPECT_EQ(Until(r), "open");  // accepted and still examined: no period yet
  r.withdrawn = true;
  EXPECT_EQ(Until(r), "2032-01-15");  // (c), from the file's creation, not the submission

  RegisterRecords closed;  // closed before acceptance: no file, the decision is the first record
  closed.decisions = {DecisionOf(DecisionKind::kInadmissible, "2027-01-20T08:00:00Z")};
  EXPECT_EQ(Until(closed), "2032-01-20");
  closed.decisions = {DecisionOf(DecisionKind::kNotCompetent, "2027-01-21T08:00:00Z")};
  EXPECT_EQ(Until(closed), "2032-01-21");
}

// An extension asked for in an application of its own: that application's records last as long
// as the visa they concern; once the visa's records are gone, they count from the decision.
TEST(RegisterRetentionTest, ARequestForAnExtensionFollowsTheVisaItConcerns) {
  RegisterRecords request;
  request.file = FileCreatedAt("2027-03-10T09:00:00Z");
  Decision extended = DecisionOf(DecisionKind::kExtend, "2027-03-20T08:00:00Z");
  extended.visa = VisaNumber("FRA123456782");
  request.decisions = {extended};
  DigitalVisa visa = VisaUntil("2027-04-20");
  visa.number = VisaNumber("FRA123456782");
  request.visas = {visa};  // LoadRegisterRecords adds the visa a decision concerns
  EXPECT_EQ(Until(request), "2032-04-20");
  request.visas.clear();  // deleted with its own application's records
  EXPECT_EQ(Until(request), "2032-03-20");
}

TEST(RegisterRetentionTest, NothingOnRecordHasNoPeriodAndALeapDayEndsOnTheLastOfFebruary) {
  EXPECT_TRUE(RegisterRecords{}.empty());
  EXPECT_EQ(Until(RegisterRecords{}), "open");
  RegisterRecords r;
  r.visas = {VisaUntil("2028-02-29")};  // a replaced sticker's visa has no file (DV-STICKER)
  EXPECT_FALSE(r.empty());
  EXPECT_EQ(Until(r), "2033-02-28");
}

}  // namespace
}  // namespace openvap::domain
