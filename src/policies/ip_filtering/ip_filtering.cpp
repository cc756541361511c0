#include "policies/ip_filtering/ip_filtering.hpp"

#include "core/json/object_reader.hpp"
#include "policies/common/policy_factory.hpp"

#include <boost/json.hpp>

#include <charconv>

namespace gantry {
namespace ip = boost::asio::ip;

namespace {

ip::address unmapped(const ip::address& a) {
  if (a.is_v6() && a.to_v6().is_v4_mapped()) return ip::make_address_v4(ip::v4_mapped, a.to_v6());
  return a;
}

bool same_prefix(const std::array<unsigned char, 16>& a, const std::array<unsigned char, 16>& b, std::size_t size,
                 unsigned prefix) {
  for (std::size_t i = 0; i < size && prefix > 0; ++i) {
    const unsigned bits = std::min(8u, prefix);
    const unsigned char mask = static_cast<unsigned char>(0xFF << (8 - bits));
    if ((a[i] & mask) != (b[i] & mask)) return false;
    prefix -= bits;
  }
  return true;
}

std::array<unsigned char, 16> bytes_of(const ip::address& a) {
  std::array<unsigned char, 16> out{};
  if (a.is_v4()) {
    auto b = a.to_v4().to_bytes();
    std::copy(b.begin(), b.end(), out.begin());
  } else {
    out = a.to_v6().to_bytes();
  }
  return out;
}

std::vector<std::string_view> split_commas(std::string_view s) {
  std::vector<std::string_view> out;
  while (!s.empty()) {
    auto comma = s.find(',');
    auto item = s.substr(0, comma);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (!item.empty()) out.push_back(item);
    if (comma == std::string_view::npos) break;
    s.remove_prefix(comma + 1);
  }
  return out;
}

}  // namespace

bool IpRange::contains(const ip::address& candidate) const {
  const auto a = unmapped(candidate);
  if (a.is_v4() != network.is_v4()) return false;
  return same_prefix(bytes_of(a), bytes_of(network), a.is_v4() ? 4 : 16, prefix);
}

std::optional<IpRange> parse_ip_range(std::string_view text) {
  const auto slash = text.find('/');
  boost::system::error_code ec;
  auto address = ip::make_address(std::string(text.substr(0, slash)), ec);
  if (ec) return std::nullopt;
  address = unmapped(address);
  const unsigned max = address.is_v4() ? 32 : 128;
  unsigned prefix = max;
  if (slash != std::string_view::npos) {
    auto digits = text.substr(slash + 1);
    auto [end, err] = std::from_chars(digits.data(), digits.data() + digits.size(), prefix);
    if (err != std::errc{} || end != digits.data() + digits.size() || digits.empty() || prefix > max) return std::nullopt;
  }
  return IpRange{address, prefix};
}

bool IpFiltering::allowed(const ip::address& address, std::string_view forwarded_for) const {
  auto passes = [&](const ip::address& a) {
    for (const auto& r : blacklist)
      if (r.contains(a)) return false;
    if (whitelist.empty()) return true;
    for (const auto& r : whitelist)
      if (r.contains(a)) return true;
    return false;
  };
  if (!passes(address)) return false;
  if (!match_all_forwarded) return true;
  for (auto item : split_commas(forwarded_for)) {
    boost::system::error_code ec;
    auto a = ip::make_address(std::string(item), ec);
    if (ec || !passes(a)) return false;  // an address we cannot read cannot be vouched for
  }
  return true;
}

Verdict IpFiltering::on_request(PolicyContext& ctx) const {
  const auto& req = ctx.ex.parser.get();
  if (allowed(ctx.ex.remote.address(), req["X-Forwarded-For"])) return Verdict::next;
  ctx.direct = DirectResponse{403, "IP_FILTERED",
                              "Your IP (" + ctx.ex.remote.address().to_string() +
                                  ") or some proxies whereby your request pass through are not allowed to reach this "
                                  "resource.",
                              {}, {}};
  return Verdict::respond;
}

namespace {

std::vector<IpRange> read_ranges(ObjectReader& r, std::string_view key) {
  std::vector<IpRange> out;
  auto list = r.strings(key);
  if (!list) return out;
  for (std::size_t i = 0; i < list->size(); ++i) {
    if (auto range = parse_ip_range((*list)[i])) out.push_back(*range);
    else
      r.diag().error(path_index(r.path_of(key), i),
                     "'" + (*list)[i] + "' is not an IPv4/IPv6 address or CIDR range (host names are not resolved)");
  }
  return out;
}

PluginConfigPtr parse(const boost::json::value& configuration, const std::string& path, Diagnostics& diag) {
  ObjectReader r(configuration, path, diag);
  if (!r.valid()) return nullptr;
  auto policy = std::make_shared<IpFiltering>();
  r.read("matchAllFromXForwardedFor", policy->match_all_forwarded);
  policy->whitelist = read_ranges(r, "whitelistIps");
  policy->blacklist = read_ranges(r, "blacklistIps");
  r.accept({"lookupIpVersion", "customDNSServer"});
  return policy;
}

}  // namespace

std::unique_ptr<PolicyFactory> make_ip_filtering_factory() {
  return make_policy_factory("ip-filtering", phase_request, parse);
}

}  // namespace gantry
