# sluice — the two commands: `make demo` and `make test`. Each installs what is missing first.
BUILD_DIR ?= build
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?= -DCMAKE_BUILD_TYPE=RelWithDebInfo
CONFIGURE = cmake -S . -B $(BUILD_DIR) -G Ninja $(CMAKE_FLAGS)

.PHONY: all deps build test demo bench format clean

all: build

deps:
	@scripts/install-deps.sh

# Everything: the binary, the tests, the benchmarks (SLUICE_TESTS may have been left OFF by a
# `make demo` on this build directory; this turns it back on).
build: deps
	$(CONFIGURE) -DSLUICE_TESTS=ON
	cmake --build $(BUILD_DIR) -j $(JOBS)

test: build
	cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS)

# Only what the demo needs: its packages, and the `sluice` binary (a build directory that already
# exists keeps its settings, so a later `make test` does not start over).
demo:
	@scripts/install-deps.sh demo
	@test -f $(BUILD_DIR)/build.ninja || $(CONFIGURE) -DSLUICE_TESTS=OFF
	cmake --build $(BUILD_DIR) -j $(JOBS) --target sluice
	$(BUILD_DIR)/src/cli/sluice demo

bench: build
	$(BUILD_DIR)/bench/sluice_bench
	$(BUILD_DIR)/src/cli/sluice bench nexmark

format:
	find src bench -name '*.h' -o -name '*.cc' | xargs clang-format -i

clean:
	rm -rf $(BUILD_DIR)
