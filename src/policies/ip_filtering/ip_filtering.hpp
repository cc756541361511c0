// ip-filtering: refuses (403) clients whose address is in the blacklist, or not in a non-empty whitelist. Entries
// are IPv4/IPv6 addresses or CIDR ranges; with matchAllFromXForwardedFor, every address of X-Forwarded-For must
// pass too (for gateways behind a proxy).
#pragma once

#include "core/registry/registry.hpp"
#include "gateway/flows/policy.hpp"

#include <boost/asio/ip/address.hpp>

#include <memory>
#include <string_view>
#include <vector>

namespace gantry {

struct IpRange {
  boost::asio::ip::address network;  // IPv4 addresses are kept as IPv4, never mapped
  unsigned prefix = 0;
  bool contains(const boost::asio::ip::address& a) const;
};

// "10.0.0.0/8", "::1", "2001:db8::/32": the range, or nullopt when not an address or CIDR.
std::optional<IpRange> parse_ip_range(std::string_view text);

class IpFiltering final : public Policy {
 public:
  std::vector<IpRange> whitelist, blacklist;
  bool match_all_forwarded = false;

  // Whether a client at `address` (with the given X-Forwarded-For header, "" when absent) may pass.
  bool allowed(const boost::asio::ip::address& address, std::string_view forwarded_for) const;
  Verdict on_request(PolicyContext& ctx) const override;
};

std::unique_ptr<PolicyFactory> make_ip_filtering_factory();

}  // namespace gantry
