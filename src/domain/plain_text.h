#ifndef OPENVAP_DOMAIN_PLAIN_TEXT_H_
#define OPENVAP_DOMAIN_PLAIN_TEXT_H_

// Texts that people type and the platform prints again — names, labels, receipts, remarks —
// go into seals, PDFs, e-mails and the register, where a control character either breaks the
// output (a NUL made a visa whose PDF could never be written) or hides what is shown. And the
// codes typed beside them (states, languages), which the platform looks up as they are.

#include <algorithm>
#include <cstddef>
#include <string_view>

namespace openvap::domain {

// No control characters (C0, DEL); any other byte, UTF-8 included.
inline bool IsPlainText(std::string_view text) {
  return std::none_of(text.begin(), text.end(),
                      [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7F; });
}

// The same, with line breaks and tabs allowed: notes and doubts of several lines.
inline bool IsPlainTextWithLineBreaks(std::string_view text) {
  return std::none_of(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\r' && c != '\t') ||
           c == 0x7F;
  });
}

// Whether UTF-8 `text` holds a character a reader cannot see that changes what they read: a
// control character (C0 with line breaks and tabs, DEL, C1), a line or paragraph separator
// (U+2028, U+2029) or an invisible formatting one — the bidirectional marks, embeddings,
// overrides and isolates (U+061C, U+200E-U+200F, U+202A-U+202E, U+2066-U+2069), zero-width
// characters (U+200B-U+200D, U+2060-U+2064), the soft hyphen (U+00AD), the Mongolian vowel
// separator (U+180E), variation selectors (U+FE00-U+FE0F), the byte order mark (U+FEFF),
// interlinear annotation (U+FFF9-U+FFFB) and tag characters (U+E0000-U+E007F). Names and
// addresses that reach a signed visa, its MRZ or an e-mail header must not hold them.
inline bool HasHiddenCharacters(std::string_view text) {
  const auto byte = [&text](std::size_t i) { return static_cast<unsigned char>(text[i]); };
  for (std::size_t i = 0; i < text.size(); ++i) {
    const unsigned char c = byte(i);
    if (c < 0x20 || c == 0x7F) return true;
    if (i + 1 >= text.size()) continue;
    const unsigned char d = byte(i + 1);
    if ((c == 0xC2 && ((d >= 0x80 && d <= 0x9F) || d == 0xAD)) || (c == 0xD8 && d == 0x9C)) {
      return true;
    }
    if (i + 2 >= text.size()) continue;
    const unsigned char e = byte(i + 2);
    if (c == 0xE2 && d == 0x80 && ((e >= 0x8B && e <= 0x8F) || (e >= 0xA8 && e <= 0xAE))) {
      return true;
    }
    if (c == 0xE2 && d == 0x81 && ((e >= 0xA0 && e <= 0xA4) || (e >= 0xA6 && e <= 0xA9))) {
      return true;
    }
    if ((c == 0xE1 && d == 0xA0 && e == 0x8E) || (c == 0xEF && d == 0xBB && e == 0xBF) ||
        (c == 0xEF && d == 0xB8 && e >= 0x80 && e <= 0x8F) ||
        (c == 0xEF && d == 0xBF && e >= 0xB9 && e <= 0xBB)) {
      return true;
    }
    if (c == 0xF3 && d == 0xA0 && (e == 0x80 || e == 0x81)) return true;
  }
  return false;
}

// The number of characters of UTF-8 text (its bytes that do not continue a character): limits
// that people read as characters count these, not bytes.
inline std::size_t CharacterCount(std::string_view text) {
  return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

// A code of exactly `length` ASCII letters of one case: upper case for states and countries
// (ISO 3166-1 alpha-2 "FR", ICAO alpha-3 "IND"), lower case for languages (ISO 639-1 "fr").
inline bool IsUpperCaseCode(std::string_view text, std::size_t length) {
  return text.size() == length &&
         std::all_of(text.begin(), text.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
}
inline bool IsLowerCaseCode(std::string_view text, std::size_t length) {
  return text.size() == length &&
         std::all_of(text.begin(), text.end(), [](char c) { return c >= 'a' && c <= 'z'; });
}

// Whether two texts are the same but for the case of ASCII letters ("Doe" and "DOE"; other
// bytes, UTF-8 included, compare as they are): names and codes as people type them.
inline bool EqualIgnoringCase(std::string_view a, std::string_view b) {
  const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; };
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(),
                                            [&](char x, char y) { return lower(x) == lower(y); });
}

}  // namespace openvap::domain

#endif  // OPENVAP_DOMAIN_PLAIN_TEXT_H_
