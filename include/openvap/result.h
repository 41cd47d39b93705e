#ifndef OPENVAP_RESULT_H_
#define OPENVAP_RESULT_H_

// Errors as values (DESIGN.md "Habits"): every module boundary returns Result<T>. Code that
// parses untrusted bytes never throws on them; it returns an Error that says what was wrong.

#include <string>
#include <utility>
#include <variant>

namespace openvap {

// A failure: `code` is stable and machine-readable (kebab-case, e.g. "malformed-header"; CLI
// scripts and API clients match on it, so it is never reworded once released); `message` is
// for people and says what was wrong and, where possible, how to fix it.
struct Error {
  std::string code;
  std::string message;

  bool operator==(const Error&) const = default;
};

// Either a value of T or an Error. Accessing value() of a failed Result (or error() of a
// successful one) is a programming error and throws std::bad_variant_access.
template <typename T>
class [[nodiscard]] Result {
 public:
  using value_type = T;

  Result(T value)
      : state_(std::in_place_index<0>, std::move(value)) {}  // NOLINT(google-explicit-constructor)
  Result(Error error)
      : state_(std::in_place_index<1>, std::move(error)) {}  // NOLINT(google-explicit-constructor)

  bool ok() const { return state_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & { return std::get<0>(state_); }
  const T& value() const& { return std::get<0>(state_); }
  T&& value() && { return std::get<0>(std::move(state_)); }
  const Error& error() const { return std::get<1>(state_); }

  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  // The value, or `fallback` when this is an error.
  T ValueOr(T fallback) const& { return ok() ? value() : std::move(fallback); }

 private:
  std::variant<T, Error> state_;
};

// Success without a value, or an Error.
template <>
class [[nodiscard]] Result<void> {
 public:
  using value_type = void;

  Result() = default;
  Result(Error error)
      : error_(std::move(error)), failed_(true) {}  // NOLINT(google-explicit-constructor)

  bool ok() const { return !failed_; }
  explicit operator bool() const { return ok(); }
  const Error& error() const {
    if (!failed_) throw std::bad_variant_access();
    return error_;
  }

 private:
  Error error_;
  bool failed_ = false;
};

using Status = Result<void>;

inline Status Ok() { return {}; }

}  // namespace openvap

#define OPENVAP_CONCAT_INNER_(a, b) a##b
#define OPENVAP_CONCAT_(a, b) OPENVAP_CONCAT_INNER_(a, b)

// Evaluates `expr` (a Status or Result); on failure returns its Error from the enclosing
// function.
#define OPENVAP_RETURN_IF_ERROR(expr)                          \
  do {                                                         \
    auto&& openvap_status_ = (expr);                           \
    if (!openvap_status_.ok()) return openvap_status_.error(); \
  } while (false)

// `OPENVAP_ASSIGN_OR_RETURN(auto x, ParseX(bytes));` declares/assigns the value or returns the
// Error from the enclosing function.
// `lhs` is a declaration, so it cannot be parenthesised.
// NOLINTBEGIN(bugprone-macro-parentheses)
#define OPENVAP_ASSIGN_OR_RETURN(lhs, expr)                    \
  auto OPENVAP_CONCAT_(openvap_result_, __LINE__) = (expr);    \
  if (!OPENVAP_CONCAT_(openvap_result_, __LINE__).ok())        \
    return OPENVAP_CONCAT_(openvap_result_, __LINE__).error(); \
  lhs = std::move(OPENVAP_CONCAT_(openvap_result_, __LINE__)).value()
// NOLINTEND(bugprone-macro-parentheses)

#endif  // OPENVAP_RESULT_H_
