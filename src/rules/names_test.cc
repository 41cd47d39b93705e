// Latin-alphabet check (VIS Art 7b(5)), ICAO 9303-3 transliteration and the MRV-A/MRV-B MRZ of
// ICAO 9303-7, against the specimens printed in Doc 9303.
#include "rules/names.h"

#include <gtest/gtest.h>

namespace openvap::rules {
namespace {

Date D(const char* text) { return ParseIsoDate(text).value(); }

TEST(LatinAlphabet, LatinLettersWithDiacriticsDigitsAndPunctuationPass) {
  EXPECT_TRUE(CheckLatinAlphabet("surname", "Müller-Lüdenscheidt").ok());
  EXPECT_TRUE(CheckLatinAlphabet("surname", "Øvergård Ærø ŁĘŻKA Şahin Nguyễn").ok());
  EXPECT_TRUE(CheckLatinAlphabet("address", "12, rue de l'Église — 75001 Paris №5 €").ok());
  EXPECT_TRUE(CheckLatinAlphabet("empty", "").ok());
  // Every ASCII character, controls included, is below U+0370 (read without decoding).
  std::string ascii;
  for (int c = 0; c < 0x80; ++c) ascii += static_cast<char>(c);
  EXPECT_TRUE(CheckLatinAlphabet("ascii", ascii).ok());
}

// Names go into the visa and its seal: Latin letters with their diacritics and the marks
// between them, nothing else (an emoji and full-width letters reached a signed visa).
TEST(LatinName, LettersDiacriticsAndTheMarksOfNamesOnly) {
  for (const char* name :
       {"DOE", "O'NEILL", "JEAN-PIERRE", "ST. JOHN", "Müller", "NGUYỄN", "Øvergård", "ʻAKAU",
        "D\u2019ANGELO", "\u2018AKAU", "DOE\u0301", "DOE, JR.", "ANA\u00A0MARIA", ""}) {
    EXPECT_TRUE(CheckLatinName("1", name).ok()) << name;
  }
  for (const char* name : {"DOE \U0001F600", "\uFF21\uFF2E\uFF21", "DOE2", "\u0301DOE",
                           "DOE \u0301", "ΔΟΕ", "DOE&", "DOE_", "DOE×", "-", " . "}) {
    const auto refused = CheckLatinName("1", name);
    ASSERT_FALSE(refused.ok()) << name;
    EXPECT_EQ(refused.error().code, "non-latin-characters") << name;
  }
  EXPECT_EQ(CheckLatinName("1", "\xFF").error().code, "invalid-utf8");
}

TEST(LatinAlphabet, OtherScriptsFailNamingFieldCharacterAndPosition) {
  auto cyrillic = CheckLatinAlphabet("surname", "Ivanoв");
  ASSERT_FALSE(cyrillic.ok());
  EXPECT_EQ(cyrillic.error().code, "non-latin-characters");
  EXPECT_NE(cyrillic.error().message.find("surname"), std::string::npos);
  EXPECT_NE(cyrillic.error().message.find("U+0432"), std::string::npos);
  EXPECT_NE(cyrillic.error().message.find("character 6"), std::string::npos);
  EXPECT_NE(cyrillic.error().message.find("Art 7b(5)"), std::string::npos);
  EXPECT_FALSE(CheckLatinAlphabet("f", "Αθήνα").ok());  // Greek
  EXPECT_FALSE(CheckLatinAlphabet("f", "محمد").ok());   // Arabic
  EXPECT_FALSE(CheckLatinAlphabet("f", "王").ok());     // CJK
  EXPECT_FALSE(CheckLatinAlphabet("f", "שלום").ok());   // Hebrew
  auto bad = CheckLatinAlphabet("f", std::string("\xC3\x28", 2));
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, "invalid-utf8");
  EXPECT_FALSE(CheckLatinAlphabet("f", std::string("\xE2\x82", 2)).ok());      // truncated
  EXPECT_FALSE(CheckLatinAlphabet("f", std::string("\xED\xA0\x80", 3)).ok());  // surrogate
}

TEST(Transliteration, Icao9303TableA) {
  EXPECT_EQ(TransliterateForMrz("Müller").value(), "MUELLER");
  EXPECT_EQ(TransliterateForMrz("Åström").value(), "AASTROEM");
  EXPECT_EQ(TransliterateForMrz("Ærøskøbing").value(), "AEROESKOEBING");
  EXPECT_EQ(TransliterateForMrz("Strauß").value(), "STRAUSS");
  EXPECT_EQ(TransliterateForMrz("Þórður").value(), "THORDUR");
  EXPECT_EQ(TransliterateForMrz("José María").value(), "JOSE<MARIA");
  EXPECT_EQ(TransliterateForMrz("Jean-Pierre").value(), "JEAN<PIERRE");
  EXPECT_EQ(TransliterateForMrz("O'Brien").value(), "OBRIEN");
  EXPECT_EQ(TransliterateForMrz("Łukasz Żółć").value(), "LUKASZ<ZOLC");
  EXPECT_EQ(TransliterateForMrz("Çelik Ğüneş").value(), "CELIK<GUENES");
  EXPECT_EQ(TransliterateForMrz("Nguyễn").value(), "NGUYEN");
  EXPECT_EQ(TransliterateForMrz("Ĳsselmeer").value(), "IJSSELMEER");
  EXPECT_EQ(TransliterateForMrz("Jose\xCC\x81").value(), "JOSE");  // combining acute
}

TEST(Transliteration, Icao9303TableBCyrillic) {
  EXPECT_EQ(TransliterateForMrz("Жуков").value(), "ZHUKOV");
  EXPECT_EQ(TransliterateForMrz("Щукин").value(), "SHCHUKIN");
  EXPECT_EQ(TransliterateForMrz("Хрущёв").value(), "KHRUSHCHEV");
  EXPECT_EQ(TransliterateForMrz("Юлия Якубович").value(), "IULIIA<IAKUBOVICH");
  EXPECT_EQ(TransliterateForMrz("Цой").value(), "TSOI");
  EXPECT_EQ(TransliterateForMrz("Ольга").value(), "OLGA");  // soft sign omitted
  EXPECT_EQ(TransliterateForMrz("Євген Ґонта").value(), "IEVGEN<GONTA");
}

TEST(Transliteration, UnknownScriptsAreErrors) {
  auto greek = TransliterateForMrz("Αθήνα");
  ASSERT_FALSE(greek.ok());
  EXPECT_EQ(greek.error().code, "cannot-transliterate");
  EXPECT_NE(greek.error().message.find("U+0391"), std::string::npos);
}

TEST(Mrz, CheckDigitsOfTheIcaoSpecimen) {
  // ICAO 9303-7 specimen MRV-A line 2: L8988901C<4 ... 400907<8 ... 961210<9.
  EXPECT_EQ(MrzCheckDigit("L8988901C"), 4);
  EXPECT_EQ(MrzCheckDigit("400907"), 8);
  EXPECT_EQ(MrzCheckDigit("961210"), 9);
  // ICAO 9303-3 4.9 worked example: 520727 -> 3.
  EXPECT_EQ(MrzCheckDigit("520727"), 3);
  EXPECT_EQ(MrzCheckDigit("AB2134<<<"), 5);
  EXPECT_EQ(MrzCheckDigit("ab"), -1);
}

VisaMrzData Specimen() {
  VisaMrzData data;
  data.type_letter = 'I';
  data.issuing_state = "UTO";
  data.surname = "Eriksson";
  data.given_names = "Anna María";
  data.visa_number = "L8988901C";
  data.nationality = "XXX";
  data.date_of_birth = D("1940-09-07");
  data.sex = 'F';
  data.valid_until = D("1996-12-10");
  return data;
}

TEST(Mrz, MrvAMatchesTheIcaoSpecimen) {
  auto data = Specimen();
  data.optional_data = "6ZE184226B";
  auto mrz = GenerateVisaMrz(data, MrvFormat::kMrvA);
  ASSERT_TRUE(mrz.ok()) << mrz.error().message;
  EXPECT_EQ((*mrz)[0], "VIUTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<");
  EXPECT_EQ((*mrz)[1], "L8988901C4XXX4009078F96121096ZE184226B<<<<<<");
  EXPECT_EQ((*mrz)[0].size(), 44U);
  EXPECT_EQ((*mrz)[1].size(), 44U);
}

TEST(Mrz, MrvBMatchesTheIcaoSpecimen) {
  auto mrz = GenerateVisaMrz(Specimen(), MrvFormat::kMrvB);
  ASSERT_TRUE(mrz.ok());
  EXPECT_EQ((*mrz)[0], "VIUTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<");
  EXPECT_EQ((*mrz)[1], "L8988901C4XXX4009078F9612109<<<<<<<<");
}

TEST(Mrz, LongNamesAreTruncatedAndBadFieldsRejected) {
  auto data = Specimen();
  data.surname = "Wolfeschlegelsteinhausenbergerdorff";
  data.given_names = "Hubert Blaine";
  auto b = GenerateVisaMrz(data, MrvFormat::kMrvB);
  ASSERT_TRUE(b.ok());
  EXPECT_EQ((*b)[0], "VIUTOWOLFESCHLEGELSTEINHAUSENBERGERD");
  data = Specimen();
  data.visa_number = "L8988901C12";
  auto too_long = GenerateVisaMrz(data, MrvFormat::kMrvA);
  ASSERT_FALSE(too_long.ok());
  EXPECT_EQ(too_long.error().code, "invalid-mrz-field");
  EXPECT_NE(too_long.error().message.find("visa_number"), std::string::npos);
  data = Specimen();
  data.optional_data = "123456789";  // 9 > 8 for MRV-B
  EXPECT_FALSE(GenerateVisaMrz(data, MrvFormat::kMrvB).ok());
  data = Specimen();
  data.surname = "Παπαδόπουλος";
  EXPECT_FALSE(GenerateVisaMrz(data, MrvFormat::kMrvA).ok());
  data = Specimen();
  data.issuing_state = "D";
  data.sex = 'X';
  auto germany = GenerateVisaMrz(data, MrvFormat::kMrvA);
  ASSERT_TRUE(germany.ok());
  EXPECT_EQ((*germany)[0].substr(0, 5), "VID<<");
  EXPECT_EQ((*germany)[1][20], '<');
}

}  // namespace
}  // namespace openvap::rules
