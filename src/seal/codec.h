#ifndef OPENVAP_SEAL_CODEC_H_
#define OPENVAP_SEAL_CODEC_H_

// The byte-level encodings of signed barcodes (FORMATS.md): C40 text (ICAO 9303-13 §2.6),
// Base32 (RFC 4648 §6, unpadded, for IDB barcode text), DER lengths (ITU-T X.690 §8.1.3) and
// the 3-byte MMDDYYYY date of VDS headers. Decoders never read out of bounds: malformed input
// is an Error that says where.

#include <openvap/result.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "base/bytes.h"
#include "base/time.h"

namespace openvap::seal {

// C40: space, 0-9 and A-Z; '<' is written as space. Errors: "invalid-c40" for other characters.
Result<Bytes> EncodeC40(std::string_view text);
// Errors: "malformed-c40" (odd length, values outside the C40 set, a dangling 0xFE).
Result<std::string> DecodeC40(ByteView bytes);
// The number of bytes EncodeC40 produces for `chars` characters.
std::size_t C40Length(std::size_t chars);

std::string EncodeBase32(ByteView bytes);
// Accepts upper or lower case, without or with '=' padding. Errors: "malformed-base32".
Result<Bytes> DecodeBase32(std::string_view text);

// DER length octets (short form below 128, long form above).
Bytes EncodeDerLength(std::size_t length);
// Reads a DER length at `pos`, advancing it; the non-DER single byte 0x80 reads as 128 (seen in
// real seals). Errors: "malformed-length".
Result<std::size_t> ReadDerLength(ByteView bytes, std::size_t& pos);

// VDS header dates: MMDDYYYY as a decimal number in 3 (header) or 4 (IDB) big-endian bytes.
Bytes EncodeMmddyyyy(Date date, std::size_t width = 3);
// Errors: "malformed-date" when the number is not a calendar date.
Result<Date> DecodeMmddyyyy(ByteView bytes);

// A ZIP-bomb-safe zlib inflate: at most `max_output` bytes. Errors: "malformed-compression",
// "too-large".
Result<Bytes> Inflate(ByteView compressed, std::size_t max_output);
Bytes Deflate(ByteView data);

}  // namespace openvap::seal

#endif  // OPENVAP_SEAL_CODEC_H_
