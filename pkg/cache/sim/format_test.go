package sim

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"io"
	"slices"
	"strings"
	"testing"

	"github.com/klauspost/compress/zstd"
	"github.com/ulikunitz/xz"
)

func readAllReqs(t *testing.T, in []byte, opts ReaderOptions) ([]Request, error) {
	t.Helper()
	tr, err := NewReader(bytes.NewReader(in), opts)
	if err != nil {
		return nil, err
	}
	defer tr.Close()
	var out []Request
	for {
		req, err := tr.Next()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return out, err
		}
		out = append(out, req)
	}
}

func TestParseColumns(t *testing.T) {
	tests := []struct {
		in      string
		want    Columns
		wantErr string
	}{
		{"key=2,size=3,time=1,op=4", Columns{Key: 2, Size: 3, Time: 1, Op: 4}, ""},
		{" key = 1 ", Columns{Key: 1}, ""},
		{"size=3", Columns{}, "no key column: add key=N"},
		{"key=2,colour=3", Columns{}, `unknown column "colour": use key, size, time or op`},
		{"key=0", Columns{}, "columns count from 1"},
		{"key=x", Columns{}, "must be a number"},
		{"key", Columns{}, "write name=column"},
		{"key=1,key=2", Columns{}, `column "key" given twice`},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseColumns(tt.in)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("got %+v, %v; want %+v", got, err, tt.want)
			}
		})
	}
}

func TestReaderFormats(t *testing.T) {
	h := func(s string) uint64 { return hashString([]byte(s)) }
	cols := Columns{Key: 2, Size: 3, Time: 1, Op: 4}
	tests := []struct {
		name    string
		in      string
		opts    ReaderOptions
		want    []Request
		wantErr string
	}{
		{"text, ints and strings", "1\nuser:1\n*\n# c\n2\n", ReaderOptions{}, []Request{{Key: 1}, {Key: h("user:1")}, {Key: 2}}, ""},
		{"csv with header", "time,key,size,op\n10,a,100,get\n11,b,5,SET\n12,a,7,del\n", ReaderOptions{Format: FormatCSV, Columns: cols},
			[]Request{{Time: 10, Key: h("a"), Size: 100}, {Time: 11, Key: h("b"), Size: 5, Op: OpSet}, {Time: 12, Key: h("a"), Size: 7, Op: OpDel}}, ""},
		{"csv header detected by a non-numeric size", "ts,obj,bytes\n1,7,10\n", ReaderOptions{Format: FormatCSV, Columns: Columns{Key: 2, Size: 3}},
			[]Request{{Key: 7, Size: 10}}, ""},
		{"csv without header, key only", "3\n4,9\n", ReaderOptions{Format: FormatCSV}, []Request{{Key: 3}, {Key: 4}}, ""},
		{"tsv", "1\t42\t8\n", ReaderOptions{Format: FormatTSV, Columns: Columns{Key: 2, Size: 3}}, []Request{{Key: 42, Size: 8}}, ""},
		{"quoted csv cells", `"k1","12"` + "\n", ReaderOptions{Format: FormatCSV, Columns: Columns{Key: 1, Size: 2}}, []Request{{Key: h("k1"), Size: 12}}, ""},
		{"arc runs", "100 3 0 1\n7 1 0 2\n", ReaderOptions{Format: FormatARC}, []Request{{Key: 100}, {Key: 101}, {Key: 102}, {Key: 7}}, ""},
		{"csv column past the row", "1,2\n1\n", ReaderOptions{Format: FormatCSV, Columns: Columns{Key: 2}, Name: "t.csv"}, []Request{{Key: 2}},
			"t.csv:2: the row has 1 columns but --columns asks for column 2"},
		{"csv size not a number", "1,a,10\n2,b,lots\n", ReaderOptions{Format: FormatCSV, Columns: Columns{Key: 2, Size: 3}, Name: "t.csv"}, []Request{{Key: h("a"), Size: 10}},
			`t.csv:2: size "lots" in column 3 is not a non-negative integer`},
		{"csv bad op", "a,get\nb,frob\n", ReaderOptions{Format: FormatCSV, Columns: Columns{Key: 1, Op: 2}, Name: "t.csv"}, []Request{{Key: h("a")}},
			`t.csv:2: op "frob" in column 2: use get, set or del`},
		{"arc bad line", "100\n", ReaderOptions{Format: FormatARC, Name: "a.arc"}, nil, `a.arc:1: "100": an ARC trace line is "start count ..."`},
		{"unknown format", "", ReaderOptions{Format: "parquet"}, nil, `unknown trace format "parquet"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := readAllReqs(t, []byte(tt.in), tt.opts)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
			} else if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, tt.want) {
				t.Fatalf("got %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func oracleRecords(reqs []Request) []byte {
	var b []byte
	for _, r := range reqs {
		b = binary.LittleEndian.AppendUint32(b, uint32(r.Time))
		b = binary.LittleEndian.AppendUint64(b, r.Key)
		b = binary.LittleEndian.AppendUint32(b, uint32(r.Size))
		b = binary.LittleEndian.AppendUint64(b, ^uint64(0))
	}
	return b
}

func TestReaderOracleGeneral(t *testing.T) {
	want := []Request{{Time: 1, Key: 1 << 40, Size: 4096}, {Time: 2, Key: 3, Size: 1}}
	raw := oracleRecords(want)
	got, err := readAllReqs(t, raw, ReaderOptions{Format: FormatOracleGeneral})
	if err != nil || !slices.Equal(got, want) {
		t.Fatalf("got %+v, %v; want %+v", got, err, want)
	}
	_, err = readAllReqs(t, raw[:30], ReaderOptions{Format: FormatOracleGeneral, Name: "o.bin"})
	if err == nil || !strings.Contains(err.Error(), "o.bin: record 2 is cut short (6 of 24 bytes)") {
		t.Fatalf("cut record: err = %v", err)
	}
}

func compressed(t *testing.T, kind string, data []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	var w io.WriteCloser
	var err error
	switch kind {
	case "gzip":
		w = gzip.NewWriter(&buf)
	case "zstd":
		w, err = zstd.NewWriter(&buf)
	case "xz":
		w, err = xz.NewWriter(&buf)
	}
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestReaderDecompressesByMagic(t *testing.T) {
	text := []byte("1\n2\nk\n")
	want := []Request{{Key: 1}, {Key: 2}, {Key: hashString([]byte("k"))}}
	for _, kind := range []string{"gzip", "zstd", "xz"} {
		t.Run(kind, func(t *testing.T) {
			z := compressed(t, kind, text)
			got, err := readAllReqs(t, z, ReaderOptions{})
			if err != nil || !slices.Equal(got, want) {
				t.Fatalf("got %+v, %v", got, err)
			}
			// A corrupt stream: the magic bytes, then garbage.
			bad := append(slices.Clone(z[:6]), bytes.Repeat([]byte{0xAA}, 64)...)
			if _, err := readAllReqs(t, bad, ReaderOptions{Name: "bad." + kind}); err == nil || !strings.Contains(err.Error(), "bad."+kind) {
				t.Fatalf("corrupt %s: err = %v, want one naming the input", kind, err)
			}
		})
	}
}

func TestReadAllBounds(t *testing.T) {
	open := func(s string) *Reader {
		tr, err := NewReader(strings.NewReader(s), ReaderOptions{Name: "t"})
		if err != nil {
			t.Fatal(err)
		}
		return tr
	}
	tr, err := ReadAll(open("5\n6\n5\n7\n"), 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(tr.IDs, []int32{0, 1, 0, 2}) || tr.Distinct != 3 {
		t.Fatalf("got %+v", tr)
	}
	_, err = ReadAll(open("1\n2\n3\n"), 2, 0)
	if !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), "more than 2 distinct keys") {
		t.Fatalf("distinct bound: %v", err)
	}
	_, err = ReadAll(open("1\n1\n1\n"), 0, 2)
	if !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), "more than 2 requests") {
		t.Fatalf("request bound: %v", err)
	}
	_, err = ReadAll(open("# nothing\n"), 0, 0)
	if !errors.Is(err, ErrEmptyTrace) {
		t.Fatalf("empty: %v", err)
	}
	// Sizes are kept per distinct key, the last one seen.
	sized, err := NewReader(strings.NewReader("a,1\nb,2\na,3\n"), ReaderOptions{Format: FormatCSV, Columns: Columns{Key: 1, Size: 2}})
	if err != nil {
		t.Fatal(err)
	}
	st, err := ReadAll(sized, 0, 0)
	if err != nil || !slices.Equal(st.Sizes, []int64{3, 2}) {
		t.Fatalf("sizes: %+v, %v", st, err)
	}
}

// fuzzReader checks that a reader never panics and that every error it
// returns names the input.
func fuzzReader(f *testing.F, opts ReaderOptions, seeds ...[]byte) {
	for _, s := range seeds {
		f.Add(s)
	}
	opts.Name = "fuzz.trace"
	f.Fuzz(func(t *testing.T, in []byte) {
		tr, err := NewReader(bytes.NewReader(in), opts)
		if err != nil {
			if !strings.Contains(err.Error(), "fuzz.trace") {
				t.Fatalf("error does not name the input: %v", err)
			}
			return
		}
		defer tr.Close()
		for range 1 << 16 {
			_, err := tr.Next()
			if err == io.EOF {
				return
			}
			if err != nil {
				if !strings.Contains(err.Error(), "fuzz.trace") {
					t.Fatalf("error does not name the input: %v", err)
				}
				return
			}
		}
	})
}

func FuzzReaderText(f *testing.F) {
	fuzzReader(f, ReaderOptions{}, []byte("1\n2\nuser:1\n*\n# c\n"), []byte{0x1f, 0x8b, 0, 0}, []byte{0x28, 0xb5, 0x2f, 0xfd, 0, 0})
}

func FuzzReaderCSV(f *testing.F) {
	fuzzReader(f, ReaderOptions{Format: FormatCSV, Columns: Columns{Key: 2, Size: 3, Time: 1, Op: 4}},
		[]byte("time,key,size,op\n1,a,10,get\n"), []byte("1,a\n"), []byte(`"x","1","2","set"`))
}

func FuzzReaderARC(f *testing.F) {
	fuzzReader(f, ReaderOptions{Format: FormatARC}, []byte("1 3 0 1\n9 1 0 2\n"), []byte("1\n"))
}

func FuzzReaderOracleGeneral(f *testing.F) {
	fuzzReader(f, ReaderOptions{Format: FormatOracleGeneral}, oracleRecords([]Request{{Key: 1, Size: 2}}), []byte{1, 2, 3})
}
