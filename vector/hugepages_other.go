//go:build !linux

package vector

func adviseHuge(b []byte)   {}
func collapseHuge(b []byte) {}
