#ifndef OPENVAP_BASE_JSON_TEXT_H_
#define OPENVAP_BASE_JSON_TEXT_H_

// Composing JSON text from parts already written as JSON text, so that large parts (a form, the
// pre-check details) go into a document or a response as they are instead of being copied into
// a JSON tree first (docs/PERFORMANCE.md).

#include <string>
#include <string_view>

namespace openvap {

// Adds to `object`, the text of a JSON object ("{...}"), the member `key` whose value is the
// JSON text `value`. `key` is a plain name that needs no escaping ("form", "details").
void AppendJsonMember(std::string& object, std::string_view key, std::string_view value);

}  // namespace openvap

#endif  // OPENVAP_BASE_JSON_TEXT_H_
