#ifndef OPENVAP_RULES_NAMES_H_
#define OPENVAP_RULES_NAMES_H_

// Names and machine-readable zones:
//  - VIS Art 7b(5): the alphabetic characters of the form data shall be Latin alphabet
//    characters;
//  - ICAO Doc 9303 Part 3 section 6: transliteration of names for the MRZ (Latin letters with
//    diacritics, Table A; Cyrillic, Table B);
//  - ICAO Doc 9303 Part 7: the MRZ of machine-readable visas, MRV-A (2 x 44) and MRV-B (2 x 36),
//    with the check digits of Part 3 section 4.9.

#include <openvap/result.h>

#include <array>
#include <string>
#include <string_view>

#include "base/time.h"

namespace openvap::rules {

// VIS Art 7b(5). Letters must be Latin (Basic Latin, Latin-1, Latin Extended A-E and
// Additional, IPA, Latin ligatures and full-width Latin); digits, punctuation, spaces,
// combining diacritics and symbols are neutral. Errors: "non-latin-characters" naming `field`,
// the character, its code point and its position (1-based, in characters); "invalid-utf8".
Status CheckLatinAlphabet(std::string_view field, std::string_view text);

// A person's name as the travel document prints it in its visual zone (ICAO Doc 9303-3, 3.1;
// VIS Art 7b(5)), stricter than CheckLatinAlphabet since it goes into the visa and its seal:
// Latin letters with their diacritics (precomposed, or combining after a letter), and between
// them spaces, hyphens, apostrophes, full stops and commas, and at least one letter. No digits,
// symbols, emoji or full-width
// forms. Errors: "non-latin-characters" naming the character, as CheckLatinAlphabet;
// "invalid-utf8".
Status CheckLatinName(std::string_view field, std::string_view text);

// ICAO 9303-3 section 6 for the MRZ: upper-case A-Z with '<' for spaces, hyphens and commas;
// apostrophes and other punctuation omitted; Ä -> AE, Å -> AA, Ö/Ø -> OE, Ü -> UE, ß -> SS,
// Þ -> TH, other diacritics dropped (É -> E); Cyrillic per Table B (Ж -> ZH, Щ -> SHCH). Errors:
// "cannot-transliterate" naming the first character with no rule (e.g. Greek, CJK);
// "invalid-utf8".
Result<std::string> TransliterateForMrz(std::string_view name);

// ICAO 9303-3 4.9: weights 7, 3, 1; digits their value, A-Z 10-35, '<' 0; sum mod 10.
// -1 when `text` has a character outside A-Z 0-9 '<'.
int MrzCheckDigit(std::string_view text);

enum class MrvFormat { kMrvA, kMrvB };

struct VisaMrzData {
  char type_letter = 'C';     // second character of the document code: V + C (uniform visa) ...
  std::string issuing_state;  // ICAO alpha-3 ("D" for Germany is padded "D<<")
  std::string surname;        // any script ICAO can transliterate
  std::string given_names;
  std::string visa_number;  // at most 9 characters A-Z 0-9
  std::string nationality;  // ICAO alpha-3
  Date date_of_birth;
  char sex = '<';  // 'M', 'F', or '<' (also for 'X')
  Date valid_until;
  std::string optional_data;  // MRV-A: up to 16, MRV-B: up to 8 characters
};

// ICAO 9303-7: line 1 "V" + type letter + issuing state + name (39 or 31 characters: primary
// identifier, "<<", secondary identifiers; truncated at the end when too long), line 2 visa
// number + check digit, nationality, date of birth + check digit, sex, valid-until + check digit,
// optional data. Errors: "invalid-mrz-field" naming the field.
Result<std::array<std::string, 2>> GenerateVisaMrz(const VisaMrzData& data, MrvFormat format);

}  // namespace openvap::rules

#endif  // OPENVAP_RULES_NAMES_H_
