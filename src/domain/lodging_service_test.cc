// Fee payment, appointments and the visit in person (at the provider or the consulate) over the
// in-memory store. The payment provider here is a scripted stand-in (the sandbox provider adapter
// has its own HTTP tests); what is tested is the flow from submission to notification.
#include "domain/lodging_service.h"

#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <set>
#include <utility>

#include "fakes/in_memory_store.h"

namespace openvap::domain {
namespace {

using nlohmann::json;

// Admissible once the fee is paid, biometrics collected and the provider reviewed the file.
class LodgingPreChecks : public PreChecks {
 public:
  Result<PreCheckOutcome> Run(const Application& a, const PreCheckInputs&, Date) const override {
    if (unreadable) return Error{"invalid-field", "15: the form cannot be checked"};
    PreCheckOutcome o;
    o.competent_state = "FR";
    o.fee_eur = fee;
    // As the rules do: what was paid, when known, against the fee due now.
    if (!a.fee_paid || (a.fee_paid_cents && *a.fee_paid_cents < std::llround(fee * 100))) {
      o.missing.push_back({"fee-not-paid", "pay the fee"});
    }
    if (!a.lodging.biometrics_collected_on) o.missing.push_back({"biometrics-missing", "visit"});
    if (!a.lodging.provider_reviewed) o.missing.push_back({"not-reviewed", "review"});
    o.admissible = o.missing.empty();
    return o;
  }
  std::vector<std::string> NonLatinFields(const json&) const override { return {}; }
  std::string StateName(const std::string& state) const override { return state; }
  bool IsTimeZone(std::string_view zone) const override {
    return zone == "UTC" || zone == "Asia/Kolkata" || zone == "Europe/Paris";
  }
  double fee = 90;
  bool unreadable = false;  // a form being corrected, which the rules cannot check
};

class ScriptedProvider : public PaymentProvider {
 public:
  std::string Name() const override { return "scripted"; }
  Result<Checkout> CreateCheckout(const Payment& p, const std::string& return_url) override {
    ++checkouts;
    last_return_url = return_url;
    return Checkout{"chk-" + p.id, "https://pay.example/" + p.id};
  }
  Result<Event> ParseWebhook(std::string_view signature, std::string_view body) const override {
    if (signature != "good") return Error{"invalid-signature", "bad signature"};
    const json j = json::parse(body);
    return Event{j["event"], j["checkout"], *ParsePaymentStatus(j["status"].get<std::string>())};
  }
  Status Refund(const Payment& p) override {
    ++refunds;
    if (during_refund) std::exchange(during_refund, nullptr)(p);
    return Ok();
  }
  Status CancelCheckout(const Payment& p) override {
    if (settled.count(p.checkout_id) != 0) return Error{"already-settled", p.checkout_id};
    cancelled.insert(p.checkout_id);
    return Ok();
  }
  int checkouts = 0;
  int refunds = 0;
  // Runs once inside the next Refund: what another process does while the provider answers.
  std::function<void(const Payment&)> during_refund;
  std::set<std::string> settled;    // checkouts paid or declined at the provider
  std::set<std::string> cancelled;  // checkouts closed by the platform
  std::string last_return_url;
};

Principal Person(Role role, const std::string& id, const std::string& state = "",
                 const std::string& org = "") {
  Principal p;
  p.role = role;
  p.account = AccountId(id);
  p.member_state = state;
  p.organisation = org;
  p.mfa_verified = true;
  return p;
}

// The places of the tests' visits: UTC and New Delhi (+05:30 all year).
class TwoTimeZones : public VisitTimeZones {
 public:
  Result<std::chrono::seconds> OffsetAt(std::string_view zone, Timestamp) const override {
    if (zone == "UTC") return std::chrono::seconds(0);
    if (zone == "Asia/Kolkata") return std::chrono::seconds(330 * 60);
    return Error{"unknown-time-zone", std::string(zone)};
  }
};

class LodgingTest : public ::testing::Test {
 protected:
  LodgingTest()
      : clock_(*ParseIsoTimestamp("2027-01-15T09:00:00Z")),
        random_(11),
        applications_(store_, prechecks_, clock_, random_),
        payments_(store_, provider_, applications_, clock_, random_, "https://vap.example"),
        appointments_(store_, zones_, clock_, random_),
        visits_(store_, applications_, clock_) {
    store_.AddAccount("acc-anna");
  }

  // A draft that names its applicant (fields 1 and 4), as one that books a visit must.
  ApplicationId Named(ApplicationKind kind = ApplicationKind::kShortStayVisa) {
    auto a = *applications_.CreateDraft(anna_, kind);
    EXPECT_TRUE(applications_.SaveForm(anna_, a.id, {{"1", "DOE"}, {"4", "1990-05-01"}}, {}).ok());
    return a.id;
  }
  ApplicationId Submitted() {
    const Application a = *applications_.Get(anna_, Named());
    EXPECT_EQ(applications_.Submit(anna_, a.id, RequiredDeclarations({}), "ip")->status,
              ApplicationStatus::kSubmitted);
    return a.id;
  }

  std::string PublishedSlot(const Principal& publisher) {
    return appointments_
        .Publish(publisher, {{clock_.Now() + std::chrono::hours(48), 15, "1 Rd", "Asia/Kolkata"}})
        ->front()
        .id;
  }

  static std::string Webhook(const Payment& p, const std::string& event, const char* status) {
    return json{{"event", event}, {"checkout", p.checkout_id}, {"status", status}}.dump();
  }

  fakes::InMemoryStore store_;
  LodgingPreChecks prechecks_;
  ScriptedProvider provider_;
  TwoTimeZones zones_;
  FixedClock clock_;
  SeededRandom random_;
  ApplicationService applications_;
  PaymentService payments_;
  AppointmentService appointments_;
  InPersonVisitService visits_;
  Principal anna_ = Person(Role::kApplicant, "acc-anna");
  Principal esp_ = Person(Role::kServiceProvider, "acc-desk", "FR", "esp-delhi");
  Principal consul_ = Person(Role::kConsularOfficer, "acc-consul", "FR", "fr-delhi");
};

TEST_F(LodgingTest, OnlinePaymentIsIdempotentAndMarksTheFeePaid) {
  const ApplicationId id = Submitted();
  const auto first = payments_.Start(anna_, id);
  ASSERT_TRUE(first.ok()) << first.error().message;
  EXPECT_EQ(first->amount_cents, 9000);
  EXPECT_EQ(first->redirect_url, "https://pay.example/" + first->id);
  EXPECT_EQ(provider_.last_return_url,
            "https://vap.example/applications/" + id.value() + "/payment");
  EXPECT_EQ(payments_.Start(anna_, id)->id, first->id);  // a reload does not charge twice
  EXPECT_EQ(provider_.checkouts, 1);

  EXPECT_EQ(
      payments_.HandleWebhook("scripted", "forged", Webhook(*first, "ev1", "paid")).error().code,
      "invalid-signature");
  EXPECT_EQ(payments_.HandleWebhook("other", "good", Webhook(*first, "ev1", "paid")).error().code,
            "not-found");  // a provider this platform does not use
  ASSERT_TRUE(payments_.HandleWebhook("scripted", "good", Webhook(*first, "ev1", "paid")).ok());
  ASSERT_TRUE(
      payments_.HandleWebhook("scripted", "good", Webhook(*first, "ev1", "paid")).ok());  // retried
  const auto app = *applications_.Get(anna_, id);
  EXPECT_TRUE(app.fee_paid);
  EXPECT_EQ(app.fee_payment_reference, first->id);
  EXPECT_EQ(payments_.List(anna_, id)->front().status, PaymentStatus::kPaid);
  EXPECT_EQ(payments_.Start(anna_, id).error().code, "invalid-transition");
  // No card data ever: the payment record holds references only.
  EXPECT_EQ(payments_.List(Person(Role::kApplicant, "acc-bob"), id).error().code, "not-found");
}

// The fee rose after it was paid (a corrected date of birth): the applicant pays the balance,
// online or in person, and only then is the fee paid in full (VC Art 16).
TEST_F(LodgingTest, AFeeThatRoseAfterThePaymentLeavesTheBalanceToPay) {
  prechecks_.fee = 45;
  const ApplicationId id = Submitted();
  const auto child = payments_.Start(anna_, id);
  ASSERT_TRUE(child.ok()) << child.error().message;
  EXPECT_EQ(child->amount_cents, 4500);
  ASSERT_TRUE(payments_.HandleWebhook("scripted", "good", Webhook(*child, "ev1", "paid")).ok());
  EXPECT_EQ(applications_.Get(anna_, id)->fee_paid_cents, 4500);
  EXPECT_EQ(payments_.Start(anna_, id).error().code, "invalid-transition");

  prechecks_.fee = 90;
  const auto checks = applications_.PreCheck(anna_, id);
  ASSERT_TRUE(checks.ok());
  ASSERT_FALSE(checks->missing.empty());
  EXPECT_EQ(checks->missing[0].code, "fee-not-paid");
  const auto balance = payments_.Start(anna_, id);
  ASSERT_TRUE(balance.ok()) << balance.error().message;
  EXPECT_EQ(balance->amount_cents, 4500);  // the rest, not the whole fee again
  EXPECT_NE(balance->id, child->id);
  ASSERT_TRUE(payments_.HandleWebhook("scripted", "good", Webhook(*balance, "ev2", "paid")).ok());
  const auto app = *applications_.Get(anna_, id);
  EXPECT_TRUE(app.fee_paid);
  EXPECT_EQ(app.fee_paid_cents, 9000);
  EXPECT_EQ(app.fee_payment_reference, balance->id);
  EXPECT_EQ(payments_.Start(anna_, id).error().code, "invalid-transition");

  // In person too: only the rest of the fee the file was last checked with is recorded.
  prechecks_.fee = 120;
  ASSERT_TRUE(applications_.Submit(anna_, id, RequiredDeclarations({}), "ip").ok());
  ASSERT_TRUE(appointments_.Book(anna_, id, PublishedSlot(esp_)).ok());
  const auto at_desk = payments_.RecordPaidInPerson(esp_, id, "RCPT-9");
  ASSERT_TRUE(at_desk.ok()) << at_desk.error().message;
  EXPECT_EQ(at_desk->amount_cents, 3000);
  EXPECT_EQ(applications_.Get(anna_, id)->fee_paid_cents, 12000);
  EXPECT_EQ(payments_.RecordPaidInPerson(esp_, id, "RCPT-10").error().code, "invalid-transition");
}

// A checkout started for the fee before a correction changed it is closed when the applicant
// pays again, so that they cannot pay both (the amount is another one now).
TEST_F(LodgingTest, ACheckoutForAnAmountTheFeeNoLongerHasIsCancelled) {
  prechecks_.fee = 45;
  const ApplicationId id = Submitted();
  const auto child = payments_.Start(anna_, id);
  ASSERT_TRUE(child.ok()) << child.error().message;
  prechecks_.fee = 90;
  const auto adult = payments_.Start(anna_, id);
  ASSERT_TRUE(adult.ok()) << adult.error().message;
  EXPECT_EQ(adult->amount_cents, 9000);
  EXPECT_EQ(provider_.cancelled, std::set<std::string>{child->checkout_id});
  const auto listed = *payments_.List(anna_, id);
  ASSERT_EQ(listed.size(), 2u);
  for (const Payment& p : listed) {
    EXPECT_EQ(p.status, p.id == child->id ? PaymentStatus::kCancelled : PaymentStatus::kPending);
  }
  EXPECT_EQ(payments_.Start(anna_, id)->id, adult->id);  // a reload keeps the new one
  EXPECT_EQ(provider_.cancelled.size(), 1u);

  // The provider took the cancelled checkout's payment all the same: it is paid, not counted
  // for the fee, and refunded by a job.
  ASSERT_TRUE(payments_.HandleWebhook("scripted", "good", Webhook(*child, "ev1", "paid")).ok());
  EXPECT_FALSE(applications_.Get(anna_, id)->fee_paid);
  EXPECT_EQ(store_.Snapshot().jobs.back().kind, "refund-payment");
  EXPECT_EQ(store_.Snapshot().messages.back().kind, "payment");
  ASSERT_TRUE(payments_.RefundPayment(id, child->id).ok());
  ASSERT_TRUE(payments_.RefundPayment(id, child->id).ok());  // the job retried: nothing more
  EXPECT_EQ(provider_.refunds, 1);
  ASSERT_TRUE(payments_.HandleWebhook("scripted", "good", Webhook(*adult, "ev2", "paid")).ok());
  const auto app = *applications_.Get(anna_, id);
  EXPECT_TRUE(app.fee_paid);
  EXPECT_EQ(app.fee_paid_cents, 9000);
  const auto settled = *payments_.List(anna_, id);
  for (const Payment& p : settled) {
    EXPECT_EQ(p.status, p.id == child->id ? PaymentStatus::kRefunded : PaymentStatus::kPaid);
  }
}

// The old checkout was paid at the provider before it could be closed: it counts when its
// notification comes, and a second payment beyond the fee then is refunded whole.
TEST_F(LodgingTest, APaymentBeyondTheFeeDueIsRefundedWhole) {
  prechecks_.fee = 45;
  const ApplicationId id = Submitted();
  const auto child = *payments_.Start(anna_, id);
  provider_.settled.insert(child.checkout_id);
  prechecks_.fee = 90;
  const auto adult = *payments_.Start(anna_, id);
  EXPECT_TRUE(provider_.cancelled.empty());
  EXPECT_EQ(payments_.List(anna_, id)->front().status, PaymentStatus::kPending);

  ASSERT_TRUE(payments_.HandleWebhook("scripted", "good", Webhook(child, "ev1", "paid")).ok());
  EXPECT_EQ(applications_.Get(anna_, id)->fee_paid_cents, 4500);
  ASSERT_TRUE(payments_.HandleWebhook("scripted", "good", Webhook(adult, "ev2", "paid")).ok());
  EXPECT_EQ(applications_.Get(anna_, id)->fee_paid_cents, 4500);  // 135 would be too much
  EXPECT_EQ(store_.Snapshot().jobs.back().kind, "refund-payment");
  ASSERT_TRUE(payments_.RefundPayment(id, adult.id).ok());
  EXPECT_EQ(provider_.refunds, 1);
  const auto rest = payments_.Start(anna_, id);
  ASSERT_TRUE(rest.ok()) << rest.error().message;
  EXPECT_EQ(rest->amount_cents, 4500);
}

// The provider took the money while the form could not be checked (a draft being corrected):
// the notification is recorded all the same, never refused (the provider would give up).
TEST_F(LodgingTest, APaymentIsRecordedWhileTheFormCannotBeChecked) {
  const ApplicationId id = Submitted();
  const auto p = *payments_.Start(anna_, id);
  prechecks_.unreadable = true;
  ASSERT_TRUE(payments_.HandleWebhook("scripted", "good", Webhook(p, "ev1", "paid")).ok());
  EXPECT_TRUE(applications_.Get(anna_, id)->fee_paid);
  EXPECT_EQ(applications_.Get(anna_, id)->fee_paid_cents, 9000);
}

TEST_F(LodgingTest, APaymentForAWithdrawnApplicationIsRefunded) {
  const ApplicationId id = Submitted();
  const auto p = *payments_.Start(anna_, id);
  ASSERT_TRUE(applications_.Withdraw(anna_, id).ok());
  ASSERT_TRUE(payments_.HandleWebhook("scripted", "good", Webhook(p, "ev1", "paid")).ok());
  EXPECT_FALSE(applications_.Get(anna_, id)->fee_paid);
  EXPECT_EQ(store_.Snapshot().jobs.back().kind, "refund-payment");
}

// A hosted page left open while the application was deleted (with the account): the money it
// takes is refunded, not kept.
TEST_F(LodgingTest, APaymentForADeletedApplicationIsRefunded) {
  const ApplicationId id = Submitted();
  const auto p = *payments_.Start(anna_, id);
  ASSERT_TRUE(store_.Write([&](UnitOfWork& uow) { return uow.Applications().Delete(id); }).ok());
  ASSERT_TRUE(payments_.HandleWebhook("scripted", "good", Webhook(p, "ev1", "paid")).ok());
  const auto jobs = store_.Snapshot().jobs;
  ASSERT_FALSE(jobs.empty());
  const Job& refund = jobs.back();
  EXPECT_EQ(refund.kind, "refund-payment");
  EXPECT_EQ(refund.payload["payment"], p.id);
  ASSERT_TRUE(payments_.RefundPayment(id, p.id).ok());
  EXPECT_EQ(provider_.refunds, 1);
}

TEST_F(LodgingTest, AFeeOfZeroIsRecordedAsExempt) {
  prechecks_.fee = 0;
  const ApplicationId id = Submitted();
  const auto p = payments_.Start(anna_, id);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->method, "exempt");
  EXPECT_EQ(provider_.checkouts, 0);
  EXPECT_TRUE(applications_.Get(anna_, id)->fee_paid);
}

TEST_F(LodgingTest, PaymentInPersonIsTheFallback) {
  const ApplicationId id = Submitted();
  EXPECT_EQ(payments_.RecordPaidInPerson(anna_, id, "R1").error().code, "forbidden");
  EXPECT_EQ(payments_.RecordPaidInPerson(esp_, id, "R1").error().code, "not-found");
  ASSERT_TRUE(appointments_.Book(anna_, id, PublishedSlot(esp_)).ok());
  EXPECT_EQ(payments_.RecordPaidInPerson(esp_, id, "").error().code, "invalid-field");
  EXPECT_EQ(payments_.RecordPaidInPerson(esp_, id, std::string(101, '7')).error().code,
            "invalid-field");
  EXPECT_EQ(payments_.RecordPaidInPerson(esp_, id, std::string("R\0", 2)).error().code,
            "invalid-field");
  const auto p = payments_.RecordPaidInPerson(esp_, id, "RCPT-77");
  ASSERT_TRUE(p.ok()) << p.error().message;
  EXPECT_EQ(p->method, "at-service-provider");
  EXPECT_TRUE(applications_.Get(anna_, id)->fee_paid);
}

TEST_F(LodgingTest, SlotsArePublishedByOfficialsAndNeverDoubleBooked) {
  EXPECT_EQ(appointments_.Publish(anna_, {{clock_.Now() + std::chrono::hours(1), 15, "", "UTC"}})
                .error()
                .code,
            "forbidden");
  EXPECT_EQ(appointments_.Publish(consul_, {{clock_.Now() - std::chrono::hours(1), 15, "", "UTC"}})
                .error()
                .code,
            "invalid-field");
  // Each slot says where its time is (VAP-APPT): the applicant sees the time of the place.
  for (const std::string zone : {"", "Mars/Olympus", "Asia/Kolkata\n"}) {
    const auto refused =
        appointments_.Publish(consul_, {{clock_.Now() + std::chrono::hours(1), 15, "", zone}});
    EXPECT_EQ(refused.error().code, "invalid-field");
    EXPECT_NE(refused.error().message.find("time_zone"), std::string::npos);
    EXPECT_EQ(refused.error().message.find('\n'), std::string::npos);
  }
  // The address shown to the applicant: one line, of a length a page can show.
  for (const std::string& location : {std::string(301, 'x'), std::string("1 Rd\nBcc: x")}) {
    EXPECT_EQ(appointments_
                  .Publish(consul_, {{clock_.Now() + std::chrono::hours(1), 15, location, "UTC"}})
                  .error()
                  .code,
              "invalid-field");
  }
  const std::string slot = PublishedSlot(consul_);
  const auto free =
      appointments_.Free("FR", "", clock_.Now(), clock_.Now() + std::chrono::hours(72));
  ASSERT_EQ(free->size(), 1U);
  EXPECT_EQ(free->front().time_zone, "Asia/Kolkata");
  EXPECT_EQ(free->front().utc_offset, std::chrono::minutes(330));

  const ApplicationId a = Submitted();
  const ApplicationId b = Submitted();
  ASSERT_TRUE(appointments_.Book(anna_, a, slot).ok());
  EXPECT_EQ(appointments_.Book(anna_, b, slot).error().code, "slot-taken");
  EXPECT_TRUE(
      appointments_.Free("FR", "", clock_.Now(), clock_.Now() + std::chrono::hours(72))->empty());
  // Rebooking releases the first slot.
  const std::string other = PublishedSlot(consul_);
  ASSERT_TRUE(appointments_.Book(anna_, a, other).ok());
  ASSERT_TRUE(appointments_.Book(anna_, b, slot).ok());
  ASSERT_TRUE(appointments_.Cancel(anna_, a).ok());
  EXPECT_EQ(appointments_.Cancel(anna_, a).error().code, "not-found");
  // A slot of another state is refused once the competent state is known.
  const std::string de_slot =
      PublishedSlot(Person(Role::kConsularOfficer, "acc-de", "DE", "de-delhi"));
  EXPECT_EQ(appointments_.Book(anna_, a, de_slot).error().code, "invalid-field");
}

TEST_F(LodgingTest, TheProviderLodgesTheFileAndTheConsulateIsNotified) {
  const ApplicationId id = Submitted();
  ASSERT_TRUE(
      payments_.HandleWebhook("scripted", "good", Webhook(*payments_.Start(anna_, id), "e", "paid"))
          .ok());
  // Not booked with this provider: nothing to see.
  EXPECT_EQ(visits_.Retrieve(esp_, id).error().code, "not-found");
  EXPECT_EQ(visits_.MarkReviewed(esp_, id).error().code, "not-found");
  ASSERT_TRUE(appointments_.Book(anna_, id, PublishedSlot(esp_)).ok());
  ASSERT_EQ(visits_.WorkList(esp_)->items.size(), 1U);
  EXPECT_EQ(store_.Snapshot().audit.back().details["applications"],
            json::array({id.value()}));  // VAP-DP: whose data the list showed
  EXPECT_TRUE(visits_.Retrieve(esp_, id).ok());
  EXPECT_TRUE(visits_.WorkList(consul_)->items.empty());  // the visit is at the provider's
  EXPECT_EQ(visits_.MarkReviewed(consul_, id).error().code, "not-found");
  EXPECT_EQ(visits_.WorkList(anna_).error().code, "forbidden");

  ASSERT_TRUE(visits_.VerifyTravelDocument(esp_, id, true, "").ok());
  ASSERT_TRUE(visits_.RecordChipData(esp_, id, {{"DG1", "P<IND..."}}).ok());
  EXPECT_EQ(visits_.RecordChipData(esp_, id, json::array()).error().code, "invalid-field");
  ASSERT_TRUE(visits_.RecordBiometrics(esp_, id, "X1234567").ok());
  EXPECT_EQ(applications_.Get(anna_, id)->status, ApplicationStatus::kSubmitted);
  ASSERT_TRUE(visits_.MarkReviewed(esp_, id).ok());
  const auto app = *applications_.Get(anna_, id);
  EXPECT_EQ(app.status, ApplicationStatus::kNotified);  // VIS 7d(8)
  EXPECT_EQ(FormatIsoDate(*app.lodging.biometrics_collected_on), "2027-01-15");
  ASSERT_TRUE(visits_.RaiseDoubt(esp_, id, "photo does not look like the person").ok());
  EXPECT_EQ(applications_.Get(anna_, id)->lodging.doubts.size(), 1U);
  EXPECT_EQ(visits_.RaiseDoubt(esp_, id, "").error().code, "invalid-field");
}

// VIS 7e(2): a consulate publishes slots of its own; whoever books one is received there, and
// the consulate's staff do at the visit what a provider does at its premises (VC Arts 12, 13),
// before the file is notified to anyone. Without this the file could never become admissible.
TEST_F(LodgingTest, TheConsulateReceivesTheVisitBookedWithIt) {
  const ApplicationId id = Submitted();
  ASSERT_TRUE(appointments_.Book(anna_, id, PublishedSlot(consul_)).ok());
  EXPECT_EQ(visits_.WorkList(esp_)->items.size(), 0U);
  const auto list = visits_.WorkList(consul_);
  ASSERT_TRUE(list.ok()) << list.error().message;
  ASSERT_EQ(list->items.size(), 1U);
  EXPECT_TRUE(visits_.Retrieve(consul_, id).ok());
  // Another consulate of the same state does not host it; nor does another state's consulate
  // whose organisation an administrator happened to name the same.
  const Principal other = Person(Role::kConsularOfficer, "acc-x", "FR", "fr-mumbai");
  EXPECT_EQ(visits_.Retrieve(other, id).error().code, "not-found");
  EXPECT_EQ(visits_.RecordBiometrics(other, id, "X1234567").error().code, "not-found");
  const Principal namesake = Person(Role::kConsularOfficer, "acc-y", "DE", "fr-delhi");
  EXPECT_EQ(visits_.Retrieve(namesake, id).error().code, "not-found");
  EXPECT_TRUE(visits_.WorkList(namesake)->items.empty());
  EXPECT_EQ(visits_.MarkReviewed(namesake, id).error().code, "not-found");
  EXPECT_EQ(payments_.RecordPaidInPerson(namesake, id, "R-1").error().code, "not-found");

  ASSERT_TRUE(payments_.RecordPaidInPerson(consul_, id, "R-0001").ok());
  EXPECT_EQ(payments_.List(anna_, id)->front().method, "at-consulate");
  ASSERT_TRUE(visits_.VerifyTravelDocument(consul_, id, true, "").ok());
  ASSERT_TRUE(visits_.RecordBiometrics(consul_, id, "X1234567").ok());
  ASSERT_TRUE(visits_.MarkReviewed(consul_, id).ok());
  EXPECT_EQ(applications_.Get(anna_, id)->status, ApplicationStatus::kNotified);
}

// A visit is booked for a person: an empty draft holds no slot (one account booked every slot
// of a provider with empty drafts); an extension or a confirmation names its visa.
TEST_F(LodgingTest, AnEmptyDraftBooksNoVisit) {
  const auto empty = *applications_.CreateDraft(anna_, ApplicationKind::kShortStayVisa);
  const auto refused = appointments_.Book(anna_, empty.id, PublishedSlot(esp_));
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, "invalid-field");
  EXPECT_NE(refused.error().message.find("surname (field 1)"), std::string::npos);
  ASSERT_TRUE(applications_.SaveForm(anna_, empty.id, {{"1", "DOE"}}, {}).ok());
  EXPECT_EQ(appointments_.Book(anna_, empty.id, PublishedSlot(esp_)).error().code,
            "invalid-field");  // the date of birth too
  ASSERT_TRUE(applications_.SaveForm(anna_, empty.id, {{"4", "1990-05-01"}}, {}).ok());
  EXPECT_TRUE(appointments_.Book(anna_, empty.id, PublishedSlot(esp_)).ok());
  const auto confirmation = *applications_.CreateDraft(anna_, ApplicationKind::kVisaConfirmation);
  EXPECT_NE(appointments_.Book(anna_, confirmation.id, PublishedSlot(esp_))
                .error()
                .message.find("the visa's number"),
            std::string::npos);
}

// A visit can be booked on a draft, before any pre-check knows the competent state: submitting
// checks it, or another state's staff would receive the file.
TEST_F(LodgingTest, AVisitWithAnotherStateIsRefusedAtSubmission) {
  const auto draft = *applications_.Get(anna_, Named());
  ASSERT_TRUE(appointments_
                  .Book(anna_, draft.id,
                        PublishedSlot(Person(Role::kConsularOfficer, "acc-de", "DE", "de-delhi")))
                  .ok());
  const auto refused = applications_.Submit(anna_, draft.id, RequiredDeclarations({}), "ip");
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message.find("with DE, but FR examines"), std::string::npos)
      << refused.error().message;
  EXPECT_EQ(applications_.Get(anna_, draft.id)->status, ApplicationStatus::kDraft);
  ASSERT_TRUE(appointments_.Book(anna_, draft.id, PublishedSlot(consul_)).ok());
  EXPECT_TRUE(applications_.Submit(anna_, draft.id, RequiredDeclarations({}), "ip").ok());
}

// VIS 7d(4) reuses fingerprints for the document they were collected with: collecting them
// with another document than the application's (field 13) would vouch for the wrong one.
TEST_F(LodgingTest, BiometricsAreCollectedWithTheApplicationsTravelDocument) {
  const auto draft = *applications_.Get(anna_, Named());
  ASSERT_TRUE(applications_.SaveForm(anna_, draft.id, {{"13", "x 123 4567"}}, std::nullopt).ok());
  ASSERT_EQ(applications_.Submit(anna_, draft.id, RequiredDeclarations({}), "ip")->status,
            ApplicationStatus::kSubmitted);
  ASSERT_TRUE(appointments_.Book(anna_, draft.id, PublishedSlot(esp_)).ok());
  const auto other = visits_.RecordBiometrics(esp_, draft.id, "Y7654321");
  EXPECT_EQ(other.error().code, "invalid-field");
  EXPECT_NE(other.error().message.find("x 123 4567"), std::string::npos) << other.error().message;
  EXPECT_FALSE(applications_.Get(anna_, draft.id)->lodging.biometrics_collected_on);
  ASSERT_TRUE(visits_.RecordBiometrics(esp_, draft.id, "X1234567").ok());  // as printed
  EXPECT_EQ(visits_.RaiseDoubt(esp_, draft.id, std::string(2001, 'a')).error().code,
            "invalid-field");
  EXPECT_EQ(visits_.RaiseDoubt(esp_, draft.id, "a\x01b").error().code, "invalid-field");
  EXPECT_TRUE(visits_.RaiseDoubt(esp_, draft.id, "two\nlines").ok());
  std::string hindi;  // 2,000 characters of three bytes each
  for (int i = 0; i < 2000; ++i) hindi += "\xE0\xA4\x95";
  EXPECT_TRUE(visits_.RaiseDoubt(esp_, draft.id, hindi).ok());
}

TEST_F(LodgingTest, AMismatchingTravelDocumentBecomesADoubtForTheConsulate) {
  const ApplicationId id = Submitted();
  ASSERT_TRUE(appointments_.Book(anna_, id, PublishedSlot(esp_)).ok());
  ASSERT_TRUE(visits_.VerifyTravelDocument(esp_, id, false, "different number").ok());
  const auto app = *applications_.Get(anna_, id);
  EXPECT_FALSE(app.lodging.travel_document_verified);
  EXPECT_NE(app.lodging.doubts.front().find("different number"), std::string::npos);
}

// Once the consulate has the file, the visit's part is over: the host is told so (409), and it
// no longer sees the file.
TEST_F(LodgingTest, TheVisitsPartEndsWhenTheConsulateHasTheFile) {
  const ApplicationId id = Submitted();
  ASSERT_TRUE(appointments_.Book(anna_, id, PublishedSlot(esp_)).ok());
  ASSERT_TRUE(store_
                  .Write([&](UnitOfWork& uow) -> Status {
                    OPENVAP_ASSIGN_OR_RETURN(auto a, uow.Applications().Find(id));
                    a->status = ApplicationStatus::kAccepted;
                    return uow.Applications().Update(*a);
                  })
                  .ok());
  EXPECT_EQ(visits_.MarkReviewed(esp_, id).error().code, "invalid-transition");
  EXPECT_EQ(visits_.Retrieve(esp_, id).error().code, "not-found");
  EXPECT_TRUE(visits_.WorkList(esp_)->items.empty());
}

// A refund of the whole fee and one of a single payment that cross (two jobs, on two processes)
// record the payment refunded once, and the application's fee no longer paid.
TEST_F(LodgingTest, RefundsThatCrossRecordThePaymentRefundedOnce) {
  const ApplicationId id = Submitted();
  const Payment paid = *payments_.Start(anna_, id);
  ASSERT_TRUE(payments_.HandleWebhook("scripted", "good", Webhook(paid, "e", "paid")).ok());
  provider_.during_refund = [&](const Payment& p) {
    ASSERT_TRUE(payments_.RefundPayment(id, p.id).ok());
  };
  ASSERT_TRUE(payments_.Refund(id).ok());
  EXPECT_EQ(provider_.refunds, 2);  // the provider's refund is idempotent per payment
  EXPECT_EQ(payments_.List(anna_, id)->front().status, PaymentStatus::kRefunded);
  int recorded = 0;
  for (const auto& entry : store_.Snapshot().audit) {
    if (entry.action == "payment.refund") ++recorded;
  }
  EXPECT_EQ(recorded, 1);
  EXPECT_FALSE(applications_.Get(anna_, id)->fee_paid);
}

TEST_F(LodgingTest, FeesOfInadmissibleApplicationsAreRefunded) {
  const ApplicationId id = Submitted();
  ASSERT_TRUE(
      payments_.HandleWebhook("scripted", "good", Webhook(*payments_.Start(anna_, id), "e", "paid"))
          .ok());
  ASSERT_TRUE(payments_.Refund(id).ok());
  EXPECT_EQ(provider_.refunds, 1);
  EXPECT_EQ(payments_.List(anna_, id)->front().status, PaymentStatus::kRefunded);
  EXPECT_FALSE(applications_.Get(anna_, id)->fee_paid);  // it said paid after the refund
}

}  // namespace
}  // namespace openvap::domain
