package sqlexec

// CompactText shows a result's compact encoding as text, for tests.
var CompactText = marshalText

// CompactRows shows only the rows of a result's compact encoding.
var CompactRows = marshalRowsText

// CompactGeneration returns the read generation of a result's compact
// encoding (-1: none).
var CompactGeneration = marshalGeneration
