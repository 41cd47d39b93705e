#include "crypto/der.h"

#include <algorithm>
#include <cstdio>

#include "base/time.h"

namespace openvap::crypto::der {
namespace {

Error Malformed(std::string_view what, std::string_view why) {
  return Error{"malformed-der", std::string(what) + ": " + std::string(why)};
}

}  // namespace

Result<Element> Reader::Next() {
  if (rest_.size() < 2) return Malformed("DER element", "truncated header");
  const std::uint8_t tag = rest_[0];
  if ((tag & 0x1F) == 0x1F) return Malformed("DER element", "high tag numbers are not supported");
  std::size_t header = 2;
  std::size_t length = rest_[1];
  if (length == 0x80) return Malformed("DER element", "indefinite length is not DER");
  if (length > 0x80) {
    const std::size_t octets = length & 0x7F;
    if (octets > 4) return Malformed("DER element", "length of more than 4 octets");
    if (rest_.size() < 2 + octets) return Malformed("DER element", "truncated length");
    length = 0;
    for (std::size_t i = 0; i < octets; ++i) length = (length << 8) | rest_[2 + i];
    header += octets;
  }
  if (length > rest_.size() - header) {
    return Malformed("DER element", "length " + std::to_string(length) + " runs past the " +
                                        std::to_string(rest_.size() - header) + " bytes left");
  }
  Element element;
  element.tag = tag;
  element.content = rest_.subspan(header, length);
  element.encoded = rest_.subspan(0, header + length);
  rest_ = rest_.subspan(header + length);
  return element;
}

Result<Element> Reader::Expect(std::uint8_t tag, std::string_view what) {
  auto element = Next();
  if (!element.ok()) return Malformed(what, element.error().message);
  if (element->tag != tag) {
    char text[64];
    static_cast<void>(
        std::snprintf(text, sizeof(text), "expected tag 0x%02x, found 0x%02x", tag, element->tag));
    return Malformed(what, text);
  }
  return element;
}

Result<std::uint64_t> ReadUnsigned(const Element& element, std::string_view what) {
  if (element.tag != kInteger) return Malformed(what, "not an INTEGER");
  ByteView v = element.content;
  if (v.empty()) return Malformed(what, "empty INTEGER");
  if ((v[0] & 0x80) != 0) return Malformed(what, "negative INTEGER");
  while (v.size() > 1 && v[0] == 0) v = v.subspan(1);
  if (v.size() > 8) return Malformed(what, "INTEGER too large");
  std::uint64_t out = 0;
  for (std::uint8_t b : v) out = (out << 8) | b;
  return out;
}

Result<Timestamp> ReadGeneralizedTime(const Element& element, std::string_view what) {
  if (element.tag != kGeneralizedTime) return Malformed(what, "not a GeneralizedTime");
  const std::string text = AsString(element.content);
  if (text.size() != 15 || text[14] != 'Z') return Malformed(what, "expected YYYYMMDDHHMMSSZ");
  for (std::size_t i = 0; i < 14; ++i) {
    if (text[i] < '0' || text[i] > '9') return Malformed(what, "expected YYYYMMDDHHMMSSZ");
  }
  const std::string iso = text.substr(0, 4) + "-" + text.substr(4, 2) + "-" + text.substr(6, 2) +
                          "T" + text.substr(8, 2) + ":" + text.substr(10, 2) + ":" +
                          text.substr(12, 2) + "Z";
  auto t = ParseIsoTimestamp(iso);
  if (!t.ok()) return Malformed(what, "invalid time " + text);
  return *t;
}

Bytes Tlv(std::uint8_t tag, ByteView content) {
  Bytes out{tag};
  const std::size_t n = content.size();
  if (n < 0x80) {
    out.push_back(static_cast<std::uint8_t>(n));
  } else {
    Bytes len;
    for (std::size_t v = n; v > 0; v >>= 8) len.insert(len.begin(), static_cast<std::uint8_t>(v));
    out.push_back(static_cast<std::uint8_t>(0x80 | len.size()));
    out.insert(out.end(), len.begin(), len.end());
  }
  out.insert(out.end(), content.begin(), content.end());
  return out;
}

Bytes Unsigned(std::uint64_t value) {
  Bytes v;
  do {
    v.insert(v.begin(), static_cast<std::uint8_t>(value & 0xFF));
    value >>= 8;
  } while (value != 0);
  if ((v[0] & 0x80) != 0) v.insert(v.begin(), 0);
  return Tlv(kInteger, v);
}

Bytes GeneralizedTime(Timestamp t) {
  const std::string iso = FormatIsoTimestamp(t);  // YYYY-MM-DDTHH:MM:SSZ
  std::string text;
  for (char c : iso) {
    if (c != '-' && c != ':' && c != 'T') text.push_back(c);
  }
  return Tlv(kGeneralizedTime, AsBytes(text));
}

Bytes SetOf(std::vector<Bytes> elements) {
  std::sort(elements.begin(), elements.end());
  return Tlv(kSet, Concat(elements));
}

Bytes Concat(const std::vector<Bytes>& parts) {
  Bytes out;
  for (const Bytes& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

}  // namespace openvap::crypto::der
