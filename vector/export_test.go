package vector

import (
	"strconv"

	"github.com/viterin/vek/vek32"
)

func itoa(i int) string { return strconv.Itoa(i) }

var (
	vekDistance = vek32.Distance
	vekDot      = vek32.Dot
	vekL1       = vek32.ManhattanDistance
)
