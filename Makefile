# sluice — the two commands: `make demo` and `make test`. Each installs what is missing first.
BUILD_DIR ?= build
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?= -DCMAKE_BUILD_TYPE=RelWithDebInfo
# Unity build of the module libraries (CMakeLists.txt, SLUICE_UNITY_BUILD): far less CPU for a whole
# build; `make UNITY=OFF ...` builds file by file.
UNITY ?= ON
CONFIGURE = cmake -S . -B $(BUILD_DIR) -G Ninja $(CMAKE_FLAGS) -DSLUICE_UNITY_BUILD=$(UNITY)

# The fuzz targets (fuzz/README.md): a separate clang build with libFuzzer and the sanitizers.
# `make fuzz` runs each target FUZZ_SECONDS; `make test` runs each FUZZ_TEST_SECONDS.
FUZZ_BUILD_DIR ?= build-fuzz
FUZZ_SECONDS ?= 300
FUZZ_TEST_SECONDS ?= 20
FUZZ_PARALLEL ?= 2
FUZZ_CONFIGURE = cmake -S . -B $(FUZZ_BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_COMPILER=clang++ -DSLUICE_TESTS=OFF -DSLUICE_FUZZ=ON

# `make test-asan`: the tests built with AddressSanitizer and UndefinedBehaviorSanitizer (g++).
ASAN_BUILD_DIR ?= build-asan

.PHONY: all deps build test demo demo-build demo-smoke bench format clean fuzz-build fuzz test-asan

all: build

deps:
	@scripts/install-deps.sh

# Everything: the binary, the tests, the benchmarks, with debug info (a `make demo` on this build
# directory may have left SLUICE_TESTS and SLUICE_DEBUG_INFO OFF; this turns them back on).
build: deps
	$(CONFIGURE) -DSLUICE_TESTS=ON -DSLUICE_DEBUG_INFO=ON
	cmake --build $(BUILD_DIR) -j $(JOBS)

test: build fuzz-build
	cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS)
	fuzz/run.sh $(FUZZ_BUILD_DIR) $(FUZZ_TEST_SECONDS) $(FUZZ_PARALLEL)

# Only what the demo needs: its packages, and the `sluice` binary, without debug info (a build
# directory that already exists keeps its settings, so a demo after `make test` builds nothing).
demo: demo-build
	$(BUILD_DIR)/src/cli/sluice demo

demo-build:
	@scripts/install-deps.sh demo
	@test -f $(BUILD_DIR)/build.ninja || $(CONFIGURE) -DSLUICE_TESTS=OFF -DSLUICE_DEBUG_INFO=OFF
	cmake --build $(BUILD_DIR) -j $(JOBS) --target sluice

# `make demo` that stops once the dashboard answers, printing the seconds it took from the start
# (packages and build included): how long a new user waits for the dashboard.
demo-smoke:
	@scripts/demo-smoke.sh "$(MAKE)" $(BUILD_DIR)

fuzz-build: deps
	$(FUZZ_CONFIGURE)
	cmake --build $(FUZZ_BUILD_DIR) -j $(JOBS) --target fuzzers

fuzz: fuzz-build
	fuzz/run.sh $(FUZZ_BUILD_DIR) $(FUZZ_SECONDS) $(FUZZ_PARALLEL)

test-asan: deps
	cmake -S . -B $(ASAN_BUILD_DIR) -G Ninja $(CMAKE_FLAGS) -DSLUICE_TESTS=ON -DSLUICE_SANITIZE=ON
	cmake --build $(ASAN_BUILD_DIR) -j $(JOBS)
	cd $(ASAN_BUILD_DIR) && ctest --output-on-failure -j $(JOBS)

bench: build
	$(BUILD_DIR)/bench/sluice_bench
	$(BUILD_DIR)/src/cli/sluice bench nexmark
	$(BUILD_DIR)/src/cli/sluice bench e2e --work-dir $(BUILD_DIR)/bench-e2e
	$(BUILD_DIR)/src/cli/sluice bench scaleout --work-dir $(BUILD_DIR)/bench-scaleout

format:
	find src bench fuzz -name '*.h' -o -name '*.cc' | xargs clang-format -i

clean:
	rm -rf $(BUILD_DIR) $(FUZZ_BUILD_DIR) $(ASAN_BUILD_DIR)
