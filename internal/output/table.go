package output

// Table is a titled grid. Cells are inline text; a cell's text may hold
// "\n" for several lines. A table with no rows shows Empty (a faint line)
// or, when Empty is "", is left out entirely.
type Table struct {
	Title   string
	Columns []Column
	Rows    [][]Spans
	Empty   string
	// Note is a faint line under the table.
	Note string
}

// Column describes one column.
type Column struct {
	// Header is upper-cased in text tables. A "\n" splits it over two
	// header lines in text; Markdown and HTML join them with a space.
	Header string
	// Right aligns the column right (numbers).
	Right bool
	// Wrap lets the text renderer wrap the column's cells (at word
	// boundaries, long words broken) to fit the terminal width; it is the
	// narrowest the column may become. Zero means never wrapped.
	Wrap int
	// Detail columns are dropped from text tables that would not fit the
	// width otherwise (--wide keeps them); Markdown, HTML and JSON always
	// have them.
	Detail bool
}

// NewTable starts a table with the given title and columns.
func NewTable(title string, cols ...Column) *Table { return &Table{Title: title, Columns: cols} }

// Row appends a row; missing cells are empty.
func (t *Table) Row(cells ...Spans) { t.Rows = append(t.Rows, cells) }

// Col is a left-aligned column.
func Col(header string) Column { return Column{Header: header} }

// Num is a right-aligned column.
func Num(header string) Column { return Column{Header: header, Right: true} }

// Wrapped is a left-aligned column that may wrap down to min cells wide.
func Wrapped(header string, min int) Column { return Column{Header: header, Wrap: min} }

// AsDetail marks c as a detail column.
func (c Column) AsDetail() Column { c.Detail = true; return c }
