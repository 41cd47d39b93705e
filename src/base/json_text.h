#ifndef OPENVAP_BASE_JSON_TEXT_H_
#define OPENVAP_BASE_JSON_TEXT_H_

// Writing JSON text directly, for the documents and responses written on every request (the
// stored application, the pre-check explanation, the application in a response): no JSON tree
// is built, copied and walked first, and large parts already written as JSON text (a form, the
// pre-check details) go in as they are (docs/PERFORMANCE.md).

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace openvap {

// Writes compact JSON text directly, without a tree to build and walk first: for the texts
// written on every request (the pre-check explanation). Separators come by themselves:
//   JsonWriter w;
//   w.BeginObject().Key("fits").Bool(true).Key("days").BeginArray().Int(3).EndArray().EndObject();
//   std::move(w).Text()  // {"fits":true,"days":[3]}
// Strings are escaped as nlohmann::json's dump() escapes them (the same text for valid UTF-8);
// invalid UTF-8 becomes U+FFFD, one per byte that starts no valid sequence. The caller nests
// the calls correctly (a key before each member's value, every Begin closed).
class JsonWriter {
 public:
  JsonWriter& BeginObject();
  JsonWriter& EndObject();
  JsonWriter& BeginArray();
  JsonWriter& EndArray();
  JsonWriter& Key(std::string_view key);
  JsonWriter& String(std::string_view text);
  JsonWriter& Strings(const std::vector<std::string>& texts);  // an array of strings
  JsonWriter& Bool(bool value);
  JsonWriter& Int(std::int64_t value);
  JsonWriter& Number(double value);  // shortest text that reads back the same; null if not finite
  JsonWriter& Null();
  // A value already written as JSON text, put in as it is.
  JsonWriter& Raw(std::string_view json);

  std::string Text() &&;

 private:
  // Where `bytes` more bytes go, made room for if needed.
  char* Room(std::size_t bytes) {
    return out_.size() - size_ >= bytes ? out_.data() + size_ : Grow(bytes);
  }
  char* Grow(std::size_t bytes);
  // `bytes` after the separator, if not 0 (no text to escape: a brace, a number, a JSON text).
  void Put(char separator_or_zero, std::string_view bytes);
  void PutString(std::string_view text, bool is_key);  // escaped and quoted, ':' after a key
  std::string out_;  // out_[0, size_) is written; the rest is room (see Room)
  std::size_t size_ = 0;
  bool after_value_ = false;  // a comma goes before the next key or element
};

// Appends `text` to `out` as a JSON string literal, quotes included (escaping as JsonWriter).
void AppendJsonString(std::string& out, std::string_view text);

// Whether `text` is valid UTF-8 (RFC 3629) without a NUL: what any text column of SQLite and
// PostgreSQL stores as it is and gives back the same (JSON text written by JsonWriter is).
bool IsUtf8WithoutNul(std::string_view text);

}  // namespace openvap

#endif  // OPENVAP_BASE_JSON_TEXT_H_
