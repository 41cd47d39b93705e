#include "base/json_text.h"

namespace openvap {

void AppendJsonMember(std::string& object, std::string_view key, std::string_view value) {
  object.pop_back();  // the closing brace
  if (object.size() > 1) object += ',';
  object += '"';
  object += key;
  object += "\":";
  object += value;
  object += '}';
}

}  // namespace openvap
