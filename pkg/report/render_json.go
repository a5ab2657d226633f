package report

import (
	"encoding/json"
	"fmt"
	"io"
)

// RenderJSON writes r as indented JSON (two spaces) followed by a newline.
// Map keys are sorted by encoding/json, so equal reports give equal bytes.
// HTML characters are not escaped, so messages read as written.
func RenderJSON(w io.Writer, r *Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(r); err != nil {
		return fmt.Errorf("writing report JSON: %w", err)
	}
	return nil
}
