#ifndef OPENVAP_CRYPTO_DER_H_
#define OPENVAP_CRYPTO_DER_H_

// A minimal DER reader and writer (ITU-T X.690) for the few structures OpenSSL has no type
// for: the ICAO DocumentTypeList extension and master list content (Doc 9303-12), the
// private key usage period, and the OpenVAP trust bundle. The reader takes untrusted bytes:
// it never reads past its input and reports what is malformed.

#include <openvap/result.h>

#include <cstdint>
#include <string>
#include <vector>

#include "base/bytes.h"
#include "base/clock.h"

namespace openvap::crypto::der {

// Universal tags used here (single-byte identifiers only).
inline constexpr std::uint8_t kInteger = 0x02;
inline constexpr std::uint8_t kOctetString = 0x04;
inline constexpr std::uint8_t kUtf8String = 0x0C;
inline constexpr std::uint8_t kPrintableString = 0x13;
inline constexpr std::uint8_t kGeneralizedTime = 0x18;
inline constexpr std::uint8_t kSequence = 0x30;
inline constexpr std::uint8_t kSet = 0x31;

struct Element {
  std::uint8_t tag = 0;
  ByteView content;  // the value octets
  ByteView encoded;  // tag, length and value
};

// Reads consecutive elements from a buffer. Only definite lengths (DER) and low tag numbers
// are accepted; a length that runs past the buffer is an error, never a read.
class Reader {
 public:
  explicit Reader(ByteView input) : rest_(input) {}
  bool empty() const { return rest_.empty(); }
  // The next element. Errors: "malformed-der".
  Result<Element> Next();
  // The next element, which must have `tag`; `what` names it in the error message.
  Result<Element> Expect(std::uint8_t tag, std::string_view what);

 private:
  ByteView rest_;
};

// A non-negative INTEGER of at most 8 bytes. Errors: "malformed-der".
Result<std::uint64_t> ReadUnsigned(const Element& element, std::string_view what);

// GeneralizedTime "YYYYMMDDHHMMSSZ". Errors: "malformed-der".
Result<Timestamp> ReadGeneralizedTime(const Element& element, std::string_view what);

// Encoders.
Bytes Tlv(std::uint8_t tag, ByteView content);
Bytes Unsigned(std::uint64_t value);
Bytes GeneralizedTime(Timestamp t);
// SET OF: the encodings sorted as X.690 11.6 requires.
Bytes SetOf(std::vector<Bytes> elements);
Bytes Concat(const std::vector<Bytes>& parts);

}  // namespace openvap::crypto::der

#endif  // OPENVAP_CRYPTO_DER_H_
