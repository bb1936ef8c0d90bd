// The schema rule that lets tillit be distributed by subject: every table with a subject_id column carries it in its
// primary key, so a sharded PostgreSQL (Citus, distributed by subject_id) keeps each subject's rows on one shard.
// Checked against the live schema of whichever backend the suite runs on, after every migration.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <sqlite3.h>

#include <map>
#include <set>

#include "support/process.h"

namespace tillit::testing {
namespace {

// Tables that name subjects without belonging to one: blind indexes are keyed by the index value (a distributed
// table's unique index must contain the distribution column, so these are reference tables), and the audit chain
// is global by design, as is the feed of decision changes that servers read to stay in step.
const std::set<std::string> kGlobalTables = {"unique_index", "audit_log", "decision_changes"};

struct TableInfo {
  bool has_subject_id = false;
  std::set<std::string> primary_key;
};

std::map<std::string, TableInfo> SqliteSchema(const std::string& path) {
  std::map<std::string, TableInfo> tables;
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  sqlite3_stmt* list = nullptr;
  sqlite3_prepare_v2(db, "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'", -1, &list,
                     nullptr);
  std::vector<std::string> names;
  while (sqlite3_step(list) == SQLITE_ROW)
    names.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(list, 0)));
  sqlite3_finalize(list);
  for (const auto& name : names) {
    sqlite3_stmt* info = nullptr;
    sqlite3_prepare_v2(db, ("SELECT name, pk FROM pragma_table_info('" + name + "')").c_str(), -1, &info, nullptr);
    TableInfo& t = tables[name];
    while (sqlite3_step(info) == SQLITE_ROW) {
      const std::string column = reinterpret_cast<const char*>(sqlite3_column_text(info, 0));
      if (column == "subject_id") t.has_subject_id = true;
      if (sqlite3_column_int(info, 1) > 0) t.primary_key.insert(column);
    }
    sqlite3_finalize(info);
  }
  sqlite3_close(db);
  return tables;
}

std::map<std::string, TableInfo> PostgresSchema(const std::string& url) {
  std::map<std::string, TableInfo> tables;
  PGconn* conn = PQconnectdb(url.c_str());
  EXPECT_EQ(PQstatus(conn), CONNECTION_OK) << PQerrorMessage(conn);
  PGresult* cols = PQexec(conn,
                          "SELECT table_schema || '.' || table_name, column_name FROM information_schema.columns "
                          "WHERE table_schema IN ('public', 'keystore')");
  for (int i = 0; i < PQntuples(cols); ++i) {
    TableInfo& t = tables[PQgetvalue(cols, i, 0)];
    if (std::string(PQgetvalue(cols, i, 1)) == "subject_id") t.has_subject_id = true;
  }
  PQclear(cols);
  PGresult* pk = PQexec(conn,
                        "SELECT tc.table_schema || '.' || tc.table_name, kcu.column_name "
                        "FROM information_schema.table_constraints tc JOIN information_schema.key_column_usage kcu "
                        "ON tc.constraint_name = kcu.constraint_name AND tc.table_schema = kcu.table_schema "
                        "WHERE tc.constraint_type = 'PRIMARY KEY' AND tc.table_schema IN ('public', 'keystore')");
  for (int i = 0; i < PQntuples(pk); ++i) tables[PQgetvalue(pk, i, 0)].primary_key.insert(PQgetvalue(pk, i, 1));
  PQclear(pk);
  PQfinish(conn);
  return tables;
}

std::string Unqualified(const std::string& name) {
  const size_t dot = name.find('.');
  return dot == std::string::npos ? name : name.substr(dot + 1);
}

TEST(SchemaTest, EveryPerSubjectTableHasSubjectIdInItsPrimaryKey) {
  TempDir dir;
  RunResult init = RunTillit({"init", "--config", ExampleConfig("minime"), "--data", dir / "data"});
  ASSERT_EQ(init.exit_code, 0) << init.err;
  std::map<std::string, TableInfo> tables;
  if (UsingPostgres()) {
    tables = PostgresSchema(StoreUrlFor(dir / "data"));
  } else {
    tables = SqliteSchema(dir / "data/tillit.db");
    for (auto& [name, info] : SqliteSchema(dir / "data/keys.db")) tables["keystore." + name] = info;
  }
  int per_subject = 0;
  for (const auto& [name, info] : tables) {
    if (!info.has_subject_id || kGlobalTables.contains(Unqualified(name))) continue;
    ++per_subject;
    EXPECT_TRUE(info.primary_key.contains("subject_id")) << name << " has subject_id outside its primary key";
  }
  // The rule is checked against something: subjects, fields, history, records, consents, objections, restrictions,
  // data keys at least.
  EXPECT_GE(per_subject, 8);
  EXPECT_TRUE(tables.count("unique_index") + tables.count("public.unique_index") == 1);
}

}  // namespace
}  // namespace tillit::testing
