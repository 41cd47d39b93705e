#include "domain/lodging_service.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "base/euros.h"
#include "base/ids.h"
#include "domain/plain_text.h"

namespace openvap::domain {
namespace {

using nlohmann::json;

AuditEvent Audit(const Principal& who, std::string action, const ApplicationId& id,
                 json details = json::object()) {
  return AuditEvent{who.account ? who.account->value() : std::string(RoleName(who.role)),
                    std::string(RoleName(who.role)), std::move(action), "application:" + id.value(),
                    std::move(details)};
}

bool IsOwner(const Principal& who, const Application& a) {
  return who.account && *who.account == a.owner;
}

// The cents still to pay of a fee of `fee_eur`: all of it when nothing is paid; when paid, what
// the payments fell short of it (0 or less: nothing), a paid fee of unknown amount counting as
// the whole fee.
std::int64_t BalanceDue(const Application& a, double fee_eur) {
  const std::int64_t due = std::llround(fee_eur * 100);
  return a.fee_paid ? due - a.fee_paid_cents.value_or(due) : due;
}

// `a`'s fee after the paid payment `p`: paid, with `p`'s amount added to what was paid before.
void RecordPaid(Application& a, const Payment& p) {
  a.fee_paid_cents = (a.fee_paid ? a.fee_paid_cents.value_or(0) : 0) + p.amount_cents;
  a.fee_paid = true;
  a.fee_payment_reference = p.id;
}

bool CanStillLodge(const Application& a) {
  return a.status == ApplicationStatus::kDraft || a.status == ApplicationStatus::kSubmitted ||
         a.status == ApplicationStatus::kNotified;
}

}  // namespace

// ---- Payments -----------------------------------------------------------------------------

PaymentService::PaymentService(Store& store, PaymentProvider& provider,
                               ApplicationService& applications, const Clock& clock,
                               RandomSource& random, std::string base_url)
    : store_(store),
      provider_(provider),
      applications_(applications),
      clock_(clock),
      random_(random),
      base_url_(std::move(base_url)) {}

Result<Payment> PaymentService::Start(const Principal& owner, const ApplicationId& id) {
  OPENVAP_ASSIGN_OR_RETURN(const Application a, applications_.Get(owner, id));
  if (!IsOwner(owner, a)) return Error{"not-found", "no application " + id.value()};
  if (!CanStillLodge(a)) {
    return Error{"invalid-transition", "this application no longer takes a payment"};
  }
  OPENVAP_ASSIGN_OR_RETURN(const PreCheckOutcome checks, applications_.PreCheck(owner, id));
  // The fee due now, less what was paid for it (a payment made before a correction that raised
  // the fee leaves the rest to pay).
  const std::int64_t cents = BalanceDue(a, checks.fee_eur);
  if (a.fee_paid && cents <= 0) return Error{"invalid-transition", "the fee is already paid"};

  // Reuse a pending payment of this amount (a second click, a reload) instead of charging
  // twice. One of another amount was started before the fee changed (a corrected date of
  // birth): it is closed at the provider, so that the applicant cannot pay both.
  std::optional<Payment> pending;
  std::vector<Payment> stale;
  OPENVAP_RETURN_IF_ERROR(store_.Read([&](UnitOfWork& uow) -> Status {
    OPENVAP_ASSIGN_OR_RETURN(const auto all, uow.Payments().OfApplication(id));
    for (const Payment& p : all) {
      if (p.status != PaymentStatus::kPending || p.method != "online") continue;
      if (p.amount_cents == cents) {
        pending = p;
      } else {
        stale.push_back(p);
      }
    }
    return Ok();
  }));
  for (const Payment& p : stale) OPENVAP_RETURN_IF_ERROR(CancelStale(owner, p));
  if (pending) return *pending;

  Payment p;
  p.id = "pay-" + random_.HexToken(10);
  p.application = id;
  p.amount_cents = cents;
  p.created_at = clock_.Now();
  if (cents == 0) {
    // VC Art 16(4)-(6), VIS 7c(3): exempt from the fee.
    p.method = "exempt";
    p.status = PaymentStatus::kPaid;
    p.paid_at = p.created_at;
  } else {
    p.method = "online";
    p.provider = provider_.Name();
    // The provider is called outside any transaction: a transaction may be retried.
    OPENVAP_ASSIGN_OR_RETURN(
        const auto checkout,
        provider_.CreateCheckout(p, base_url_ + "/applications/" + id.value() + "/payment"));
    p.checkout_id = checkout.checkout_id;
    p.redirect_url = checkout.redirect_url;
  }
  OPENVAP_RETURN_IF_ERROR(store_.Write([&](UnitOfWork& uow) -> Status {
    OPENVAP_RETURN_IF_ERROR(uow.Payments().Insert(p));
    if (p.status == PaymentStatus::kPaid) {
      OPENVAP_ASSIGN_OR_RETURN(auto app, uow.Applications().Find(id));
      RecordPaid(*app, p);
      OPENVAP_RETURN_IF_ERROR(applications_.Reevaluate(uow, *app));
    }
    return uow.Audit().Append(
        Audit(owner, "payment.start", id,
              {{"payment", p.id}, {"amount_cents", p.amount_cents}, {"method", p.method}}));
  }));
  return p;
}

Status PaymentService::CancelStale(const Principal& owner, const Payment& stale) {
  // Paid or declined at the provider meanwhile: its notification settles it (HandleWebhook
  // refunds a payment the fee no longer needs). Any other failure leaves it pending likewise.
  if (!provider_.CancelCheckout(stale).ok()) return Ok();
  return store_.Write([&](UnitOfWork& uow) -> Status {
    OPENVAP_ASSIGN_OR_RETURN(auto p, uow.Payments().FindByCheckout(stale.checkout_id));
    if (!p || p->status != PaymentStatus::kPending) return Ok();
    p->status = PaymentStatus::kCancelled;
    OPENVAP_RETURN_IF_ERROR(uow.Payments().Update(*p));
    return uow.Audit().Append(Audit(owner, "payment.cancel", p->application,
                                    {{"payment", p->id},
                                     {"amount_cents", p->amount_cents},
                                     {"reason", "the fee due changed"}}));
  });
}

Status PaymentService::HandleWebhook(std::string_view provider, std::string_view signature,
                                     std::string_view body) {
  if (provider != provider_.Name()) {
    return Error{"not-found", "no payment provider '" + std::string(provider) + "' here"};
  }
  OPENVAP_ASSIGN_OR_RETURN(const PaymentProvider::Event event,
                           provider_.ParseWebhook(signature, body));
  return store_.Write([&](UnitOfWork& uow) -> Status {
    OPENVAP_ASSIGN_OR_RETURN(const bool first,
                             uow.Payments().FirstTimeEvent(provider_.Name(), event.event_id));
    if (!first) return Ok();  // the provider retried a delivered notification
    OPENVAP_ASSIGN_OR_RETURN(auto payment, uow.Payments().FindByCheckout(event.checkout_id));
    if (!payment) return Error{"not-found", "no payment for checkout " + event.checkout_id};
    // A cancelled checkout the provider took a payment for all the same is paid, and refunded.
    const bool cancelled_but_paid =
        payment->status == PaymentStatus::kCancelled && event.status == PaymentStatus::kPaid;
    if (payment->status != PaymentStatus::kPending && !cancelled_but_paid) return Ok();
    payment->status = event.status;
    if (event.status == PaymentStatus::kPaid) payment->paid_at = clock_.Now();
    OPENVAP_RETURN_IF_ERROR(uow.Payments().Update(*payment));
    OPENVAP_RETURN_IF_ERROR(uow.Audit().Append(
        Audit(Principal::System(), "payment.webhook", payment->application,
              {{"payment", payment->id}, {"status", PaymentStatusName(event.status)}})));
    if (event.status != PaymentStatus::kPaid) return Ok();
    OPENVAP_ASSIGN_OR_RETURN(auto app, uow.Applications().Find(payment->application));
    // Paid on a hosted page left open after the application was deleted (with its account, a
    // draft past its retention): nothing takes the money, so it goes back.
    if (!app) return RefundUnneeded(uow, nullptr, *payment);
    // Money the fee does not need is not kept (VC Art 16(1) fixes the fee): a payment for an
    // application that no longer takes one, or for more than the fee due now (paid in another
    // tab after a correction lowered the fee, or twice), is refunded whole; the pre-checks then
    // ask for what is due. A payment the provider took is never refused: a form that cannot be
    // checked just now (a draft being corrected) is measured against the fee it was last
    // checked with, or, never checked, the payment is recorded.
    bool unneeded = cancelled_but_paid || !CanStillLodge(*app);
    if (!unneeded) {
      const Result<double> fee_now = applications_.FeeDueNow(uow, *app);
      std::optional<double> fee_eur;
      if (fee_now.ok()) {
        fee_eur = *fee_now;
      } else if (app->prechecks) {
        fee_eur = app->prechecks->fee_eur;
      }
      unneeded = fee_eur && payment->amount_cents > BalanceDue(*app, *fee_eur);
    }
    if (unneeded) return RefundUnneeded(uow, &*app, *payment);
    RecordPaid(*app, *payment);
    Status evaluated = applications_.Reevaluate(uow, *app);
    if (evaluated.ok() || evaluated.error().code == "storage-error") return evaluated;
    // Paid all the same; the checks run again at the next change or submission.
    app->updated_at = clock_.Now();
    return uow.Applications().Update(*app);
  });
}

Status PaymentService::RefundUnneeded(UnitOfWork& uow, const Application* app,
                                      const Payment& payment) {
  OPENVAP_RETURN_IF_ERROR(
      uow.Audit().Append(Audit(Principal::System(), "payment.unneeded", payment.application,
                               {{"payment", payment.id}, {"amount_cents", payment.amount_cents}})));
  OPENVAP_RETURN_IF_ERROR(uow.Jobs().Schedule(
      Job{"refund-payment",
          "refund-payment:" + payment.id,
          {{"application", payment.application.value()}, {"payment", payment.id}},
          clock_.Now()}));
  // No one to tell when the application is gone with its account, or an official lodged it.
  if (app == nullptr || app->lodged_by_official) return Ok();
  return uow.Messages().Insert(AccountMessage{
      NewAccountMessageId(clock_.Now(), random_), app->owner, app->id, "payment",
      "Your payment is refunded",
      "The payment " + payment.id + " of EUR " + EuroText(payment.amount_cents) +
          " for application " + app->id.value() +
          " was not needed: the fee was already paid, its amount changed, or the application "
          "no longer takes a payment. It is refunded in full. The application's checks say "
          "what, if anything, is still to pay.",
      clock_.Now(), std::nullopt});
}

Status PaymentService::RefundPayment(const ApplicationId& id, const std::string& payment_id) {
  std::optional<Payment> paid;
  OPENVAP_RETURN_IF_ERROR(store_.Read([&](UnitOfWork& uow) -> Status {
    OPENVAP_ASSIGN_OR_RETURN(const auto all, uow.Payments().OfApplication(id));
    for (const Payment& p : all) {
      if (p.id == payment_id && p.status == PaymentStatus::kPaid) paid = p;
    }
    return Ok();
  }));
  if (!paid) return Ok();  // refunded already (with the application's whole fee, say)
  return RefundOne(*paid, /*fee_no_longer_paid=*/false);
}

Status PaymentService::RefundOne(const Payment& paid, bool fee_no_longer_paid) {
  // The provider first: a refund it made is never lost from the record, since a failure after it
  // leaves the job to run again, and the provider's refund is idempotent per payment.
  if (paid.method == "online") OPENVAP_RETURN_IF_ERROR(provider_.Refund(paid));
  return store_.Write([&](UnitOfWork& uow) -> Status {
    // Read again in the write: a refund of the whole fee and one of this payment alone may have
    // crossed, and the payment is recorded refunded, and audited, once.
    OPENVAP_ASSIGN_OR_RETURN(auto all, uow.Payments().OfApplication(paid.application));
    const auto it = std::find_if(all.begin(), all.end(), [&](const Payment& p) {
      return p.id == paid.id && p.status == PaymentStatus::kPaid;
    });
    if (it != all.end()) {
      it->status = PaymentStatus::kRefunded;
      OPENVAP_RETURN_IF_ERROR(uow.Payments().Update(*it));
      OPENVAP_RETURN_IF_ERROR(uow.Audit().Append(
          Audit(Principal::System(), "payment.refund", paid.application, {{"payment", paid.id}})));
    }
    if (fee_no_longer_paid) {
      // The application no longer says the fee is paid (it did after the refund).
      OPENVAP_ASSIGN_OR_RETURN(auto app, uow.Applications().Find(paid.application));
      if (app && app->fee_paid) {
        app->fee_paid = false;
        app->fee_paid_cents.reset();
        app->updated_at = clock_.Now();
        OPENVAP_RETURN_IF_ERROR(uow.Applications().Update(*app));
      }
    }
    return Ok();
  });
}

Result<Payment> PaymentService::RecordPaidInPerson(const Principal& official,
                                                   const ApplicationId& id,
                                                   const std::string& receipt) {
  const bool consulate =
      official.role == Role::kConsularOfficer || official.role == Role::kCentralAuthority;
  if (!consulate && official.role != Role::kServiceProvider) {
    return Error{"forbidden",
                 "payments in person are recorded by the consulate or the "
                 "service provider"};
  }
  if (receipt.empty()) return Error{"invalid-field", "receipt: the receipt number"};
  if (receipt.size() > 100 || !IsPlainText(receipt)) {
    return Error{"invalid-field", "receipt: at most 100 characters of plain text"};
  }
  Payment p;
  OPENVAP_RETURN_IF_ERROR(store_.Write([&](UnitOfWork& uow) -> Status {
    OPENVAP_ASSIGN_OR_RETURN(auto app, uow.Applications().Find(id));
    // Paid at the visit (at the provider or at the consulate hosting it), or at the consulate of
    // the state to which the file was notified.
    const bool allowed =
        app && (HostsTheVisit(official, *app) || (consulate && !app->notified_state.empty() &&
                                                  official.member_state == app->notified_state));
    if (!allowed) return Error{"not-found", "no application " + id.value() + " for you"};
    const std::int64_t cents = BalanceDue(*app, app->prechecks ? app->prechecks->fee_eur : 0);
    if (app->fee_paid && cents <= 0) {
      return Error{"invalid-transition", "the fee is already paid"};
    }
    p = Payment{"pay-" + random_.HexToken(10),
                id,
                cents,
                consulate ? "at-consulate" : "at-service-provider",
                "",
                "",
                "",
                PaymentStatus::kPaid,
                receipt,
                clock_.Now(),
                clock_.Now()};
    OPENVAP_RETURN_IF_ERROR(uow.Payments().Insert(p));
    RecordPaid(*app, p);
    OPENVAP_RETURN_IF_ERROR(uow.Audit().Append(
        Audit(official, "payment.in-person", id, {{"payment", p.id}, {"receipt", receipt}})));
    return applications_.Reevaluate(uow, *app);
  }));
  return p;
}

Result<std::vector<Payment>> PaymentService::List(const Principal& who, const ApplicationId& id) {
  OPENVAP_RETURN_IF_ERROR(applications_.Get(who, id).ok()
                              ? Ok()
                              : Status(Error{"not-found", "no application " + id.value()}));
  std::vector<Payment> out;
  OPENVAP_RETURN_IF_ERROR(store_.Read([&](UnitOfWork& uow) -> Status {
    OPENVAP_ASSIGN_OR_RETURN(out, uow.Payments().OfApplication(id));
    return Ok();
  }));
  return out;
}

Status PaymentService::Refund(const ApplicationId& id) {
  std::vector<Payment> paid;
  OPENVAP_RETURN_IF_ERROR(store_.Read([&](UnitOfWork& uow) -> Status {
    OPENVAP_ASSIGN_OR_RETURN(const auto all, uow.Payments().OfApplication(id));
    for (const Payment& p : all) {
      if (p.status == PaymentStatus::kPaid && p.amount_cents > 0) paid.push_back(p);
    }
    return Ok();
  }));
  for (const Payment& p : paid) {
    OPENVAP_RETURN_IF_ERROR(RefundOne(p, /*fee_no_longer_paid=*/true));
  }
  return Ok();
}

// ---- Appointments -------------------------------------------------------------------------

AppointmentService::AppointmentService(Store& store, const VisitTimeZones& zones,
                                       const Clock& clock, RandomSource& random)
    : store_(store), zones_(zones), clock_(clock), random_(random) {}

Result<std::vector<AppointmentSlot>> AppointmentService::Publish(
    const Principal& official, const std::vector<SlotOffer>& offers) {
  const bool may = official.role == Role::kConsularOfficer ||
                   official.role == Role::kCentralAuthority ||
                   official.role == Role::kServiceProvider;
  if (!may || official.member_state.empty() || official.organisation.empty()) {
    return Error{"forbidden",
                 "slots are published by a state's consulate or its service "
                 "provider (VIS Art 7e(2))"};
  }
  if (offers.empty() || offers.size() > 1000) {
    return Error{"invalid-field", "slots: publish 1 to 1000 slots at a time"};
  }
  std::vector<AppointmentSlot> out;
  for (const SlotOffer& o : offers) {
    if (o.starts_at <= clock_.Now()) {
      return Error{"invalid-field", "slots: starts_at must be in the future"};
    }
    if (CharacterCount(o.location) > 300 || !IsPlainText(o.location)) {
      return Error{"invalid-field",
                   "slots: location: the address shown to the applicant, at most 300 characters "
                   "on one line"};
    }
    if (o.minutes < 5 || o.minutes > 240) {
      return Error{"invalid-field", "slots: minutes from 5 to 240"};
    }
    const bool named = !o.time_zone.empty() && o.time_zone.size() <= 64 && IsPlainText(o.time_zone);
    const auto offset = named ? zones_.OffsetAt(o.time_zone, o.starts_at)
                              : Result<std::chrono::seconds>(Error{"unknown-time-zone", ""});
    if (!offset.ok()) {
      return Error{"invalid-field",
                   "slots: time_zone: the time zone of the place of the visit, an IANA name such "
                   "as Asia/Kolkata (or a fixed offset such as +05:30)" +
                       (named ? " ('" + o.time_zone + "' is not one)" : std::string())};
    }
    out.push_back(AppointmentSlot{"slot-" + random_.HexToken(8), official.member_state,
                                  official.organisation, o.location, o.starts_at, o.minutes,
                                  std::nullopt, o.time_zone, *offset});
  }
  OPENVAP_RETURN_IF_ERROR(store_.Write([&](UnitOfWork& uow) -> Status {
    for (const AppointmentSlot& s : out) OPENVAP_RETURN_IF_ERROR(uow.Appointments().InsertSlot(s));
    return uow.Audit().Append(AuditEvent{official.account ? official.account->value() : "",
                                         std::string(RoleName(official.role)),
                                         "appointment.publish",
                                         "organisation:" + official.organisation,
                                         {{"count", out.size()}}});
  }));
  return out;
}

Result<std::vector<AppointmentSlot>> AppointmentService::Free(const std::string& member_state,
                                                              const std::string& organisation,
                                                              Timestamp from, Timestamp to) {
  if (member_state.size() != 2) return Error{"invalid-field", "state: an ISO alpha-2 code"};
  std::vector<AppointmentSlot> out;
  OPENVAP_RETURN_IF_ERROR(store_.Read([&](UnitOfWork& uow) -> Status {
    OPENVAP_ASSIGN_OR_RETURN(out, uow.Appointments().FreeSlots(member_state, organisation,
                                                               std::max(from, clock_.Now()), to));
    return Ok();
  }));
  return out;
}

Result<AppointmentSlot> AppointmentService::Book(const Principal& owner, const ApplicationId& id,
                                                 const std::string& slot_id) {
  AppointmentSlot booked;
  OPENVAP_RETURN_IF_ERROR(store_.Write([&](UnitOfWork& uow) -> Status {
    OPENVAP_ASSIGN_OR_RETURN(auto app, uow.Applications().Find(id));
    if (!app || !IsOwner(owner, *app)) return Error{"not-found", "no application " + id.value()};
    if (!CanStillLodge(*app) || app->status == ApplicationStatus::kNotified) {
      return Error{"invalid-transition", "this application needs no appointment any more"};
    }
    // A visit is for a person's file: an empty draft holds no slot (one account booked every
    // slot of a provider with empty drafts). A visa application names the person (fields 1
    // and 4); an extension or a confirmation, the visa it is about.
    const bool named = !app->form.FieldText("1").empty() && !app->form.FieldText("4").empty();
    const bool visa =
        app->kind == ApplicationKind::kShortStayVisa || app->kind == ApplicationKind::kLongStayVisa;
    if (!named && (visa || app->form.FieldText("visa_number").empty())) {
      return Error{"invalid-field",
                   visa ? "form: fill in at least the surname (field 1) and the date of birth "
                          "(field 4) first: a visit is booked for a person"
                        : "form: fill in at least the surname (field 1) and the date of birth "
                          "(field 4), or the visa's number, first: a visit is booked for a "
                          "person"};
    }
    OPENVAP_ASSIGN_OR_RETURN(auto slot, uow.Appointments().FindSlot(slot_id));
    if (!slot) return Error{"not-found", "no slot " + slot_id};
    if (slot->starts_at <= clock_.Now()) return Error{"invalid-field", "slot: already past"};
    if (app->prechecks && !app->prechecks->competent_state.empty() &&
        slot->member_state != app->prechecks->competent_state) {
      return Error{"invalid-field", "slot: book a visit with " + app->prechecks->competent_state +
                                        ", the state that examines this application"};
    }
    if (app->appointment) {
      OPENVAP_RETURN_IF_ERROR(uow.Appointments().Release(*app->appointment, id));
    }
    OPENVAP_RETURN_IF_ERROR(uow.Appointments().Book(slot_id, id));
    app->appointment = slot_id;
    app->appointment_location = slot->organisation;
    app->appointment_state = slot->member_state;
    app->updated_at = clock_.Now();
    OPENVAP_RETURN_IF_ERROR(uow.Applications().Update(*app));
    slot->booked_by = id;
    booked = *slot;
    return uow.Audit().Append(Audit(owner, "appointment.book", id, {{"slot", slot_id}}));
  }));
  return booked;
}

Status AppointmentService::Cancel(const Principal& owner, const ApplicationId& id) {
  return store_.Write([&](UnitOfWork& uow) -> Status {
    OPENVAP_ASSIGN_OR_RETURN(auto app, uow.Applications().Find(id));
    if (!app || !IsOwner(owner, *app)) return Error{"not-found", "no application " + id.value()};
    if (!app->appointment) return Error{"not-found", "no appointment booked"};
    OPENVAP_RETURN_IF_ERROR(uow.Appointments().Release(*app->appointment, id));
    const std::string slot = *app->appointment;
    app->appointment.reset();
    app->appointment_location.clear();
    app->appointment_state.clear();
    app->updated_at = clock_.Now();
    OPENVAP_RETURN_IF_ERROR(uow.Applications().Update(*app));
    return uow.Audit().Append(Audit(owner, "appointment.cancel", id, {{"slot", slot}}));
  });
}

// ---- The visit in person -----------------------------------------------------------------

namespace {

bool IsVisitStaff(const Principal& who) {
  return (who.role == Role::kServiceProvider || who.role == Role::kConsularOfficer ||
          who.role == Role::kCentralAuthority) &&
         !who.organisation.empty();
}

Error NotVisitStaff() {
  return Error{"forbidden",
               "the visit in person is for the staff of the service provider or of the consulate "
               "where it is booked (VIS Art 7f, VC Art 13)"};
}

// What staff write down at the visit (notes, doubts) goes to the consulate's file: at most
// 2,000 characters (UTF-8 counted by character, not byte), line breaks allowed, no other control
// characters.
Status CheckVisitNote(std::string_view field, const std::string& text) {
  constexpr std::size_t kMaxNote = 2000;
  if (CharacterCount(text) > kMaxNote || !IsPlainTextWithLineBreaks(text)) {
    return Error{"invalid-field", std::string(field) + ": at most " + std::to_string(kMaxNote) +
                                      " characters of text"};
  }
  return Ok();
}

// Audit actions name who acted: "provider.biometrics" or "consulate.biometrics" for the action
// "biometrics".
std::string VisitAction(const Principal& who, std::string_view action) {
  return (who.role == Role::kServiceProvider ? "provider." : "consulate.") + std::string(action);
}

}  // namespace

InPersonVisitService::InPersonVisitService(Store& store, ApplicationService& applications,
                                           const Clock& clock)
    : store_(store), applications_(applications), clock_(clock) {}

Result<Page<Application>> InPersonVisitService::WorkList(const Principal& staff,
                                                         const PageRequest& page) {
  if (!IsVisitStaff(staff)) return NotVisitStaff();
  Page<Application> out;
  OPENVAP_RETURN_IF_ERROR(store_.Write([&](UnitOfWork& uow) -> Status {
    OPENVAP_ASSIGN_OR_RETURN(
        out, uow.Applications().ListByAppointmentLocation(staff.organisation, page));
    std::erase_if(out.items, [&staff](const Application& a) { return !HostsTheVisit(staff, a); });
    return uow.Audit().Append(
        AuditEvent{staff.account ? staff.account->value() : "",
                   std::string(RoleName(staff.role)),
                   "application.list-appointments",
                   "organisation:" + staff.organisation,
                   {{"count", out.items.size()}, {"applications", ApplicationIds(out.items)}}});
  }));
  return out;
}

Result<Application> InPersonVisitService::Retrieve(const Principal& staff,
                                                   const ApplicationId& id) {
  if (!IsVisitStaff(staff)) return NotVisitStaff();
  return applications_.Get(staff, id);
}

Status InPersonVisitService::Change(const Principal& staff, const ApplicationId& id,
                                    const std::string& action,
                                    const std::function<Status(Application&)>& change) {
  if (!IsVisitStaff(staff)) return NotVisitStaff();
  return store_.Write([&](UnitOfWork& uow) -> Status {
    OPENVAP_ASSIGN_OR_RETURN(auto app, uow.Applications().Find(id));
    if (!app || !IsVisitHost(staff, *app)) {
      return Error{"not-found", "no application " + id.value() + " booked with you"};
    }
    if (app->status != ApplicationStatus::kSubmitted &&
        app->status != ApplicationStatus::kNotified) {
      return Error{"invalid-transition", "the application is " +
                                             std::string(ApplicationStatusName(app->status)) +
                                             "; the part of the visit is over"};
    }
    OPENVAP_RETURN_IF_ERROR(change(*app));
    OPENVAP_RETURN_IF_ERROR(uow.Audit().Append(Audit(staff, VisitAction(staff, action), id)));
    return applications_.Reevaluate(uow, *app);
  });
}

Status InPersonVisitService::VerifyTravelDocument(const Principal& staff, const ApplicationId& id,
                                                  bool matches, const std::string& notes) {
  OPENVAP_RETURN_IF_ERROR(CheckVisitNote("notes", notes));
  return Change(staff, id, "verify-travel-document", [&](Application& a) -> Status {
    a.lodging.travel_document_verified = matches;
    if (!matches) {
      a.lodging.doubts.push_back(
          "The presented travel document does not match the uploaded "
          "copy" +
          (notes.empty() ? std::string(".") : ": " + notes));
    }
    return Ok();
  });
}

Status InPersonVisitService::RecordChipData(const Principal& staff, const ApplicationId& id,
                                            const json& chip) {
  if (!chip.is_object() || chip.empty()) {
    return Error{"invalid-field", "chip: the data groups read from the chip, as an object"};
  }
  return Change(staff, id, "chip-data", [&](Application& a) -> Status {
    a.lodging.chip_data = chip;
    return Ok();
  });
}

Status InPersonVisitService::RecordBiometrics(const Principal& staff, const ApplicationId& id,
                                              const std::string& travel_document_number) {
  if (travel_document_number.empty() || travel_document_number.size() > 50 ||
      !IsPlainText(travel_document_number)) {
    return Error{"invalid-field", "travel_document_number: the document used at the visit"};
  }
  return Change(staff, id, "biometrics", [&](Application& a) -> Status {
    const std::string& declared = a.form.FieldText("13");
    if (!declared.empty() &&
        TravelDocumentNumberKey(declared) != TravelDocumentNumberKey(travel_document_number)) {
      return Error{
          "invalid-field",
          "travel_document_number: " + travel_document_number +
              " is not the travel document of the application (form field 13: " + declared +
              "); collect the biometrics with that document, or raise a doubt (VC "
              "Art 12(5))"};
    }
    a.lodging.biometrics_collected_on = UtcDateOf(clock_.Now());
    a.lodging.biometrics_travel_document = travel_document_number;
    return Ok();
  });
}

Status InPersonVisitService::RecordDocumentQuality(const Principal& staff, const ApplicationId& id,
                                                   bool ok, const std::string& notes) {
  OPENVAP_RETURN_IF_ERROR(CheckVisitNote("notes", notes));
  return Change(staff, id, "document-quality", [&](Application& a) -> Status {
    a.lodging.documents_quality_checked = ok;
    if (!ok) a.lodging.doubts.push_back("Document quality: " + notes);
    return Ok();
  });
}

Status InPersonVisitService::MarkReviewed(const Principal& staff, const ApplicationId& id) {
  return Change(staff, id, "reviewed", [&](Application& a) -> Status {
    a.lodging.provider_reviewed = true;
    return Ok();
  });
}

Status InPersonVisitService::RaiseDoubt(const Principal& staff, const ApplicationId& id,
                                        const std::string& doubt) {
  if (doubt.empty()) return Error{"invalid-field", "doubt: describe the doubt"};
  OPENVAP_RETURN_IF_ERROR(CheckVisitNote("doubt", doubt));
  return Change(staff, id, "doubt", [&](Application& a) -> Status {
    a.lodging.doubts.push_back(doubt);
    return Ok();
  });
}

}  // namespace openvap::domain
