#ifndef OPENVAP_ADAPTERS_STORAGE_DECODED_DOCUMENTS_H_
#define OPENVAP_ADAPTERS_STORAGE_DECODED_DOCUMENTS_H_

// Documents already decoded from their JSON text, by row key, each with the exact text it was
// decoded from. A look-up hits only when the row's text, just read, is byte for byte the one
// remembered (Find), or, for rows whose every change raises a version column, when the row's
// version is the remembered document's (FindMatching: applications) — so the cache never serves
// anything that decoding the row would not give: it stays right across transactions, rollbacks
// and several processes sharing one PostgreSQL database, with no invalidation. It saves the parse
// of documents read again and again (the session and account on every request, an application on
// every step of the procedure: docs/PERFORMANCE.md). Bounded: the least recently used entry goes
// first, and none is served longer than `max_age` after it was remembered, so that personal data
// whose rows were deleted by another process do not stay here for long either (VAP-DP).
// Thread-safe.

#include <chrono>
#include <cstddef>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "base/clock.h"

namespace openvap::storage {

template <typename T>
class DecodedDocuments {
 public:
  DecodedDocuments(std::size_t capacity, std::chrono::seconds max_age)
      : capacity_(capacity), max_age_(max_age) {}

  // The document decoded from `text` under `key`, or null when it is not remembered (or was
  // remembered more than max_age before `now`).
  std::shared_ptr<const T> Find(const std::string& key, std::string_view text, Timestamp now) {
    return FindMatching(key, now, [text](const T& /*document*/, const std::string& remembered) {
      return remembered == text;
    });
  }

  // The document remembered under `key` when `is_the_rows(document, its_text)` says that it is
  // still what the row holds, or null (also when remembered more than max_age before `now`).
  // For a caller that knows the row by less than its text: applications by their version, which
  // every change of the row raises (SqlStore), so that one version has one content.
  template <typename IsTheRows>
  std::shared_ptr<const T> FindMatching(const std::string& key, Timestamp now,
                                        IsTheRows is_the_rows) {
    Entry dropped;  // destroyed after the lock is released
    std::lock_guard lock(mu_);
    const auto it = index_.find(key);
    if (it == index_.end()) return nullptr;
    if (now - it->second->remembered_at > max_age_) {
      dropped = std::move(*it->second);
      entries_.erase(it->second);
      index_.erase(it);
      return nullptr;
    }
    if (!is_the_rows(*it->second->value, it->second->text)) return nullptr;
    entries_.splice(entries_.begin(), entries_, it->second);
    return it->second->value;
  }

  // The document remembered under `key` whatever the row holds now, or null: for a caller that
  // checks by other means that it is still the row's (e.g. the row's version). Does not count as
  // a use.
  std::shared_ptr<const T> Peek(const std::string& key) const {
    std::lock_guard lock(mu_);
    const auto it = index_.find(key);
    return it == index_.end() ? nullptr : it->second->value;
  }

  // Remembers at `now` that `text` under `key` decodes to `value` (which must be exactly what
  // decoding `text` gives).
  void Remember(const std::string& key, std::string text, std::shared_ptr<const T> value,
                Timestamp now) {
    if (capacity_ == 0) return;
    Entry dropped;  // destroyed after the lock is released
    {
      std::lock_guard lock(mu_);
      if (const auto it = index_.find(key); it != index_.end()) {
        dropped.text = std::exchange(it->second->text, std::move(text));
        dropped.value = std::exchange(it->second->value, std::move(value));
        it->second->remembered_at = now;
        entries_.splice(entries_.begin(), entries_, it->second);
        return;
      }
      entries_.push_front(Entry{key, std::move(text), std::move(value), now});
      index_.emplace(key, entries_.begin());
      if (entries_.size() > capacity_) {
        index_.erase(entries_.back().key);
        dropped = std::move(entries_.back());
        entries_.pop_back();
      }
    }
  }

  // Forgets `key` (its row was deleted: personal data are not kept here longer than there).
  void Forget(const std::string& key) {
    Entry dropped;  // destroyed after the lock is released
    std::lock_guard lock(mu_);
    if (const auto it = index_.find(key); it != index_.end()) {
      dropped = std::move(*it->second);
      entries_.erase(it->second);
      index_.erase(it);
    }
  }

  // Forgets every entry whose document matches `pred` (rows deleted by a condition).
  template <typename Pred>
  void ForgetIf(Pred pred) {
    std::vector<Entry> dropped;  // destroyed after the lock is released
    std::lock_guard lock(mu_);
    for (auto it = entries_.begin(); it != entries_.end();) {
      if (pred(*it->value)) {
        index_.erase(it->key);
        dropped.push_back(std::move(*it));
        it = entries_.erase(it);
      } else {
        ++it;
      }
    }
  }

  std::size_t size() const {
    std::lock_guard lock(mu_);
    return entries_.size();
  }

 private:
  struct Entry {
    std::string key;
    std::string text;
    std::shared_ptr<const T> value;
    Timestamp remembered_at{};
  };

  const std::size_t capacity_;
  const std::chrono::seconds max_age_;
  mutable std::mutex mu_;
  std::list<Entry> entries_;  // most recently used first
  std::unordered_map<std::string, typename std::list<Entry>::iterator> index_;
};

}  // namespace openvap::storage

#endif  // OPENVAP_ADAPTERS_STORAGE_DECODED_DOCUMENTS_H_
