#include "seal/mrz.h"

namespace openvap::seal {
namespace {

int MrzValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'Z') return c - 'A' + 10;
  if (c == '<') return 0;
  return -1;
}

std::string Trim(std::string_view s) {
  std::string out(s);
  while (!out.empty() && out.back() == '<') out.pop_back();
  return out;
}

// "SURNAME<<GIVEN<NAMES" -> surname, given names with single spaces.
void SplitName(std::string_view field, Mrz& m) {
  const std::size_t sep = field.find("<<");
  const auto spaced = [](std::string_view s) {
    std::string out = Trim(s);
    for (char& c : out) {
      if (c == '<') c = ' ';
    }
    return out;
  };
  m.surname = spaced(field.substr(0, sep));
  m.given_names = sep == std::string_view::npos ? "" : spaced(field.substr(sep + 2));
}

// Adds a check of `digit` over `data` when both fit in the text.
void Check(Mrz& m, std::string_view text, std::size_t from, std::size_t len, std::size_t digit_at,
           const char* field) {
  if (digit_at >= text.size() || from + len > text.size()) return;
  const char d = text[digit_at];
  const int expected = MrzCheckDigit(text.substr(from, len));
  m.checks.push_back({field, d >= '0' && d <= '9' && d - '0' == expected});
}

std::string Field(std::string_view text, std::size_t from, std::size_t len) {
  if (from >= text.size()) return "";
  return std::string(text.substr(from, std::min(len, text.size() - from)));
}

}  // namespace

int MrzCheckDigit(std::string_view text) {
  constexpr int kWeights[] = {7, 3, 1};
  int sum = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const int v = MrzValue(text[i]);
    if (v < 0) return -1;
    sum += v * kWeights[i % 3];
  }
  return sum % 10;
}

Result<Mrz> ParseMrz(std::string_view text, std::string_view hint) {
  for (char c : text) {
    if (MrzValue(c) < 0) {
      return Error{"malformed-mrz", std::string("character '") + c + "' is not allowed in an MRZ"};
    }
  }
  Mrz m;
  m.text = std::string(text);
  const std::size_t n = text.size();
  if (n == 90) {  // TD1, 9303-5: 3 x 30
    m.format = "TD1";
    m.document_code = Trim(text.substr(0, 2));
    m.issuing_state = Trim(text.substr(2, 3));
    m.document_number = Trim(text.substr(5, 9));
    Check(m, text, 5, 9, 14, "document_number");
    m.optional_data = Trim(text.substr(15, 15));
    m.date_of_birth = Field(text, 30, 6);
    Check(m, text, 30, 6, 36, "date_of_birth");
    m.sex = Field(text, 37, 1);
    m.date_of_expiry = Field(text, 38, 6);
    Check(m, text, 38, 6, 44, "date_of_expiry");
    m.nationality = Trim(text.substr(45, 3));
    const std::string composite =
        std::string(text.substr(5, 25)) + std::string(text.substr(30, 7)) +
        std::string(text.substr(38, 7)) + std::string(text.substr(48, 11));
    m.checks.push_back({"composite", text[59] - '0' == MrzCheckDigit(composite)});
    SplitName(text.substr(60, 30), m);
    return m;
  }
  // Two-line formats: the first line has 44 (TD3, MRV-A) or 36 characters (TD2, MRV-B); the
  // second may be shortened (the VDS visa profile keeps 28 characters).
  std::size_t line = 0;
  const bool short_lines = hint == "TD2" || hint == "MRV-B";
  const bool fits_long = n >= 44 + 28 && n <= 88;
  const bool fits_short = n >= 36 + 28 && n <= 72;
  if (fits_long && !(short_lines && fits_short)) {
    line = 44;
  } else if (fits_short) {
    line = 36;
  } else {
    return Error{"malformed-mrz", "an MRZ of " + std::to_string(n) +
                                      " characters fits no ICAO format (TD1 90, TD2 72, TD3 88)"};
  }
  const std::string_view l1 = text.substr(0, line);
  const std::string_view l2 = text.substr(line);
  m.document_code = Trim(l1.substr(0, 2));
  const bool visa = !m.document_code.empty() && m.document_code[0] == 'V';
  if (line == 44) {
    m.format = visa || hint == "MRV-A" ? "MRV-A" : "TD3";
  } else {
    m.format = visa || hint == "MRV-B" ? "MRV-B" : "TD2";
  }
  m.issuing_state = Trim(l1.substr(2, 3));
  SplitName(l1.substr(5), m);
  m.document_number = Trim(Field(l2, 0, 9));
  Check(m, l2, 0, 9, 9, "document_number");
  m.nationality = Trim(Field(l2, 10, 3));
  m.date_of_birth = Field(l2, 13, 6);
  Check(m, l2, 13, 6, 19, "date_of_birth");
  m.sex = Field(l2, 20, 1);
  m.date_of_expiry = Field(l2, 21, 6);
  Check(m, l2, 21, 6, 27, "date_of_expiry");
  m.optional_data = Trim(Field(l2, 28, line - 28));
  const bool full = l2.size() == line;
  if (full && (m.format == "TD3" || m.format == "TD2")) {
    const std::size_t last = line - 1;
    if (m.format == "TD3") Check(m, l2, 28, 14, 42, "personal_number");
    const std::string composite = std::string(l2.substr(0, 10)) + std::string(l2.substr(13, 7)) +
                                  std::string(l2.substr(21, last - 21));
    m.checks.push_back({"composite", l2[last] - '0' == MrzCheckDigit(composite)});
  }
  return m;
}

nlohmann::json ToJson(const Mrz& m) {
  nlohmann::json checks = nlohmann::json::object();
  for (const MrzCheck& c : m.checks) checks[c.field] = c.valid;
  return {{"format", m.format},
          {"document_code", m.document_code},
          {"issuing_state", m.issuing_state},
          {"surname", m.surname},
          {"given_names", m.given_names},
          {"document_number", m.document_number},
          {"nationality", m.nationality},
          {"date_of_birth", m.date_of_birth},
          {"sex", m.sex},
          {"date_of_expiry", m.date_of_expiry},
          {"optional_data", m.optional_data},
          {"check_digits", checks},
          {"text", m.text}};
}

}  // namespace openvap::seal
