#include "base/json_text.h"

#include <algorithm>
#include <array>
#include <bit>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <system_error>

namespace openvap {

namespace {

// The length of the valid UTF-8 sequence at the start of `s` (RFC 3629 section 4: no overlong
// forms, no surrogates, nothing above U+10FFFF), 0 if it is not one.
std::size_t Utf8SequenceLength(std::string_view s) {
  const auto byte = [&s](std::size_t i) { return static_cast<unsigned char>(s[i]); };
  const auto continuation = [&](std::size_t i, unsigned char low, unsigned char high) {
    return i < s.size() && byte(i) >= low && byte(i) <= high;
  };
  const unsigned char b = byte(0);
  if (b >= 0xC2 && b <= 0xDF) return continuation(1, 0x80, 0xBF) ? 2 : 0;
  if (b >= 0xE0 && b <= 0xEF) {
    const unsigned char low = b == 0xE0 ? 0xA0 : 0x80;
    const unsigned char high = b == 0xED ? 0x9F : 0xBF;
    return continuation(1, low, high) && continuation(2, 0x80, 0xBF) ? 3 : 0;
  }
  if (b >= 0xF0 && b <= 0xF4) {
    const unsigned char low = b == 0xF0 ? 0x90 : 0x80;
    const unsigned char high = b == 0xF4 ? 0x8F : 0xBF;
    return continuation(1, low, high) && continuation(2, 0x80, 0xBF) && continuation(3, 0x80, 0xBF)
               ? 4
               : 0;
  }
  return 0;
}

// Eight bytes looked at together, as one word (the classic "has a zero byte" / "has a byte less
// than n" word tricks): the marks below are each byte's high bit. A borrow only ever runs
// upwards from a marked byte, so the lowest marked byte is exact; bytes above it may be marked
// wrongly.
constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
constexpr std::uint64_t kHighs = 0x8080808080808080ULL;

// The zero bytes of `x`, and the bytes that are not ASCII.
std::uint64_t ZeroBytes(std::uint64_t x) { return (x - kOnes) & ~x & kHighs; }
std::uint64_t NonAsciiBytes(std::uint64_t x) { return x & kHighs; }

// The bytes of `x` that a JSON string cannot hold as they are (control characters, '"', '\\')
// or that are not ASCII.
std::uint64_t SpecialBytes(std::uint64_t x) {
  const std::uint64_t below_space = (x - kOnes * 0x20) & ~x & kHighs;
  return NonAsciiBytes(x) | below_space | ZeroBytes(x ^ (kOnes * '"')) |
         ZeroBytes(x ^ (kOnes * '\\'));
}

// How many bytes at the start of an eight-byte word come before its lowest marked byte, in memory
// order.
int PlainBytesBefore(std::uint64_t special) {
  if constexpr (std::endian::native == std::endian::little) {
    return std::countr_zero(special) / 8;
  } else {
    return std::countl_zero(special) / 8;
  }
}

// Whether byte `c` goes into a JSON string as it is: printable ASCII other than '"' and '\\'
// (SpecialBytes marks the others, eight at a time).
bool PlainByte(unsigned char c) { return c >= 0x20 && c < 0x80 && c != '"' && c != '\\'; }

// The most bytes one byte of a text can become inside a JSON string: a control character is
// written \u00XX (an invalid UTF-8 byte becomes U+FFFD, three bytes).
constexpr std::size_t kMostBytesPerByte = 6;

// Writes `text` escaped (without the quotes) at `p`, which has room for kMostBytesPerByte bytes
// per byte of `text`; returns where the escaped text ends. Eight bytes at a time: copied first,
// then looked at; when one of them needs attention, the plain ones before it are kept and the
// writing goes on from it. So a text costs a few instructions per eight bytes plus a few per
// escaped character (docs/PERFORMANCE.md). The eight-byte copy never passes the room: with eight
// bytes or more left to read, at least 6 * 8 bytes of room are left. (The room is asked for
// whole, six times the text: for a moment only, and texts written here are a request's at most.)
char* EscapeInto(char* p, std::string_view text) {
  constexpr std::string_view kHex = "0123456789abcdef";
  const char* s = text.data();
  const char* const end = s + text.size();
  while (s < end) {
    if (end - s >= 8) {
      std::uint64_t word = 0;
      std::memcpy(&word, s, sizeof word);
      std::memcpy(p, s, sizeof word);
      const std::uint64_t special = SpecialBytes(word);
      if (special == 0) {
        s += 8;
        p += 8;
        continue;
      }
      const int plain = PlainBytesBefore(special);
      s += plain;
      p += plain;
    }
    const auto c = static_cast<unsigned char>(*s);
    if (PlainByte(c)) {  // in the last few bytes
      *p++ = static_cast<char>(c);
      ++s;
      continue;
    }
    if (c >= 0x80) {
      const std::size_t n = Utf8SequenceLength(std::string_view(s, end - s));
      if (n == 0) {
        // U+FFFD REPLACEMENT CHARACTER
        *p++ = '\xEF';
        *p++ = '\xBF';
        *p++ = '\xBD';
        ++s;
      } else {
        std::memcpy(p, s, n);
        p += n;
        s += n;
      }
      continue;
    }
    *p++ = '\\';
    switch (c) {
      case '"':
        *p++ = '"';
        break;
      case '\\':
        *p++ = '\\';
        break;
      case '\b':
        *p++ = 'b';
        break;
      case '\f':
        *p++ = 'f';
        break;
      case '\n':
        *p++ = 'n';
        break;
      case '\r':
        *p++ = 'r';
        break;
      case '\t':
        *p++ = 't';
        break;
      default:
        *p++ = 'u';
        *p++ = '0';
        *p++ = '0';
        *p++ = kHex[c >> 4];
        *p++ = kHex[c & 0xF];
    }
    ++s;
  }
  return p;
}

}  // namespace

void AppendJsonString(std::string& out, std::string_view text) {
  const std::size_t written = out.size();
  out.resize(written + kMostBytesPerByte * text.size() + 2);
  char* p = out.data() + written;
  *p++ = '"';
  p = EscapeInto(p, text);
  *p++ = '"';
  out.resize(static_cast<std::size_t>(p - out.data()));
}

bool IsUtf8WithoutNul(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    if (text.size() - i >= 8) {  // eight ASCII bytes, none of them NUL, at a time
      std::uint64_t word = 0;
      std::memcpy(&word, text.data() + i, sizeof word);
      if ((NonAsciiBytes(word) | ZeroBytes(word)) == 0) {
        i += 8;
        continue;
      }
    }
    const auto c = static_cast<unsigned char>(text[i]);
    if (c == 0) return false;
    if (c < 0x80) {
      ++i;
      continue;
    }
    const std::size_t n = Utf8SequenceLength(text.substr(i));
    if (n == 0) return false;
    i += n;
  }
  return true;
}

// The writer keeps its text in `out_` with room after it: out_[0, size_) is written, and every
// piece is put into the room directly, the separator with it (no std::string append per piece:
// a stored application is some fifty members, written on every submission).
char* JsonWriter::Grow(std::size_t bytes) {
  out_.resize(std::max({2 * out_.size(), size_ + bytes, std::size_t{256}}));
  return out_.data() + size_;
}

std::string JsonWriter::Text() && {
  out_.resize(size_);
  // The room asked for a long string (six bytes per byte) is not kept with the text.
  if (out_.capacity() > 2 * size_ + 256) out_.shrink_to_fit();
  return std::move(out_);
}

void JsonWriter::Put(char separator_or_zero, std::string_view bytes) {
  char* const start = Room(bytes.size() + 1);
  char* p = start;
  if (separator_or_zero != 0) *p++ = separator_or_zero;
  std::memcpy(p, bytes.data(), bytes.size());
  size_ += static_cast<std::size_t>(p - start) + bytes.size();
}

void JsonWriter::PutString(std::string_view text, bool is_key) {
  char* const start = Room(kMostBytesPerByte * text.size() + 4);
  char* p = start;
  if (after_value_) *p++ = ',';
  *p++ = '"';
  p = EscapeInto(p, text);
  *p++ = '"';
  if (is_key) *p++ = ':';
  size_ += static_cast<std::size_t>(p - start);
  after_value_ = !is_key;
}

JsonWriter& JsonWriter::BeginObject() {
  Put(after_value_ ? ',' : 0, "{");
  after_value_ = false;
  return *this;
}

JsonWriter& JsonWriter::EndObject() {
  Put(0, "}");
  after_value_ = true;
  return *this;
}

JsonWriter& JsonWriter::BeginArray() {
  Put(after_value_ ? ',' : 0, "[");
  after_value_ = false;
  return *this;
}

JsonWriter& JsonWriter::EndArray() {
  Put(0, "]");
  after_value_ = true;
  return *this;
}

JsonWriter& JsonWriter::Key(std::string_view key) {
  PutString(key, /*is_key=*/true);
  return *this;
}

JsonWriter& JsonWriter::String(std::string_view text) {
  PutString(text, /*is_key=*/false);
  return *this;
}

JsonWriter& JsonWriter::Strings(const std::vector<std::string>& texts) {
  BeginArray();
  for (const std::string& text : texts) String(text);
  return EndArray();
}

JsonWriter& JsonWriter::Bool(bool value) {
  return Raw(value ? std::string_view("true") : std::string_view("false"));
}

JsonWriter& JsonWriter::Int(std::int64_t value) {
  std::array<char, 24> buffer{};
  const auto end = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value).ptr;
  return Raw(std::string_view(buffer.data(), static_cast<std::size_t>(end - buffer.data())));
}

JsonWriter& JsonWriter::Number(double value) {
  if (!std::isfinite(value)) return Null();  // JSON has no infinity nor NaN (as nlohmann)
  std::array<char, 40> buffer{};
  const auto end = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value).ptr;
  std::string_view text(buffer.data(), static_cast<std::size_t>(end - buffer.data()));
  Raw(text);
  // A whole number keeps a fraction, so that it reads back as a floating-point number.
  if (text.find_first_of(".e") == std::string_view::npos) Put(0, ".0");
  return *this;
}

JsonWriter& JsonWriter::Null() { return Raw(std::string_view("null")); }

JsonWriter& JsonWriter::Raw(std::string_view json) {
  Put(after_value_ ? ',' : 0, json);
  after_value_ = true;
  return *this;
}

}  // namespace openvap
