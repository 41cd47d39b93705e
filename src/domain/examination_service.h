#ifndef OPENVAP_DOMAIN_EXAMINATION_SERVICE_H_
#define OPENVAP_DOMAIN_EXAMINATION_SERVICE_H_

// The consulate's and central authority's side (VIS 7d(9)-(11), 7g; VC Arts 18-19, 23-34):
// the queue of notified applications with their pre-check results; accepting or declining
// competence; the manual admissibility check; decisions to issue (digital visas, long-stay D
// visas included) or refuse; later decisions on issued visas (annul, revoke, extend, confirm
// in a new travel document); invalidation of an erroneous legacy sticker; and the
// notification of every decision in the secure account with an e-mail (VAP-DEC, VAP-NOTIFY).

#include <openvap/result.h>

#include <optional>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/random.h"
#include "domain/application.h"
#include "domain/decision.h"
#include "domain/principal.h"
#include "domain/store.h"
#include "domain/visa.h"

namespace openvap::domain {

// Signs the visa's 2D barcode under the issuing state's document signer (DV-SEAL).
class VisaSealer {
 public:
  virtual ~VisaSealer() = default;
  virtual Result<Bytes> Seal(const DigitalVisa& visa, Date signed_on) const = 0;
};

// Texts of the standard form (VC Annex VI) and the languages of each state (VC Art 32(2)).
class DecisionTexts {
 public:
  virtual ~DecisionTexts() = default;
  // Ground `number` (1-17) in `language` (ISO 639-1). Errors: "invalid-field" for an unknown
  // ground; "translation-missing" when the language has no text.
  virtual Result<std::string> Ground(int number, const std::string& language) const = 0;
  // Which decisions a ground may support (VC Arts 32, 34; ground 17 revocation only).
  virtual bool GroundAppliesTo(int number, DecisionKind kind) const = 0;
  // The first official language of a Member State (alpha-2), e.g. "fr" for FR.
  virtual std::string StateLanguage(const std::string& state) const = 0;
  // The official alpha-3 code of a state for visa numbers, e.g. "FRA" for FR.
  virtual std::string StateAlpha3(const std::string& state) const = 0;
  // The English name of a state (alpha-2), e.g. "France"; the code when it is not one.
  virtual std::string StateName(const std::string& state) const = 0;
  // Whether a visa can be valid for the territory of `state` (alpha-2) on `date`: the state
  // applies the Schengen acquis in full (VC Art 2(3), Art 25).
  virtual bool VisaCanBeValidIn(const std::string& state, Date date) const = 0;
  // VC Art 32(3), 34(7) and Annex VI: what the state tells the person about appealing — the
  // national law, the authority, the procedure and the time limit — in `language` (ISO
  // 639-1). Supplied by each state. Errors: "appeal-information-missing" when the state gave
  // none (a refusal cannot go out without it), "translation-missing" when it gave none in
  // that language.
  virtual Result<std::string> AppealInformation(const std::string& state,
                                                const std::string& language) const = 0;
};

// The first day a refusal counts as notified when the person does not open it: the eighth day
// after the message (VC Art 32(2)), by the calendar of the applicant's residence. A port so
// that time-zone data (an I/O concern) stay outside the domain.
class NotificationCalendar {
 public:
  virtual ~NotificationCalendar() = default;
  virtual Date PresumedNotificationDay(Timestamp message_sent,
                                       const std::string& residence_time_zone) const = 0;
  // The calendar day of `now` where the applicant lives.
  virtual Date LocalDate(Timestamp now, const std::string& residence_time_zone) const = 0;
};

struct VisaTerms {
  VisaType type = VisaType::kUniform;
  std::vector<std::string> territory;  // LTV: the states where it is valid
  Date valid_from{};
  Date valid_until{};
  int entries = 1;  // 1, 2 or 0 (multiple)
  int duration_of_stay_days = 0;
  std::string remarks;
};

struct OfficialAct {
  std::vector<int> grounds;
  std::string remarks;
};

class ExaminationService {
 public:
  ExaminationService(Store& store, const VisaSealer& sealer, const DecisionTexts& texts,
                     const NotificationCalendar& calendar, const Clock& clock,
                     RandomSource& random);

  // The applications notified to the official's state and waiting for them: `notified`
  // (confirm competence and admissibility) and `accepted` (under examination).
  // Oldest submission first, a page at a time.
  Result<Page<Application>> Queue(const Principal& official, ApplicationStatus status,
                                  const PageRequest& page = {});

  // VIS 7d(9)-(10): competence and admissibility confirmed. The application file goes to the
  // register and, by a job, to the national system; then the temporary storage keeps only the
  // contact data (VAP-XFER).
  Status Accept(const Principal& official, const ApplicationId& id);
  // VIS 7d(11); VC Art 18(4): not competent; the applicant is told which state is, if known.
  Status DeclineCompetence(const Principal& official, const ApplicationId& id,
                           const std::string& competent_state, const std::string& remarks);
  // VC Art 19(3): not admissible; the applicant is told what is missing.
  Status DeclareInadmissible(const Principal& official, const ApplicationId& id,
                             const std::string& remarks);

  // VC Arts 24-27: issues a digital visa with a unique number and its signed seal.
  Result<DigitalVisa> Issue(const Principal& official, const ApplicationId& id,
                            const VisaTerms& terms);
  // VC Art 32: refuses with Annex VI grounds, in the state's language and English.
  Result<Decision> Refuse(const Principal& official, const ApplicationId& id,
                          const OfficialAct& act);

  // VC Art 34: annul (conditions not met at issue) or revoke (no longer met; ground 17 at the
  // holder's request). Exported to the EES (VIS 13(3)).
  Result<Decision> Annul(const Principal& official, const VisaNumber& visa, const OfficialAct& act);
  Result<Decision> Revoke(const Principal& official, const VisaNumber& visa,
                          const OfficialAct& act);
  // `request`, in the three below: the holder's application for this procedure, when lodged
  // through the platform (kind visa-extension or visa-confirmation, accepted by the official's
  // state, by the visa's holder). The decision answers it and closes it (issued, or refused for
  // a refused confirmation); without one, the decision goes with the visa's own application.
  //
  // VC Art 33: extends the validity and/or the duration of stay; new seal; EES export.
  Result<Decision> Extend(const Principal& official, const VisaNumber& visa, Date new_valid_until,
                          int new_duration_of_stay_days, const OfficialAct& act,
                          const std::optional<ApplicationId>& request = std::nullopt);
  // VC Art 32a: confirms a valid visa in a new travel document (same type, same issuing
  // country): confirmation number, new seal, EES export (VIS 12a(2)).
  Result<Decision> ConfirmInNewTravelDocument(
      const Principal& official, const VisaNumber& visa, const VisaHolder& new_document,
      const std::optional<ApplicationId>& request = std::nullopt);
  // VC Art 32a(9): doubts about the holder's identity: refuse and revoke.
  Result<Decision> RefuseConfirmation(const Principal& official, const VisaNumber& visa,
                                      const OfficialAct& act,
                                      const std::optional<ApplicationId>& request = std::nullopt);

  // VC Art 28 (DV-STICKER): invalidates an erroneous legacy sticker and issues the correct
  // digital visa for the same application.
  Result<DigitalVisa> ReplaceSticker(const Principal& official, const std::string& sticker_number,
                                     const VisaHolder& holder, const VisaTerms& corrected);

  // The decisions on an application, for its owner or an official of the deciding state.
  // When the owner reads a decision for the first time its access is recorded: the appeal
  // period starts (VC Art 32(2)).
  Result<std::vector<Decision>> DecisionsFor(const Principal& who, const ApplicationId& id);

  // VC Art 32(2), last sentence: a decision on an application lodged without an account (Art
  // 9(1b)) reaches the person as the standard form, which the consulate hands over. Records that
  // it did, now: the decision is notified and the time limit for an appeal runs from this moment
  // (`accessed_at`). For an official of the deciding state. Errors: "not-found",
  // "invalid-transition" (the person has a secure account, or it was handed over already).
  Result<Decision> RecordHandedOver(const Principal& official, const ApplicationId& id,
                                    const DecisionId& decision);

  // The digital visa, for its owner, an official of any Member State, or a border guard.
  Result<DigitalVisa> GetVisa(const Principal& who, const VisaNumber& number);

  // Job: refusals not opened by the eighth day are presumed notified; the person gets an
  // automatic message (VC Art 32(2)). Returns how many were updated.
  Result<int> ApplyPresumedNotifications();

 private:
  Result<Application> LoadForOfficial(UnitOfWork& uow, const Principal& official,
                                      const ApplicationId& id, ApplicationStatus expected);
  Status CheckOfficial(const Principal& who) const;
  Result<Decision> NewDecision(UnitOfWork& uow, const Principal& official, DecisionKind kind,
                               const ApplicationId& application, std::optional<VisaNumber> visa,
                               const OfficialAct& act);
  Status Announce(UnitOfWork& uow, Decision& decision, const std::string& subject,
                  const std::string& summary);
  Result<DigitalVisa> NewVisa(UnitOfWork& uow, const Principal& official,
                              const ApplicationId& application, const VisaHolder& holder,
                              const VisaTerms& terms, bool family_member);
  Result<Decision> WithdrawVisa(const Principal& official, const VisaNumber& number,
                                const OfficialAct& act, DecisionKind kind,
                                const std::optional<ApplicationId>& request);
  // The `request` of Extend and the confirmations, checked; nullopt when none was named.
  Result<std::optional<Application>> LoadRequest(UnitOfWork& uow, const Principal& official,
                                                 const std::optional<ApplicationId>& request,
                                                 ApplicationKind kind, const DigitalVisa& visa);
  // The decision answers `request` (when there is one) and closes it in `outcome`.
  Status CloseRequest(UnitOfWork& uow, const Principal& official,
                      std::optional<Application>& request, ApplicationStatus outcome);
  Status ValidateTerms(const VisaTerms& terms, const VisaHolder& holder) const;
  // The holder given by an official (sticker replacement): codes, dates and plain texts.
  Status ValidateHolder(const VisaHolder& holder) const;

  Store& store_;
  const VisaSealer& sealer_;
  const DecisionTexts& texts_;
  const NotificationCalendar& calendar_;
  const Clock& clock_;
  RandomSource& random_;
};

}  // namespace openvap::domain

#endif  // OPENVAP_DOMAIN_EXAMINATION_SERVICE_H_
