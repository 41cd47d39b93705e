// Verification of digital visas: by code (signature verdicts are scripted here; the verify
// module tests real seals), by number for officials, and by number and date of birth for
// third parties, with what each role may see (RP-MIN).
#include "domain/verification_service.h"

#include <gtest/gtest.h>

#include "fakes/in_memory_store.h"

namespace openvap::domain {
namespace {

class ScriptedVerifier : public SealVerifier {
 public:
  SealCheck Check(ByteView code, Timestamp) const override {
    const std::string text = AsString(code);
    SealCheck c;
    c.signer_subject = "C=FR,CN=FR visa signer";
    c.document_type = "eu-digital-visa";
    if (text.rfind("sig:", 0) == 0) {
      const std::string verdict = text.substr(4, text.find(':', 4) - 4);
      c.signature = verdict;
      c.reason = "scripted";
      // "#..." after the rest tells codes of one visa apart (a seal made again).
      std::string rest = text.substr(text.find(':', 4) + 1);
      rest = rest.substr(0, rest.find('#'));
      if (rest.rfind("FRA", 0) == 0) c.document_number = rest;
      if (rest.rfind("FRA", 0) == 0) c.issuing_country = "FRA";
      if (rest.rfind("DEU", 0) == 0) c.document_number = rest.substr(3);  // signed by "D"
      if (rest.rfind("DEU", 0) == 0) c.issuing_country = "D";
      if (rest == "future" || rest == "past" || rest == "other") {
        c.document_type = "eu-digital-residence-permit";
      }
      if (rest.rfind("permit=", 0) == 0) {  // a permit whose number is a visa's
        c.document_type = "eu-digital-residence-permit";
        c.document_number = rest.substr(7);
      }
      if (rest == "future") c.valid_from = *ParseIsoDate("2027-06-01");
      if (rest == "past") c.valid_until = *ParseIsoDate("2026-12-31");
      return c;
    }
    c.signature = "malformed";
    c.reason = "not a seal";
    return c;
  }
};

Principal OfRole(Role role) {
  Principal p;
  p.role = role;
  p.account = AccountId("acc-" + std::string(RoleName(role)));
  p.member_state = "DE";
  return p;
}

class VerificationTest : public ::testing::Test {
 protected:
  VerificationTest()
      : clock_(*ParseIsoTimestamp("2027-03-10T12:00:00Z")),
        service_(store_, throttle_, verifier_, clock_) {
    SeededRandom random(2);
    visa_.number = NewVisaNumber("FRA", random);
    visa_.application = ApplicationId("app-1");
    visa_.issuing_state = "FR";
    visa_.valid_from = *ParseIsoDate("2027-03-01");
    visa_.valid_until = *ParseIsoDate("2027-03-31");
    visa_.duration_of_stay_days = 15;
    visa_.holder.surname = "ERIKSSON";
    visa_.holder.date_of_birth = *ParseIsoDate("1990-05-01");
    visa_.holder.travel_document_number = "X1234567";
    EXPECT_TRUE(
        store_.Write([&](UnitOfWork& uow) { return uow.Registry().InsertVisa(visa_); }).ok());
  }

  Bytes Code(const std::string& verdict, const std::string& rest) const {
    const std::string s = "sig:" + verdict + ":" + rest;
    return Bytes(s.begin(), s.end());
  }

  fakes::InMemoryStore store_;
  fakes::InMemoryThrottle throttle_;
  ScriptedVerifier verifier_;
  FixedClock clock_;
  VerificationService service_;
  DigitalVisa visa_;
};

// Where a visa is valid, as a verifier reads it: a C visa everywhere, an LTV in its states, a D
// visa in its issuing state (a national visa, CISA Art 18), not "all Schengen States".
TEST(VisaDisclosure, TheTerritoryIsTheVisaTypes) {
  DigitalVisa v;
  v.number = VisaNumber("FRA123456788");
  v.issuing_state = "FR";
  v.type = VisaType::kUniform;
  EXPECT_EQ(VisaDisclosure(v, Role::kPublicVerifier)["territory"], "all Schengen States");
  v.type = VisaType::kLimitedTerritorialValidity;
  v.territory = {"FR", "DE"};
  EXPECT_EQ(VisaDisclosure(v, Role::kPublicVerifier)["territory"], nlohmann::json({"FR", "DE"}));
  v.type = VisaType::kLongStay;
  v.territory.clear();
  EXPECT_EQ(VisaDisclosure(v, Role::kPublicVerifier)["territory"],
            "FR (national long-stay visa, CISA Art 18)");
}

TEST_F(VerificationTest, AValidSealOfARegisteredVisaIsJudgedByTheRegister) {
  const auto pub = service_.VerifyCode(Principal::Public(), Code("valid", visa_.number.value()));
  ASSERT_TRUE(pub.ok());
  EXPECT_EQ(pub->status, "valid");
  EXPECT_EQ(pub->document["visa_number"], visa_.number.value());
  EXPECT_FALSE(pub->document.contains("holder"));  // RP-MIN
  // An account anyone can open sees no more than the public: the holder reads their own visa
  // in the account, not by checking codes.
  for (const Role role :
       {Role::kApplicant, Role::kRepresentative, Role::kServiceProvider, Role::kAdministrator}) {
    const auto seen = service_.VerifyCode(OfRole(role), Code("valid", visa_.number.value()));
    ASSERT_TRUE(seen.ok());
    EXPECT_EQ(seen->document, pub->document) << RoleName(role);
  }
  const auto guard =
      service_.VerifyCode(OfRole(Role::kBorderGuard), Code("valid", visa_.number.value()));
  EXPECT_EQ(guard->document["holder"]["surname"], "ERIKSSON");

  visa_.status = VisaStatus::kRevoked;
  ASSERT_TRUE(store_.Write([&](UnitOfWork& uow) { return uow.Registry().UpdateVisa(visa_); }).ok());
  EXPECT_EQ(service_.VerifyCode(Principal::Public(), Code("valid", visa_.number.value()))->status,
            "revoked");  // RP-REVOKE online
}

// After an extension or a confirmation in a new travel document the register holds the visa's
// new seal: the earlier code, genuine as it is, is not accepted (it named the old document).
TEST_F(VerificationTest, ACodeReplacedByANewerSealOfTheVisaIsNotAccepted) {
  visa_.seal = Code("valid", visa_.number.value() + "#1");
  ASSERT_TRUE(store_.Write([&](UnitOfWork& uow) { return uow.Registry().UpdateVisa(visa_); }).ok());
  EXPECT_EQ(service_.VerifyCode(Principal::Public(), visa_.seal)->status, "valid");
  visa_.holder.travel_document_number = "N9999999";
  visa_.seal = Code("valid", visa_.number.value() + "#2");
  ASSERT_TRUE(store_.Write([&](UnitOfWork& uow) { return uow.Registry().UpdateVisa(visa_); }).ok());
  EXPECT_EQ(service_.VerifyCode(Principal::Public(), visa_.seal)->status, "valid");
  // The current code with bytes after it (a scanner's padding, which the decoder ignores) is
  // still the current code.
  Bytes padded = visa_.seal;
  padded.push_back(0);
  EXPECT_EQ(service_.VerifyCode(Principal::Public(), padded)->status, "valid");
  const auto old =
      service_.VerifyCode(OfRole(Role::kBorderGuard), Code("valid", visa_.number.value() + "#1"));
  ASSERT_TRUE(old.ok());
  EXPECT_EQ(old->status, "invalid");
  EXPECT_NE(old->reason.find("replaced by a newer one"), std::string::npos) << old->reason;
  EXPECT_EQ(old->document["holder"]["travel_document_number"], "N9999999");  // what holds now
}

TEST_F(VerificationTest, BadSignaturesAndUnknownIssuers) {
  EXPECT_EQ(service_.VerifyCode(Principal::Public(), Code("invalid-signature", ""))->status,
            "invalid");
  EXPECT_EQ(service_.VerifyCode(Principal::Public(), Code("revoked-signer", ""))->status,
            "invalid");
  EXPECT_EQ(service_.VerifyCode(Principal::Public(), Code("unknown-signer", ""))->status,
            "unknown-signer");
  const Bytes junk = {1, 2, 3};
  EXPECT_EQ(service_.VerifyCode(Principal::Public(), junk)->status, "invalid");
  EXPECT_EQ(service_.VerifyCode(Principal::Public(), {}).error().code, "invalid-field");
}

// A signed EU digital visa the register does not hold, or whose number names another state
// than the signer's, was not issued by the procedure.
TEST_F(VerificationTest, AnEuVisaOutsideTheRegisterOrOfAnotherStateIsInvalid) {
  const auto unknown = service_.VerifyCode(Principal::Public(), Code("valid", "FRA123456788"));
  ASSERT_TRUE(unknown.ok());
  EXPECT_EQ(unknown->status, "invalid");
  EXPECT_NE(unknown->reason.find("register"), std::string::npos) << unknown->reason;
  // Germany's signer ("D") on a French number, registered or not.
  const auto other =
      service_.VerifyCode(Principal::Public(), Code("valid", "DEU" + visa_.number.value()));
  ASSERT_TRUE(other.ok());
  EXPECT_EQ(other->status, "invalid");
  EXPECT_NE(other->reason.find("another issuing state"), std::string::npos) << other->reason;
}

TEST_F(VerificationTest, AForeignDocumentIsJudgedOnItsSealAlone) {
  EXPECT_EQ(service_.VerifyCode(Principal::Public(), Code("valid", "future"))->status,
            "not-yet-valid");
  EXPECT_EQ(service_.VerifyCode(Principal::Public(), Code("valid", "past"))->status, "expired");
  EXPECT_EQ(service_.VerifyCode(Principal::Public(), Code("valid", "other"))->status, "valid");
  // A permit is not looked up among visas, even under a registered visa's number.
  const auto permit =
      service_.VerifyCode(Principal::Public(), Code("valid", "permit=" + visa_.number.value()));
  ASSERT_TRUE(permit.ok());
  EXPECT_EQ(permit->status, "valid");
  EXPECT_EQ(permit->document.value("kind", ""), "eu-digital-residence-permit");
}

TEST_F(VerificationTest, OfficialsCheckByNumberAndAreLogged) {
  EXPECT_EQ(service_.CheckByNumber(Principal::Public(), visa_.number).error().code, "forbidden");
  EXPECT_EQ(service_.CheckByNumber(OfRole(Role::kServiceProvider), visa_.number).error().code,
            "forbidden");  // VIS 7f(3): no access to the VIS
  const auto found = service_.CheckByNumber(OfRole(Role::kBorderGuard), visa_.number);
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(found->document["holder"]["travel_document_number"], "X1234567");
  EXPECT_EQ(store_.Snapshot().audit.back().action, "visa.check");
  EXPECT_EQ(service_.CheckByNumber(OfRole(Role::kBorderGuard), VisaNumber("FRA123")).error().code,
            "invalid-visa-number");
}

TEST_F(VerificationTest, ThirdPartiesNeedTheDateOfBirthAndAreThrottled) {
  const Date dob = *ParseIsoDate("1990-05-01");
  const auto wrong = service_.LookupForThirdParty(visa_.number, *ParseIsoDate("1990-05-02"), "ip1");
  EXPECT_EQ(wrong.error().code, "not-found");
  const auto right = service_.LookupForThirdParty(visa_.number, dob, "ip1");
  ASSERT_TRUE(right.ok());
  EXPECT_EQ(right->status, "valid");
  EXPECT_FALSE(right->document.contains("holder"));
  for (int i = 0; i < 8; ++i)
    (void)service_.LookupForThirdParty(visa_.number, dob, "ip" + std::to_string(i + 2));
  EXPECT_EQ(service_.LookupForThirdParty(visa_.number, dob, "ip99").error().code, "rate-limited");
}

// Photos cost seconds each: twenty in ten minutes per address, for those who see no record.
TEST_F(VerificationTest, PhotosToScanAreCountedPerAddress) {
  for (int i = 0; i < 20; ++i)
    ASSERT_TRUE(service_.AllowImageScan(Principal::Public(), "ip1").ok());
  EXPECT_EQ(service_.AllowImageScan(Principal::Public(), "ip1").error().code, "rate-limited");
  EXPECT_EQ(service_.AllowImageScan(OfRole(Role::kApplicant), "ip1").error().code, "rate-limited");
  EXPECT_TRUE(service_.AllowImageScan(Principal::Public(), "ip2").ok());
  EXPECT_TRUE(service_.AllowImageScan(OfRole(Role::kBorderGuard), "ip1").ok());
}

}  // namespace
}  // namespace openvap::domain
