// The cache of decoded documents: a hit needs the very text, the least recently used entry
// goes first, forgotten keys are gone.
#include "adapters/storage/decoded_documents.h"

#include <gtest/gtest.h>

#include <string>

namespace openvap::storage {
namespace {

TEST(DecodedDocumentsTest, AHitNeedsTheSameTextByteForByte) {
  DecodedDocuments<std::string> cache(4);
  cache.Remember("app-1", R"({"v":1})", std::make_shared<const std::string>("one"));
  ASSERT_NE(cache.Find("app-1", R"({"v":1})"), nullptr);
  EXPECT_EQ(*cache.Find("app-1", R"({"v":1})"), "one");
  EXPECT_EQ(cache.Find("app-1", R"({"v":2})"), nullptr);   // the row changed
  EXPECT_EQ(cache.Find("app-1", R"({"v":1} )"), nullptr);  // any byte
  EXPECT_EQ(cache.Find("app-2", R"({"v":1})"), nullptr);   // another row
  cache.Remember("app-1", R"({"v":2})", std::make_shared<const std::string>("two"));
  EXPECT_EQ(cache.Find("app-1", R"({"v":1})"), nullptr);
  EXPECT_EQ(*cache.Find("app-1", R"({"v":2})"), "two");
  EXPECT_EQ(cache.size(), 1U);
}

TEST(DecodedDocumentsTest, TheLeastRecentlyUsedGoesFirstAndForgottenKeysAreGone) {
  DecodedDocuments<int> cache(2);
  cache.Remember("a", "1", std::make_shared<const int>(1));
  cache.Remember("b", "2", std::make_shared<const int>(2));
  ASSERT_NE(cache.Find("a", "1"), nullptr);  // "b" is now the least recently used
  cache.Remember("c", "3", std::make_shared<const int>(3));
  EXPECT_EQ(cache.size(), 2U);
  EXPECT_EQ(cache.Find("b", "2"), nullptr);
  EXPECT_NE(cache.Find("a", "1"), nullptr);
  EXPECT_NE(cache.Find("c", "3"), nullptr);
  cache.Forget("a");
  cache.Forget("nothing");
  EXPECT_EQ(cache.Find("a", "1"), nullptr);
  EXPECT_EQ(cache.size(), 1U);
  DecodedDocuments<int> none(0);
  none.Remember("a", "1", std::make_shared<const int>(1));
  EXPECT_EQ(none.Find("a", "1"), nullptr);
}

}  // namespace
}  // namespace openvap::storage
