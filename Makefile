# The two commands: `make run` (install, build, start on SQLite with the demo configuration, examples/demo.toml) and
# `make test` (install, build under ASan + UBSan, run every test through ctest).
JOBS ?= $(shell nproc)
BUILD ?= build
TEST_BUILD ?= build/asan
BENCH_BUILD ?= build/release
BENCH_ARGS ?=
DEMO_CONFIG ?= examples/demo.toml
DEMO_DATA ?= demo-data
LISTEN ?= 127.0.0.1:8080

.PHONY: all deps build run test bench mutate clean

all: build

deps:
	@scripts/install-deps

build: deps
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTILLIT_TESTS=OFF >/dev/null
	@cmake --build $(BUILD) -j $(JOBS) --target tillit

run: build
	@scripts/run-demo $(BUILD)/tillit $(DEMO_CONFIG) $(DEMO_DATA) $(LISTEN)

test: deps
	@cmake -S . -B $(TEST_BUILD) -DCMAKE_BUILD_TYPE=Debug -DTILLIT_SANITIZE=ON -DTILLIT_TESTS=ON >/dev/null
	@cmake --build $(TEST_BUILD) -j $(JOBS)
	@# ctest lists skipped tests after its summary; the summary is repeated so that it is the last line.
	@cd $(TEST_BUILD) && { ctest --output-on-failure -j $(JOBS); echo $$? > ctest.rc; } | tee ctest.log; \
	  grep -E '^[0-9]+% tests passed' ctest.log | tail -1; exit $$(cat ctest.rc)

# Release build of tillit and the benchmark programs, then bench/run: prints the table and rewrites docs/BENCHMARKS.md.
# BENCH_ARGS passes options on, e.g. `make bench BENCH_ARGS=--smoke` (about a minute) or `BENCH_ARGS="--only decide"`.
# -Wno-restrict: GCC 12 at -O3 reports a false -Wrestrict in std::string concatenation (GCC bug 105329);
# -Wno-stringop-overread: and a false -Wstringop-overread in std::map<std::vector<uint8_t>, …> comparisons.
bench: deps
	@cmake -S . -B $(BENCH_BUILD) -DCMAKE_BUILD_TYPE=Release -DTILLIT_BENCH=ON -DTILLIT_TESTS=OFF \
	  "-DCMAKE_CXX_FLAGS=-Wno-restrict -Wno-stringop-overread" >/dev/null
	@cmake --build $(BENCH_BUILD) -j $(JOBS) --target tillit decide_bench baseline_server sqlite_raw
	@bench/run --build $(BENCH_BUILD) $(BENCH_ARGS)

# The mutation check (not part of `make test`): tests/mutations/run breaks each rule listed in
# tests/mutations/mutations.txt in turn in a scratch copy (build/mutate), rebuilds, runs the tests that must notice,
# prints the table and the kill rate and rewrites its section of docs/TESTING.md. MUTATE_ARGS passes options on,
# e.g. `make mutate MUTATE_ARGS="--only decide.restriction-consent-before"`.
MUTATE_ARGS ?=
mutate: deps
	@tests/mutations/run --jobs $(JOBS) --record docs/TESTING.md $(MUTATE_ARGS)

clean:
	rm -rf $(BUILD)
