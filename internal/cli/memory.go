package cli

import (
	"fmt"
	"os"
	"strconv"
	"strings"
)

// The memory limit of a program (--max-memory): the most heap its values may take. By
// default it is half the memory the machine (or the process's control group) has, so that
// a runaway program stops with a runtime error long before the system would kill it.

// defaultMaxMemory is the limit when --max-memory is not given: half the memory available,
// or none when the system does not say.
func defaultMaxMemory() int64 {
	total := physicalMemory()
	if cg := cgroupMemory(); cg > 0 && (total == 0 || cg < total) {
		total = cg
	}
	return total / 2
}

// cgroupMemory returns the memory limit of the process's control group (cgroup v2), or 0.
func cgroupMemory() int64 {
	data, err := os.ReadFile("/sys/fs/cgroup/memory.max")
	if err != nil {
		return 0
	}
	n, err := strconv.ParseInt(strings.TrimSpace(string(data)), 10, 64)
	if err != nil { // "max": no limit
		return 0
	}
	return n
}

// parseSize reads a size in bytes: a number, optionally followed by K, M, G or T (or KiB,
// MiB, GiB, TiB), all powers of 1024; 0 means no limit.
func parseSize(s string) (int64, error) {
	digits := strings.TrimRight(s, "KMGTiBkmgtb ")
	unit := strings.ToUpper(strings.TrimSpace(s[len(digits):]))
	shift, ok := map[string]uint{"": 0, "B": 0, "K": 10, "KIB": 10, "KB": 10, "M": 20, "MIB": 20, "MB": 20,
		"G": 30, "GIB": 30, "GB": 30, "T": 40, "TIB": 40, "TB": 40}[unit]
	n, err := strconv.ParseFloat(strings.TrimSpace(digits), 64)
	if !ok || err != nil || n < 0 || n*float64(int64(1)<<shift) >= 1<<62 {
		return 0, fmt.Errorf("%q is not a size: write a number of bytes, or one of K, M, G or T, such as 512M or 2G", s)
	}
	return int64(n * float64(int64(1)<<shift)), nil
}
