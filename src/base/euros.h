#ifndef OPENVAP_BASE_EUROS_H_
#define OPENVAP_BASE_EUROS_H_

#include <cstdint>
#include <string>

namespace openvap {

// An amount of euro cents as people write it in a sentence: "45", "12.50", "0.05"; negative
// amounts get a leading '-'.
std::string EuroText(std::int64_t cents);

}  // namespace openvap

#endif  // OPENVAP_BASE_EUROS_H_
