#include "rules/names.h"

#include <algorithm>
#include <cstdint>
#include <cstdio>

namespace openvap::rules {
namespace {

struct Transliteration {
  std::uint32_t code_point;
  std::string_view latin;
};

// ICAO 9303-3 section 6, Table A (Latin-based characters): the recommended MRZ spelling of
// each letter with a diacritic, upper and lower case (generated from the Unicode canonical
// decompositions, with the special cases Ä AE, Å AA, Æ AE, Ð D, Ö OE, Ø OE, Ü UE, ß SS, Þ TH,
// Œ OE, Ĳ IJ, Đ D, Ħ H, ı I, Ŀ L, Ł L, Ŋ N, Ŧ T, ĸ K).
constexpr Transliteration kLatinTable[] = {
    {0x00C0, "A"},  {0x00C1, "A"},  {0x00C2, "A"},  {0x00C3, "A"},  {0x00C4, "AE"}, {0x00C5, "AA"},
    {0x00C6, "AE"}, {0x00C7, "C"},  {0x00C8, "E"},  {0x00C9, "E"},  {0x00CA, "E"},  {0x00CB, "E"},
    {0x00CC, "I"},  {0x00CD, "I"},  {0x00CE, "I"},  {0x00CF, "I"},  {0x00D0, "D"},  {0x00D1, "N"},
    {0x00D2, "O"},  {0x00D3, "O"},  {0x00D4, "O"},  {0x00D5, "O"},  {0x00D6, "OE"}, {0x00D8, "OE"},
    {0x00D9, "U"},  {0x00DA, "U"},  {0x00DB, "U"},  {0x00DC, "UE"}, {0x00DD, "Y"},  {0x00DE, "TH"},
    {0x00DF, "SS"}, {0x00E0, "A"},  {0x00E1, "A"},  {0x00E2, "A"},  {0x00E3, "A"},  {0x00E4, "AE"},
    {0x00E5, "AA"}, {0x00E6, "AE"}, {0x00E7, "C"},  {0x00E8, "E"},  {0x00E9, "E"},  {0x00EA, "E"},
    {0x00EB, "E"},  {0x00EC, "I"},  {0x00ED, "I"},  {0x00EE, "I"},  {0x00EF, "I"},  {0x00F0, "D"},
    {0x00F1, "N"},  {0x00F2, "O"},  {0x00F3, "O"},  {0x00F4, "O"},  {0x00F5, "O"},  {0x00F6, "OE"},
    {0x00F8, "OE"}, {0x00F9, "U"},  {0x00FA, "U"},  {0x00FB, "U"},  {0x00FC, "UE"}, {0x00FD, "Y"},
    {0x00FE, "TH"}, {0x00FF, "Y"},  {0x0100, "A"},  {0x0101, "A"},  {0x0102, "A"},  {0x0103, "A"},
    {0x0104, "A"},  {0x0105, "A"},  {0x0106, "C"},  {0x0107, "C"},  {0x0108, "C"},  {0x0109, "C"},
    {0x010A, "C"},  {0x010B, "C"},  {0x010C, "C"},  {0x010D, "C"},  {0x010E, "D"},  {0x010F, "D"},
    {0x0110, "D"},  {0x0111, "D"},  {0x0112, "E"},  {0x0113, "E"},  {0x0114, "E"},  {0x0115, "E"},
    {0x0116, "E"},  {0x0117, "E"},  {0x0118, "E"},  {0x0119, "E"},  {0x011A, "E"},  {0x011B, "E"},
    {0x011C, "G"},  {0x011D, "G"},  {0x011E, "G"},  {0x011F, "G"},  {0x0120, "G"},  {0x0121, "G"},
    {0x0122, "G"},  {0x0123, "G"},  {0x0124, "H"},  {0x0125, "H"},  {0x0126, "H"},  {0x0127, "H"},
    {0x0128, "I"},  {0x0129, "I"},  {0x012A, "I"},  {0x012B, "I"},  {0x012C, "I"},  {0x012D, "I"},
    {0x012E, "I"},  {0x012F, "I"},  {0x0130, "I"},  {0x0131, "I"},  {0x0132, "IJ"}, {0x0133, "IJ"},
    {0x0134, "J"},  {0x0135, "J"},  {0x0136, "K"},  {0x0137, "K"},  {0x0138, "K"},  {0x0139, "L"},
    {0x013A, "L"},  {0x013B, "L"},  {0x013C, "L"},  {0x013D, "L"},  {0x013E, "L"},  {0x013F, "L"},
    {0x0140, "L"},  {0x0141, "L"},  {0x0142, "L"},  {0x0143, "N"},  {0x0144, "N"},  {0x0145, "N"},
    {0x0146, "N"},  {0x0147, "N"},  {0x0148, "N"},  {0x014A, "N"},  {0x014B, "N"},  {0x014C, "O"},
    {0x014D, "O"},  {0x014E, "O"},  {0x014F, "O"},  {0x0150, "O"},  {0x0151, "O"},  {0x0152, "OE"},
    {0x0153, "OE"}, {0x0154, "R"},  {0x0155, "R"},  {0x0156, "R"},  {0x0157, "R"},  {0x0158, "R"},
    {0x0159, "R"},  {0x015A, "S"},  {0x015B, "S"},  {0x015C, "S"},  {0x015D, "S"},  {0x015E, "S"},
    {0x015F, "S"},  {0x0160, "S"},  {0x0161, "S"},  {0x0162, "T"},  {0x0163, "T"},  {0x0164, "T"},
    {0x0165, "T"},  {0x0166, "T"},  {0x0167, "T"},  {0x0168, "U"},  {0x0169, "U"},  {0x016A, "U"},
    {0x016B, "U"},  {0x016C, "U"},  {0x016D, "U"},  {0x016E, "U"},  {0x016F, "U"},  {0x0170, "U"},
    {0x0171, "U"},  {0x0172, "U"},  {0x0173, "U"},  {0x0174, "W"},  {0x0175, "W"},  {0x0176, "Y"},
    {0x0177, "Y"},  {0x0178, "Y"},  {0x0179, "Z"},  {0x017A, "Z"},  {0x017B, "Z"},  {0x017C, "Z"},
    {0x017D, "Z"},  {0x017E, "Z"},  {0x017F, "S"},  {0x01A0, "O"},  {0x01A1, "O"},  {0x01AF, "U"},
    {0x01B0, "U"},  {0x01CD, "A"},  {0x01CE, "A"},  {0x01CF, "I"},  {0x01D0, "I"},  {0x01D1, "O"},
    {0x01D2, "O"},  {0x01D3, "U"},  {0x01D4, "U"},  {0x01D5, "U"},  {0x01D6, "U"},  {0x01D7, "U"},
    {0x01D8, "U"},  {0x01D9, "U"},  {0x01DA, "U"},  {0x01DB, "U"},  {0x01DC, "U"},  {0x01DE, "A"},
    {0x01DF, "A"},  {0x01E0, "A"},  {0x01E1, "A"},  {0x01E6, "G"},  {0x01E7, "G"},  {0x01E8, "K"},
    {0x01E9, "K"},  {0x01EA, "O"},  {0x01EB, "O"},  {0x01EC, "O"},  {0x01ED, "O"},  {0x01F4, "G"},
    {0x01F5, "G"},  {0x01F8, "N"},  {0x01F9, "N"},  {0x01FA, "A"},  {0x01FB, "A"},  {0x0200, "A"},
    {0x0201, "A"},  {0x0202, "A"},  {0x0203, "A"},  {0x0204, "E"},  {0x0205, "E"},  {0x0206, "E"},
    {0x0207, "E"},  {0x0208, "I"},  {0x0209, "I"},  {0x020A, "I"},  {0x020B, "I"},  {0x020C, "O"},
    {0x020D, "O"},  {0x020E, "O"},  {0x020F, "O"},  {0x0210, "R"},  {0x0211, "R"},  {0x0212, "R"},
    {0x0213, "R"},  {0x0214, "U"},  {0x0215, "U"},  {0x0216, "U"},  {0x0217, "U"},  {0x0218, "S"},
    {0x0219, "S"},  {0x021A, "T"},  {0x021B, "T"},  {0x021E, "H"},  {0x021F, "H"},  {0x0226, "A"},
    {0x0227, "A"},  {0x0228, "E"},  {0x0229, "E"},  {0x022A, "O"},  {0x022B, "O"},  {0x022C, "O"},
    {0x022D, "O"},  {0x022E, "O"},  {0x022F, "O"},  {0x0230, "O"},  {0x0231, "O"},  {0x0232, "Y"},
    {0x0233, "Y"},  {0x1E00, "A"},  {0x1E01, "A"},  {0x1E02, "B"},  {0x1E03, "B"},  {0x1E04, "B"},
    {0x1E05, "B"},  {0x1E06, "B"},  {0x1E07, "B"},  {0x1E08, "C"},  {0x1E09, "C"},  {0x1E0A, "D"},
    {0x1E0B, "D"},  {0x1E0C, "D"},  {0x1E0D, "D"},  {0x1E0E, "D"},  {0x1E0F, "D"},  {0x1E10, "D"},
    {0x1E11, "D"},  {0x1E12, "D"},  {0x1E13, "D"},  {0x1E14, "E"},  {0x1E15, "E"},  {0x1E16, "E"},
    {0x1E17, "E"},  {0x1E18, "E"},  {0x1E19, "E"},  {0x1E1A, "E"},  {0x1E1B, "E"},  {0x1E1C, "E"},
    {0x1E1D, "E"},  {0x1E1E, "F"},  {0x1E1F, "F"},  {0x1E20, "G"},  {0x1E21, "G"},  {0x1E22, "H"},
    {0x1E23, "H"},  {0x1E24, "H"},  {0x1E25, "H"},  {0x1E26, "H"},  {0x1E27, "H"},  {0x1E28, "H"},
    {0x1E29, "H"},  {0x1E2A, "H"},  {0x1E2B, "H"},  {0x1E2C, "I"},  {0x1E2D, "I"},  {0x1E2E, "I"},
    {0x1E2F, "I"},  {0x1E30, "K"},  {0x1E31, "K"},  {0x1E32, "K"},  {0x1E33, "K"},  {0x1E34, "K"},
    {0x1E35, "K"},  {0x1E36, "L"},  {0x1E37, "L"},  {0x1E38, "L"},  {0x1E39, "L"},  {0x1E3A, "L"},
    {0x1E3B, "L"},  {0x1E3C, "L"},  {0x1E3D, "L"},  {0x1E3E, "M"},  {0x1E3F, "M"},  {0x1E40, "M"},
    {0x1E41, "M"},  {0x1E42, "M"},  {0x1E43, "M"},  {0x1E44, "N"},  {0x1E45, "N"},  {0x1E46, "N"},
    {0x1E47, "N"},  {0x1E48, "N"},  {0x1E49, "N"},  {0x1E4A, "N"},  {0x1E4B, "N"},  {0x1E4C, "O"},
    {0x1E4D, "O"},  {0x1E4E, "O"},  {0x1E4F, "O"},  {0x1E50, "O"},  {0x1E51, "O"},  {0x1E52, "O"},
    {0x1E53, "O"},  {0x1E54, "P"},  {0x1E55, "P"},  {0x1E56, "P"},  {0x1E57, "P"},  {0x1E58, "R"},
    {0x1E59, "R"},  {0x1E5A, "R"},  {0x1E5B, "R"},  {0x1E5C, "R"},  {0x1E5D, "R"},  {0x1E5E, "R"},
    {0x1E5F, "R"},  {0x1E60, "S"},  {0x1E61, "S"},  {0x1E62, "S"},  {0x1E63, "S"},  {0x1E64, "S"},
    {0x1E65, "S"},  {0x1E66, "S"},  {0x1E67, "S"},  {0x1E68, "S"},  {0x1E69, "S"},  {0x1E6A, "T"},
    {0x1E6B, "T"},  {0x1E6C, "T"},  {0x1E6D, "T"},  {0x1E6E, "T"},  {0x1E6F, "T"},  {0x1E70, "T"},
    {0x1E71, "T"},  {0x1E72, "U"},  {0x1E73, "U"},  {0x1E74, "U"},  {0x1E75, "U"},  {0x1E76, "U"},
    {0x1E77, "U"},  {0x1E78, "U"},  {0x1E79, "U"},  {0x1E7A, "U"},  {0x1E7B, "U"},  {0x1E7C, "V"},
    {0x1E7D, "V"},  {0x1E7E, "V"},  {0x1E7F, "V"},  {0x1E80, "W"},  {0x1E81, "W"},  {0x1E82, "W"},
    {0x1E83, "W"},  {0x1E84, "W"},  {0x1E85, "W"},  {0x1E86, "W"},  {0x1E87, "W"},  {0x1E88, "W"},
    {0x1E89, "W"},  {0x1E8A, "X"},  {0x1E8B, "X"},  {0x1E8C, "X"},  {0x1E8D, "X"},  {0x1E8E, "Y"},
    {0x1E8F, "Y"},  {0x1E90, "Z"},  {0x1E91, "Z"},  {0x1E92, "Z"},  {0x1E93, "Z"},  {0x1E94, "Z"},
    {0x1E95, "Z"},  {0x1E9B, "S"},  {0x1E9E, "SS"}, {0x1EA0, "A"},  {0x1EA1, "A"},  {0x1EA2, "A"},
    {0x1EA3, "A"},  {0x1EA4, "A"},  {0x1EA5, "A"},  {0x1EA6, "A"},  {0x1EA7, "A"},  {0x1EA8, "A"},
    {0x1EA9, "A"},  {0x1EAA, "A"},  {0x1EAB, "A"},  {0x1EAC, "A"},  {0x1EAD, "A"},  {0x1EAE, "A"},
    {0x1EAF, "A"},  {0x1EB0, "A"},  {0x1EB1, "A"},  {0x1EB2, "A"},  {0x1EB3, "A"},  {0x1EB4, "A"},
    {0x1EB5, "A"},  {0x1EB6, "A"},  {0x1EB7, "A"},  {0x1EB8, "E"},  {0x1EB9, "E"},  {0x1EBA, "E"},
    {0x1EBB, "E"},  {0x1EBC, "E"},  {0x1EBD, "E"},  {0x1EBE, "E"},  {0x1EBF, "E"},  {0x1EC0, "E"},
    {0x1EC1, "E"},  {0x1EC2, "E"},  {0x1EC3, "E"},  {0x1EC4, "E"},  {0x1EC5, "E"},  {0x1EC6, "E"},
    {0x1EC7, "E"},  {0x1EC8, "I"},  {0x1EC9, "I"},  {0x1ECA, "I"},  {0x1ECB, "I"},  {0x1ECC, "O"},
    {0x1ECD, "O"},  {0x1ECE, "O"},  {0x1ECF, "O"},  {0x1ED0, "O"},  {0x1ED1, "O"},  {0x1ED2, "O"},
    {0x1ED3, "O"},  {0x1ED4, "O"},  {0x1ED5, "O"},  {0x1ED6, "O"},  {0x1ED7, "O"},  {0x1ED8, "O"},
    {0x1ED9, "O"},  {0x1EDA, "O"},  {0x1EDB, "O"},  {0x1EDC, "O"},  {0x1EDD, "O"},  {0x1EDE, "O"},
    {0x1EDF, "O"},  {0x1EE0, "O"},  {0x1EE1, "O"},  {0x1EE2, "O"},  {0x1EE3, "O"},  {0x1EE4, "U"},
    {0x1EE5, "U"},  {0x1EE6, "U"},  {0x1EE7, "U"},  {0x1EE8, "U"},  {0x1EE9, "U"},  {0x1EEA, "U"},
    {0x1EEB, "U"},  {0x1EEC, "U"},  {0x1EED, "U"},  {0x1EEE, "U"},  {0x1EEF, "U"},  {0x1EF0, "U"},
    {0x1EF1, "U"},  {0x1EF2, "Y"},  {0x1EF3, "Y"},  {0x1EF4, "Y"},  {0x1EF5, "Y"},  {0x1EF6, "Y"},
    {0x1EF7, "Y"},  {0x1EF8, "Y"},  {0x1EF9, "Y"}};

// ICAO 9303-3 section 6, Table B (Cyrillic), upper case; lower case maps to the same.
constexpr Transliteration kCyrillicTable[] = {
    {0x0410, "A"},    {0x0411, "B"},  {0x0412, "V"},  {0x0413, "G"},  {0x0490, "G"},
    {0x0414, "D"},    {0x0402, "D"},  {0x0403, "G"},  {0x0415, "E"},  {0x0401, "E"},
    {0x0404, "IE"},   {0x0416, "ZH"}, {0x0417, "Z"},  {0x0405, "DZ"}, {0x0418, "I"},
    {0x0406, "I"},    {0x0407, "I"},  {0x0419, "I"},  {0x0408, "J"},  {0x041A, "K"},
    {0x041B, "L"},    {0x0409, "LJ"}, {0x041C, "M"},  {0x041D, "N"},  {0x040A, "NJ"},
    {0x041E, "O"},    {0x041F, "P"},  {0x0420, "R"},  {0x0421, "S"},  {0x0422, "T"},
    {0x040B, "C"},    {0x040C, "K"},  {0x0423, "U"},  {0x040E, "U"},  {0x0424, "F"},
    {0x0425, "KH"},   {0x0426, "TS"}, {0x0427, "CH"}, {0x040F, "DZ"}, {0x0428, "SH"},
    {0x0429, "SHCH"}, {0x042A, "IE"}, {0x042B, "Y"},  {0x042C, ""},   {0x042D, "E"},
    {0x042E, "IU"},   {0x042F, "IA"},
};

// Decodes UTF-8; false on malformed input.
bool DecodeUtf8(std::string_view text, std::u32string& out) {
  std::size_t i = 0;
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    std::uint32_t cp = 0;
    int extra = 0;
    if (c < 0x80) {
      cp = c;
    } else if (c >= 0xC2 && c <= 0xDF) {
      cp = c & 0x1Fu;
      extra = 1;
    } else if (c >= 0xE0 && c <= 0xEF) {
      cp = c & 0x0Fu;
      extra = 2;
    } else if (c >= 0xF0 && c <= 0xF4) {
      cp = c & 0x07u;
      extra = 3;
    } else {
      return false;
    }
    if (extra > 0 && i + static_cast<std::size_t>(extra) >= text.size()) return false;
    for (int k = 1; k <= extra; ++k) {
      const auto cc = static_cast<unsigned char>(text[i + static_cast<std::size_t>(k)]);
      if ((cc & 0xC0u) != 0x80u) return false;
      cp = (cp << 6) | (cc & 0x3Fu);
    }
    // Overlong three/four-byte forms, surrogates and values above U+10FFFF.
    if ((extra == 2 && cp < 0x800) || (extra == 3 && (cp < 0x10000 || cp > 0x10FFFF)) ||
        (cp >= 0xD800 && cp <= 0xDFFF)) {
      return false;
    }
    out.push_back(cp);
    i += 1 + static_cast<std::size_t>(extra);
  }
  return true;
}

std::string CodePointText(std::uint32_t cp) {
  char buf[16];
  (void)std::snprintf(buf, sizeof buf, "U+%04X", static_cast<unsigned>(cp));
  return buf;
}

std::string EncodeUtf8(std::uint32_t cp) {
  std::string out;
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
  return out;
}

bool InRange(std::uint32_t cp, std::uint32_t lo, std::uint32_t hi) { return cp >= lo && cp <= hi; }

// Latin letters or characters that are not letters of another script.
bool IsLatinOrNeutral(std::uint32_t cp) {
  return cp < 0x0370 ||                  // Basic Latin .. Latin Ext-B, IPA, modifiers, combining
         InRange(cp, 0x1AB0, 0x1AFF) ||  // combining diacritical marks extended
         InRange(cp, 0x1DC0, 0x1DFF) ||  // combining diacritical marks supplement
         InRange(cp, 0x1E00, 0x1EFF) ||  // Latin Extended Additional
         InRange(cp, 0x2000, 0x20FF) ||  // punctuation, super/subscripts, currency, combining
         InRange(cp, 0x2100, 0x214F) ||  // letterlike symbols (No, TM, degree signs)
         InRange(cp, 0x2190, 0x2BFF) ||  // arrows, mathematical operators, symbols
         InRange(cp, 0x2C60, 0x2C7F) ||  // Latin Extended-C
         InRange(cp, 0x3000, 0x3000) ||  // ideographic space
         InRange(cp, 0xA720, 0xA7FF) ||  // Latin Extended-D
         InRange(cp, 0xAB30, 0xAB6F) ||  // Latin Extended-E
         InRange(cp, 0xFB00, 0xFB06) ||  // Latin ligatures
         InRange(cp, 0xFE00, 0xFE0F) ||  // variation selectors
         InRange(cp, 0xFF01, 0xFF5E) ||  // full-width ASCII
         InRange(cp, 0x1F000, 0x1FAFF);  // emoji and pictographs
}

std::string_view Lookup(const Transliteration* begin, const Transliteration* end, std::uint32_t cp,
                        bool& found) {
  const auto* it =
      std::find_if(begin, end, [&](const Transliteration& t) { return t.code_point == cp; });
  found = it != end;
  return found ? it->latin : std::string_view();
}

std::string YyMmDd(Date date) {
  char buf[16];
  (void)std::snprintf(buf, sizeof buf, "%02d%02u%02u", static_cast<int>(date.year()) % 100,
                      static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()));
  return buf;
}

bool IsMrzText(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '<';
  });
}

std::string Pad(std::string text, std::size_t width) {
  if (text.size() < width) text.append(width - text.size(), '<');
  return text;
}

// The code points of the form field `field`'s text. Errors: "invalid-utf8" naming the field.
Result<std::u32string> DecodeField(std::string_view field, std::string_view text) {
  std::u32string code_points;
  if (!DecodeUtf8(text, code_points)) {
    return Error{"invalid-utf8", std::string(field) + ": the text is not valid UTF-8"};
  }
  return code_points;
}

// "'x' (U+0078) at character 3": the `index`th (0-based) code point, as a message shows it.
std::string CharacterAt(const std::u32string& code_points, std::size_t index) {
  const std::uint32_t cp = code_points[index];
  return "'" + EncodeUtf8(cp) + "' (" + CodePointText(cp) + ") at character " +
         std::to_string(index + 1);
}

}  // namespace

Status CheckLatinAlphabet(std::string_view field, std::string_view text) {
  // ASCII is Latin or neutral (below U+0370) throughout: most form texts need no decoding.
  if (std::all_of(text.begin(), text.end(),
                  [](char c) { return static_cast<unsigned char>(c) < 0x80; })) {
    return Ok();
  }
  OPENVAP_ASSIGN_OR_RETURN(const std::u32string code_points, DecodeField(field, text));
  for (std::size_t i = 0; i < code_points.size(); ++i) {
    if (!IsLatinOrNeutral(code_points[i])) {
      return Error{"non-latin-characters",
                   std::string(field) + ": " + CharacterAt(code_points, i) +
                       " is not a Latin-alphabet character; write this field in Latin letters "
                       "(VIS Reg Art 7b(5))"};
    }
  }
  return Ok();
}

namespace {

bool IsLatinLetter(std::uint32_t cp) {
  return (cp >= 'A' && cp <= 'Z') || (cp >= 'a' && cp <= 'z') ||
         (InRange(cp, 0x00C0, 0x024F) && cp != 0x00D7 && cp != 0x00F7) ||  // Latin-1 .. Ext-B
         InRange(cp, 0x0250, 0x02FF) ||  // IPA and modifier letters (ʼ, ʻ in names)
         InRange(cp, 0x1E00, 0x1EFF) ||  // Latin Extended Additional
         InRange(cp, 0x2C60, 0x2C7F) ||  // Latin Extended-C
         InRange(cp, 0xA720, 0xA7FF) ||  // Latin Extended-D
         InRange(cp, 0xAB30, 0xAB6F) ||  // Latin Extended-E
         InRange(cp, 0xFB00, 0xFB06);    // Latin ligatures
}

bool IsCombiningMark(std::uint32_t cp) {
  return InRange(cp, 0x0300, 0x036F) || InRange(cp, 0x1AB0, 0x1AFF) || InRange(cp, 0x1DC0, 0x1DFF);
}

bool IsNameSeparator(std::uint32_t cp) {
  return cp == ' ' || cp == 0x00A0 || cp == '-' || cp == '\'' || cp == '.' || cp == ',' ||
         cp == 0x2010 || cp == 0x2011 || cp == 0x2018 || cp == 0x2019;
}

}  // namespace

Status CheckLatinName(std::string_view field, std::string_view text) {
  OPENVAP_ASSIGN_OR_RETURN(const std::u32string code_points, DecodeField(field, text));
  if (!code_points.empty() && std::none_of(code_points.begin(), code_points.end(), IsLatinLetter)) {
    return Error{"non-latin-characters",
                 std::string(field) +
                     ": a name has letters; write it as the travel document "
                     "prints it (VIS Reg Art 7b(5))"};
  }
  for (std::size_t i = 0; i < code_points.size(); ++i) {
    const std::uint32_t cp = code_points[i];
    const bool after_letter =
        i > 0 && (IsLatinLetter(code_points[i - 1]) || IsCombiningMark(code_points[i - 1]));
    if (IsLatinLetter(cp) || IsNameSeparator(cp) || (IsCombiningMark(cp) && after_letter)) {
      continue;
    }
    return Error{"non-latin-characters",
                 std::string(field) + ": " + CharacterAt(code_points, i) +
                     " is not a letter of a name; write the name in Latin letters as the travel "
                     "document prints it (VIS Reg Art 7b(5))"};
  }
  return Ok();
}

Result<std::string> TransliterateForMrz(std::string_view name) {
  std::u32string code_points;
  if (!DecodeUtf8(name, code_points)) {
    return Error{"invalid-utf8", "the name is not valid UTF-8"};
  }
  std::string out;
  for (const std::uint32_t cp : code_points) {
    if (cp >= 'A' && cp <= 'Z') {
      out.push_back(static_cast<char>(cp));
    } else if (cp >= 'a' && cp <= 'z') {
      out.push_back(static_cast<char>(cp - 'a' + 'A'));
    } else if (cp == ' ' || cp == '-' || cp == ',' || cp == 0x2010 || cp == 0x2011) {
      // Spaces, hyphens and commas separate name components: one filler.
      if (!out.empty() && out.back() != '<') out.push_back('<');
    } else if (cp == '\'' || cp == 0x2019 || cp == '.' || cp == 0x02BC || cp == '`' ||
               InRange(cp, 0x0300, 0x036F)) {
      // Apostrophes and full stops are omitted (O'Neil -> ONEIL); combining diacritics
      // (decomposed input) are dropped like those of the precomposed letters.
    } else {
      bool found = false;
      std::string_view latin = Lookup(std::begin(kLatinTable), std::end(kLatinTable), cp, found);
      if (!found) {
        // Cyrillic lower case: а-я -> А-Я, ѐ-џ -> Ѐ-Џ, ґ -> Ґ.
        std::uint32_t upper = cp;
        if (InRange(cp, 0x0430, 0x044F)) upper = cp - 0x20;
        if (InRange(cp, 0x0450, 0x045F)) upper = cp - 0x50;
        if (cp == 0x0491) upper = 0x0490;
        latin = Lookup(std::begin(kCyrillicTable), std::end(kCyrillicTable), upper, found);
      }
      if (!found) {
        return Error{"cannot-transliterate",
                     "'" + EncodeUtf8(cp) + "' (" + CodePointText(cp) +
                         ") has no ICAO 9303 transliteration in this engine; give the name in "
                         "Latin letters as printed in the travel document"};
      }
      out.append(latin);
    }
  }
  while (!out.empty() && out.back() == '<') out.pop_back();
  return out;
}

int MrzCheckDigit(std::string_view text) {
  static constexpr int kWeights[] = {7, 3, 1};
  int sum = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    int value = 0;
    if (c >= '0' && c <= '9') {
      value = c - '0';
    } else if (c >= 'A' && c <= 'Z') {
      value = c - 'A' + 10;
    } else if (c != '<') {
      return -1;
    }
    sum += value * kWeights[i % 3];
  }
  return sum % 10;
}

Result<std::array<std::string, 2>> GenerateVisaMrz(const VisaMrzData& data, MrvFormat format) {
  const std::size_t width = format == MrvFormat::kMrvA ? 44 : 36;
  const std::size_t optional_width = format == MrvFormat::kMrvA ? 16 : 8;
  const auto field_error = [](const std::string& field, const std::string& why) {
    return Error{"invalid-mrz-field", field + ": " + why};
  };
  if (data.type_letter != '<' && (data.type_letter < 'A' || data.type_letter > 'Z')) {
    return field_error("type_letter", "must be A-Z or '<'");
  }
  if (data.issuing_state.empty() || data.issuing_state.size() > 3 ||
      !IsMrzText(data.issuing_state)) {
    return field_error("issuing_state", "expected an ICAO code of 1 to 3 letters");
  }
  if (data.nationality.empty() || data.nationality.size() > 3 || !IsMrzText(data.nationality)) {
    return field_error("nationality", "expected an ICAO code of 1 to 3 letters");
  }
  if (data.visa_number.empty() || data.visa_number.size() > 9 || !IsMrzText(data.visa_number)) {
    return field_error("visa_number", "expected 1 to 9 characters A-Z 0-9");
  }
  if (data.optional_data.size() > optional_width || !IsMrzText(data.optional_data)) {
    return field_error("optional_data",
                       "at most " + std::to_string(optional_width) + " characters A-Z 0-9 <");
  }
  char sex = data.sex;
  if (sex == 'X') sex = '<';
  if (sex != 'M' && sex != 'F' && sex != '<') return field_error("sex", "expected M, F or X");
  auto surname = TransliterateForMrz(data.surname);
  if (!surname.ok()) return field_error("surname", surname.error().message);
  if (surname->empty()) return field_error("surname", "is empty");
  auto given = TransliterateForMrz(data.given_names);
  if (!given.ok()) return field_error("given_names", given.error().message);

  // Line 1: V, type, issuing state, then the name field to the end of the line (ICAO 9303-7).
  std::string name = *surname + "<<" + *given;
  const std::size_t name_width = width - 5;
  if (name.size() > name_width) name.resize(name_width);  // truncated at the end (9303-3 4.6)
  std::string line1 =
      std::string("V") + data.type_letter + Pad(data.issuing_state, 3) + Pad(name, name_width);

  // Line 2: number + check, nationality, birth + check, sex, valid until + check, optional.
  const std::string number = Pad(data.visa_number, 9);
  const std::string birth = YyMmDd(data.date_of_birth);
  const std::string until = YyMmDd(data.valid_until);
  std::string line2 = number + std::to_string(MrzCheckDigit(number)) + Pad(data.nationality, 3) +
                      birth + std::to_string(MrzCheckDigit(birth)) + sex + until +
                      std::to_string(MrzCheckDigit(until)) +
                      Pad(data.optional_data, optional_width);
  return std::array<std::string, 2>{line1, line2};
}

}  // namespace openvap::rules
