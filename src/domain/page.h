#ifndef OPENVAP_DOMAIN_PAGE_H_
#define OPENVAP_DOMAIN_PAGE_H_

#include <string>
#include <vector>

namespace openvap::domain {

// A window onto a list that can be longer than one answer: an account's applications or
// messages, a consulate's queue, a service provider's visits. `after` is the cursor the previous
// page returned in Page::next (empty: the first page); it is opaque to callers, and one the
// list did not give is refused with "invalid-field". At most `limit` items come back.
struct PageRequest {
  static constexpr int kDefaultLimit = 100;
  static constexpr int kMaxLimit = 500;
  std::string after;
  int limit = kDefaultLimit;
};

template <typename T>
struct Page {
  std::vector<T> items;
  std::string next;  // the cursor of the following page; empty when this page is the last
};

}  // namespace openvap::domain

#endif  // OPENVAP_DOMAIN_PAGE_H_
