#include "seal/codec.h"

#include <zlib.h>

#include <array>

namespace openvap::seal {
namespace {

// C40 values (ICAO 9303-13 §2.6.1): space 3, 0-9 4-13, A-Z 14-39.
int C40Value(char c) {
  if (c == ' ' || c == '<') return 3;
  if (c >= '0' && c <= '9') return c - '0' + 4;
  if (c >= 'A' && c <= 'Z') return c - 'A' + 14;
  return -1;
}

char C40Char(int v) {
  if (v == 3) return '<';
  if (v >= 4 && v <= 13) return static_cast<char>('0' + v - 4);
  if (v >= 14 && v <= 39) return static_cast<char>('A' + v - 14);
  return '\0';
}

constexpr char kBase32[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

}  // namespace

std::size_t C40Length(std::size_t chars) { return chars / 3 * 2 + (chars % 3 == 0 ? 0 : 2); }

Result<Bytes> EncodeC40(std::string_view text) {
  Bytes out;
  out.reserve(C40Length(text.size()));
  std::size_t i = 0;
  for (; i + 3 <= text.size(); i += 3) {
    const int a = C40Value(text[i]);
    const int b = C40Value(text[i + 1]);
    const int c = C40Value(text[i + 2]);
    if (a < 0 || b < 0 || c < 0) {
      return Error{"invalid-c40", "'" + std::string(text) +
                                      "' has a character C40 cannot hold "
                                      "(only A-Z, 0-9, space and <)"};
    }
    const unsigned v = 1600U * a + 40U * b + c + 1;
    out.push_back(static_cast<std::uint8_t>(v >> 8));
    out.push_back(static_cast<std::uint8_t>(v & 0xFF));
  }
  const std::size_t left = text.size() - i;
  if (left == 2) {
    const int a = C40Value(text[i]);
    const int b = C40Value(text[i + 1]);
    if (a < 0 || b < 0) return Error{"invalid-c40", "'" + std::string(text) + "': not C40 text"};
    const unsigned v = 1600U * a + 40U * b + 0 + 1;  // padded with shift value 0
    out.push_back(static_cast<std::uint8_t>(v >> 8));
    out.push_back(static_cast<std::uint8_t>(v & 0xFF));
  } else if (left == 1) {
    if (C40Value(text[i]) < 0) {
      return Error{"invalid-c40", "'" + std::string(text) + "': not C40 text"};
    }
    out.push_back(0xFE);  // unlatch to ASCII, then the character + 1
    out.push_back(static_cast<std::uint8_t>((text[i] == '<' ? ' ' : text[i]) + 1));
  }
  return out;
}

Result<std::string> DecodeC40(ByteView bytes) {
  std::string out;
  out.reserve(bytes.size() * 3 / 2);
  std::size_t i = 0;
  while (i < bytes.size()) {
    if (bytes[i] == 0xFE) {
      if (i + 1 >= bytes.size()) {
        return Error{"malformed-c40",
                     "C40 ends with an unlatch byte at offset " + std::to_string(i)};
      }
      const int c = bytes[i + 1] - 1;
      if (c < 0x20 || c > 0x7E) {
        return Error{"malformed-c40",
                     "not a printable character after 0xFE at offset " + std::to_string(i + 1)};
      }
      out.push_back(c == ' ' ? '<' : static_cast<char>(c));
      i += 2;
      continue;
    }
    if (i + 1 >= bytes.size()) {
      return Error{"malformed-c40", "odd number of C40 bytes (offset " + std::to_string(i) + ")"};
    }
    const unsigned v = (static_cast<unsigned>(bytes[i]) << 8 | bytes[i + 1]);
    if (v == 0) return Error{"malformed-c40", "zero C40 triple at offset " + std::to_string(i)};
    const unsigned u = v - 1;
    const int values[3] = {static_cast<int>(u / 1600), static_cast<int>(u / 40 % 40),
                           static_cast<int>(u % 40)};
    if (values[0] > 39) {
      return Error{"malformed-c40", "C40 value out of range at offset " + std::to_string(i)};
    }
    for (const int value : values) {
      if (value == 0) continue;  // shift used as padding
      const char c = C40Char(value);
      if (c == '\0') {
        return Error{"malformed-c40", "C40 value " + std::to_string(value) +
                                          " is not a digit, letter or space (offset " +
                                          std::to_string(i) + ")"};
      }
      out.push_back(c);
    }
    i += 2;
  }
  return out;
}

std::string EncodeBase32(ByteView bytes) {
  std::string out;
  unsigned buffer = 0;
  int bits = 0;
  for (std::uint8_t b : bytes) {
    buffer = (buffer << 8) | b;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out.push_back(kBase32[(buffer >> bits) & 31]);
    }
  }
  if (bits > 0) out.push_back(kBase32[(buffer << (5 - bits)) & 31]);
  return out;
}

Result<Bytes> DecodeBase32(std::string_view text) {
  Bytes out;
  out.reserve(text.size() * 5 / 8);
  unsigned buffer = 0;
  int bits = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '=') break;
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    int v = -1;
    if (c >= 'A' && c <= 'Z') v = c - 'A';
    if (c >= '2' && c <= '7') v = c - '2' + 26;
    if (v < 0) {
      return Error{"malformed-base32", "not a Base32 character at offset " + std::to_string(i)};
    }
    buffer = ((buffer << 5) | static_cast<unsigned>(v)) & 0xFFFF;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<std::uint8_t>((buffer >> bits) & 0xFF));
    }
  }
  return out;
}

Bytes EncodeDerLength(std::size_t length) {
  if (length < 0x80) return {static_cast<std::uint8_t>(length)};
  Bytes digits;
  for (std::size_t n = length; n > 0; n >>= 8) {
    digits.insert(digits.begin(), static_cast<std::uint8_t>(n & 0xFF));
  }
  Bytes out{static_cast<std::uint8_t>(0x80 | digits.size())};
  out.insert(out.end(), digits.begin(), digits.end());
  return out;
}

Result<std::size_t> ReadDerLength(ByteView bytes, std::size_t& pos) {
  if (pos >= bytes.size()) {
    return Error{"malformed-length", "length expected at offset " + std::to_string(pos)};
  }
  const std::uint8_t first = bytes[pos++];
  // 0x80 (indefinite length, never valid in DER) is read as 128: real seals encode a length of
  // 128 that way (vdstools:utoVisa), as the reference decoders accept.
  if (first <= 0x80) return static_cast<std::size_t>(first);
  const std::size_t n = first & 0x7F;
  if (n == 0 || n > 4) {
    return Error{"malformed-length",
                 "unsupported length form at offset " + std::to_string(pos - 1)};
  }
  if (pos + n > bytes.size()) {
    return Error{"malformed-length", "truncated length at offset " + std::to_string(pos - 1)};
  }
  std::size_t length = 0;
  for (std::size_t k = 0; k < n; ++k) length = (length << 8) | bytes[pos++];
  return length;
}

Bytes EncodeMmddyyyy(Date date, std::size_t width) {
  const unsigned value = static_cast<unsigned>(date.month()) * 1000000U +
                         static_cast<unsigned>(date.day()) * 10000U +
                         static_cast<unsigned>(static_cast<int>(date.year()));
  Bytes out(width, 0);
  unsigned v = value;
  for (std::size_t k = width; k > 0; --k) {
    out[k - 1] = static_cast<std::uint8_t>(v & 0xFF);
    v >>= 8;
  }
  return out;
}

Result<Date> DecodeMmddyyyy(ByteView bytes) {
  unsigned value = 0;
  for (std::uint8_t b : bytes) value = (value << 8) | b;
  const unsigned month = value / 1000000U;
  const unsigned day = value / 10000U % 100U;
  const int year = static_cast<int>(value % 10000U);
  const Date date{std::chrono::year{year}, std::chrono::month{month}, std::chrono::day{day}};
  if (!date.ok() || year == 0) {
    return Error{"malformed-date", "'" + std::to_string(value) + "' is not a date (MMDDYYYY)"};
  }
  return date;
}

Result<Bytes> Inflate(ByteView compressed, std::size_t max_output) {
  z_stream z{};
  if (inflateInit(&z) != Z_OK) return Error{"malformed-compression", "zlib unavailable"};
  z.next_in = const_cast<Bytef*>(compressed.data());  // NOLINT: zlib's API is not const-correct
  z.avail_in = static_cast<uInt>(compressed.size());
  Bytes out;
  std::array<std::uint8_t, 16384> chunk{};
  int rc = Z_OK;
  while (rc != Z_STREAM_END) {
    z.next_out = chunk.data();
    z.avail_out = chunk.size();
    rc = inflate(&z, Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END) {
      inflateEnd(&z);
      return Error{"malformed-compression", "the zlib data is corrupt"};
    }
    const std::size_t produced = chunk.size() - z.avail_out;
    if (out.size() + produced > max_output) {
      inflateEnd(&z);
      return Error{"too-large",
                   "the decompressed data exceed " + std::to_string(max_output) + " bytes"};
    }
    out.insert(out.end(), chunk.begin(), chunk.begin() + static_cast<std::ptrdiff_t>(produced));
    if (rc != Z_STREAM_END && z.avail_in == 0 && produced == 0) {
      inflateEnd(&z);
      return Error{"malformed-compression", "the zlib data are truncated"};
    }
  }
  inflateEnd(&z);
  return out;
}

Bytes Deflate(ByteView data) {
  uLongf size = compressBound(static_cast<uLong>(data.size()));
  Bytes out(size);
  compress2(out.data(), &size, data.data(), static_cast<uLong>(data.size()), Z_BEST_COMPRESSION);
  out.resize(size);
  return out;
}

}  // namespace openvap::seal
