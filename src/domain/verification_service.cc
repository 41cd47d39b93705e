#include "domain/verification_service.h"

#include <algorithm>
#include <utility>

namespace openvap::domain {
namespace {

using nlohmann::json;

bool SeesTheRecord(Role role) {
  return role == Role::kConsularOfficer || role == Role::kCentralAuthority ||
         role == Role::kBorderGuard;
}

std::string StatusOf(VisaValidity v) {
  switch (v) {
    case VisaValidity::kValid:
      return "valid";
    case VisaValidity::kNotYetValid:
      return "not-yet-valid";
    case VisaValidity::kExpired:
      return "expired";
    case VisaValidity::kAnnulled:
    case VisaValidity::kRevoked:
      return "revoked";
  }
  return "invalid";
}

std::string ReasonOf(VisaValidity v, const DigitalVisa& visa) {
  switch (v) {
    case VisaValidity::kValid:
      return "the visa is valid today";
    case VisaValidity::kNotYetValid:
      return "the visa is valid from " + FormatIsoDate(visa.valid_from);
    case VisaValidity::kExpired:
      return "the visa expired on " + FormatIsoDate(visa.valid_until);
    case VisaValidity::kAnnulled:
      return "the visa was annulled";
    case VisaValidity::kRevoked:
      return "the visa was revoked";
  }
  return "";
}

// Whether a visa number (its first three letters: the issuing state's ISO 3166 alpha-3 code)
// names the state of the seal's header (ICAO 9303-3: the same code, Germany's "D" aside; a
// header may pad with '<'). The header names the signer, so it is the state that signed.
bool NamesTheSigningState(std::string_view number, std::string_view header_country) {
  while (!header_country.empty() && header_country.back() == '<') header_country.remove_suffix(1);
  const std::string_view prefix = number.substr(0, 3);
  return prefix == header_country || (prefix == "DEU" && header_country == "D");
}

}  // namespace

json VisaDisclosure(const DigitalVisa& v, Role role) {
  // An LTV's states as a list. A D visa is the issuing state's national visa (CISA Art 18): its
  // holder may move in the other states for 90 days in any 180 (Art 21(2a)), which is not a
  // visa valid there.
  json territory = v.type == VisaType::kLongStay
                       ? json(ValidityArea(v) + " (national long-stay visa, CISA Art 18)")
                   : v.type != VisaType::kAirportTransit && !v.territory.empty()
                       ? json(v.territory)
                       : json(ValidityArea(v));
  json out = {{"kind", "digital-visa"},
              {"visa_number", v.number.value()},
              {"visa_type", VisaTypeCode(v.type)},
              {"issuing_state", v.issuing_state},
              {"valid_from", FormatIsoDate(v.valid_from)},
              {"valid_until", FormatIsoDate(v.valid_until)},
              {"territory", territory}};
  if (!SeesTheRecord(role) && role != Role::kApplicant && role != Role::kRepresentative) {
    return out;  // RP-MIN: whether it holds, where and until when — nothing about the person
  }
  out["entries"] = v.entries == 0 ? json("multiple") : json(v.entries);
  out["duration_of_stay_days"] = v.duration_of_stay_days;
  out["holder"] = {{"surname", v.holder.surname},
                   {"given_names", v.holder.given_names},
                   {"nationality", v.holder.nationality},
                   {"sex", v.holder.sex},
                   {"travel_document_number", v.holder.travel_document_number}};
  if (v.holder.date_of_birth) {
    out["holder"]["date_of_birth"] = FormatIsoDate(*v.holder.date_of_birth);
  }
  out["status"] = VisaStatusName(v.status);
  out["issued_on"] = FormatIsoDate(v.issued_on);
  out["issuing_authority"] = v.issuing_authority;
  if (!v.remarks.empty()) out["remarks"] = v.remarks;
  if (v.replaces_sticker) out["replaces_sticker"] = *v.replaces_sticker;
  if (v.family_member_of_eu_citizen) out["family_member_of_eu_citizen"] = true;
  return out;
}

VerificationService::VerificationService(Store& store, Throttle& throttle,
                                         const SealVerifier& verifier, const Clock& clock)
    : store_(store), throttle_(throttle), verifier_(verifier), clock_(clock) {}

Verification VerificationService::FromRegister(const DigitalVisa& visa,
                                               const Principal& who) const {
  const VisaValidity v = ValidityOn(visa, UtcDateOf(clock_.Now()));
  // Checking a code is not reading one's own visa (that is the account's GET /visas/{number}):
  // an applicant's or representative's account, which anyone can open, sees what a public
  // verifier sees (RP-MIN; VIS 7h).
  const Role shown = SeesTheRecord(who.role) ? who.role : Role::kPublicVerifier;
  return Verification{StatusOf(v), ReasonOf(v, visa), VisaDisclosure(visa, shown)};
}

Result<Verification> VerificationService::VerifyCode(const Principal& who, ByteView code) {
  if (code.empty()) return Error{"invalid-field", "code: scan or paste the barcode's content"};
  const Timestamp now = clock_.Now();
  const SealCheck check = verifier_.Check(code, now);
  if (check.signature == "unknown-signer") {
    return Verification{"unknown-signer",
                        "the issuer of this code is not in the trusted list: " + check.reason,
                        json::object()};
  }
  if (check.signature != "valid") {
    // Expired or revoked signer certificates also make the code untrustworthy (RP-REVOKE).
    return Verification{"invalid", check.signature + ": " + check.reason, json::object()};
  }
  // An EU digital visa is in the register of visas (VIS Reg Art 10; Reg (EU) 2023/2667): one
  // that names another state than its signer's, or that the register does not hold, was not
  // issued by the procedure, however well signed.
  const bool eu_visa = check.document_type == "eu-digital-visa";
  if (eu_visa && !check.document_number) {
    return Verification{"invalid", "the visa's code carries no visa number", json::object()};
  }
  if (eu_visa && !NamesTheSigningState(*check.document_number, check.issuing_country)) {
    return Verification{"invalid",
                        "the visa number names another issuing state than the seal's signer (" +
                            check.issuing_country + ")",
                        json::object()};
  }
  // Only visas are in the register: a permit's number is not looked up among visa numbers.
  std::optional<DigitalVisa> visa;
  if (eu_visa) {
    // A read transaction: the public's checks (the bulk of them) write nothing. Officials see
    // the record, so their look-up is audited (VAP-DP) in a write of its own.
    const Status read = store_.Read([&](UnitOfWork& uow) -> Status {
      OPENVAP_ASSIGN_OR_RETURN(visa, uow.Registry().FindVisa(VisaNumber(*check.document_number)));
      return Ok();
    });
    if (!read.ok()) return read.error();
    if (visa && SeesTheRecord(who.role)) {
      const Status audited = store_.Write([&](UnitOfWork& uow) -> Status {
        return uow.Audit().Append(AuditEvent{who.account ? who.account->value() : "",
                                             std::string(RoleName(who.role)), "visa.verify",
                                             "visa:" + visa->number.value(), json::object()});
      });
      if (!audited.ok()) return audited.error();
    }
  }
  if (visa) {
    Verification out = FromRegister(*visa, who);
    out.document["signer"] = check.signer_subject;
    // An extension (VC Art 33) or a confirmation in a new travel document (Art 32a) seals the
    // visa again: an earlier code, signed and genuine, no longer states what the register holds
    // (another travel document, other dates), and the one who shows it may hold a document
    // reported lost or stolen. It is not accepted; the record says what holds now.
    // Bytes after the signature (a scanner's padding) are ignored by the decoder, as here.
    if (!visa->seal.empty() && (code.size() < visa->seal.size() ||
                                !std::equal(visa->seal.begin(), visa->seal.end(), code.begin()))) {
      out.status = "invalid";
      out.reason =
          "this code was replaced by a newer one for the same visa (an extension or a new "
          "travel document); ask for the current code";
    }
    return out;
  }
  if (eu_visa) {
    return Verification{"invalid",
                        "no visa " + *check.document_number +
                            " is in the register of visas, although its code is signed",
                        json::object()};
  }
  // Not a visa of this register (another document, such as a residence permit or a visa of
  // the ICAO profiles): the seal alone decides, with the dates it carries (DV-OFFLINE).
  Verification out{"valid", "the signature is valid", json::object()};
  const Date today = UtcDateOf(now);
  if (check.valid_from && DaysBetween(*check.valid_from, today) < 0) {
    out = {"not-yet-valid", "valid from " + FormatIsoDate(*check.valid_from), json::object()};
  } else if (check.valid_until && DaysBetween(today, *check.valid_until) < 0) {
    out = {"expired", "expired on " + FormatIsoDate(*check.valid_until), json::object()};
  }
  out.document = {{"kind", check.document_type}, {"signer", check.signer_subject}};
  if (check.valid_from) out.document["valid_from"] = FormatIsoDate(*check.valid_from);
  if (check.valid_until) out.document["valid_until"] = FormatIsoDate(*check.valid_until);
  if (SeesTheRecord(who.role)) out.document["fields"] = check.fields;
  return out;
}

Status VerificationService::AllowImageScan(const Principal& who,
                                           const std::string& caller_address) {
  if (SeesTheRecord(who.role)) return Ok();
  OPENVAP_ASSIGN_OR_RETURN(const bool allowed, throttle_.Allow("verify-image:" + caller_address, 20,
                                                               std::chrono::minutes(10)));
  if (!allowed) {
    return Error{"rate-limited",
                 "too many photos to scan from this address; try again in ten minutes, or send "
                 "the code's content (a barcode reader gives it) as code"};
  }
  return Ok();
}

Result<Verification> VerificationService::CheckByNumber(const Principal& official,
                                                        const VisaNumber& number) {
  if (!SeesTheRecord(official.role)) {
    return Error{"forbidden", "look-ups by visa number are for border guards and officials"};
  }
  OPENVAP_RETURN_IF_ERROR(ValidateVisaNumber(number.value()));
  std::optional<DigitalVisa> visa;
  OPENVAP_RETURN_IF_ERROR(store_.Write([&](UnitOfWork& uow) -> Status {
    OPENVAP_ASSIGN_OR_RETURN(visa, uow.Registry().FindVisa(number));
    return uow.Audit().Append(AuditEvent{official.account ? official.account->value() : "",
                                         std::string(RoleName(official.role)),
                                         "visa.check",
                                         "visa:" + number.value(),
                                         {{"found", visa.has_value()}}});
  }));
  if (!visa) return Error{"not-found", "no visa " + number.value() + " in the register"};
  return FromRegister(*visa, official);
}

Result<Verification> VerificationService::LookupForThirdParty(const VisaNumber& number,
                                                              Date date_of_birth,
                                                              const std::string& caller) {
  OPENVAP_RETURN_IF_ERROR(ValidateVisaNumber(number.value()));
  OPENVAP_ASSIGN_OR_RETURN(const bool by_caller, throttle_.Allow("verify-lookup:caller:" + caller,
                                                                 30, std::chrono::hours(1)));
  OPENVAP_ASSIGN_OR_RETURN(
      const bool by_number,
      throttle_.Allow("verify-lookup:number:" + number.value(), 10, std::chrono::hours(1)));
  if (!by_caller || !by_number) {
    return Error{"rate-limited", "too many look-ups; try again in an hour or scan the code"};
  }
  std::optional<DigitalVisa> visa;
  OPENVAP_RETURN_IF_ERROR(store_.Read([&](UnitOfWork& uow) -> Status {
    OPENVAP_ASSIGN_OR_RETURN(visa, uow.Registry().FindVisa(number));
    return Ok();
  }));
  if (!visa || !visa->holder.date_of_birth || *visa->holder.date_of_birth != date_of_birth) {
    return Error{"not-found",
                 "no visa matches this number and date of birth; check both and try again"};
  }
  return FromRegister(*visa, Principal::Public());
}

}  // namespace openvap::domain
