// Command tilesroot reads a C2SP tlog-tiles tree from a folder with Go's golang.org/x/mod/sumdb/tlog tile reader
// and prints the tree's root: an interoperability check for `promptgate publish`, independent of PromptGate's code.
//
//	tilesroot DIR SIZE
//
// prints the base64 root of the first SIZE leaves, computed by tlog.TreeHash through tlog.TileHashReader over the
// tiles DIR/tile/<L>/<N>[.p/<W>] (height 8), and checks every level-0 tile and entry bundle through it.
package main

import (
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"strconv"

	"golang.org/x/mod/sumdb/tlog"
)

const height = 8

// tilePath is the C2SP path of a tile; level -1 is the entry bundle.
func tilePath(level int, n int64, width int) string {
	s := fmt.Sprintf("%03d", n%1000)
	for n >= 1000 {
		n /= 1000
		s = fmt.Sprintf("x%03d/%s", n%1000, s)
	}
	l := "entries"
	if level >= 0 {
		l = strconv.Itoa(level)
	}
	p := "tile/" + l + "/" + s
	if width < 1<<height {
		p += ".p/" + strconv.Itoa(width)
	}
	return p
}

type dirReader struct{ dir string }

func (d dirReader) Height() int { return height }

func (d dirReader) ReadTiles(tiles []tlog.Tile) ([][]byte, error) {
	out := make([][]byte, len(tiles))
	for i, t := range tiles {
		b, err := os.ReadFile(filepath.Join(d.dir, filepath.FromSlash(tilePath(t.L, t.N, t.W))))
		if err != nil {
			return nil, err
		}
		out[i] = b
	}
	return out, nil
}

func (d dirReader) SaveTiles([]tlog.Tile, [][]byte) {}

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: tilesroot DIR SIZE")
		os.Exit(2)
	}
	dir := os.Args[1]
	size, err := strconv.ParseInt(os.Args[2], 10, 64)
	if err != nil || size < 1 {
		fmt.Fprintln(os.Stderr, "tilesroot: SIZE must be a positive number")
		os.Exit(2)
	}
	// TileHashReader authenticates each tile it reads against the tree it is given, so the root is first computed
	// from the tiles as they are (tlog.TreeHash over a plain reader of the published tiles), then everything is read
	// again through TileHashReader with that root: a tile that does not fit the others fails there.
	plain := tlog.HashReaderFunc(func(indexes []int64) ([]tlog.Hash, error) {
		out := make([]tlog.Hash, len(indexes))
		for i, index := range indexes {
			t := tlog.TileForIndex(height, index)
			// Widen to the tile the tree of this size publishes.
			level := int64(t.L * height)
			count := size >> uint(level)
			if full := (t.N + 1) << height; full <= count {
				t.W = 1 << height
			} else {
				t.W = int(count - t.N<<height)
			}
			data, err := dirReader{dir}.ReadTiles([]tlog.Tile{t})
			if err != nil {
				return nil, err
			}
			h, err := tlog.HashFromTile(t, data[0], index)
			if err != nil {
				return nil, err
			}
			out[i] = h
		}
		return out, nil
	})
	root, err := tlog.TreeHash(size, plain)
	if err != nil {
		fmt.Fprintln(os.Stderr, "tilesroot:", err)
		os.Exit(1)
	}
	// Now through the authenticating tile reader: every level-0 hash, and every entry against it.
	hr := tlog.TileHashReader(tlog.Tree{N: size, Hash: root}, dirReader{dir})
	if again, err := tlog.TreeHash(size, hr); err != nil || again != root {
		fmt.Fprintln(os.Stderr, "tilesroot: the tile reader disagrees:", err)
		os.Exit(1)
	}
	for start := int64(0); start < size; start += 1 << height {
		w := size - start
		if w > 1<<height {
			w = 1 << height
		}
		b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(tilePath(-1, start>>height, int(w)))))
		if err != nil {
			fmt.Fprintln(os.Stderr, "tilesroot:", err)
			os.Exit(1)
		}
		for i := int64(0); i < w; i++ {
			if len(b) < 2 || len(b) < 2+int(binary.BigEndian.Uint16(b)) {
				fmt.Fprintln(os.Stderr, "tilesroot: truncated bundle at entry", start+i)
				os.Exit(1)
			}
			n := int(binary.BigEndian.Uint16(b))
			hs, err := hr.ReadHashes([]int64{tlog.StoredHashIndex(0, start+i)})
			if err != nil || tlog.RecordHash(b[2:2+n]) != hs[0] {
				fmt.Fprintln(os.Stderr, "tilesroot: entry", start+i, "does not match its leaf hash", err)
				os.Exit(1)
			}
			b = b[2+n:]
		}
		if len(b) != 0 {
			fmt.Fprintln(os.Stderr, "tilesroot: trailing bytes in bundle at", start)
			os.Exit(1)
		}
	}
	fmt.Println(base64.StdEncoding.EncodeToString(root[:]))
}
