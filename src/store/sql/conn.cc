#include "store/sql/conn.h"

#include <cctype>

namespace tillit::store::sql {
namespace {

struct Word {
  std::string_view word, sqlite, postgres;
};
constexpr Word kWords[] = {
    {"{ord}", "rowid", "ord"},
    {"{empty_blob}", "X''", "''::bytea"},
    {"{least}", "MIN", "LEAST"},
};

}  // namespace

std::string InDialect(std::string_view sql, bool postgres) {
  std::string out;
  out.reserve(sql.size() + 16);
  bool quoted = false;
  for (size_t i = 0; i < sql.size(); ++i) {
    const char c = sql[i];
    if (c == '\'') quoted = !quoted;
    if (!quoted && sql.substr(i, 12) == "{indexed_by ") {
      // {indexed_by NAME}: SQLite is told which (partial) index to use; PostgreSQL's planner finds it alone.
      const size_t end = sql.find('}', i);
      if (end != std::string_view::npos) {
        if (!postgres) out += "INDEXED BY " + std::string(sql.substr(i + 12, end - i - 12));
        i = end;
        continue;
      }
    }
    if (!quoted && c == '{') {
      bool replaced = false;
      for (const Word& w : kWords) {
        if (sql.substr(i, w.word.size()) == w.word) {
          out += postgres ? w.postgres : w.sqlite;
          i += w.word.size() - 1;
          replaced = true;
          break;
        }
      }
      if (replaced) continue;
    }
    if (!quoted && !postgres && c == '$' && i + 1 < sql.size() && std::isdigit(static_cast<unsigned char>(sql[i + 1]))) {
      out += '?';
      continue;
    }
    out += c;
  }
  return out;
}

}  // namespace tillit::store::sql
