#include "seal/profiles.h"

#include <array>

namespace openvap::seal {
namespace {

using E = FieldEncoding;

// ICAO Doc 9303-7 §9 / 9303-13: visa (feature reference 0x5D, category 0x01).
constexpr std::array<FieldSpec, 7> kIcaoVisa = {{
    {1, "mrz_mrv_a", E::kMrz, 48, 48, false,
     "MRZ of an MRV-A visa (line 1 and 28 characters of line 2)"},
    {2, "mrz_mrv_b", E::kMrz, 44, 44, false,
     "MRZ of an MRV-B visa (line 1 and 28 characters of line 2)"},
    {3, "number_of_entries", E::kUint, 1, 1, false, "0 = unlimited"},
    {4, "duration_of_stay", E::kDurationOfStay, 3, 3, false, "days, months, years"},
    {5, "passport_number", E::kC40, 6, 6, false, "9 characters"},
    {6, "visa_type", E::kBytes, 1, 4, false, "issuer-defined"},
    {7, "additional_feature", E::kBytes, 0, 254, false, "issuer-defined"},
}};

// ICAO Doc 9303-13: emergency travel document (0x5E, 0x03).
constexpr std::array<FieldSpec, 1> kIcaoEtd = {{
    {2, "mrz", E::kMrz, 48, 48, true, "TD2 machine-readable zone"},
}};

// BSI TR-03137 Part 1 (German national profiles, even categories).
constexpr std::array<FieldSpec, 2> kDeArrivalAttestation = {{
    {2, "mrz", E::kMrz, 48, 48, true, "TD2 machine-readable zone"},
    {3, "azr_number", E::kC40, 8, 8, true, "number in the Central Register of Foreigners"},
}};
constexpr std::array<FieldSpec, 4> kDeSocialInsurance = {{
    {1, "social_insurance_number", E::kC40, 8, 8, true, ""},
    {2, "surname", E::kUtf8, 1, 90, true, ""},
    {3, "first_name", E::kUtf8, 1, 90, true, ""},
    {4, "birth_name", E::kUtf8, 0, 90, false, ""},
}};
constexpr std::array<FieldSpec, 2> kDeResidencePermit = {{
    {2, "mrz", E::kMrz, 48, 48, true, "TD2 machine-readable zone"},
    {3, "passport_number", E::kC40, 6, 6, true, ""},
}};
constexpr std::array<FieldSpec, 2> kDeSupplementarySheet = {{
    {4, "mrz", E::kMrz, 48, 48, true, "TD2 machine-readable zone of the residence permit"},
    {5, "sheet_number", E::kC40, 6, 6, true, ""},
}};
constexpr std::array<FieldSpec, 3> kDeAddressStickerId = {{
    {1, "document_number", E::kC40, 6, 6, true, ""},
    {2, "community_key", E::kC40, 6, 6, true, "AGS (Amtlicher Gemeindeschlüssel)"},
    {3, "address", E::kC40, 1, 60, true, "postal code, street and number"},
}};
constexpr std::array<FieldSpec, 3> kDeAddressStickerPassport = {{
    {1, "document_number", E::kC40, 6, 6, true, ""},
    {2, "community_key", E::kC40, 6, 6, true, "AGS"},
    {3, "postal_code", E::kC40, 4, 4, true, ""},
}};
constexpr std::array<FieldSpec, 2> kDePermanentResidence = {{
    {1, "document_number", E::kC40, 6, 6, true, ""},
    {2, "passport_number", E::kC40, 6, 6, true, ""},
}};
constexpr std::array<FieldSpec, 1> kDeAdministrative = {{
    {0, "profile_id", E::kBytes, 16, 16, true, "identifier of the administrative document profile"},
}};

// The project's own profiles (docs/seal-profiles.md). Feature references 0xE1-0xE4 are unused
// by ICAO (0x5D-0x5F) and the German profiles (0x01, 0xF4-0xFD); the categories are even, the
// range ICAO leaves to issuers, and differ from the German ones.
constexpr std::array<FieldSpec, 15> kEuDigitalVisa = {{
    {1, "visa_number", E::kC40, 8, 8, true,
     "unique visa number, 3 letters + 9 digits (VC Art 26a)"},
    {2, "visa_type", E::kC40, 2, 2, true, "A, C, LTV or D"},
    {3, "valid_from", E::kDate, 3, 3, true, ""},
    {4, "valid_until", E::kDate, 3, 3, true, ""},
    {5, "territory", E::kStateList, 0, 40, false,
     "LTV: states of validity; absent = all Schengen States"},
    {6, "number_of_entries", E::kUint, 1, 1, true, "1, 2, or 0 for multiple"},
    {7, "duration_of_stay_days", E::kUint, 2, 2, true, ""},
    {8, "surname", E::kUtf8, 1, 120, true, "as in the travel document"},
    {9, "given_names", E::kUtf8, 0, 120, false, ""},
    {10, "date_of_birth", E::kDate, 3, 3, false, ""},
    {11, "nationality", E::kC40, 2, 2, true, "ICAO 3-letter code"},
    {12, "travel_document_number", E::kC40, 2, 14, true, ""},
    {13, "remarks", E::kUtf8, 0, 200, false, "national comments (VC Art 27(2))"},
    {14, "family_member_of_eu_citizen", E::kUint, 1, 1, false, "1 when VIS 10(1)(l) applies"},
    {15, "replaces_sticker", E::kC40, 2, 14, false, "invalidated sticker (VC Art 28)"},
}};

// Reg 694/2003 Annex as amended by Reg 2023/2667: FTD and FRTD (DV-FTD).
constexpr std::array<FieldSpec, 11> kEuTransitDocument = {{
    {1, "document_number", E::kC40, 2, 14, true, ""},
    {2, "valid_from", E::kDate, 3, 3, true, ""},
    {3, "valid_until", E::kDate, 3, 3, true, ""},
    {4, "surname", E::kUtf8, 1, 120, true, ""},
    {5, "given_names", E::kUtf8, 0, 120, false, ""},
    {6, "date_of_birth", E::kDate, 3, 3, true, ""},
    {7, "sex", E::kC40, 2, 2, true, "F, M or X"},
    {8, "nationality", E::kC40, 2, 2, true, ""},
    {9, "travel_document_number", E::kC40, 2, 14, true, ""},
    {10, "number_of_transits", E::kUint, 1, 1, true, "FRTD: 1 (one return journey)"},
    {11, "remarks", E::kUtf8, 0, 200, false, ""},
}};

// SPEC RP-ISSUE: digital residence permit.
constexpr std::array<FieldSpec, 13> kEuResidencePermit = {{
    {1, "permit_number", E::kC40, 2, 14, true, ""},
    {2, "permit_type", E::kUtf8, 1, 80, true, "e.g. temporary residence permit"},
    {3, "grounds", E::kUtf8, 0, 120, false, "e.g. employment, study, family"},
    {4, "valid_from", E::kDate, 3, 3, true, ""},
    {5, "valid_until", E::kDate, 3, 3, true, ""},
    {6, "surname", E::kUtf8, 1, 120, true, ""},
    {7, "given_names", E::kUtf8, 0, 120, false, ""},
    {8, "date_of_birth", E::kDate, 3, 3, true, ""},
    {9, "nationality", E::kC40, 2, 2, true, ""},
    {10, "sex", E::kC40, 2, 2, false, "F, M or X"},
    {11, "remarks", E::kUtf8, 0, 200, false, ""},
    {12, "labour_market_access", E::kUint, 1, 1, false, "1 = may work (RP-MIN)"},
    {13, "facial_image", E::kImage, 0, 4000, false, "small JPEG (RP-OFFLINE)"},
}};

constexpr std::array<Profile, 15> kProfiles = {{
    {"icao-visa", "Visa (ICAO 9303-7)", 0x5D, 0x01, kIcaoVisa, true, "ICAO Doc 9303-7 §9, 9303-13"},
    {"icao-emergency-travel-document", "Emergency travel document", 0x5E, 0x03, kIcaoEtd, false,
     "ICAO Doc 9303-13"},
    {"de-arrival-attestation", "Arrival attestation (Ankunftsnachweis)", 0xFD, 0x02,
     kDeArrivalAttestation, false, "BSI TR-03137 Part 1"},
    {"de-social-insurance-card", "Social insurance card", 0xFC, 0x04, kDeSocialInsurance, false,
     "BSI TR-03137 Part 1"},
    {"de-residence-permit", "Residence permit (Aufenthaltstitel)", 0xFB, 0x06, kDeResidencePermit,
     false, "BSI TR-03137 Part 1"},
    {"de-residence-permit-supplementary-sheet", "Residence permit supplementary sheet", 0xFA, 0x06,
     kDeSupplementarySheet, false, "BSI TR-03137 Part 1"},
    {"de-address-sticker-id-card", "Address sticker for identity cards", 0xF9, 0x08,
     kDeAddressStickerId, false, "BSI TR-03137 Part 1"},
    {"de-address-sticker-passport", "Place-of-residence sticker for passports", 0xF8, 0x0A,
     kDeAddressStickerPassport, false, "BSI TR-03137 Part 1"},
    {"de-permanent-residence-certificate", "Certificate of permanent residence", 0xF4, 0x8F,
     kDePermanentResidence, false, "BSI TR-03137 Part 1"},
    {"de-administrative-document", "Administrative document (profile v9, C8)", 0x01, 0xC8,
     kDeAdministrative, false, "BSI TR-03137 Part 1, administrative documents"},
    {"de-administrative-document-v9", "Administrative document (profile v9, C9)", 0x01, 0xC9,
     kDeAdministrative, false, "BSI TR-03137 Part 1, administrative documents"},
    {"eu-digital-visa", "EU digital visa (Reg (EU) 2023/2667)", 0xE1, 0xE0, kEuDigitalVisa, true,
     "OpenVAP, docs/seal-profiles.md"},
    {"eu-digital-ftd", "Facilitated Transit Document (FTD)", 0xE2, 0xE0, kEuTransitDocument, true,
     "OpenVAP, docs/seal-profiles.md; Reg 694/2003 Annex"},
    {"eu-digital-frtd", "Facilitated Rail Transit Document (FRTD)", 0xE3, 0xE0, kEuTransitDocument,
     true, "OpenVAP, docs/seal-profiles.md; Reg 694/2003 Annex"},
    {"eu-digital-residence-permit", "Digital residence permit", 0xE4, 0xE2, kEuResidencePermit,
     true, "OpenVAP, docs/seal-profiles.md; SPEC RP-ISSUE"},
}};

// IDB messages as seen in the vectors of tsenger/vdstools (ICAO "Datastructure for Barcode").
constexpr std::array<FieldSpec, 13> kIdbMessages = {{
    {0x01, "visa", E::kBytes, 1, 1000, false, "sub-features of the ICAO visa profile"},
    {0x02, "emergency_travel_document", E::kC40, 1, 200, false, "C40 text"},
    {0x07, "mrz_td1", E::kMrz, 60, 60, false, "TD1 machine-readable zone"},
    {0x08, "mrz_td3", E::kMrz, 60, 60, false, "TD3 machine-readable zone"},
    {0x80, "facial_image", E::kImage, 1, 100000, false, ""},
    {0x81, "mrz_td2", E::kMrz, 48, 48, false, "TD2 machine-readable zone"},
    {0x82, "document_number", E::kC40, 1, 40, false, ""},
    {0x83, "national_identifier", E::kC40, 1, 40, false, ""},
    {0x84, "expiry_date", E::kDate, 4, 4, false, "MMDDYYYY in 4 bytes"},
    {0x85, "reference_document_number", E::kC40, 1, 40, false, ""},
    {0x86, "document_type", E::kUint, 1, 1, false, "see IdbDocumentTypeName"},
    {0x87, "personal_number", E::kC40, 1, 40, false, ""},
    {0x88, "additional_text", E::kUtf8, 1, 1000, false, ""},
}};

}  // namespace

std::string_view EncodingName(FieldEncoding e) {
  switch (e) {
    case E::kC40:
      return "c40";
    case E::kMrz:
      return "mrz";
    case E::kUtf8:
      return "utf8";
    case E::kBytes:
      return "bytes";
    case E::kImage:
      return "image";
    case E::kDate:
      return "date";
    case E::kUint:
      return "uint";
    case E::kDurationOfStay:
      return "duration-of-stay";
    case E::kStateList:
      return "state-list";
    case E::kAuto:
      return "auto";
  }
  return "unknown";
}

std::span<const Profile> Profiles() { return kProfiles; }

const Profile* FindProfile(int feature_ref, int category) {
  for (const Profile& p : kProfiles) {
    if (p.feature_ref == feature_ref && p.category == category) return &p;
  }
  return nullptr;
}

const Profile* FindProfile(std::string_view name) {
  for (const Profile& p : kProfiles) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

const FieldSpec* FindField(const Profile& profile, int tag) {
  for (const FieldSpec& f : profile.fields) {
    if (f.tag == tag) return &f;
  }
  return nullptr;
}

std::span<const FieldSpec> IdbMessages() { return kIdbMessages; }

const FieldSpec* FindIdbMessage(int tag) {
  for (const FieldSpec& f : kIdbMessages) {
    if (f.tag == tag) return &f;
  }
  return nullptr;
}

const Profile& IcaoVisaProfile() { return kProfiles[0]; }

std::string_view IdbDocumentTypeName(int value) {
  // Values of message 0x86 in the vdstools vectors (German documents).
  switch (value) {
    case 0x01:
      return "idb-substitute-identity-document";
    case 0x02:
      return "idb-emergency-travel-document";
    case 0x06:
      return "idb-temporary-passport";
    case 0x0D:
      return "idb-arrival-attestation";
    case 0x0E:
      return "idb-provisional-residence-document";
    case 0x10:
      return "idb-certificate-of-permanent-residence";
    case 0x11:
      return "idb-frontier-worker-permit";
    case 0x12:
      return "idb-residence-permit-supplementary-sheet";
    default:
      return "";
  }
}

}  // namespace openvap::seal
