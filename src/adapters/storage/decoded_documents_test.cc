// The cache of decoded documents: a hit needs the very text, the least recently used entry
// goes first, forgotten keys are gone, and nothing is served past its age.
#include "adapters/storage/decoded_documents.h"

#include <gtest/gtest.h>

#include <string>

#include "base/time.h"

namespace openvap::storage {
namespace {

using std::chrono::minutes;
using std::chrono::seconds;

Timestamp Noon() { return *ParseIsoTimestamp("2027-01-15T12:00:00Z"); }

TEST(DecodedDocumentsTest, AHitNeedsTheSameTextByteForByte) {
  const Timestamp noon = Noon();
  DecodedDocuments<std::string> cache(4, minutes(5));
  cache.Remember("app-1", R"({"v":1})", std::make_shared<const std::string>("one"), noon);
  ASSERT_NE(cache.Find("app-1", R"({"v":1})", noon), nullptr);
  EXPECT_EQ(*cache.Find("app-1", R"({"v":1})", noon), "one");
  EXPECT_EQ(cache.Find("app-1", R"({"v":2})", noon), nullptr);   // the row changed
  EXPECT_EQ(cache.Find("app-1", R"({"v":1} )", noon), nullptr);  // any byte
  EXPECT_EQ(cache.Find("app-2", R"({"v":1})", noon), nullptr);   // another row
  cache.Remember("app-1", R"({"v":2})", std::make_shared<const std::string>("two"), noon);
  EXPECT_EQ(cache.Find("app-1", R"({"v":1})", noon), nullptr);
  EXPECT_EQ(*cache.Find("app-1", R"({"v":2})", noon), "two");
  EXPECT_EQ(cache.size(), 1U);
}

// FindMatching: the caller says from the kept document (and its text) whether it is still the
// row's, e.g. by the row's version; a hit counts as a use, and age still ends it.
TEST(DecodedDocumentsTest, AHitByMatchNeedsTheCallersYes) {
  const Timestamp noon = Noon();
  DecodedDocuments<int> cache(2, minutes(5));
  cache.Remember("a", "text-a", std::make_shared<const int>(7), noon);
  cache.Remember("b", "text-b", std::make_shared<const int>(8), noon);
  const auto version_is = [](int wanted) {
    return [wanted](const int& kept, const std::string&) { return kept == wanted; };
  };
  EXPECT_EQ(cache.FindMatching("a", noon, version_is(6)), nullptr);  // the row moved on
  ASSERT_NE(cache.FindMatching("a", noon, version_is(7)), nullptr);  // "b" is now the older
  EXPECT_EQ(*cache.FindMatching("a", noon, version_is(7)), 7);
  EXPECT_EQ(cache.FindMatching("zz", noon, version_is(7)), nullptr);
  std::string seen_text;
  (void)cache.FindMatching("b", noon, [&](const int&, const std::string& text) {
    seen_text = text;
    return false;  // a miss is no use: "b" stays the least recently used
  });
  EXPECT_EQ(seen_text, "text-b");
  cache.Remember("c", "text-c", std::make_shared<const int>(9), noon);
  EXPECT_EQ(cache.FindMatching("b", noon, version_is(8)), nullptr);
  EXPECT_NE(cache.FindMatching("a", noon, version_is(7)), nullptr);
  EXPECT_NE(cache.FindMatching("a", noon + minutes(5), version_is(7)), nullptr);
  EXPECT_EQ(cache.FindMatching("a", noon + minutes(5) + seconds(1), version_is(7)), nullptr);
  EXPECT_EQ(cache.size(), 1U);  // too old: dropped
}

TEST(DecodedDocumentsTest, TheLeastRecentlyUsedGoesFirstAndForgottenKeysAreGone) {
  const Timestamp noon = Noon();
  DecodedDocuments<int> cache(2, minutes(5));
  cache.Remember("a", "1", std::make_shared<const int>(1), noon);
  cache.Remember("b", "2", std::make_shared<const int>(2), noon);
  ASSERT_NE(cache.Find("a", "1", noon), nullptr);  // "b" is now the least recently used
  cache.Remember("c", "3", std::make_shared<const int>(3), noon);
  EXPECT_EQ(cache.size(), 2U);
  EXPECT_EQ(cache.Find("b", "2", noon), nullptr);
  EXPECT_NE(cache.Find("a", "1", noon), nullptr);
  EXPECT_NE(cache.Find("c", "3", noon), nullptr);
  cache.Forget("a");
  cache.Forget("nothing");
  EXPECT_EQ(cache.Find("a", "1", noon), nullptr);
  EXPECT_EQ(cache.size(), 1U);
  cache.ForgetIf([](int v) { return v == 3; });
  EXPECT_EQ(cache.size(), 0U);
  DecodedDocuments<int> none(0, minutes(5));
  none.Remember("a", "1", std::make_shared<const int>(1), noon);
  EXPECT_EQ(none.Find("a", "1", noon), nullptr);
}

TEST(DecodedDocumentsTest, NothingIsServedPastItsAge) {
  const Timestamp noon = Noon();
  DecodedDocuments<int> cache(4, minutes(5));
  cache.Remember("a", "1", std::make_shared<const int>(1), noon);
  EXPECT_NE(cache.Find("a", "1", noon + minutes(5)), nullptr);
  EXPECT_EQ(cache.Find("a", "1", noon + minutes(5) + seconds(1)), nullptr);
  EXPECT_EQ(cache.size(), 0U);  // and it is dropped
  // Remembering again (the row was read or written again) starts its age afresh.
  cache.Remember("a", "1", std::make_shared<const int>(1), noon);
  cache.Remember("a", "1", std::make_shared<const int>(1), noon + minutes(4));
  EXPECT_NE(cache.Find("a", "1", noon + minutes(8)), nullptr);
}

}  // namespace
}  // namespace openvap::storage
