#ifndef OPENVAP_DOMAIN_LODGING_SERVICE_H_
#define OPENVAP_DOMAIN_LODGING_SERVICE_H_

// What happens between submission and notification (VIS Arts 7d(3)-(5), 7e, 7f; VC Arts 12,
// 13, 16): the fee is paid, a visit is booked, and at the visit the service provider (or the
// consulate) checks the travel document, collects biometrics and reviews the file. Each step
// re-runs the admissibility pre-check, which notifies the consulate when the file is complete.

#include <openvap/result.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/clock.h"
#include "base/random.h"
#include "domain/application_service.h"
#include "domain/payment.h"
#include "domain/principal.h"
#include "domain/store.h"

namespace openvap::domain {

class PaymentService {
 public:
  PaymentService(Store& store, PaymentProvider& provider, ApplicationService& applications,
                 const Clock& clock, RandomSource& random, std::string base_url);

  // Starts paying the fee of the pre-check (VC Art 16). Returns the pending payment with the
  // provider's page to send the browser to; a second call returns the same pending payment.
  // A fee of zero needs no payment and is recorded as exempt. Errors: "not-found",
  // "invalid-transition" (already paid or no longer payable).
  Result<Payment> Start(const Principal& owner, const ApplicationId& id);

  // The notification of the provider named `provider` (server to server). Idempotent: a
  // repeated event changes nothing. Errors: "not-found" (no such provider, or no such payment),
  // "invalid-signature".
  Status HandleWebhook(std::string_view provider, std::string_view signature,
                       std::string_view body);

  // VIS 7e(1) recital 20: the fallback, paid at the consulate or the service provider.
  Result<Payment> RecordPaidInPerson(const Principal& official, const ApplicationId& id,
                                     const std::string& receipt);

  Result<std::vector<Payment>> List(const Principal& who, const ApplicationId& id);

  // Job: reimburses the fee of an inadmissible application (VC Art 19(3)).
  Status Refund(const ApplicationId& id);

  // Job: reimburses one payment the fee did not need (HandleWebhook); nothing when it is no
  // longer paid.
  Status RefundPayment(const ApplicationId& id, const std::string& payment_id);

 private:
  // Closes the pending payment `stale`, of an amount the fee no longer has, at the provider and
  // here; one the provider settled meanwhile stays pending for its notification.
  Status CancelStale(const Principal& owner, const Payment& stale);
  // Records `payment`, paid but not needed by `app`'s fee, for a refund, and tells the owner;
  // `app` is null when the application is gone.
  Status RefundUnneeded(UnitOfWork& uow, const Application* app, const Payment& payment);
  // Refunds `paid` at the provider, then records it refunded unless it no longer is paid (a
  // refund that crossed this one); `fee_no_longer_paid` also takes the paid fee off its
  // application.
  Status RefundOne(const Payment& paid, bool fee_no_longer_paid);

  Store& store_;
  PaymentProvider& provider_;
  ApplicationService& applications_;
  const Clock& clock_;
  RandomSource& random_;
  std::string base_url_;
};

struct SlotOffer {
  Timestamp starts_at{};
  int minutes = 15;
  std::string location;
  std::string time_zone;  // of the place of the visit, an IANA name
};

// Local time at the place of a visit (VAP-APPT): slots are shown in the time of the place where
// the applicant goes, not in UTC. The same contract as rules::TimeZones, which the domain cannot
// name (it depends on base only); the app's SystemTimeZones implements both.
class VisitTimeZones {
 public:
  virtual ~VisitTimeZones() = default;
  // The offset from UTC in effect in `zone` at `instant`: an IANA name (which follows summer
  // time), or a fixed offset such as "+05:30" for a place without summer time. Errors:
  // "unknown-time-zone".
  virtual Result<std::chrono::seconds> OffsetAt(std::string_view zone, Timestamp instant) const = 0;
};

class AppointmentService {
 public:
  AppointmentService(Store& store, const VisitTimeZones& zones, const Clock& clock,
                     RandomSource& random);

  // VIS 7e(2): a state's consulate or a service provider publishes its slots, each with the
  // time zone of its place.
  Result<std::vector<AppointmentSlot>> Publish(const Principal& official,
                                               const std::vector<SlotOffer>& offers);
  // Free slots in the future for a state (and an organisation, when given).
  Result<std::vector<AppointmentSlot>> Free(const std::string& member_state,
                                            const std::string& organisation, Timestamp from,
                                            Timestamp to);
  // Books a slot of the competent state for the owner's application; a previous booking is
  // released. Never double-books: one of two concurrent bookings gets "slot-taken".
  Result<AppointmentSlot> Book(const Principal& owner, const ApplicationId& id,
                               const std::string& slot_id);
  Status Cancel(const Principal& owner, const ApplicationId& id);

 private:
  Store& store_;
  const VisitTimeZones& zones_;
  const Clock& clock_;
  RandomSource& random_;
};

// The applicant's visit in person (VC Arts 12(4)-(6), 13): at the external service provider
// booked, through its gateway (VIS Art 7f), or at the consulate when the slot booked was the
// consulate's own (VIS 7e(2)). Only the staff of the organisation hosting the visit act, only
// with the actions listed there, and never on data of the register.
class InPersonVisitService {
 public:
  InPersonVisitService(Store& store, ApplicationService& applications, const Clock& clock);

  // The applications with a visit booked at the caller's organisation, oldest submission first,
  // a page at a time (a page can hold fewer than its limit when other consulates of the state
  // share the organisation's name; `next` says whether more follow).
  Result<Page<Application>> WorkList(const Principal& staff, const PageRequest& page = {});
  Result<Application> Retrieve(const Principal& staff, const ApplicationId& id);
  // VC Art 12(4): the presented travel document matches the uploaded copy; if not, a doubt is
  // raised to the consulate (Art 12(5)).
  Status VerifyTravelDocument(const Principal& staff, const ApplicationId& id, bool matches,
                              const std::string& notes);
  // VC Art 12(6): data read from the chip of the travel document.
  Status RecordChipData(const Principal& staff, const ApplicationId& id,
                        const nlohmann::json& chip);
  // VC Art 13: biometric identifiers collected today with the travel document of the
  // application (Annex I field 13); another document is refused, since VIS 7d(4) reuses the
  // fingerprints for that document only. Errors: "invalid-field".
  Status RecordBiometrics(const Principal& staff, const ApplicationId& id,
                          const std::string& travel_document_number);
  Status RecordDocumentQuality(const Principal& staff, const ApplicationId& id, bool ok,
                               const std::string& notes);
  // The file was reviewed at the visit (VIS 7f(1)); stored as `provider_reviewed`.
  Status MarkReviewed(const Principal& staff, const ApplicationId& id);
  Status RaiseDoubt(const Principal& staff, const ApplicationId& id, const std::string& doubt);

 private:
  Status Change(const Principal& staff, const ApplicationId& id, const std::string& action,
                const std::function<Status(Application&)>& change);

  Store& store_;
  ApplicationService& applications_;
  const Clock& clock_;
};

}  // namespace openvap::domain

#endif  // OPENVAP_DOMAIN_LODGING_SERVICE_H_
