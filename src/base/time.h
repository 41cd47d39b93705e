#ifndef OPENVAP_BASE_TIME_H_
#define OPENVAP_BASE_TIME_H_

// Calendar dates and ISO 8601 text. Dates of the procedure (lodging, stays, validity) are
// civil dates without a time zone; instants (signatures, messages) are UTC timestamps.

#include <openvap/result.h>

#include <chrono>
#include <string>
#include <string_view>

#include "base/clock.h"

namespace openvap {

using Date = std::chrono::year_month_day;

// Parses YYYY-MM-DD (ISO 8601 calendar date). Errors: "invalid-date" when the text is not of
// that shape or names a day that does not exist (2023-02-29).
Result<Date> ParseIsoDate(std::string_view text);

// YYYY-MM-DD.
std::string FormatIsoDate(Date date);

// Parses an ISO 8601 instant: YYYY-MM-DD, or YYYY-MM-DDTHH:MM[:SS[.fraction]] followed by `Z`,
// `+HH:MM`/`-HH:MM`, or nothing (then UTC). A bare date means 00:00 UTC of that day.
// Errors: "invalid-timestamp".
Result<Timestamp> ParseIsoTimestamp(std::string_view text);

// YYYY-MM-DDTHH:MM:SSZ (UTC, whole seconds).
std::string FormatIsoTimestamp(Timestamp instant);

// The local time of an instant where the offset from UTC is `utc_offset`, as
// YYYY-MM-DDTHH:MM:SS+HH:MM (whole seconds; ParseIsoTimestamp reads it back to the instant).
// An offset is a whole number of minutes between -23:59 and +23:59.
std::string FormatLocalTimestamp(Timestamp instant, std::chrono::seconds utc_offset);

// The UTC calendar date of an instant.
Date UtcDateOf(Timestamp instant);

// 00:00 UTC of a date.
Timestamp StartOfDayUtc(Date date);

// `date` moved by whole days (negative moves back).
Date AddDays(Date date, int days);

// Calendar days from `from` to `to` (negative when `to` is earlier).
int DaysBetween(Date from, Date to);

// `date` moved by whole months. When the target month is shorter, the result is its last
// day (2024-08-31 + 6 months = 2025-02-28), the reading used for periods "of N months".
Date AddMonths(Date date, int months);

// `date` moved by whole years, 29 February becoming 28 February in common years.
Date AddYears(Date date, int years);

}  // namespace openvap

#endif  // OPENVAP_BASE_TIME_H_
