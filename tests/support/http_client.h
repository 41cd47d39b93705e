#ifndef OPENVAP_TESTS_SUPPORT_HTTP_CLIENT_H_
#define OPENVAP_TESTS_SUPPORT_HTTP_CLIENT_H_

// A real HTTP client (libcurl) for tests that talk to a server on loopback. Each client keeps
// its own connection and cookie jar, like one browser.

#include <map>
#include <string>
#include <vector>

namespace openvap::testing {

struct HttpResult {
  long status = 0;                             // 0 when the request failed at the transport level
  std::map<std::string, std::string> headers;  // lower-case names; last value wins
  std::string body;
  std::string transport_error;
};

class HttpClient {
 public:
  explicit HttpClient(std::string base_url);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  HttpResult Get(const std::string& path, const std::vector<std::string>& headers = {});
  HttpResult Post(const std::string& path, const std::string& body,
                  const std::vector<std::string>& headers = {"Content-Type: application/json"});
  // Any method, e.g. "PUT", "DELETE", "HEAD".
  HttpResult Send(const std::string& method, const std::string& path, const std::string& body,
                  const std::vector<std::string>& headers);

  const std::string& base_url() const { return base_url_; }

 private:
  std::string base_url_;
  void* curl_;
};

}  // namespace openvap::testing

#endif  // OPENVAP_TESTS_SUPPORT_HTTP_CLIENT_H_
