// Small helpers the query files (queries.cc, requests.cc, outbox_queries.cc) share: statement text assembly, LIMIT
// and list encodings, and turning Rows into typed rows.
#ifndef TILLIT_STORE_SQL_QUERY_SUPPORT_H_
#define TILLIT_STORE_SQL_QUERY_SUPPORT_H_

#include <cstdint>
#include <initializer_list>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/sql/conn.h"
#include "store/store.h"

namespace tillit::store::sql {

// A list kept in one text column, comma-separated (ids and names only, never containing a comma).
inline std::string JoinList(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ",") + item;
  return out;
}

inline std::string Sql(std::initializer_list<std::string_view> parts) {
  std::string out;
  for (auto p : parts) out += p;
  return out;
}

// A LIMIT parameter: PostgreSQL rejects a negative one, so "everything" is the largest int64.
inline int64_t Limit(size_t limit) {
  return limit > static_cast<size_t>(std::numeric_limits<int64_t>::max()) ? std::numeric_limits<int64_t>::max()
                                                                          : static_cast<int64_t>(limit);
}

inline int32_t Kind(IndexKind kind) { return static_cast<uint8_t>(kind); }

// Every row of `rows` through `read`.
template <typename Row, typename ReadFn>
std::vector<Row> Collect(const Rows& rows, ReadFn read) {
  std::vector<Row> out;
  out.reserve(rows.size());
  for (int i = 0; i < rows.size(); ++i) out.push_back(read(rows, i));
  return out;
}

// The first row through `read`, or nullopt.
template <typename Row, typename ReadFn>
std::optional<Row> First(const Rows& rows, ReadFn read) {
  if (rows.empty()) return std::nullopt;
  return read(rows, 0);
}

}  // namespace tillit::store::sql

#endif  // TILLIT_STORE_SQL_QUERY_SUPPORT_H_
