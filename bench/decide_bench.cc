// decide_bench: the decision index in-process (Google Benchmark), no store and no HTTP.
//
// Workloads:
//   BM_Decide/threads:1   decisions/s on one thread, subjects drawn uniformly from the index
//   BM_Decide/threads:2   the same on two threads at once (total decisions/s; per core = total / 2)
//   resident memory       VmRSS of this process after building the index, before the probes are generated
//
// The index is built through DecisionIndex's public write path (AddSubject, ApplyConsent, ApplyObjection,
// SetRestricted, SetErased), as `tillit serve` keeps it after each commit, for --subjects (default 1 000 000)
// subjects with a deterministic mix: 30 % consented to profiling (a tenth of them withdrew later), 20 % are existing
// customers for e-mail marketing, 3 % objected (to analytics or to e-mail), 0.5 % restricted, 0.1 % erased. The
// configuration is examples/minimagi.toml (--config). The probes — which subject and which question (marketing by
// e-mail, profiling, analytics, contract) — are drawn with a fixed seed before timing starts.
//
// Besides Google Benchmark's own output, prints one line per measurement for bench/run:
//   result rss_kb <kB>              result rss_before_kb <kB>       result build_s <seconds>
//   result decide_threads_<n> <decisions/s>   (one per repetition)
//
// usage: decide_bench [--subjects=N] [--config=FILE] [benchmark flags, e.g. --benchmark_repetitions=5]
#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <memory>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "config/loader.h"
#include "core/consent/decisions.h"
#include "store/store.h"
#include "util/clock.h"

namespace {

using tillit::TimePoint;
using tillit::core::DecisionIndex;

#ifndef TILLIT_SOURCE_DIR
#define TILLIT_SOURCE_DIR "."
#endif

// The id of subject `i`: "sub_" and 26 base32 characters, as Random::NewId makes them, but reproducible.
std::string SubjectId(uint64_t i) {
  static constexpr char kAlphabet[] = "abcdefghijklmnopqrstuvwxyz234567";
  auto splitmix = [](uint64_t& x) {
    uint64_t z = (x += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  };
  uint64_t state = i;
  uint64_t a = splitmix(state), b = splitmix(state);
  std::string id = "sub_";
  for (int k = 0; k < 26; ++k) {
    uint64_t& word = k < 13 ? a : b;
    id += kAlphabet[word & 31];
    word >>= 5;
  }
  return id;
}

long ReadVmRssKb() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::strtol(line.c_str() + 6, nullptr, 10);
  }
  return -1;
}

struct Question {
  std::string_view purpose;
  std::string_view channel;
};
constexpr Question kQuestions[] = {{"marketing", "email"}, {"profiling", ""}, {"analytics", ""}, {"contract", ""}};

// One question, with the subject id inline: the probes are read in order, so the benchmark's own memory traffic is
// sequential and the index's lookups are the only random accesses (as in a server, where the id is in the request).
struct Probe {
  char subject[30];
  uint8_t subject_size;
  uint8_t question;
};

struct Fixture {
  std::unique_ptr<DecisionIndex> index;
  std::vector<Probe> probes;  // a power of two long
  TimePoint now;
};

std::unique_ptr<Fixture> fixture;

std::unique_ptr<Fixture> Build(const std::shared_ptr<const tillit::config::Config>& config, size_t subjects) {
  auto f = std::make_unique<Fixture>();
  f->now = tillit::Clock::System().Now();
  const int64_t now_us = tillit::ToMicros(f->now);
  constexpr int64_t kYearUs = 365LL * 24 * 3600 * 1000000;
  const int64_t profiling_revision = config->FindPurpose("profiling")->revision;
  const long before_kb = ReadVmRssKb();
  const auto started = std::chrono::steady_clock::now();

  f->index = std::make_unique<DecisionIndex>(config);
  std::mt19937_64 rng(20261122);
  std::uniform_int_distribution<int> percent(0, 999);  // tenths of a percent
  std::uniform_int_distribution<int64_t> age(0, kYearUs);
  uint64_t event = 0;
  for (size_t i = 0; i < subjects; ++i) {
    const std::string id = SubjectId(i);
    f->index->AddSubject(id);
    auto consent = [&](std::string purpose, std::string channel, std::string action, int64_t at) {
      tillit::store::ConsentEventRow e;
      e.subject_id = id;
      e.event_id = "con_" + std::to_string(++event);
      e.purpose = std::move(purpose);
      e.channel = std::move(channel);
      e.action = std::move(action);
      e.revision = profiling_revision;
      e.at = at;
      f->index->ApplyConsent(e);
    };
    if (percent(rng) < 300) {
      const int64_t at = now_us - age(rng);
      consent("profiling", "", "given", at);
      if (percent(rng) < 100) consent("profiling", "", "withdrawn", at + 1000);
    }
    if (percent(rng) < 200) consent("marketing", "email", "existing_customer", now_us - age(rng));
    if (percent(rng) < 30) {
      tillit::store::ObjectionRow o;
      o.subject_id = id;
      o.objection_id = "obj_" + std::to_string(++event);
      const bool to_email = percent(rng) < 500;
      o.purpose = to_email ? "" : "analytics";
      o.channel = to_email ? "email" : "";
      o.status = "active";
      o.at = now_us - age(rng);
      f->index->ApplyObjection(o);
    }
    if (percent(rng) < 5) f->index->SetRestricted(id, now_us - age(rng));
    if (percent(rng) < 1) f->index->SetErased(id);
  }
  const double build_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  const long after_kb = ReadVmRssKb();
  std::printf("result rss_before_kb %ld\nresult rss_kb %ld\nresult build_s %.3f\n", before_kb, after_kb, build_s);
  std::fflush(stdout);

  // Outside the measured memory and time: the probe sequence.
  f->probes.resize(size_t{1} << 21);
  std::uniform_int_distribution<uint64_t> pick(0, subjects - 1);
  std::uniform_int_distribution<int> question(0, std::size(kQuestions) - 1);
  for (auto& p : f->probes) {
    const std::string id = SubjectId(pick(rng));
    std::memcpy(p.subject, id.data(), id.size());
    p.subject_size = static_cast<uint8_t>(id.size());
    p.question = static_cast<uint8_t>(question(rng));
  }
  return f;
}

void BM_Decide(benchmark::State& state) {
  const Fixture& f = *fixture;
  const size_t mask = f.probes.size() - 1;
  // Each thread starts at its own place in the probe sequence.
  size_t i = static_cast<size_t>(state.thread_index()) * (f.probes.size() / 2 + 12345);
  size_t allowed = 0;
  for (auto _ : state) {
    const Probe& p = f.probes[i++ & mask];
    const Question& q = kQuestions[p.question];
    auto d = f.index->Decide(std::string_view(p.subject, p.subject_size), q.purpose, q.channel, f.now);
    allowed += d.ok() && d->allow;
    benchmark::DoNotOptimize(d);
  }
  benchmark::DoNotOptimize(allowed);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Decide)->Threads(1)->Threads(2)->UseRealTime();

// Google Benchmark's console output, plus one "result" line per repetition for bench/run.
class Reporter : public benchmark::ConsoleReporter {
 public:
  Reporter() : ConsoleReporter(OO_Tabular) {}
  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const Run& run : runs) {
      if (run.run_type != Run::RT_Iteration || run.error_occurred) continue;
      auto it = run.counters.find("items_per_second");
      if (it == run.counters.end()) continue;
      std::printf("result decide_threads_%lld %.0f\n", static_cast<long long>(run.threads), it->second.value);
    }
    std::fflush(stdout);
  }
};

}  // namespace

int main(int argc, char** argv) {
  size_t subjects = 1000000;
  std::string config_path = TILLIT_SOURCE_DIR "/examples/minimagi.toml";
  std::vector<char*> rest;
  for (int i = 0; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg.rfind("--subjects=", 0) == 0) {
      subjects = std::strtoull(argv[i] + 11, nullptr, 10);
    } else if (arg.rfind("--config=", 0) == 0) {
      config_path = std::string(arg.substr(9));
    } else {
      rest.push_back(argv[i]);
    }
  }
  if (subjects == 0 || subjects > 100000000) {
    std::cerr << "decide_bench: --subjects must be from 1 to 100000000\n";
    return 2;
  }
  auto loaded = tillit::config::LoadConfigFile(config_path);
  if (!loaded.ok()) {
    for (const auto& d : loaded.diagnostics) std::cerr << d.ToString() << "\n";
    return 1;
  }
  int rest_argc = static_cast<int>(rest.size());
  benchmark::Initialize(&rest_argc, rest.data());
  if (benchmark::ReportUnrecognizedArguments(rest_argc, rest.data())) return 2;
  fixture = Build(loaded.config, subjects);
  Reporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();
  return 0;
}
