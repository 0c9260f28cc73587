package sqlexec

// CompactText shows a result's compact encoding as text, for tests.
var CompactText = marshalText
