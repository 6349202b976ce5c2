// SPDX-License-Identifier: Apache-2.0
//
// tlogpeer is bench/ledger.sh's peer: Go's golang.org/x/mod/sumdb/tlog
// building the same tree from the same 256-byte entries as bench_ledger,
// in memory (tlog.StoredHashes into a slice), then proof generation
// (ProveRecord, ProveTree) p50/p99 and CheckRecord verifications per second.
// Prints one JSON object. usage: tlogpeer [LEAVES]
package main

import (
	"encoding/hex"
	"fmt"
	"math/rand"
	"os"
	"sort"
	"strconv"
	"time"

	"golang.org/x/mod/sumdb/tlog"
)

type mem []tlog.Hash

func (m mem) ReadHashes(idx []int64) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(idx))
	for i, x := range idx {
		out[i] = m[x]
	}
	return out, nil
}

func entry(e []byte, i uint64) {
	for j := 0; j < 8; j++ {
		e[j] = byte(i >> (8 * j))
	}
	for j := 8; j < len(e); j++ {
		e[j] = byte(i*31 + uint64(j)*7)
	}
}

func build(n int64) (mem, float64) {
	stored := make(mem, 0, 2*n+64)
	e := make([]byte, 256)
	t := time.Now()
	for i := int64(0); i < n; i++ {
		entry(e, uint64(i))
		hs, err := tlog.StoredHashes(i, e, stored)
		if err != nil {
			panic(err)
		}
		stored = append(stored, hs...)
	}
	return stored, float64(n) / time.Since(t).Seconds()
}

func pct(d []time.Duration, p int) float64 {
	sort.Slice(d, func(i, j int) bool { return d[i] < d[j] })
	return float64(d[len(d)*p/100].Nanoseconds()) / 1000
}

func main() {
	leaves := int64(10000000)
	if len(os.Args) > 1 {
		leaves, _ = strconv.ParseInt(os.Args[1], 10, 64)
	}
	var rates []float64
	for r := 0; r < 3; r++ {
		_, rate := build(2000000)
		rates = append(rates, rate)
	}
	sort.Float64s(rates)
	stored, _ := build(leaves)
	root, err := tlog.TreeHash(leaves, stored)
	if err != nil {
		panic(err)
	}
	const np = 100000
	rng := rand.New(rand.NewSource(1))
	ti := make([]time.Duration, np)
	tc := make([]time.Duration, np)
	for k := 0; k < np; k++ {
		idx := rng.Int63n(leaves)
		t := time.Now()
		if _, err := tlog.ProveRecord(leaves, idx, stored); err != nil {
			panic(err)
		}
		ti[k] = time.Since(t)
		old := rng.Int63n(leaves) + 1
		t = time.Now()
		if _, err := tlog.ProveTree(leaves, old, stored); err != nil {
			panic(err)
		}
		tc[k] = time.Since(t)
	}
	var vt time.Duration
	for k := 0; k < np; k++ {
		idx := rng.Int63n(leaves)
		p, _ := tlog.ProveRecord(leaves, idx, stored)
		leaf := stored[tlog.StoredHashIndex(0, idx)]
		t := time.Now()
		if err := tlog.CheckRecord(p, leaves, root, idx, leaf); err != nil {
			panic(err)
		}
		vt += time.Since(t)
	}
	fmt.Printf("{\"leaves\": %d, \"root\": \"%s\", \"mem_appends_per_s\": %.0f, "+
		"\"inclusion_p50_us\": %.3f, \"inclusion_p99_us\": %.3f, "+
		"\"consistency_p50_us\": %.3f, \"consistency_p99_us\": %.3f, \"verify_per_s\": %.0f}\n",
		leaves, hex.EncodeToString(root[:]), rates[1], pct(ti, 50), pct(ti, 99),
		pct(tc, 50), pct(tc, 99), float64(np)/vt.Seconds())
}
