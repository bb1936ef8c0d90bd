#include "store/postgres/pg_conn.h"

#include <libpq-fe.h>
#include <spdlog/spdlog.h>

#include <array>
#include <cstdlib>
#include <cstring>

namespace tillit::store::pg {
namespace {

// Type OIDs of the built-in types we bind (catalog/pg_type_d.h, which only the server headers ship).
constexpr Oid kBoolOid = 16;
constexpr Oid kByteaOid = 17;
constexpr Oid kInt8Oid = 20;
constexpr Oid kInt4Oid = 23;
constexpr Oid kTextOid = 25;

constexpr int kBinary = 1;

std::string Trimmed(const char* text) {
  std::string s = text != nullptr ? text : "";
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

// Server notices ("relation … already exists, skipping") go to the debug log, never to stderr.
void OnNotice(void*, const PGresult* result) {
  const char* message = PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY);
  spdlog::debug("postgres: {}", message != nullptr ? message : "notice");
}

}  // namespace

// --- Rows ---

Rows& Rows::operator=(Rows&& other) noexcept {
  if (this != &other) {
    if (result_ != nullptr) PQclear(result_);
    result_ = other.result_;
    other.result_ = nullptr;
  }
  return *this;
}

Rows::~Rows() {
  if (result_ != nullptr) PQclear(result_);
}

int Rows::size() const { return result_ != nullptr ? PQntuples(result_) : 0; }

int64_t Rows::affected() const {
  const char* n = result_ != nullptr ? PQcmdTuples(result_) : nullptr;
  return n != nullptr && *n != '\0' ? std::strtoll(n, nullptr, 10) : 0;
}

std::string Rows::tag() const { return result_ != nullptr ? Trimmed(PQcmdStatus(result_)) : std::string(); }

bool Rows::IsNull(int row, int col) const { return PQgetisnull(result_, row, col) != 0; }

int64_t Rows::Int(int row, int col) const {
  if (IsNull(row, col)) return 0;
  const auto* p = reinterpret_cast<const unsigned char*>(PQgetvalue(result_, row, col));
  const int len = PQgetlength(result_, row, col);
  uint64_t u = 0;
  for (int i = 0; i < len; ++i) u = (u << 8) | p[i];
  // Sign-extend the big-endian integer of `len` bytes (int2, int4, int8; bool is 1 byte, 0 or 1).
  if (len > 0 && len < 8 && (p[0] & 0x80) != 0) u |= ~uint64_t{0} << (8 * len);
  return static_cast<int64_t>(u);
}

std::optional<int64_t> Rows::OptionalInt(int row, int col) const {
  return IsNull(row, col) ? std::nullopt : std::optional<int64_t>(Int(row, col));
}

std::string Rows::Text(int row, int col) const {
  return std::string(PQgetvalue(result_, row, col), PQgetlength(result_, row, col));
}

std::vector<uint8_t> Rows::Bytes(int row, int col) const {
  const auto* p = reinterpret_cast<const uint8_t*>(PQgetvalue(result_, row, col));
  return std::vector<uint8_t>(p, p + PQgetlength(result_, row, col));
}

// --- errors ---

Status PgError(PGconn* conn, const PGresult* result, std::string_view what) {
  const char* primary = result != nullptr ? PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY) : nullptr;
  const char* state = result != nullptr ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  std::string msg = std::string(what) + ": ";
  if (primary != nullptr) {
    msg += primary;
  } else if (conn != nullptr) {
    // libpq's own message (a lost connection); it quotes no data.
    msg += Trimmed(PQerrorMessage(conn));
  } else {
    msg += "unknown error";
  }
  const std::string sqlstate = state != nullptr ? state : "";
  if (!sqlstate.empty()) msg += " (SQLSTATE " + sqlstate + ")";
  if (conn != nullptr && PQstatus(conn) != CONNECTION_OK) {
    return Status::Unavailable(std::move(msg), "storage_unavailable");
  }
  const std::string klass = sqlstate.substr(0, 2);
  if (klass == "23") return Status::Conflict(std::move(msg));
  if (klass == "08" || klass == "53" || klass == "58" || sqlstate == "57P01" || sqlstate == "57P02" ||
      sqlstate == "57P03") {
    return Status::Unavailable(std::move(msg), "storage_unavailable");
  }
  if (sqlstate == "40001" || sqlstate == "40P01" || sqlstate == "55P03" || sqlstate == "57014") {
    return Status::Unavailable(std::move(msg));
  }
  return Status::Internal(std::move(msg));
}

// --- Conn ---

Result<std::unique_ptr<Conn>> Conn::Connect(const std::string& url) {
  // Keywords after dbname override what the URL says; connect_timeout comes first, so the URL may override it.
  const char* const keywords[] = {"connect_timeout", "dbname", "fallback_application_name", "client_encoding", nullptr};
  const char* const values[] = {"10", url.c_str(), "tillit", "UTF8", nullptr};
  PGconn* raw = PQconnectdbParams(keywords, values, /*expand_dbname=*/1);
  if (raw == nullptr) return Status::Unavailable("cannot connect to PostgreSQL: out of memory", "storage_unavailable");
  if (PQstatus(raw) != CONNECTION_OK) {
    std::string msg = "cannot connect to PostgreSQL: " + Trimmed(PQerrorMessage(raw));
    PQfinish(raw);
    return Status::Unavailable(std::move(msg), "storage_unavailable");
  }
  PQsetNoticeReceiver(raw, OnNotice, nullptr);
  return std::unique_ptr<Conn>(new Conn(raw));
}

Conn::~Conn() { PQfinish(conn_); }

Status Conn::Lost(std::string_view what) {
  broken_ = true;
  deferred_.clear();
  return Status::Unavailable(std::string(what) + ": " + Trimmed(PQerrorMessage(conn_)), "storage_unavailable");
}

Result<sql::Rows> Conn::Query(std::string_view sql, const sql::Params& params) {
  if (broken_) return Status::Unavailable("the connection to PostgreSQL was lost", "storage_unavailable");
  // Binary encodings: integers big-endian, booleans one byte, text and bytea as they are.
  const int n = static_cast<int>(params.size());
  std::vector<Oid> types(n);
  std::vector<std::array<char, 8>> numbers(n);
  std::vector<const char*> values(n);
  std::vector<int> lengths(n);
  std::vector<int> formats(n, kBinary);
  for (int i = 0; i < n; ++i) {
    const sql::Params::Value& v = params[i];
    const auto u = static_cast<uint64_t>(v.number);
    switch (v.type) {
      case sql::Params::Type::kInt64:
        types[i] = kInt8Oid;
        for (int b = 0; b < 8; ++b) numbers[i][b] = static_cast<char>(u >> (56 - 8 * b));
        lengths[i] = 8;
        break;
      case sql::Params::Type::kInt32:
        types[i] = kInt4Oid;
        for (int b = 0; b < 4; ++b) numbers[i][b] = static_cast<char>(u >> (24 - 8 * b));
        lengths[i] = 4;
        break;
      case sql::Params::Type::kBool:
        types[i] = kBoolOid;
        numbers[i][0] = v.number != 0 ? 1 : 0;
        lengths[i] = 1;
        break;
      case sql::Params::Type::kText:
      case sql::Params::Type::kBytes:
        types[i] = v.type == sql::Params::Type::kText ? kTextOid : kByteaOid;
        lengths[i] = static_cast<int>(v.data.size());
        break;
    }
    const bool text = v.type == sql::Params::Type::kText || v.type == sql::Params::Type::kBytes;
    values[i] = v.null ? nullptr : text ? v.data.data() : numbers[i].data();
    if (v.null) lengths[i] = 0;
  }
  std::string key(sql);
  auto cached = prepared_.find(key);
  const bool prepare = cached == prepared_.end();
  std::string name, text;
  if (prepare) {
    name = "tillit_" + std::to_string(next_statement_++);
    text = sql::InDialect(sql, /*postgres=*/true);
  } else {
    if (cached->second.types != std::vector<unsigned int>(types.begin(), types.end())) {
      return Status::Internal("statement reused with other parameter types: " + key);
    }
    name = cached->second.name;
  }

  // One pipeline: the deferred statements, the Prepare on first use, the query, one Sync; one round trip.
  if (PQenterPipelineMode(conn_) != 1) return Lost("cannot enter pipeline mode");
  bool sent = true;
  for (const std::string& d : deferred_) {
    sent = sent && PQsendQueryParams(conn_, d.c_str(), 0, nullptr, nullptr, nullptr, nullptr, kBinary) == 1;
  }
  const int statements = static_cast<int>(deferred_.size()) + (prepare ? 1 : 0) + 1;
  deferred_.clear();
  if (prepare) sent = sent && PQsendPrepare(conn_, name.c_str(), text.c_str(), n, types.data()) == 1;
  sent =
      sent && PQsendQueryPrepared(conn_, name.c_str(), n, values.data(), lengths.data(), formats.data(), kBinary) == 1;
  sent = sent && PQpipelineSync(conn_) == 1;
  if (!sent) return Lost("cannot send to PostgreSQL");

  // Each statement's results end with a NULL; the Sync's result ends the pipeline. After a failure the server
  // skips to the Sync and libpq reports the skipped statements as PGRES_PIPELINE_ABORTED.
  Status failure;
  std::optional<Rows> rows;
  int index = 0;
  while (true) {
    PGresult* result = PQgetResult(conn_);
    if (result == nullptr) {
      if (++index > statements || PQstatus(conn_) != CONNECTION_OK) return Lost("lost the connection to PostgreSQL");
      continue;
    }
    const ExecStatusType status = PQresultStatus(result);
    if (status == PGRES_PIPELINE_SYNC) {
      PQclear(result);
      break;
    }
    const bool is_query = index == statements - 1;
    const bool is_prepare = prepare && index == statements - 2;
    if (status == PGRES_FATAL_ERROR || status == PGRES_NONFATAL_ERROR || status == PGRES_BAD_RESPONSE) {
      if (failure.ok()) failure = PgError(conn_, result, is_query || is_prepare ? "query" : "statement");
      PQclear(result);
    } else if (status == PGRES_PIPELINE_ABORTED) {
      PQclear(result);
    } else if (is_query) {
      rows.emplace(result);
    } else {
      if (is_prepare) prepared_.emplace(key, Prepared{name, std::vector<unsigned int>(types.begin(), types.end())});
      PQclear(result);
    }
  }
  if (PQexitPipelineMode(conn_) != 1) return Lost("cannot leave pipeline mode");
  if (!failure.ok()) return failure;
  if (!rows) return Status::Internal("PostgreSQL returned no result for: " + key);
  return sql::Rows(std::make_unique<Rows>(std::move(*rows)));
}

Result<std::string> Conn::Command(std::string_view sql) {
  if (broken_) return Status::Unavailable("the connection to PostgreSQL was lost", "storage_unavailable");
  std::string text;
  for (const std::string& d : deferred_) text += d + ";\n";
  deferred_.clear();
  text += sql;
  PGresult* result = PQexec(conn_, text.c_str());
  if (result == nullptr) return Lost("cannot run a statement");
  Rows rows(result);
  const ExecStatusType status = PQresultStatus(result);
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    Status s = PgError(conn_, result, "statement");
    if (PQstatus(conn_) != CONNECTION_OK) broken_ = true;
    return s;
  }
  return rows.tag();
}

void Conn::Defer(std::string_view sql) { deferred_.emplace_back(sql); }

Status Conn::Flush() { return deferred_.empty() ? Status::Ok() : Exec(""); }

bool Conn::Undefer(std::string_view sql) {
  if (deferred_.empty() || deferred_.back() != sql) return false;
  deferred_.pop_back();
  return true;
}

bool Conn::InFailedTransaction() const { return PQtransactionStatus(conn_) == PQTRANS_INERROR; }

bool Conn::Idle() const { return PQtransactionStatus(conn_) == PQTRANS_IDLE; }

Status Conn::EnsureConnected() {
  if (!broken_ && PQstatus(conn_) == CONNECTION_OK) return Status::Ok();
  PQreset(conn_);
  prepared_.clear();
  deferred_.clear();
  if (PQstatus(conn_) != CONNECTION_OK) {
    return Status::Unavailable("cannot reconnect to PostgreSQL: " + Trimmed(PQerrorMessage(conn_)),
                               "storage_unavailable");
  }
  broken_ = false;
  spdlog::warn("reconnected to PostgreSQL after losing the connection");
  return Status::Ok();
}

Status Conn::InSavepoint(std::string_view name, const std::function<Status()>& fn) {
  Conn& conn = *this;
  const std::string savepoint = "SAVEPOINT " + std::string(name);
  const auto undo = [&conn, &name] {
    conn.Defer("ROLLBACK TO SAVEPOINT " + std::string(name));
    conn.Defer("RELEASE SAVEPOINT " + std::string(name));
  };
  conn.Defer(savepoint);
  Status s;
  try {
    s = fn();
  } catch (...) {
    if (!conn.Undefer(savepoint)) undo();
    throw;
  }
  if (conn.Undefer(savepoint)) return s;  // fn sent nothing: there is nothing to undo
  if (s.ok() && conn.InFailedTransaction()) {
    // A nested savepoint's rollback may still be queued: once it has run, the transaction may be fine again.
    Status flushed = conn.Flush();
    if (!flushed.ok() || conn.InFailedTransaction()) {
      s = Status::Internal("a statement of the write failed, yet the write went on");
    }
  }
  if (s.ok()) {
    conn.Defer("RELEASE SAVEPOINT " + std::string(name));
  } else {
    undo();
  }
  return s;
}

}  // namespace tillit::store::pg
