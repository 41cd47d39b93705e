#ifndef OPENVAP_DOMAIN_PLAIN_TEXT_H_
#define OPENVAP_DOMAIN_PLAIN_TEXT_H_

// Texts that people type and the platform prints again — names, labels, receipts, remarks —
// go into seals, PDFs, e-mails and the register, where a control character either breaks the
// output (a NUL made a visa whose PDF could never be written) or hides what is shown.

#include <algorithm>
#include <string_view>

namespace openvap::domain {

// No control characters (C0, DEL); any other byte, UTF-8 included.
inline bool IsPlainText(std::string_view text) {
  return std::none_of(text.begin(), text.end(),
                      [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7F; });
}

}  // namespace openvap::domain

#endif  // OPENVAP_DOMAIN_PLAIN_TEXT_H_
