// SPDX-License-Identifier: Apache-2.0
//
// interop cross-checks sealed's ledger against an independent
// implementation, Go's golang.org/x/mod/sumdb/tlog and sumdb/note: it
// rebuilds the tree from the same entries, compares every root sealed
// printed, checks sealed's inclusion and consistency proofs with
// tlog.CheckRecord / tlog.CheckTree and compares them with tlog's own
// proofs, checks the level-0 tiles, and opens the checkpoint with note.Open.
//
// usage: interop ENTRIES-FILE LOG-DIR PROOFS-FILE
// PROOFS-FILE holds one `sealctl log inclusion|consistency` JSON per line.
// Prints "ok: N checks" or the first mismatch (exit 1).
package main

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

type proofJSON struct {
	Size    *int64   `json:"size"`
	Index   *int64   `json:"index"`
	Root    string   `json:"root"`
	OldSize *int64   `json:"old_size"`
	OldRoot string   `json:"old_root"`
	Proof   []string `json:"proof"`
}

type memHashes []tlog.Hash

func (m memHashes) ReadHashes(idx []int64) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(idx))
	for i, x := range idx {
		if x < 0 || x >= int64(len(m)) {
			return nil, fmt.Errorf("hash %d not stored", x)
		}
		out[i] = m[x]
	}
	return out, nil
}

func die(format string, args ...interface{}) {
	fmt.Fprintf(os.Stderr, "interop: "+format+"\n", args...)
	os.Exit(1)
}

func hash(s string) tlog.Hash {
	b, err := hex.DecodeString(s)
	if err != nil || len(b) != tlog.HashSize {
		die("bad hash %q", s)
	}
	var h tlog.Hash
	copy(h[:], b)
	return h
}

// tilePath is the C2SP tlog-tiles path (no height element, unlike
// tlog.Tile.Path's older layout).
func tilePath(level int, n int64) string {
	s := fmt.Sprintf("%03d", n%1000)
	for n /= 1000; n > 0; n /= 1000 {
		s = fmt.Sprintf("x%03d/", n%1000) + s
	}
	return fmt.Sprintf("tile/%d/%s", level, s)
}

func main() {
	if len(os.Args) != 4 {
		die("usage: interop ENTRIES-FILE LOG-DIR PROOFS-FILE")
	}
	data, err := os.ReadFile(os.Args[1])
	if err != nil {
		die("%v", err)
	}
	lines := bytes.Split(data, []byte("\n"))
	if len(lines) > 0 && len(lines[len(lines)-1]) == 0 {
		lines = lines[:len(lines)-1]
	}
	var stored memHashes
	var leaves []tlog.Hash
	for i, l := range lines {
		hs, err := tlog.StoredHashes(int64(i), l, stored)
		if err != nil {
			die("StoredHashes: %v", err)
		}
		stored = append(stored, hs...)
		leaves = append(leaves, tlog.RecordHash(l))
	}
	n := int64(len(lines))
	checks := 0
	root := func(size int64) tlog.Hash {
		h, err := tlog.TreeHash(size, stored)
		if err != nil {
			die("TreeHash(%d): %v", size, err)
		}
		return h
	}

	// Level-0 tiles: full tiles of 256 leaf hashes.
	dir := os.Args[2]
	for t := int64(0); (t+1)*256 <= n; t++ {
		b, err := os.ReadFile(filepath.Join(dir, tilePath(0, t)))
		if err != nil || len(b) != 256*tlog.HashSize {
			die("tile %s: %v (len %d)", tilePath(0, t), err, len(b))
		}
		for i := 0; i < 256; i++ {
			if !bytes.Equal(b[i*32:(i+1)*32], leaves[t*256+int64(i)][:]) {
				die("tile %s hash %d differs from tlog.RecordHash", tilePath(0, t), i)
			}
		}
		checks++
	}

	// Checkpoint: C2SP signed note under the log's verifier key.
	vkey, err := os.ReadFile(filepath.Join(dir, "vkey"))
	if err != nil {
		die("%v", err)
	}
	v, err := note.NewVerifier(strings.TrimSpace(string(vkey)))
	if err != nil {
		die("NewVerifier: %v", err)
	}
	cp, err := os.ReadFile(filepath.Join(dir, "checkpoint"))
	if err != nil {
		die("%v", err)
	}
	nt, err := note.Open(cp, note.VerifierList(v))
	if err != nil {
		die("note.Open(checkpoint): %v", err)
	}
	f := strings.Split(nt.Text, "\n")
	if len(f) < 4 {
		die("checkpoint text has %d lines", len(f))
	}
	cpSize, err := strconv.ParseInt(f[1], 10, 64)
	if err != nil || cpSize > n {
		die("checkpoint size %q", f[1])
	}
	cpRoot, err := base64.StdEncoding.DecodeString(f[2])
	if err != nil || !bytes.Equal(cpRoot, func() []byte { h := root(cpSize); return h[:] }()) {
		die("checkpoint root differs from tlog.TreeHash(%d)", cpSize)
	}
	checks++

	pf, err := os.Open(os.Args[3])
	if err != nil {
		die("%v", err)
	}
	sc := bufio.NewScanner(pf)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var p proofJSON
		if err := json.Unmarshal(sc.Bytes(), &p); err != nil {
			die("proof JSON: %v", err)
		}
		var proof []tlog.Hash
		for _, s := range p.Proof {
			proof = append(proof, hash(s))
		}
		if p.Size == nil || *p.Size > n {
			die("proof without a valid size")
		}
		size := *p.Size
		if root(size) != hash(p.Root) {
			die("root at size %d differs from tlog.TreeHash", size)
		}
		if p.Index != nil {
			idx := *p.Index
			if err := tlog.CheckRecord(tlog.RecordProof(proof), size, hash(p.Root), idx, leaves[idx]); err != nil {
				die("CheckRecord(%d, %d): %v", idx, size, err)
			}
			want, err := tlog.ProveRecord(size, idx, stored)
			if err != nil || fmt.Sprint(want) != fmt.Sprint(tlog.RecordProof(proof)) {
				die("inclusion proof (%d, %d) differs from tlog.ProveRecord", idx, size)
			}
		} else if p.OldSize != nil {
			old := *p.OldSize
			if root(old) != hash(p.OldRoot) {
				die("old root at size %d differs", old)
			}
			if err := tlog.CheckTree(tlog.TreeProof(proof), size, hash(p.Root), old, hash(p.OldRoot)); err != nil {
				die("CheckTree(%d -> %d): %v", old, size, err)
			}
			want, err := tlog.ProveTree(size, old, stored)
			if err != nil || fmt.Sprint(want) != fmt.Sprint(tlog.TreeProof(proof)) {
				die("consistency proof (%d -> %d) differs from tlog.ProveTree", old, size)
			}
		} else {
			die("proof JSON is neither inclusion nor consistency")
		}
		checks++
	}
	fmt.Printf("ok: %d checks\n", checks)
}
