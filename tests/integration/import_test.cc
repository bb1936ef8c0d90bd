// `tillit import subjects` as a shop moving its customer list uses it: a CSV or NDJSON file in, subjects in the
// register (readable over HTTP afterwards, with their audit entries), refused rows in a rejects file with their line
// and a reason that does not repeat the personal data, and exit codes 0 / 1 / 2.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <sstream>

#include "support/server.h"

namespace tillit::testing {
namespace {

using nlohmann::json;
using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

class ImportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    RunResult init = RunTillit({"init", "--config", config(), "--data", data()});
    ASSERT_EQ(init.exit_code, 0) << init.err;
    key_ = CreateKey(data(), "shop", "customer_service");
  }

  static std::string config() { return ExampleConfig("minime"); }
  std::string data() const { return dir_ / "data"; }

  RunResult Import(const std::string& file, std::vector<std::string> extra = {}) {
    std::vector<std::string> args{"import", "subjects", file, "--config", config(), "--data", data()};
    args.insert(args.end(), extra.begin(), extra.end());
    return RunTillit(args);
  }

  // Reads need `tillit serve`; it may only start once the import has finished (one writer process at a time).
  void Serve() { server_ = std::make_unique<TestServer>(data(), ServeOptions{.config = config(), .init = false}); }

  Caller Service() const { return {.key = key_, .purpose = "customer_service"}; }

  // The subject with this e-mail address, or null when there is none.
  json FindByEmail(const std::string& email) {
    HttpResult r = server_->Get("/v1/subjects?email=" + email, Service());
    if (r.status == 404) return nullptr;
    EXPECT_EQ(r.status, 200) << r.body;
    return json::parse(r.body, nullptr, false);
  }

  json AuditOf(const std::string& id) {
    HttpResult r = server_->Get("/v1/subjects/" + id + "/audit", Service());
    EXPECT_EQ(r.status, 200) << r.body;
    return json::parse(r.body, nullptr, false);
  }

  static bool HasImportCreate(const json& audit) {
    for (const auto& e : audit["entries"]) {
      if (e["action"] == "subject.create" && e["actor"] == "import" && e["actor_kind"] == "cli") return true;
    }
    return false;
  }

  TempDir dir_;
  std::string key_;
  std::unique_ptr<TestServer> server_;
};

TEST_F(ImportTest, CsvImportsGoodRowsAndWritesBadOnesToTheRejectsFile) {
  const std::string file = dir_ / "customers.csv";
  WriteFile(file,
            "email,identity.name,contact.address,customer_number\n"                      // 1
            "anna@example.fi,Anna Virtanen,\"Mannerheimintie 1, 00100 Helsinki\",C-1\n"  // 2
            "not-an-email,Bad Email,,C-2\n"                                              // 3
            "ANNA@example.fi,Anna Again,,C-3\n"                                          // 4: the same e-mail as line 2
            "pekka@example.fi,\"Pekka \"\"Pete\"\" Korhonen\",\"Rivitie 2 B\n"           // 5
            "00200 Helsinki\",\n"                                                        // 6
            "\n"                                                                         // 7
            "liisa@example.fi,,,C-5\n");                                                 // 8

  RunResult r = Import(file);
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_THAT(r.out, HasSubstr("rows read         5\n"));
  EXPECT_THAT(r.out, HasSubstr("subjects created  3\n"));
  EXPECT_THAT(r.out, HasSubstr("rows rejected     2\n"));
  EXPECT_THAT(r.out, HasSubstr("rejects file      " + file + ".rejects.csv\n"));
  EXPECT_THAT(r.err, HasSubstr("2 rows were rejected"));

  // The original cells, after the line the row starts on and a reason that names the rule, not the data.
  EXPECT_EQ(ReadFile(file + ".rejects.csv"),
            "\"line\",\"reason\",\"email\",\"identity.name\",\"contact.address\",\"customer_number\"\n"
            "\"3\",\"invalid_email: identifiers.email is not an e-mail address\",\"not-an-email\",\"Bad Email\",\"\","
            "\"C-2\"\n"
            "\"4\",\"email_taken: another subject has this email\",\"ANNA@example.fi\",\"Anna Again\",\"\",\"C-3\"\n");

  Serve();
  json anna = FindByEmail("anna@example.fi");
  ASSERT_TRUE(anna.is_object());
  EXPECT_EQ(anna["fields"]["identity.name"], "Anna Virtanen");  // the duplicate did not overwrite it
  EXPECT_EQ(anna["fields"]["contact.address"], "Mannerheimintie 1, 00100 Helsinki");
  EXPECT_EQ(anna["identifiers"]["customer_number"], "C-1");
  EXPECT_EQ(anna["source"], "import");
  EXPECT_EQ(anna["provenance"]["identity.name"]["source"], "import");
  EXPECT_TRUE(HasImportCreate(AuditOf(anna["id"]))) << AuditOf(anna["id"]).dump();

  json pekka = FindByEmail("pekka@example.fi");
  ASSERT_TRUE(pekka.is_object());
  EXPECT_EQ(pekka["fields"]["identity.name"], "Pekka \"Pete\" Korhonen");
  EXPECT_EQ(pekka["fields"]["contact.address"], "Rivitie 2 B\n00200 Helsinki");
  EXPECT_FALSE(pekka["identifiers"].contains("customer_number"));  // the empty cell was left out

  json liisa = FindByEmail("liisa@example.fi");
  ASSERT_TRUE(liisa.is_object());
  EXPECT_EQ(liisa["identifiers"]["customer_number"], "C-5");
  EXPECT_FALSE(liisa["fields"].contains("identity.name"));
  EXPECT_FALSE(liisa["fields"].contains("contact.address"));
  EXPECT_TRUE(HasImportCreate(AuditOf(liisa["id"])));
}

TEST_F(ImportTest, UnknownColumnStopsTheWholeFileBeforeAnyRowIsImported) {
  const std::string typo = dir_ / "typo.csv";
  WriteFile(typo, "email,identity.nmae\nanna@example.fi,Anna\n");
  RunResult r = Import(typo);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, AllOf(HasSubstr(typo), HasSubstr("unknown column 'identity.nmae'"),
                           HasSubstr("did you mean 'identity.name'?"), HasSubstr("nothing was imported")));
  EXPECT_EQ(r.out, "");
  EXPECT_FALSE(std::filesystem::exists(typo + ".rejects.csv"));

  // A built-in category the shop does not declare is refused the same way, saying where to declare it.
  const std::string undeclared = dir_ / "undeclared.csv";
  WriteFile(undeclared, "email,identity.date_of_birth\nanna@example.fi,1990-01-01\n");
  r = Import(undeclared);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, AllOf(HasSubstr(undeclared), HasSubstr("'identity.date_of_birth'"), HasSubstr("does not declare"),
                           HasSubstr(config())));

  // Nothing of either file was stored: the same e-mail imports cleanly now.
  const std::string good = dir_ / "good.csv";
  WriteFile(good, "email,identity.name\nanna@example.fi,Anna\n");
  r = Import(good);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("subjects created  1\n"));
}

TEST_F(ImportTest, BrokenQuotingIsAFileErrorNamingTheLine) {
  const std::string file = dir_ / "broken.csv";
  WriteFile(file, "email,identity.name\nanna@example.fi,Anna\nbo@example.fi,\"Bo\n");
  RunResult r = Import(file);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, AllOf(HasSubstr(file), HasSubstr("line 3"), HasSubstr("never closed")));
}

TEST_F(ImportTest, UnreadableFileIsAFileError) {
  RunResult r = Import(dir_ / "missing.csv");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, AllOf(HasSubstr(dir_ / "missing.csv"), HasSubstr("cannot read")));
}

TEST_F(ImportTest, EveryRowImportedExitsZeroWithSourceAndCollectedAt) {
  const std::string file = dir_ / "export.txt";  // no extension: CSV because it does not start with '{'
  const std::string rejects = dir_ / "refused.csv";
  WriteFile(file,
            "\xEF\xBB\xBF"  // spreadsheet exports often start with a byte order mark
            "email,identity.name,source,collected_at\n"
            "maija@example.fi,Maija,,2024-05-06T07:08:09Z\n"
            "ville@example.fi,Ville,address_service,\n");
  RunResult r = Import(file, {"--rejects", rejects, "--source", "shop"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, AllOf(HasSubstr("rows read         2\n"), HasSubstr("subjects created  2\n"),
                           HasSubstr("rows rejected     0\n"), HasSubstr("rejects file      " + rejects)));
  EXPECT_EQ(ReadFile(rejects), "\"line\",\"reason\",\"email\",\"identity.name\",\"source\",\"collected_at\"\n");

  Serve();
  json maija = FindByEmail("maija@example.fi");
  ASSERT_TRUE(maija.is_object());
  EXPECT_EQ(maija["source"], "shop");
  EXPECT_EQ(maija["provenance"]["identity.name"]["collected_at"], "2024-05-06T07:08:09Z");
  json ville = FindByEmail("ville@example.fi");
  ASSERT_TRUE(ville.is_object());
  EXPECT_EQ(ville["source"], "address_service");
}

TEST_F(ImportTest, RejectsFileImportsAgainOnceFixed) {
  const std::string file = dir_ / "customers.csv";
  WriteFile(file, "email,identity.name\nanna@example.fi,Anna\nanna.example.fi,Anni\n");
  RunResult r = Import(file);
  ASSERT_EQ(r.exit_code, 1) << r.err;
  const std::string rejects = ReadFile(file + ".rejects.csv");
  ASSERT_THAT(rejects, HasSubstr("\"anna.example.fi\""));
  // The shop fixes the address in the rejects file and imports that file: its line and reason columns are ignored.
  const std::string fixed = dir_ / "fixed.csv";
  std::string text = rejects;
  text.replace(text.find("anna.example.fi"), 15, "anni@example.fi");
  WriteFile(fixed, text);
  r = Import(fixed);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("subjects created  1\n"));
}

TEST_F(ImportTest, NdjsonImportsTheApiShapeAndRejectsLinesWithTheirText) {
  const std::string file = dir_ / "customers.ndjson";
  const std::string bad_email = R"({"identifiers":{"email":"matti.example.fi"}})";
  const std::string not_json = R"({"identifiers":{"email":"x@example.fi")";
  const std::string undeclared =
      R"({"identifiers":{"email":"sanna@example.fi"},"fields":{"identity.date_of_birth":"1990-01-01"}})";
  WriteFile(file,
            R"({"identifiers":{"email":"matti@example.fi"},"fields":{"identity.name":"Matti"},)"
            R"("collected_at":"2024-01-02T03:04:05Z"})"
            "\n"    // 1
            "\n" +  // 2
                bad_email +
                "\n" +               // 3
                not_json + "\r\n" +  // 4
                undeclared + "\n" +  // 5
                R"({"identifiers":{"email":"kalle@example.fi"},"source":"address_service",)"
                R"("fields":{"contact.address":"Tie 1"}})");  // 6, no final line break

  RunResult r = Import(file);
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_THAT(r.out, AllOf(HasSubstr("rows read         5\n"), HasSubstr("subjects created  2\n"),
                           HasSubstr("rows rejected     3\n"), HasSubstr(file + ".rejects.ndjson")));

  std::vector<std::string> lines = Lines(ReadFile(file + ".rejects.ndjson"));
  ASSERT_EQ(lines.size(), 3u);
  std::vector<json> rejected;
  for (const auto& line : lines) rejected.push_back(json::parse(line));
  EXPECT_EQ(rejected[0]["line"], 3);
  EXPECT_THAT(rejected[0]["reason"].get<std::string>(), AllOf(StartsWith("invalid_email:"), Not(HasSubstr("matti"))));
  EXPECT_EQ(rejected[0]["input"], bad_email);
  EXPECT_EQ(rejected[1]["line"], 4);
  EXPECT_THAT(rejected[1]["reason"].get<std::string>(), StartsWith("invalid_json:"));
  EXPECT_EQ(rejected[1]["input"], not_json);
  EXPECT_EQ(rejected[2]["line"], 5);
  EXPECT_THAT(rejected[2]["reason"].get<std::string>(),
              AllOf(StartsWith("unknown_category:"), HasSubstr("identity.date_of_birth"), Not(HasSubstr("1990"))));
  EXPECT_EQ(rejected[2]["input"], undeclared);

  Serve();
  json matti = FindByEmail("matti@example.fi");
  ASSERT_TRUE(matti.is_object());
  EXPECT_EQ(matti["fields"]["identity.name"], "Matti");
  EXPECT_EQ(matti["provenance"]["identity.name"]["collected_at"], "2024-01-02T03:04:05Z");
  EXPECT_EQ(matti["source"], "import");
  EXPECT_TRUE(HasImportCreate(AuditOf(matti["id"])));
  json kalle = FindByEmail("kalle@example.fi");
  ASSERT_TRUE(kalle.is_object());
  EXPECT_EQ(kalle["source"], "address_service");
  EXPECT_EQ(kalle["fields"]["contact.address"], "Tie 1");
  EXPECT_TRUE(FindByEmail("sanna@example.fi").is_null());
}

TEST_F(ImportTest, ManyRowsImportThroughTheBoundedQueue) {
  // More rows than creates kept in flight, with a duplicate near the end.
  const int kRows = 1500;
  std::string csv = "email,customer_number\n";
  for (int i = 0; i < kRows; ++i) csv += "c" + std::to_string(i) + "@example.fi,N" + std::to_string(i) + "\n";
  csv += "c7@example.fi,N-dup\n";
  const std::string file = dir_ / "many.csv";
  WriteFile(file, csv);
  RunResult r = Import(file);
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_THAT(r.out, AllOf(HasSubstr("rows read         1501\n"), HasSubstr("subjects created  1500\n"),
                           HasSubstr("rows rejected     1\n")));
  EXPECT_THAT(ReadFile(file + ".rejects.csv"), HasSubstr("\"1502\",\"email_taken: "));
  RunResult verify = RunTillit({"audit", "verify", "--data", data()});
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
}

}  // namespace
}  // namespace tillit::testing
