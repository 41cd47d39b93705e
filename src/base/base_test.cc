#include <gtest/gtest.h>
#include <openvap/result.h>

#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>
#include <set>
#include <unordered_set>
#include <utility>
#include <vector>

#include "base/bytes.h"
#include "base/clock.h"
#include "base/euros.h"
#include "base/ids.h"
#include "base/json_text.h"
#include "base/random.h"
#include "base/time.h"

namespace openvap {
namespace {

using std::chrono::day;
using std::chrono::month;
using std::chrono::year;

Date D(int y, unsigned m, unsigned d) { return Date{year{y}, month{m}, day{d}}; }

Result<int> ParsePositive(int v) {
  if (v <= 0) return Error{"not-positive", "must be > 0"};
  return v;
}

Result<int> Doubled(int v) {
  OPENVAP_ASSIGN_OR_RETURN(int x, ParsePositive(v));
  return 2 * x;
}

Status CheckBoth(int a, int b) {
  OPENVAP_RETURN_IF_ERROR(ParsePositive(a));
  OPENVAP_RETURN_IF_ERROR(ParsePositive(b));
  return Ok();
}

TEST(TravelDocumentNumberKey, IgnoresCaseSpacesHyphensAndTheMrzFiller) {
  EXPECT_EQ(TravelDocumentNumberKey("x 123-4567<<"), "X1234567");
  EXPECT_NE(TravelDocumentNumberKey("X1234567"), TravelDocumentNumberKey("X1234568"));
}

TEST(Result, HoldsValueOrError) {
  Result<int> good = 7;
  ASSERT_TRUE(good.ok());
  EXPECT_EQ(*good, 7);
  EXPECT_EQ(good.ValueOr(1), 7);
  EXPECT_THROW((void)good.error(), std::bad_variant_access);

  Result<int> bad = Error{"x", "why"};
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, "x");
  EXPECT_EQ(bad.error().message, "why");
  EXPECT_EQ(bad.ValueOr(1), 1);
  EXPECT_THROW((void)bad.value(), std::bad_variant_access);
}

TEST(Result, MacrosPropagateTheFirstError) {
  EXPECT_EQ(*Doubled(4), 8);
  EXPECT_EQ(Doubled(-1).error().code, "not-positive");
  EXPECT_TRUE(CheckBoth(1, 2).ok());
  EXPECT_EQ(CheckBoth(1, 0).error().code, "not-positive");
  Status ok = Ok();
  EXPECT_THROW((void)ok.error(), std::bad_variant_access);
}

TEST(Result, MoveOnlyValues) {
  Result<std::unique_ptr<int>> r = std::make_unique<int>(3);
  std::unique_ptr<int> p = std::move(r).value();
  EXPECT_EQ(*p, 3);
}

TEST(Hex, RoundTripsAndSkipsWhitespace) {
  const Bytes bytes{0x00, 0xdc, 0x03, 0xff};
  EXPECT_EQ(ToHex(bytes), "00dc03ff");
  EXPECT_EQ(*FromHex("00DC03ff"), bytes);
  EXPECT_EQ(*FromHex(" 00 dc\n03\tff\r\n"), bytes);
  EXPECT_TRUE(FromHex("").ok());
}

TEST(Hex, RejectsMalformedInputWithItsPosition) {
  EXPECT_EQ(FromHex("abc").error().code, "invalid-hex");
  EXPECT_NE(FromHex("abc").error().message.find("offset 2"), std::string::npos);
  EXPECT_NE(FromHex("0g").error().message.find("offset 1"), std::string::npos);
}

TEST(Base64, RoundTripsAndRejectsGarbage) {
  // RFC 4648 §10 test vectors.
  const std::pair<const char*, const char*> vectors[] = {{"", ""},
                                                         {"f", "Zg=="},
                                                         {"fo", "Zm8="},
                                                         {"foo", "Zm9v"},
                                                         {"foob", "Zm9vYg=="},
                                                         {"fooba", "Zm9vYmE="},
                                                         {"foobar", "Zm9vYmFy"}};
  for (const auto& [plain, encoded] : vectors) {
    EXPECT_EQ(ToBase64(AsBytes(plain)), encoded);
    EXPECT_EQ(AsString(*FromBase64(encoded)), plain);
  }
  EXPECT_EQ(AsString(*FromBase64("Zm9v\nYmFy")), "foobar");
  const Bytes binary{0xFB, 0xFF, 0xBF};
  EXPECT_EQ(ToBase64(binary), "+/+/");
  EXPECT_EQ(*FromBase64("-_-_"), binary);  // URL-safe alphabet
  EXPECT_EQ(FromBase64("Zm9v!").error().code, "invalid-base64");
  EXPECT_EQ(FromBase64("Zg=a").error().code, "invalid-base64");
  EXPECT_EQ(FromBase64("Z").error().code, "invalid-base64");
}

TEST(Clock, FixedClockMovesOnlyWhenTold) {
  const Timestamp t0 = *ParseIsoTimestamp("2026-11-22T10:00:00Z");
  FixedClock clock(t0);
  EXPECT_EQ(clock.Now(), t0);
  EXPECT_EQ(clock.Now(), t0);
  clock.Advance(std::chrono::hours(25));
  EXPECT_EQ(FormatIsoTimestamp(clock.Now()), "2026-11-23T11:00:00Z");
  clock.Set(t0);
  EXPECT_EQ(clock.Now(), t0);
}

TEST(Clock, SystemClockIsAfterTheProjectStarted) {
  SystemClock clock;
  EXPECT_GT(clock.Now(), *ParseIsoTimestamp("2026-01-01"));
}

TEST(Time, ParsesAndFormatsDates) {
  EXPECT_EQ(*ParseIsoDate("2024-02-29"), D(2024, 2, 29));
  EXPECT_EQ(FormatIsoDate(D(812, 1, 9)), "0812-01-09");
  for (const char* bad :
       {"2023-02-29", "2024-13-01", "2024-1-01", "20240101", "2024-01-01x", "", "abcd-ef-gh"}) {
    const auto r = ParseIsoDate(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().code, "invalid-date");
  }
}

// Every day of 1600-2400 and the years outside 0000-9999 are written as "%04d-%02u-%02u" writes
// them; instants add the time of day to the second, also before 1970.
TEST(Time, FormatsEveryDayAndInstantAsPrintfWould) {
  const auto printf_date = [](int y, unsigned m, unsigned d) {
    char buf[24];
    (void)std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", y, m, d);
    return std::string(buf);
  };
  for (std::chrono::sys_days at{D(1600, 1, 1)}; at <= std::chrono::sys_days{D(2400, 12, 31)};
       at += std::chrono::days(1)) {
    const Date date{at};
    ASSERT_EQ(FormatIsoDate(date),
              printf_date(static_cast<int>(date.year()), static_cast<unsigned>(date.month()),
                          static_cast<unsigned>(date.day())));
  }
  EXPECT_EQ(FormatIsoDate(D(0, 1, 1)), "0000-01-01");
  EXPECT_EQ(FormatIsoDate(D(9999, 12, 31)), "9999-12-31");
  EXPECT_EQ(FormatIsoDate(D(-1, 3, 4)), printf_date(-1, 3, 4));
  EXPECT_EQ(FormatIsoDate(D(12345, 6, 7)), "12345-06-07");
  EXPECT_EQ(FormatIsoDate(D(2027, 13, 120)), printf_date(2027, 13, 120));  // not a day: as printf
  EXPECT_EQ(FormatIsoTimestamp(*ParseIsoTimestamp("1969-12-31T23:59:59.999Z")),
            "1969-12-31T23:59:59Z");
  EXPECT_EQ(FormatIsoTimestamp(*ParseIsoTimestamp("2027-03-09T07:08:05Z")), "2027-03-09T07:08:05Z");
  // Local times, read back to the same instant (appointment slots, VAP-APPT).
  const Timestamp visit = *ParseIsoTimestamp("2027-03-09T04:00:00Z");
  EXPECT_EQ(FormatLocalTimestamp(visit, std::chrono::minutes(330)), "2027-03-09T09:30:00+05:30");
  EXPECT_EQ(FormatLocalTimestamp(visit, std::chrono::hours(-5)), "2027-03-08T23:00:00-05:00");
  EXPECT_EQ(FormatLocalTimestamp(visit, std::chrono::seconds(0)), "2027-03-09T04:00:00+00:00");
  for (const int minutes : {-599, -330, 0, 345, 825}) {
    const std::string local = FormatLocalTimestamp(visit, std::chrono::minutes(minutes));
    EXPECT_EQ(*ParseIsoTimestamp(local), visit) << local;
  }
  EXPECT_EQ(FormatIsoTimestamp(*ParseIsoTimestamp("1900-01-01T00:00:00Z")), "1900-01-01T00:00:00Z");
}

TEST(Time, ParsesInstantsWithZonesAndFractions) {
  EXPECT_EQ(FormatIsoTimestamp(*ParseIsoTimestamp("2023-07-26T12:00:00Z")), "2023-07-26T12:00:00Z");
  EXPECT_EQ(FormatIsoTimestamp(*ParseIsoTimestamp("2023-07-26T12:00:00+02:00")),
            "2023-07-26T10:00:00Z");
  EXPECT_EQ(FormatIsoTimestamp(*ParseIsoTimestamp("2023-07-26T23:30-0100")),
            "2023-07-27T00:30:00Z");
  EXPECT_EQ(FormatIsoTimestamp(*ParseIsoTimestamp("2023-07-26")), "2023-07-26T00:00:00Z");
  EXPECT_EQ(FormatIsoTimestamp(*ParseIsoTimestamp("2023-07-26T12:00")), "2023-07-26T12:00:00Z");
  const auto frac = *ParseIsoTimestamp("2023-07-26T12:00:00.250Z");
  EXPECT_EQ(frac - *ParseIsoTimestamp("2023-07-26T12:00:00Z"), std::chrono::milliseconds(250));
  for (const char* bad : {"2023-07-26T25:00:00Z", "2023-07-26X12:00", "2023-07-26T12:00:00Q",
                          "2023-07-26T12:00:00+2", "2023-07-26T12:00:00.Z", "2023-07"}) {
    const auto r = ParseIsoTimestamp(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().code, "invalid-timestamp");
  }
}

TEST(Time, CalendarArithmetic) {
  EXPECT_EQ(AddDays(D(2024, 2, 28), 1), D(2024, 2, 29));
  EXPECT_EQ(AddDays(D(2024, 3, 1), -1), D(2024, 2, 29));
  EXPECT_EQ(DaysBetween(D(2026, 1, 1), D(2026, 12, 31)), 364);
  EXPECT_EQ(DaysBetween(D(2026, 1, 2), D(2026, 1, 1)), -1);
  EXPECT_EQ(AddMonths(D(2024, 8, 31), 6), D(2025, 2, 28));
  EXPECT_EQ(AddMonths(D(2024, 3, 31), -1), D(2024, 2, 29));
  EXPECT_EQ(AddMonths(D(2024, 1, 15), 12), D(2025, 1, 15));
  EXPECT_EQ(AddYears(D(2024, 2, 29), 1), D(2025, 2, 28));
  EXPECT_EQ(AddYears(D(2024, 2, 29), 4), D(2028, 2, 29));
  EXPECT_EQ(UtcDateOf(*ParseIsoTimestamp("2026-11-22T23:59:59Z")), D(2026, 11, 22));
  EXPECT_EQ(UtcDateOf(*ParseIsoTimestamp("2026-11-22T23:59:59-01:00")), D(2026, 11, 23));
}

TEST(Ids, AreDistinctTypesWithValueSemantics) {
  static_assert(!std::is_convertible_v<ApplicationId, VisaNumber>);
  static_assert(!std::is_convertible_v<std::string, ApplicationId>);
  const ApplicationId a("APP-1");
  const ApplicationId b("APP-2");
  EXPECT_LT(a, b);
  EXPECT_EQ(a, ApplicationId("APP-1"));
  std::unordered_set<ApplicationId> set{a, b, a};
  EXPECT_EQ(set.size(), 2U);
}

TEST(Random, SeededSequencesRepeatAndDiffer) {
  SeededRandom r1(42);
  SeededRandom r2(42);
  SeededRandom r3(43);
  const std::string t1 = r1.HexToken(16);
  EXPECT_EQ(t1.size(), 32U);
  EXPECT_EQ(t1, r2.HexToken(16));
  EXPECT_NE(t1, r3.HexToken(16));
  EXPECT_NE(t1, r1.HexToken(16));
}

TEST(Random, SystemRandomDoesNotRepeat) {
  SystemRandom r;
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) seen.insert(r.HexToken(16));
  EXPECT_EQ(seen.size(), 100U);
}

TEST(JsonText, TheWriterPutsSeparatorsBetweenMembersAndElements) {
  JsonWriter w;
  w.BeginObject().Key("fits").Bool(true).Key("days").BeginArray().Int(3).Int(-4).EndArray();
  w.Key("empty").BeginObject().EndObject().Key("none").BeginArray().EndArray();
  w.Key("stays").BeginArray().BeginObject().Key("state").String("FR").EndObject();
  w.BeginObject().EndObject().EndArray().Key("fee").Number(90).Key("x").Null();
  w.Key("raw").Raw(R"({"a":1})").Key("texts").Strings({"a", "b"}).Key("no_texts").Strings({});
  w.EndObject();
  EXPECT_EQ(std::move(w).Text(),
            R"({"fits":true,"days":[3,-4],"empty":{},"none":[],"stays":[{"state":"FR"},{}],)"
            R"("fee":90.0,"x":null,"raw":{"a":1},"texts":["a","b"],"no_texts":[]})");
}

// The text is nlohmann::json's for the same value, so that either writer may produce a stored
// document or a response.
TEST(JsonText, StringsAndNumbersAreWrittenAsNlohmannJsonWritesThem) {
  std::vector<std::string> texts = {"",
                                    "ERIKSSON",
                                    "a\"b\\c/d\x7f",
                                    "\xc3\xa9\xe2\x82\xac\xf0\x9d\x84\x9e",
                                    "tab\there\r\n",
                                    std::string("nul\0end", 7)};
  std::string controls;
  for (char c = 0; c < 0x20; ++c) controls += c;
  texts.push_back(controls);
  for (const std::string& text : texts) {
    JsonWriter w;
    w.String(text);
    EXPECT_EQ(std::move(w).Text(), nlohmann::json(text).dump()) << text;
  }
  for (const double value : {0.0, 90.0, 35.5, 0.1, -2.5e-7, 1e300, 123456789012.0}) {
    JsonWriter w;
    w.Number(value);
    const std::string text = std::move(w).Text();
    EXPECT_EQ(text, nlohmann::json(value).dump());
    EXPECT_EQ(nlohmann::json::parse(text).get<double>(), value);
  }
  JsonWriter w;
  w.BeginArray().Number(std::numeric_limits<double>::infinity()).Number(std::nan("")).EndArray();
  EXPECT_EQ(std::move(w).Text(), "[null,null]");
}

// `text` as nlohmann::json writes it, invalid UTF-8 replaced (what AppendJsonString matches).
std::string NlohmannText(const std::string& text) {
  return nlohmann::json(text).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// Long plain runs are skipped eight bytes at a time: a character that needs escaping (or is not
// ASCII) is found at every offset of such a run, and bytes next to the limits are left alone.
TEST(JsonText, EveryOffsetOfALongTextIsLookedAt) {
  const std::string plain = "The applicant ~ !#$%&'()*+,-./0123456789:;<=>?@[]^_`{|}\x7f";
  const std::vector<std::string> specials = {"\"",       std::string(1, 0x5c), "\n",
                                             "\x1f",     std::string(1, '\0'), " ",
                                             "\xc3\xa9", "\xe2\x82\xac",       "\xff"};
  for (const std::string& special : specials) {
    for (std::size_t at = 0; at <= plain.size(); ++at) {
      const std::string text = plain.substr(0, at) + special + plain.substr(at);
      std::string out;
      AppendJsonString(out, text);
      EXPECT_EQ(out, NlohmannText(text)) << at;
    }
  }
}

// Long texts: the room made for a text grows when escaping makes it longer (texts where every
// byte becomes \u00XX, or a quote pair), sequences of several bytes and invalid ones at many
// places of a long text, all written as nlohmann::json writes them, after what `out` held.
TEST(JsonText, LongTextsAreWrittenWholeWhateverTheyGrowTo) {
  std::string plain;
  while (plain.size() < 3000) plain += "Visa Code Art 24(2) ";
  // Each special, and what it reads as (invalid UTF-8: one U+FFFD per byte that starts no
  // valid sequence).
  const std::string fffd = "\xef\xbf\xbd";
  const std::vector<std::pair<std::string, std::string>> specials = {
      {"\"", "\""},
      {"\n", "\n"},
      {std::string(1, '\0'), std::string(1, '\0')},
      {"\xc3\xa9", "\xc3\xa9"},
      {"\xf0\x9d\x84\x9e", "\xf0\x9d\x84\x9e"},
      {"\xff", fffd},
      {"\xe2\x82", fffd + fffd}};
  for (const auto& [special, reads_as] : specials) {
    for (std::size_t at : {1013U, 1017U, 1020U, 1021U, 1022U, 1023U, 1024U, 1025U, 1031U, 2046U,
                           2047U, 2048U, 2049U}) {
      std::string out = "prefix:";
      AppendJsonString(out, plain.substr(0, at) + special + plain.substr(at));
      ASSERT_EQ(out, "prefix:" + NlohmannText(plain.substr(0, at) + reads_as + plain.substr(at)))
          << at;
    }
  }
  std::string controls;
  std::string euros;
  std::string quotes;
  for (int i = 0; i < 2500; ++i) {
    controls += static_cast<char>(i % 0x20);
    euros += "\xe2\x82\xac";
    quotes += i % 3 == 0 ? "\\" : "\"";
  }
  for (const std::string& text : {controls, euros, quotes, controls + euros}) {
    std::string out;
    AppendJsonString(out, text);
    EXPECT_EQ(out, NlohmannText(text));
  }
  std::string out;
  AppendJsonString(out, euros.substr(1));  // two bytes that start nothing, then euros
  EXPECT_EQ(out, NlohmannText(fffd + fffd + euros.substr(3)));
}

// The writer puts every piece into room it keeps after its text, growing it as needed: a
// document of many members and long texts (one that grows sixfold when escaped) comes out
// whole, as nlohmann::json writes the same value, and the room asked for is not kept with it.
TEST(JsonText, TheWriterGrowsItsRoomForAnyDocument) {
  std::string controls;
  for (int i = 0; i < 3000; ++i) controls += static_cast<char>(i % 0x20);
  nlohmann::json expected = nlohmann::json::object();
  JsonWriter w;
  w.BeginObject();
  for (int i = 0; i < 300; ++i) {
    const std::string key = "member_" + std::to_string(1000 + i);
    const std::string value = i % 50 == 7 ? controls : "value \"" + std::to_string(i) + "\"";
    w.Key(key).String(value);
    expected[key] = value;
  }
  w.EndObject();
  const std::string text = std::move(w).Text();
  EXPECT_EQ(text, expected.dump());
  EXPECT_LE(text.capacity(), 2 * text.size() + 256);
}

// Short texts of every length (past the eight bytes looked at together, several times), plain
// and with a character to escape last, are written whole.
TEST(JsonText, ShortTextsOfEveryLengthAreWrittenWhole) {
  for (std::size_t n = 0; n <= 80; ++n) {
    std::string text;
    for (std::size_t i = 0; i < n; ++i) text += static_cast<char>('a' + i % 26);
    for (const std::string& t : {text, text + "\"", text + "\xc3\xa9"}) {
      std::string out = "[";
      AppendJsonString(out, t);
      EXPECT_EQ(out, "[" + nlohmann::json(t).dump()) << n;
    }
  }
  // A character to escape, or one that is not ASCII, at every place of a short text (shorter
  // than the eight bytes looked at together, or a few past them) is found.
  const std::vector<std::string> specials = {
      "\"", std::string(1, 0x5c), "\n", "\x1f", std::string(1, '\0'), "\xc3\xa9", "\xff"};
  for (std::size_t n = 0; n <= 17; ++n) {
    const std::string text = std::string("Visa Code Art 24(2)").substr(0, n);
    for (const std::string& special : specials) {
      for (std::size_t at = 0; at <= n; ++at) {
        const std::string t = text.substr(0, at) + special + text.substr(at);
        std::string out;
        AppendJsonString(out, t);
        EXPECT_EQ(out, NlohmannText(t)) << n << " " << at;
      }
    }
  }
}

TEST(JsonText, TextsThatAreUtf8WithoutNulAreToldApart) {
  std::string long_plain;
  while (long_plain.size() < 100) long_plain += "Visa Code Art 24 ";
  for (const std::string& good :
       {std::string(), std::string("ERIKSSON"), long_plain, long_plain + "\xc3\xa9",
        "\xe2\x82\xac" + long_plain + "\xf0\x9d\x84\x9e", std::string("tab\tnew\nline\x7f")}) {
    EXPECT_TRUE(IsUtf8WithoutNul(good)) << good;
  }
  for (const std::string& bad :
       {std::string(1, '\0'), long_plain + std::string(1, '\0'), std::string("\xff"),
        long_plain + "\xc3", "\xed\xa0\x80" + long_plain,
        long_plain.substr(0, 13) + "\xc0\xaf" + long_plain}) {
    EXPECT_FALSE(IsUtf8WithoutNul(bad)) << bad;
  }
  // A NUL or a bad byte at every offset of a long plain text is found.
  for (std::size_t at = 0; at <= long_plain.size(); ++at) {
    for (const std::string& bad : {std::string(1, '\0'), std::string("\x80")}) {
      EXPECT_FALSE(IsUtf8WithoutNul(long_plain.substr(0, at) + bad + long_plain.substr(at))) << at;
    }
  }
}

TEST(JsonText, InvalidUtf8BecomesReplacementCharacters) {
  const std::string fffd = "\xef\xbf\xbd";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"a\xff", "a" + fffd},                            // never valid
      {"\xc3", fffd},                                   // cut short
      {"\xc3(", fffd + "("},                            // continuation missing
      {"\xc0\xaf", fffd + fffd},                        // overlong '/'
      {"\xed\xa0\x80", fffd + fffd + fffd},             // a surrogate
      {"\xf4\x90\x80\x80", fffd + fffd + fffd + fffd},  // above U+10FFFF
      {"\xe2\x82", fffd + fffd},                        // cut short, then its continuation alone
  };
  for (const auto& [text, expected] : cases) {
    std::string out;
    AppendJsonString(out, text);
    ASSERT_TRUE(nlohmann::json::accept(out)) << out;
    EXPECT_EQ(nlohmann::json::parse(out).get<std::string>(), expected) << out;
  }
}

TEST(EuroText, CentsAreWrittenAsInASentence) {
  EXPECT_EQ(EuroText(9000), "90");
  EXPECT_EQ(EuroText(1250), "12.50");
  EXPECT_EQ(EuroText(1205), "12.05");
  EXPECT_EQ(EuroText(5), "0.05");
  EXPECT_EQ(EuroText(0), "0");
  EXPECT_EQ(EuroText(-4550), "-45.50");
  EXPECT_EQ(EuroText(std::numeric_limits<std::int64_t>::min()), "-92233720368547758.08");
}

}  // namespace
}  // namespace openvap
