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
