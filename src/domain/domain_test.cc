#include <gtest/gtest.h>

#include <set>

#include "domain/application_status.h"
#include "domain/plain_text.h"
#include "domain/principal.h"
#include "domain/store.h"
#include "domain/visa.h"

namespace openvap::domain {
namespace {

using S = ApplicationStatus;

TEST(PlainText, CodesCharactersAndLineBreaks) {
  EXPECT_TRUE(IsUpperCaseCode("FR", 2));
  EXPECT_FALSE(IsUpperCaseCode("fr", 2));
  EXPECT_FALSE(IsUpperCaseCode("FRA", 2));
  EXPECT_TRUE(IsUpperCaseCode("IND", 3));
  EXPECT_TRUE(IsLowerCaseCode("fr", 2));
  EXPECT_FALSE(IsLowerCaseCode("F1", 2));
  EXPECT_EQ(CharacterCount("\xCE\xB1\xCE\xB2"
                           "c"),
            3U);  // two Greek letters and a Latin one
  EXPECT_TRUE(IsPlainTextWithLineBreaks("two\nlines\twith a tab"));
  EXPECT_FALSE(IsPlainText("two\nlines"));
  EXPECT_FALSE(IsPlainTextWithLineBreaks(std::string_view("a\0b", 3)));
  EXPECT_FALSE(IsPlainTextWithLineBreaks("a\x7F"));
  EXPECT_TRUE(EqualIgnoringCase("Doe", "DOE"));
  EXPECT_TRUE(EqualIgnoringCase("ind", "IND"));
  EXPECT_FALSE(EqualIgnoringCase("DOE", "DOES"));
  EXPECT_FALSE(EqualIgnoringCase("DOE", "DOF"));
  EXPECT_FALSE(EqualIgnoringCase("@", "`"));                // beside the letters, not letters
  EXPECT_FALSE(EqualIgnoringCase("\xC3\x89", "\xC3\xA9"));  // É and é: bytes as they are
}

TEST(PlainText, HiddenCharactersAreFound) {
  // Latin letters with diacritics, the apostrophe (U+2019) and the non-breaking hyphen are seen.
  for (const char* seen : {"", "O'BRIEN", "M\xC3\x9CLLER-\xC3\x89LO\xC3\x8FSE", "D\u2019ARCY",
                           "ANNE\xE2\x80\x91MARIE", "1 Janpath; a@b.in"}) {
    EXPECT_FALSE(HasHiddenCharacters(seen)) << seen;
  }
  for (const std::string& hidden :
       {std::string("O\0BRIEN", 7), std::string("ana@example.org\r\nBcc: x@y.z"),
        std::string("a\tb"), std::string("a\x7F"), std::string("a\xC2\x85"),  // NEL (C1)
        std::string("ERIN\xE2\x80\xAEX"),  // right-to-left override
        std::string("A\xE2\x80\x8B"
                    "B"),  // zero-width space
        std::string("A\xE2\x81\xA6"
                    "B"),  // left-to-right isolate
        std::string("\xEF\xBB\xBF"
                    "DOE"),                   // byte order mark
        std::string("A\xD8\x9C"),             // Arabic letter mark
        std::string("A\xE2\x80\xA8"),         // line separator
        std::string("A\xE2\x80\xA9"),         // paragraph separator
        std::string("A\xC2\xAD"),             // soft hyphen
        std::string("A\xE1\xA0\x8E"),         // Mongolian vowel separator
        std::string("A\xEF\xB8\x8F"),         // variation selector 16
        std::string("A\xEF\xBF\xB9"),         // interlinear annotation anchor
        std::string("A\xF3\xA0\x80\x81")}) {  // language tag
    EXPECT_TRUE(HasHiddenCharacters(hidden)) << hidden;
  }
  // The neighbours of each range are seen: U+200A hair space, U+2010 hyphen, U+202F narrow
  // no-break space, U+2065 (unassigned), U+00A0 no-break space, U+061B Arabic semicolon, U+00AE,
  // U+FE10, U+FFFC object replacement, a character of plane 14 beyond the tags (U+E0100).
  for (const std::string& neighbour :
       {std::string("A\xE2\x80\x8A"), std::string("A\xE2\x80\x90"), std::string("A\xE2\x80\xAF"),
        std::string("A\xE2\x81\xA5"), std::string("A\xC2\xA0"), std::string("A\xD8\x9B"),
        std::string("A\xC2\xAE"), std::string("A\xEF\xB8\x90"), std::string("A\xEF\xBF\xBC"),
        std::string("A\xF3\xA0\x84\x80")}) {
    EXPECT_FALSE(HasHiddenCharacters(neighbour)) << neighbour;
  }
}

TEST(Roles, NamesRoundTrip) {
  for (Role r : {Role::kApplicant, Role::kRepresentative, Role::kConsularOfficer,
                 Role::kCentralAuthority, Role::kServiceProvider, Role::kBorderGuard,
                 Role::kPublicVerifier, Role::kAdministrator, Role::kSystem}) {
    EXPECT_EQ(*ParseRole(RoleName(r)), r);
  }
  EXPECT_EQ(ParseRole("consul").error().code, "invalid-role");
}

TEST(ApplicationStatus, NamesRoundTrip) {
  for (S s : {S::kDraft, S::kSubmitted, S::kNotified, S::kAccepted, S::kNotCompetent,
              S::kInadmissible, S::kIssued, S::kRefused, S::kWithdrawn}) {
    EXPECT_EQ(*ParseApplicationStatus(ApplicationStatusName(s)), s);
  }
  EXPECT_FALSE(ParseApplicationStatus("lost").ok());
}

TEST(ApplicationStatus, TheApplicantSubmitsAndThePlatformNotifies) {
  // VIS 7d(6), 7d(8).
  EXPECT_TRUE(CheckTransition(S::kDraft, S::kSubmitted, Role::kApplicant).ok());
  EXPECT_TRUE(CheckTransition(S::kDraft, S::kSubmitted, Role::kRepresentative).ok());
  EXPECT_TRUE(CheckTransition(S::kSubmitted, S::kNotified, Role::kSystem).ok());
  EXPECT_TRUE(CheckTransition(S::kSubmitted, S::kDraft, Role::kApplicant).ok());  // changed
  EXPECT_FALSE(CheckTransition(S::kNotified, S::kDraft, Role::kApplicant).ok());
  EXPECT_EQ(CheckTransition(S::kSubmitted, S::kNotified, Role::kApplicant).error().code,
            "forbidden");
}

TEST(ApplicationStatus, OnlyOfficialsAcceptAndDecide) {
  for (Role official : {Role::kConsularOfficer, Role::kCentralAuthority}) {
    EXPECT_TRUE(CheckTransition(S::kNotified, S::kAccepted, official).ok());
    EXPECT_TRUE(CheckTransition(S::kNotified, S::kNotCompetent, official).ok());
    EXPECT_TRUE(CheckTransition(S::kAccepted, S::kIssued, official).ok());
    EXPECT_TRUE(CheckTransition(S::kAccepted, S::kRefused, official).ok());
  }
  for (Role other : {Role::kApplicant, Role::kServiceProvider, Role::kBorderGuard,
                     Role::kPublicVerifier, Role::kAdministrator, Role::kSystem}) {
    EXPECT_EQ(CheckTransition(S::kAccepted, S::kIssued, other).error().code, "forbidden");
  }
}

TEST(ApplicationStatus, NoDecisionBeforeAcceptanceAndNothingAfterAFinalOutcome) {
  EXPECT_EQ(CheckTransition(S::kNotified, S::kIssued, Role::kConsularOfficer).error().code,
            "invalid-transition");
  EXPECT_EQ(CheckTransition(S::kDraft, S::kNotified, Role::kSystem).error().code,
            "invalid-transition");
  for (S final : {S::kNotCompetent, S::kInadmissible, S::kIssued, S::kRefused, S::kWithdrawn}) {
    EXPECT_TRUE(IsFinal(final));
    for (S to : {S::kDraft, S::kSubmitted, S::kNotified, S::kAccepted, S::kWithdrawn}) {
      EXPECT_FALSE(CheckTransition(final, to, Role::kCentralAuthority).ok());
      EXPECT_FALSE(CheckTransition(final, to, Role::kApplicant).ok());
    }
  }
}

TEST(ApplicationStatus, WithdrawalIsPossibleUntilTheDecision) {
  for (S s : {S::kDraft, S::kSubmitted, S::kNotified, S::kAccepted}) {
    EXPECT_TRUE(CheckTransition(s, S::kWithdrawn, Role::kApplicant).ok());
  }
  EXPECT_TRUE(IsEditableByApplicant(S::kSubmitted));
  EXPECT_FALSE(IsEditableByApplicant(S::kNotified));
}

TEST(VisaNumber, HasTheStickerShapeAndAValidCheckDigit) {
  SeededRandom random(7);
  std::set<std::string> seen;
  for (int i = 0; i < 200; ++i) {
    const VisaNumber n = NewVisaNumber("FRA", random);
    ASSERT_EQ(n.value().size(), 12U);
    EXPECT_EQ(n.value().substr(0, 3), "FRA");
    EXPECT_TRUE(ValidateVisaNumber(n.value()).ok()) << n;
    seen.insert(n.value());
  }
  EXPECT_EQ(seen.size(), 200U);
}

TEST(VisaNumber, RejectsTyposAndWrongShapes) {
  SeededRandom random(1);
  std::string n = NewVisaNumber("DEU", random).value();
  // Any single changed digit breaks the check digit (ICAO weights catch every single error).
  for (std::size_t i = 3; i < 11; ++i) {
    std::string typo = n;
    typo[i] = typo[i] == '9' ? '0' : static_cast<char>(typo[i] + 1);
    EXPECT_EQ(ValidateVisaNumber(typo).error().code, "invalid-visa-number") << typo;
  }
  for (const char* bad : {"", "FRA12345678", "FR1234567890", "fra123456782", "FRA1234567X2"}) {
    EXPECT_FALSE(ValidateVisaNumber(bad).ok()) << bad;
  }
  // The example the message gives is a visa number itself.
  const std::string message = ValidateVisaNumber("FRA1").error().message;
  const std::size_t example = message.find("e.g. ");
  ASSERT_NE(example, std::string::npos) << message;
  EXPECT_TRUE(ValidateVisaNumber(message.substr(example + 5, 12)).ok()) << message;
}

TEST(Visa, ValidityOnADay) {
  DigitalVisa visa;
  visa.valid_from = *ParseIsoDate("2027-03-01");
  visa.valid_until = *ParseIsoDate("2027-03-31");
  EXPECT_EQ(ValidityOn(visa, *ParseIsoDate("2027-02-28")), VisaValidity::kNotYetValid);
  EXPECT_EQ(ValidityOn(visa, *ParseIsoDate("2027-03-01")), VisaValidity::kValid);
  EXPECT_EQ(ValidityOn(visa, *ParseIsoDate("2027-03-31")), VisaValidity::kValid);
  EXPECT_EQ(ValidityOn(visa, *ParseIsoDate("2027-04-01")), VisaValidity::kExpired);
  visa.status = VisaStatus::kRevoked;
  EXPECT_EQ(ValidityOn(visa, *ParseIsoDate("2027-03-10")), VisaValidity::kRevoked);
  EXPECT_EQ(VisaValidityName(VisaValidity::kNotYetValid), "not-yet-valid");
  EXPECT_EQ(*ParseVisaTypeCode("LTV"), VisaType::kLimitedTerritorialValidity);
  EXPECT_FALSE(ParseVisaTypeCode("B").ok());
}

TEST(AccountMessageId, NewerMessagesSortAfterOlderOnes) {
  SeededRandom random(7);
  const Timestamp t = *ParseIsoTimestamp("2027-01-15T09:00:00Z");
  const std::string first = NewAccountMessageId(t, random);
  const std::string same_ms = NewAccountMessageId(t, random);
  const std::string later = NewAccountMessageId(t + std::chrono::milliseconds(1), random);
  EXPECT_EQ(first.rfind("msg-01a318933e80-", 0), 0U) << first;  // 1800003600000 ms
  EXPECT_EQ(first.size(), 4U + 12 + 1 + 16);
  EXPECT_NE(first, same_ms);
  EXPECT_LT(first, later);
  EXPECT_LT(same_ms, later);
}

}  // namespace
}  // namespace openvap::domain
