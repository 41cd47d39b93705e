#include "base/time.h"

#include <algorithm>
#include <cstdio>

namespace openvap {
namespace {

using std::chrono::day;
using std::chrono::days;
using std::chrono::month;
using std::chrono::sys_days;
using std::chrono::year;

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Reads exactly `width` decimal digits at `pos`; -1 when they are not all digits.
int ReadDigits(std::string_view text, std::size_t pos, std::size_t width) {
  if (pos + width > text.size()) return -1;
  int value = 0;
  for (std::size_t i = 0; i < width; ++i) {
    const char c = text[pos + i];
    if (!IsDigit(c)) return -1;
    value = value * 10 + (c - '0');
  }
  return value;
}

Error InvalidTimestamp(std::string_view text, std::string_view why) {
  return Error{"invalid-timestamp",
               "'" + std::string(text) +
                   "' is not an ISO 8601 instant (YYYY-MM-DDTHH:MM:SSZ): " + std::string(why)};
}

}  // namespace

Result<Date> ParseIsoDate(std::string_view text) {
  const auto fail = [&](std::string_view why) {
    return Error{"invalid-date", "'" + std::string(text) +
                                     "' is not a date in the form YYYY-MM-DD: " + std::string(why)};
  };
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return fail("wrong shape");
  const int y = ReadDigits(text, 0, 4);
  const int m = ReadDigits(text, 5, 2);
  const int d = ReadDigits(text, 8, 2);
  if (y < 0 || m < 0 || d < 0) return fail("non-digit characters");
  const Date date{year{y}, month{static_cast<unsigned>(m)}, day{static_cast<unsigned>(d)}};
  if (!date.ok()) return fail("no such day");
  return date;
}

namespace {

// Writes `value` (0 <= value < 10^width) as `width` decimal digits at `out`.
void PutDigits(char* out, unsigned value, int width) {
  for (int i = width - 1; i >= 0; --i) {
    out[i] = static_cast<char>('0' + value % 10);
    value /= 10;
  }
}

}  // namespace

std::string FormatIsoDate(Date date) {
  // Dates are written a dozen times per request (documents, pre-checks, responses): digits by
  // hand rather than through snprintf's format interpreter (docs/PERFORMANCE.md).
  const int y = static_cast<int>(date.year());
  if (y < 0 || y > 9999 || !date.ok()) {
    char buf[24];
    (void)std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", y, static_cast<unsigned>(date.month()),
                        static_cast<unsigned>(date.day()));
    return buf;
  }
  std::string out(10, '-');
  PutDigits(out.data(), static_cast<unsigned>(y), 4);
  PutDigits(out.data() + 5, static_cast<unsigned>(date.month()), 2);
  PutDigits(out.data() + 8, static_cast<unsigned>(date.day()), 2);
  return out;
}

Result<Timestamp> ParseIsoTimestamp(std::string_view text) {
  if (text.size() < 10) return InvalidTimestamp(text, "too short");
  auto date = ParseIsoDate(text.substr(0, 10));
  if (!date.ok()) return InvalidTimestamp(text, "bad date part");
  auto instant = StartOfDayUtc(*date);
  if (text.size() == 10) return instant;
  if (text[10] != 'T' && text[10] != 't' && text[10] != ' ') {
    return InvalidTimestamp(text, "expected 'T' after the date");
  }
  std::size_t pos = 11;
  const int hh = ReadDigits(text, pos, 2);
  if (hh < 0 || pos + 2 >= text.size() || text[pos + 2] != ':') {
    return InvalidTimestamp(text, "bad hour");
  }
  const int mm = ReadDigits(text, pos + 3, 2);
  if (mm < 0) return InvalidTimestamp(text, "bad minute");
  pos += 5;
  int ss = 0;
  std::chrono::nanoseconds fraction{0};
  if (pos < text.size() && text[pos] == ':') {
    ss = ReadDigits(text, pos + 1, 2);
    if (ss < 0) return InvalidTimestamp(text, "bad second");
    pos += 3;
    if (pos < text.size() && (text[pos] == '.' || text[pos] == ',')) {
      ++pos;
      std::int64_t scale = 100'000'000;
      const std::size_t start = pos;
      while (pos < text.size() && IsDigit(text[pos])) {
        fraction += std::chrono::nanoseconds((text[pos] - '0') * scale);
        scale /= 10;
        ++pos;
      }
      if (pos == start) return InvalidTimestamp(text, "empty fraction of a second");
    }
  }
  // ss == 60 is accepted as a leap second and folds into the next minute.
  if (hh > 23 || mm > 59 || ss > 60) return InvalidTimestamp(text, "time out of range");
  instant += std::chrono::hours(hh) + std::chrono::minutes(mm) + std::chrono::seconds(ss) +
             std::chrono::duration_cast<Timestamp::duration>(fraction);
  if (pos == text.size()) return instant;
  if ((text[pos] == 'Z' || text[pos] == 'z') && pos + 1 == text.size()) return instant;
  if (text[pos] == '+' || text[pos] == '-') {
    const int oh = ReadDigits(text, pos + 1, 2);
    int om = 0;
    std::size_t end = pos + 3;
    if (end < text.size() && text[end] == ':') {
      om = ReadDigits(text, end + 1, 2);
      end += 3;
    } else if (end + 2 == text.size()) {
      om = ReadDigits(text, end, 2);
      end += 2;
    }
    if (oh < 0 || om < 0 || oh > 23 || om > 59 || end != text.size()) {
      return InvalidTimestamp(text, "bad UTC offset");
    }
    const auto offset = std::chrono::hours(oh) + std::chrono::minutes(om);
    return text[pos] == '+' ? instant - offset : instant + offset;
  }
  return InvalidTimestamp(text, "unexpected characters after the time");
}

std::string FormatIsoTimestamp(Timestamp instant) {
  const auto secs = std::chrono::floor<std::chrono::seconds>(instant);
  const auto day_start = std::chrono::floor<days>(secs);
  const Date date{day_start};
  const std::chrono::hh_mm_ss hms{secs - day_start};
  std::string out = FormatIsoDate(date);
  const std::size_t at = out.size();
  out.append("T00:00:00Z");
  PutDigits(out.data() + at + 1, static_cast<unsigned>(hms.hours().count()), 2);
  PutDigits(out.data() + at + 4, static_cast<unsigned>(hms.minutes().count()), 2);
  PutDigits(out.data() + at + 7, static_cast<unsigned>(hms.seconds().count()), 2);
  return out;
}

std::string FormatLocalTimestamp(Timestamp instant, std::chrono::seconds utc_offset) {
  std::string out = FormatIsoTimestamp(instant + utc_offset);
  out.pop_back();  // the Z
  const auto minutes = std::chrono::duration_cast<std::chrono::minutes>(utc_offset).count();
  const auto magnitude = static_cast<unsigned>(minutes < 0 ? -minutes : minutes);
  const std::size_t at = out.size();
  out.append(minutes < 0 ? "-00:00" : "+00:00");
  PutDigits(out.data() + at + 1, magnitude / 60, 2);
  PutDigits(out.data() + at + 4, magnitude % 60, 2);
  return out;
}

Date UtcDateOf(Timestamp instant) { return Date{std::chrono::floor<days>(instant)}; }

Timestamp StartOfDayUtc(Date date) { return Timestamp(sys_days(date)); }

Date AddDays(Date date, int n) { return Date{sys_days(date) + days(n)}; }

int DaysBetween(Date from, Date to) {
  return static_cast<int>((sys_days(to) - sys_days(from)).count());
}

Date AddMonths(Date date, int months) {
  const auto ym = std::chrono::year_month{date.year(), date.month()} + std::chrono::months(months);
  const std::chrono::year_month_day_last last{ym.year(), std::chrono::month_day_last{ym.month()}};
  return Date{ym.year(), ym.month(), std::min(date.day(), last.day())};
}

Date AddYears(Date date, int years) { return AddMonths(date, years * 12); }

}  // namespace openvap
