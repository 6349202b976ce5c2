# SPDX-License-Identifier: Apache-2.0
# The README's commands. CMake (with presets) does the real work underneath.
#   make          build only (gcc, warnings as errors)
#   make run      install what is missing, build, run the demo on ./var
#   make reset    delete the demo: ./var and its demo inputs (then `make run` makes it anew)
#   make test     install, build with gcc and with clang ASan+UBSan, run every test
#   make bench    benchmarks with their peers; JSON on stdout, copies in bench/out/
#   make stress   longer crash and proof sweeps
#   make fuzz     longer fuzzing of every target (FUZZ_SECONDS each)
#   make format / format-check   clang-format 14
JOBS ?= 2
FUZZ_SECONDS ?= 300
SOURCES = $(shell git ls-files '*.c' '*.h' 2>/dev/null || find src include tests fuzz bench -name '*.[ch]')

.PHONY: all build build-asan deps run reset test bench stress fuzz format format-check clean

all: build

deps:
	@sh scripts/deps.sh

build:
	@cmake --preset default >/dev/null
	@cmake --build build -j$(JOBS)

build-asan:
	@cmake --preset asan >/dev/null
	@cmake --build build-asan -j$(JOBS)

run: deps build
	@sh scripts/demo.sh

# only the demo's own ./var, never $$SEALED_DATA: a data directory is not
# deleted by a make target that happens to see it in the environment
reset:
	rm -rf ./var ./var.demo-input ./var.demo-log

test: deps
	@$(MAKE) --no-print-directory build build-asan
	@sh scripts/banned.sh
	@$(MAKE) --no-print-directory format-check
	ctest --test-dir build --output-on-failure -j$(JOBS) -LE 'fuzz|stress'
	ctest --test-dir build-asan --output-on-failure -j$(JOBS) -LE stress

stress: deps build
	SEAL_STRESS=1 ctest --test-dir build --output-on-failure -j$(JOBS) -L 'crash|stress'

fuzz: deps build-asan
	@for t in build-asan/fuzz/fuzz_*; do \
	  n=$$(basename $$t | sed 's/^fuzz_//'); \
	  echo "fuzzing $$n for $(FUZZ_SECONDS)s"; \
	  $$t -max_total_time=$(FUZZ_SECONDS) -max_len=8192 fuzz/corpus/$$n || exit 1; \
	done

bench: build
	@sh scripts/deps.sh bench
	@sh bench/run.sh

format:
	@clang-format-14 -i $(SOURCES)

format-check:
	@clang-format-14 --dry-run --Werror $(SOURCES)

clean:
	rm -rf build build-asan
