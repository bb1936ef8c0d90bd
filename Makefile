# The two commands: `make run` (install, build, start on SQLite with the Minimagi demo configuration) and
# `make test` (install, build under ASan + UBSan, run every test through ctest).
JOBS ?= $(shell nproc)
BUILD ?= build
TEST_BUILD ?= build/asan
DEMO_CONFIG ?= examples/minimagi.toml
DEMO_DATA ?= demo-data
LISTEN ?= 127.0.0.1:8080

.PHONY: all deps build run test bench clean

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
	@cd $(TEST_BUILD) && ctest --output-on-failure -j $(JOBS)

bench: deps
	@echo "bench: no benchmarks yet"

clean:
	rm -rf $(BUILD)
