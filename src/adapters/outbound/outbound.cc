#include "adapters/outbound/outbound.h"

#include <curl/curl.h>
#include <fcntl.h>
#include <unistd.h>

#include <filesystem>

namespace openvap::outbound {
namespace {

std::size_t Discard(char*, std::size_t size, std::size_t count, void*) { return size * count; }

Status WriteFileDurably(const std::filesystem::path& path, const std::string& contents) {
  std::error_code ec;
  std::filesystem::create_directories(path.parent_path(), ec);
  if (ec) return Error{"delivery-temporary", "cannot create " + path.parent_path().string()};
  const std::string tmp = path.string() + ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return Error{"delivery-temporary", "cannot write " + tmp};
  std::size_t written = 0;
  while (written < contents.size()) {
    const ssize_t n = ::write(fd, contents.data() + written, contents.size() - written);
    if (n <= 0) {
      ::close(fd);
      return Error{"delivery-temporary", "cannot write " + tmp};
    }
    written += static_cast<std::size_t>(n);
  }
  const bool synced = ::fsync(fd) == 0;
  ::close(fd);
  if (!synced || std::rename(tmp.c_str(), path.c_str()) != 0) {
    return Error{"delivery-temporary", "cannot store " + path.string()};
  }
  return Ok();
}

}  // namespace

Status PostJson(const std::string& url, const std::string& body,
                const std::vector<std::string>& headers, long timeout_seconds) {
  CURL* curl = curl_easy_init();
  if (curl == nullptr) return Error{"delivery-temporary", "cannot start an HTTP request"};
  curl_slist* list = curl_slist_append(nullptr, "Content-Type: application/json");
  for (const std::string& h : headers) list = curl_slist_append(list, h.c_str());
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, list);
  curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.data());
  curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  curl_easy_setopt(curl, CURLOPT_TIMEOUT, timeout_seconds);
  curl_easy_setopt(curl, CURLOPT_NOPROXY, "*");
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, Discard);
  const CURLcode rc = curl_easy_perform(curl);
  long status = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  curl_slist_free_all(list);
  curl_easy_cleanup(curl);
  if (rc != CURLE_OK) {
    return Error{"delivery-temporary", url + ": " + curl_easy_strerror(rc)};
  }
  if (status >= 200 && status < 300) return Ok();
  if (status == 429 || status >= 500) {
    return Error{"delivery-temporary", url + " answered " + std::to_string(status)};
  }
  return Error{"delivery-permanent", url + " refused the delivery with " + std::to_string(status)};
}

Status Destination::Deliver(const std::string& name, const nlohmann::json& document) const {
  const std::string body = document.dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
  if (target_.rfind("file://", 0) == 0) {
    std::string safe;
    for (char c : name)
      safe.push_back(std::isalnum(static_cast<unsigned char>(c)) || c == '-' ? c : '_');
    return WriteFileDurably(std::filesystem::path(target_.substr(7)) / (safe + ".json"), body);
  }
  if (target_.rfind("http://", 0) == 0 || target_.rfind("https://", 0) == 0) {
    return PostJson(target_, body, {"X-OpenVAP-Delivery: " + name});
  }
  return Error{"delivery-permanent", "unsupported destination '" + target_ + "'"};
}

}  // namespace openvap::outbound
