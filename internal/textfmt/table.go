package textfmt

import (
	"fmt"
	"io"
	"strings"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/tw"
)

// NewTable makes a table with the given headers, upper-cased; align has one
// letter per column ('l' or 'r'); maxWidths, when not empty, wraps the
// columns it names at word boundaries.
func NewTable(w io.Writer, headers []string, align string, maxWidths map[int]int) *tablewriter.Table {
	aligns := make(tw.Alignment, len(align))
	for i, a := range align {
		aligns[i] = tw.AlignLeft
		if a == 'r' {
			aligns[i] = tw.AlignRight
		}
	}
	t := tablewriter.NewTable(w,
		tablewriter.WithEastAsian(tw.Off), // box characters are one column wide, whatever the locale
		tablewriter.WithAlignment(aligns),
		tablewriter.WithHeaderAutoFormat(tw.Off), // it would split "p50" into "P 50"
	)
	if len(maxWidths) > 0 {
		t.Configure(func(cfg *tablewriter.Config) {
			cfg.Row.Formatting.AutoWrap = tw.WrapNormal
			cfg.Row.ColMaxWidths.PerColumn = tw.Mapper[int, int](maxWidths)
		})
	}
	hs := make([]any, len(headers))
	for i, h := range headers {
		hs[i] = strings.ToUpper(h)
	}
	t.Header(hs...)
	return t
}

// RenderTable renders t to w followed by a blank line.
func RenderTable(w io.Writer, t *tablewriter.Table) error {
	if err := t.Render(); err != nil {
		return fmt.Errorf("rendering table: %w", err)
	}
	_, err := fmt.Fprintln(w)
	return err
}
