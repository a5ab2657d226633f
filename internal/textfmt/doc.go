// Package textfmt holds the plain-text presentation helpers the commands
// and pkg/report share: tables in resync's look, number formatting and a
// writer that remembers its first error. It derives nothing; it only
// presents values it is given.
package textfmt
