package sim

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/klauspost/compress/zstd"
	"github.com/ulikunitz/xz"
)

// Trace formats understood by NewReader.
const (
	// FormatText: one key per line. Integer keys are taken as they are;
	// any other key text (a string key) is hashed to 64 bits. The
	// cache2k and LIRS suites' text traces are of this form: a LIRS-suite
	// "*" separator line, blank lines and "#" comments are skipped.
	FormatText = "text"
	// FormatCSV and FormatTSV: delimited rows; Columns picks the key
	// (required), size, time and op columns. A first row whose key cell
	// equals "key" (or whose size/time cells are not numbers) is taken as a
	// header and skipped.
	FormatCSV = "csv"
	FormatTSV = "tsv"
	// FormatOracleGeneral: libCacheSim's oracleGeneral binary: packed
	// little-endian records {uint32 time; uint64 id; uint32 size; int64
	// next access}, 24 bytes each.
	FormatOracleGeneral = "oracle-general"
	// FormatARC: the ARC suite's (Megiddo & Modha) lines "start count
	// ignore request-number": count consecutive block keys start,
	// start+1, … .
	FormatARC = "arc"
)

// Formats lists the accepted trace formats.
var Formats = []string{FormatText, FormatCSV, FormatTSV, FormatARC, FormatOracleGeneral}

// Op is a request's operation, when the trace has one.
type Op uint8

// Operations of a request.
const (
	OpGet Op = iota
	OpSet
	OpDel
)

// Request is one access of a trace.
type Request struct {
	Key  uint64
	Size int64 // bytes; 0 when the trace has no sizes
	Time int64 // the trace's own clock; 0 when it has none
	Op   Op
}

// Columns are the 1-based column numbers of a CSV/TSV trace; 0 means the
// trace has no such column.
type Columns struct {
	Key, Size, Time, Op int
}

// ParseColumns reads "key=2,size=3,time=1,op=4". The key column is
// required; names are key, size, time and op.
func ParseColumns(s string) (Columns, error) {
	var c Columns
	for part := range strings.SplitSeq(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		name, num, ok := strings.Cut(part, "=")
		if !ok {
			return c, fmt.Errorf("%q: write name=column, e.g. key=2", part)
		}
		n, err := strconv.Atoi(strings.TrimSpace(num))
		if err != nil || n < 1 || n > 1024 {
			return c, fmt.Errorf("%q: the column must be a number from 1 to 1024 (columns count from 1)", part)
		}
		var dst *int
		switch strings.ToLower(strings.TrimSpace(name)) {
		case "key":
			dst = &c.Key
		case "size":
			dst = &c.Size
		case "time":
			dst = &c.Time
		case "op":
			dst = &c.Op
		default:
			return c, fmt.Errorf("unknown column %q: use key, size, time or op", name)
		}
		if *dst != 0 {
			return c, fmt.Errorf("column %q given twice", name)
		}
		*dst = n
	}
	if c.Key == 0 {
		return c, errors.New("no key column: add key=N (e.g. key=2)")
	}
	return c, nil
}

// ReaderOptions configure NewReader.
type ReaderOptions struct {
	Format  string  // one of Formats; "" means text
	Columns Columns // CSV/TSV; zero means key=1
	Name    string  // the input's name in error messages
}

// Reader streams a trace's requests one at a time: it holds one buffered
// line (or record), never the whole trace.
type Reader struct {
	opts    ReaderOptions
	br      *bufio.Reader
	closers []func()
	line    int
	sep     byte
	pending Request // ARC form: the run still being expanded
	left    int64
	rows    int // data rows of a CSV/TSV trace so far
	rec     [24]byte
	err     error
}

// NewReader wraps r: gzip, zstd and xz streams are detected by their magic
// bytes and decompressed. Close it to release the decompressor.
func NewReader(r io.Reader, opts ReaderOptions) (*Reader, error) {
	if opts.Name == "" {
		opts.Name = "trace"
	}
	switch opts.Format {
	case "":
		opts.Format = FormatText
	case FormatText, FormatARC, FormatOracleGeneral:
	case FormatCSV, FormatTSV:
		if opts.Columns.Key == 0 {
			opts.Columns.Key = 1
		}
	default:
		return nil, fmt.Errorf("unknown trace format %q: use one of %s", opts.Format, strings.Join(Formats, ", "))
	}
	tr := &Reader{opts: opts, sep: ','}
	if opts.Format == FormatTSV {
		tr.sep = '\t'
	}
	br := bufio.NewReaderSize(r, 1<<16)
	magic, _ := br.Peek(6)
	switch {
	case bytes.HasPrefix(magic, []byte{0x1f, 0x8b}):
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("%s: bad gzip data: %w", opts.Name, err)
		}
		tr.closers = append(tr.closers, func() { zr.Close() })
		br = bufio.NewReaderSize(zr, 1<<16)
	case bytes.HasPrefix(magic, []byte{0x28, 0xb5, 0x2f, 0xfd}):
		zr, err := zstd.NewReader(br, zstd.WithDecoderConcurrency(1), zstd.WithDecoderMaxMemory(1<<30))
		if err != nil {
			return nil, fmt.Errorf("%s: bad zstd data: %w", opts.Name, err)
		}
		tr.closers = append(tr.closers, zr.Close)
		br = bufio.NewReaderSize(zr, 1<<16)
	case bytes.HasPrefix(magic, []byte{0xfd, '7', 'z', 'X', 'Z', 0x00}):
		zr, err := xz.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("%s: bad xz data: %w", opts.Name, err)
		}
		br = bufio.NewReaderSize(zr, 1<<16)
	}
	tr.br = br
	return tr, nil
}

// Close releases the decompressor.
func (tr *Reader) Close() error {
	for _, c := range tr.closers {
		c()
	}
	tr.closers = nil
	return nil
}

// Next returns the next request; io.EOF at the end of the trace. Other
// errors name the input and line (or record).
func (tr *Reader) Next() (Request, error) {
	if tr.err != nil {
		return Request{}, tr.err
	}
	req, err := tr.next()
	if err != nil {
		tr.err = err
	}
	return req, err
}

func (tr *Reader) next() (Request, error) {
	if tr.opts.Format == FormatOracleGeneral {
		n, err := io.ReadFull(tr.br, tr.rec[:])
		if err == io.EOF {
			return Request{}, io.EOF
		}
		if err != nil {
			if errors.Is(err, io.ErrUnexpectedEOF) {
				return Request{}, fmt.Errorf("%s: record %d is cut short (%d of 24 bytes): an oracleGeneral trace is 24-byte records", tr.opts.Name, tr.line+1, n)
			}
			return Request{}, fmt.Errorf("%s: record %d: %w", tr.opts.Name, tr.line+1, err)
		}
		tr.line++
		return Request{
			Time: int64(binary.LittleEndian.Uint32(tr.rec[0:])),
			Key:  binary.LittleEndian.Uint64(tr.rec[4:]),
			Size: int64(binary.LittleEndian.Uint32(tr.rec[12:])),
		}, nil
	}
	if tr.left > 0 {
		tr.left--
		tr.pending.Key++
		return tr.pending, nil
	}
	for {
		text, err := tr.readLine()
		if err != nil {
			return Request{}, err
		}
		text = bytes.TrimSpace(text)
		if len(text) == 0 || text[0] == '#' || (len(text) == 1 && text[0] == '*') {
			continue // blank, comment, or a LIRS-suite separator line
		}
		switch tr.opts.Format {
		case FormatCSV, FormatTSV:
			req, skip, err := tr.parseRow(text)
			if err != nil {
				return Request{}, err
			}
			if skip {
				continue
			}
			return req, nil
		case FormatARC:
			f := bytes.Fields(text)
			if len(f) < 2 {
				return Request{}, fmt.Errorf("%s:%d: %q: an ARC trace line is \"start count ...\"", tr.opts.Name, tr.line, truncate(text))
			}
			start, ok1 := parseKey(f[0])
			count, err := strconv.ParseInt(string(f[1]), 10, 64)
			if !ok1 || err != nil || count < 1 || count > 1<<20 {
				return Request{}, fmt.Errorf("%s:%d: %q: an ARC trace line is \"start count ...\" with integer start and a count from 1 to 1048576", tr.opts.Name, tr.line, truncate(text))
			}
			tr.pending = Request{Key: start}
			tr.left = count - 1
			return tr.pending, nil
		default:
			return Request{Key: tr.hashKey(text)}, nil
		}
	}
}

// readLine returns the next line without its newline; lines over 1 MiB
// are an error.
func (tr *Reader) readLine() ([]byte, error) {
	line, err := tr.br.ReadSlice('\n')
	if err == bufio.ErrBufferFull {
		return nil, fmt.Errorf("%s:%d: line longer than %d bytes: is this a text trace? (give --format)", tr.opts.Name, tr.line+1, tr.br.Size())
	}
	if err != nil && (err != io.EOF || len(line) == 0) {
		if err == io.EOF {
			return nil, io.EOF
		}
		return nil, fmt.Errorf("%s: reading line %d: %w", tr.opts.Name, tr.line+1, err)
	}
	tr.line++
	return line, nil
}

// hashKey takes an integer key as it is and hashes any other text.
func (tr *Reader) hashKey(b []byte) uint64 {
	if k, ok := parseKey(b); ok {
		return k
	}
	return hashString(b)
}

// hashString is FNV-1a, 64 bits, with a final mix: stable across runs so a
// hashed capture and a later run agree.
func hashString(b []byte) uint64 {
	h := uint64(14695981039346656037)
	for _, c := range b {
		h ^= uint64(c)
		h *= 1099511628211
	}
	h ^= h >> 33
	h *= 0xff51afd7ed558ccd
	h ^= h >> 33
	return h
}

// parseRow reads one CSV/TSV row. skip is set for the header row.
func (tr *Reader) parseRow(text []byte) (Request, bool, error) {
	c := tr.opts.Columns
	need := max(c.Key, c.Size, c.Time, c.Op)
	var cells [][]byte
	for cell := range bytes.SplitSeq(text, []byte{tr.sep}) {
		cells = append(cells, bytes.Trim(bytes.TrimSpace(cell), `"`))
		if len(cells) == need {
			break
		}
	}
	if len(cells) < need {
		return Request{}, false, fmt.Errorf("%s:%d: the row has %d columns but --columns asks for column %d", tr.opts.Name, tr.line, len(cells), need)
	}
	header := tr.line == 1 || tr.seenOnlyHeader()
	var req Request
	if len(cells[c.Key-1]) == 0 {
		return req, false, fmt.Errorf("%s:%d: the key in column %d is empty", tr.opts.Name, tr.line, c.Key)
	}
	req.Key = tr.hashKey(cells[c.Key-1])
	if header && strings.EqualFold(string(cells[c.Key-1]), "key") {
		return req, true, nil
	}
	num := func(col int, what string) (int64, error) {
		v, err := strconv.ParseInt(string(cells[col-1]), 10, 64)
		if err != nil || v < 0 {
			return 0, fmt.Errorf("%s:%d: %s %q in column %d is not a non-negative integer", tr.opts.Name, tr.line, what, truncate(cells[col-1]), col)
		}
		return v, nil
	}
	var err error
	if c.Size > 0 {
		if req.Size, err = num(c.Size, "size"); err != nil {
			if header {
				return req, true, nil
			}
			return req, false, err
		}
	}
	if c.Time > 0 {
		if req.Time, err = num(c.Time, "time"); err != nil {
			if header {
				return req, true, nil
			}
			return req, false, err
		}
	}
	if c.Op > 0 {
		switch strings.ToLower(string(cells[c.Op-1])) {
		case "get", "read", "r", "0":
			req.Op = OpGet
		case "set", "write", "w", "put", "1":
			req.Op = OpSet
		case "del", "delete", "d", "2":
			req.Op = OpDel
		default:
			if header {
				return req, true, nil
			}
			return req, false, fmt.Errorf("%s:%d: op %q in column %d: use get, set or del", tr.opts.Name, tr.line, truncate(cells[c.Op-1]), c.Op)
		}
	}
	tr.rows++
	return req, false, nil
}

// seenOnlyHeader: no data row yet (the header may follow comment lines).
func (tr *Reader) seenOnlyHeader() bool { return tr.rows == 0 }

// DefaultMaxDistinct bounds the distinct keys ReadAll keeps: about 40
// bytes each (map entry and id), so 100 million keys are about 4 GB.
const DefaultMaxDistinct = 100_000_000

// DefaultMaxRequests bounds the requests ReadAll keeps: 4 bytes each (a
// dense id), and as much again for Belady's next-use array, so 500
// million requests are about 4 GB.
const DefaultMaxRequests = 500_000_000

// ErrTooLarge is wrapped by ReadAll's errors for a trace over its bounds.
var ErrTooLarge = errors.New("trace too large")

// Trace is a trace read whole, with its keys made dense: memory is 4 bytes
// a request plus the map of distinct keys, not the keys themselves.
type Trace struct {
	IDs      []int32 // ids 0..Distinct-1 in order of first appearance
	Sizes    []int64 // per distinct id, the last size seen; nil without sizes
	Distinct int
}

// ReadAll streams every request of tr into a dense Trace, giving up with
// an error wrapping ErrTooLarge past maxDistinct distinct keys or
// maxRequests requests (0: the defaults).
func ReadAll(tr *Reader, maxDistinct, maxRequests int) (*Trace, error) {
	return ReadAllContext(context.Background(), tr, maxDistinct, maxRequests)
}

// ReadAllContext is ReadAll that gives up with ctx's error when ctx is done
// (it looks every 16 Ki requests).
func ReadAllContext(ctx context.Context, tr *Reader, maxDistinct, maxRequests int) (*Trace, error) {
	if maxRequests <= 0 {
		maxRequests = DefaultMaxRequests
	}
	d := newDense(tr, maxDistinct, false)
	for i := 0; ; i++ {
		if cancelled(ctx, i) {
			return nil, ctx.Err()
		}
		req, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		if err := d.add(req, maxRequests); err != nil {
			return nil, err
		}
	}
	return d.done()
}

// dense turns a trace's keys into dense ids as it streams: the one step
// behind ReadAll and ReadOrSample. With keepKeys it also keeps each id's
// key (8 bytes a distinct key), so the requests read so far can be
// replayed as keys.
type dense struct {
	t           *Trace
	ids         map[uint64]int32
	keys        []uint64 // the key of each id; nil without keepKeys
	keepKeys    bool
	withSizes   bool
	maxDistinct int
	name        string
}

func newDense(tr *Reader, maxDistinct int, keepKeys bool) *dense {
	if maxDistinct <= 0 {
		maxDistinct = DefaultMaxDistinct
	}
	return &dense{t: &Trace{IDs: make([]int32, 0, 1<<16)}, ids: make(map[uint64]int32, 1<<12), keepKeys: keepKeys,
		withSizes: tr.opts.Columns.Size > 0 || tr.opts.Format == FormatOracleGeneral, maxDistinct: maxDistinct, name: tr.opts.Name}
}

// add appends req, refusing past maxDistinct distinct keys or maxRequests
// requests (errors wrapping ErrTooLarge).
func (d *dense) add(req Request, maxRequests int) error {
	id, ok := d.ids[req.Key]
	if !ok {
		if len(d.ids) >= d.maxDistinct {
			return fmt.Errorf("%s: %w: more than %d distinct keys (the limit)", d.name, ErrTooLarge, d.maxDistinct)
		}
		id = int32(len(d.ids))
		d.ids[req.Key] = id
		if d.keepKeys {
			d.keys = append(d.keys, req.Key)
		}
		if d.withSizes {
			d.t.Sizes = append(d.t.Sizes, 0)
		}
	}
	if len(d.t.IDs) >= maxRequests {
		return fmt.Errorf("%s: %w: more than %d requests (the limit)", d.name, ErrTooLarge, maxRequests)
	}
	d.t.IDs = append(d.t.IDs, id)
	if d.withSizes && req.Size > 0 {
		d.t.Sizes[id] = req.Size
	}
	return nil
}

// replay adds every request read so far, as keys, to s (keepKeys only).
func (d *dense) replay(s *Sampler) {
	for _, id := range d.t.IDs {
		s.Add(d.keys[id])
	}
}

// done is the trace read, or ErrEmptyTrace.
func (d *dense) done() (*Trace, error) {
	d.t.Distinct = len(d.ids)
	if len(d.t.IDs) == 0 {
		return nil, fmt.Errorf("%s: %w", d.name, ErrEmptyTrace)
	}
	return d.t, nil
}

// Keys returns the trace's requests as keys (the dense ids), the form Run
// takes.
func (t *Trace) Keys() []uint64 {
	keys := make([]uint64, len(t.IDs))
	for i, id := range t.IDs {
		keys[i] = uint64(id)
	}
	return keys
}

// OpenReader opens path ("-": stdin) as a trace Reader.
func OpenReader(path string, stdin io.Reader, opts ReaderOptions) (*Reader, func() error, error) {
	if path == "-" {
		if opts.Name == "" {
			opts.Name = "stdin"
		}
		tr, err := NewReader(stdin, opts)
		if err != nil {
			return nil, nil, err
		}
		return tr, tr.Close, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	if opts.Name == "" {
		opts.Name = path
	}
	tr, err := NewReader(f, opts)
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	return tr, func() error { tr.Close(); return f.Close() }, nil
}
