#ifndef OPENVAP_APP_PORTS_H_
#define OPENVAP_APP_PORTS_H_

// The domain's ports implemented over the core modules (issue 5 composition): the pre-checks
// over the rules engine, decision texts over the Annex VI table, the residence calendar over
// the system tz database, visa seals under each state's document signer, and the offline
// check of a scanned code over the trust store.

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "domain/application_service.h"
#include "domain/examination_service.h"
#include "domain/lodging_service.h"
#include "domain/store.h"
#include "domain/verification_service.h"
#include "rules/check.h"
#include "rules/notification.h"
#include "rules/reference_data.h"
#include "trust/trust_store.h"
#include "verify/verify.h"

namespace openvap::app {

// IANA zones from the system tz database (tzdata), and fixed offsets such as "+02:00".
// The one tz database behind the rules' time zones and the places of visits (slots).
class SystemTimeZones final : public rules::TimeZones, public domain::VisitTimeZones {
 public:
  Result<std::chrono::seconds> OffsetAt(std::string_view zone, Timestamp instant) const override;

 private:
  rules::FixedOffsetTimeZones fixed_;
};

// VIS 7d(1), 7d(4), 7d(7)-(8): the application's form and lodging facts as a rules request
// (docs/rules.md), and the answer as the outcome kept with the application.
class RulesPreChecks final : public domain::PreChecks {
 public:
  RulesPreChecks(const rules::ReferenceData& data, const rules::TimeZones& zones)
      : data_(data), zones_(zones) {}
  Result<domain::PreCheckOutcome> Run(const domain::Application& application,
                                      const domain::PreCheckInputs& inputs,
                                      Date lodged_on) const override;
  std::vector<std::string> NonLatinFields(const nlohmann::json& form) const override;
  std::string StateName(const std::string& state) const override;
  bool IsTimeZone(std::string_view zone) const override;

  // The rules request for `application` (exposed for tests). Errors: "invalid-field" naming
  // the form field the pre-checks need ("form.7: ...", or "the form does not give what the
  // checks need: stays[0].from: ...").
  static Result<rules::CheckRequest> RequestFor(
      const domain::Application& application, Date lodged_on, bool photo_uploaded,
      const std::optional<domain::BiometricsOnRecord>& on_record = std::nullopt);

 private:
  const rules::ReferenceData& data_;
  const rules::TimeZones& zones_;
};

// VC Art 32(2) and Annex VI: the grounds in English from data/refdata/refusal_grounds.csv and
// in the states' languages from the data directory's annex-vi.json, where a deployment puts the
// form's 17 grounds in the languages it needs (the Official Journal's text, for the Union's
// languages), else from the platform's translation table (French and German so far):
//   {"grounds": {"it": ["<ground 1>", ..., "<ground 17>"], ...}}
// A refusal in a language that neither has fails with "translation-missing" rather than go out
// in English alone.
//
// The appeal information of the form (VC Art 32(3), Annex VI) is national: each state supplies
// it, as text per language, in the data directory's appeals.json:
//   {"states": {"FR": {"en": "...", "fr": "..."}, ...}}
class AnnexViDecisionTexts final : public domain::DecisionTexts {
 public:
  // state (alpha-2) -> language (ISO 639-1) -> text
  using AppealTexts = std::map<std::string, std::map<std::string, std::string>>;
  // language (ISO 639-1) -> the 17 grounds, in order
  using GroundTexts = std::map<std::string, std::vector<std::string>>;

  explicit AnnexViDecisionTexts(const rules::ReferenceData& data, AppealTexts appeals = {},
                                GroundTexts grounds = {})
      : data_(data), appeals_(std::move(appeals)), grounds_(std::move(grounds)) {}
  Result<std::string> Ground(int number, const std::string& language) const override;
  bool GroundAppliesTo(int number, domain::DecisionKind kind) const override;
  std::string StateLanguage(const std::string& state) const override;
  std::string StateAlpha3(const std::string& state) const override;
  std::string StateName(const std::string& state) const override;
  bool VisaCanBeValidIn(const std::string& state, Date date) const override;
  Result<std::string> AppealInformation(const std::string& state,
                                        const std::string& language) const override;

  // appeals.json as above. Errors: "config-error" saying what is wrong and where.
  static Result<AppealTexts> ParseAppealTexts(std::string_view json_text);
  // annex-vi.json as above: 17 non-empty texts of one line per language, English excepted (it
  // is the reference data's). Errors: "config-error" saying what is wrong and where.
  static Result<GroundTexts> ParseGroundTexts(std::string_view json_text);

 private:
  const rules::ReferenceData& data_;
  AppealTexts appeals_;
  GroundTexts grounds_;
};

// VC Art 32(2): the eighth day after the message, in the time zone of the residence.
class ResidenceCalendar final : public domain::NotificationCalendar {
 public:
  explicit ResidenceCalendar(const rules::TimeZones& zones) : zones_(zones) {}
  Date PresumedNotificationDay(Timestamp message_sent,
                               const std::string& residence_time_zone) const override;
  Date LocalDate(Timestamp now, const std::string& residence_time_zone) const override;

 private:
  const rules::TimeZones& zones_;
};

// DV-SEAL: each issuing state signs its visas under its own document signer. States without a
// signer cannot issue ("no-signer").
class MemberStateVisaSealer final : public domain::VisaSealer {
 public:
  void AddSigner(const std::string& state, verify::CertificateSealSigner signer);
  // Whether `state`'s signer may sign on `day` (all of it inside the signer's private key usage
  // period). Errors: "no-signer", "signer-key-retired", "signer-key-not-yet-usable".
  Status CanSignOn(const std::string& state, Date day) const;
  Result<Bytes> Seal(const domain::DigitalVisa& visa, Date signed_on) const override;

  // The eu-digital-visa profile's data for `visa` (docs/seal-profiles.md).
  static nlohmann::json SealData(const domain::DigitalVisa& visa);

 private:
  // `state`'s signer, if it may sign on `day`; the errors of CanSignOn.
  Result<const verify::CertificateSealSigner*> SignerOn(const std::string& state, Date day) const;

  std::map<std::string, verify::CertificateSealSigner> signers_;
};

// DV-OFFLINE, VAP-VERIFY: the scanned code checked against the trust store alone.
class TrustStoreSealVerifier final : public domain::SealVerifier {
 public:
  explicit TrustStoreSealVerifier(const trust::TrustStore& trust) : trust_(trust) {}
  domain::SealCheck Check(ByteView code, Timestamp at) const override;

 private:
  const trust::TrustStore& trust_;
};

}  // namespace openvap::app

#endif  // OPENVAP_APP_PORTS_H_
