//go:build linux

package cli

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// With standard output on a full disk, a program's output is lost: felixlet says so once
// on standard error and exits 1, as cat does, whether the program ends by itself or would
// print for ever (it is stopped at its next checkpoint). Linux's /dev/full is the full disk.
func TestOutputToAFullDiskIsAnErrorReportedOnce(t *testing.T) {
	bin, err := felixletBinary()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for name, src := range map[string]string{
		"ends.flx":    `println "hello"; println "world";` + "\n",
		"endless.flx": "var i = 0;\nwhile true do println i; i = i + 1; done\n",
		"waits.flx":   "println \"then wait\";\nsleep 3600.0;\n",
	} {
		t.Run(name, func(t *testing.T) {
			prog := filepath.Join(dir, name)
			if err := os.WriteFile(prog, []byte(src), 0o644); err != nil {
				t.Fatal(err)
			}
			full, err := os.OpenFile("/dev/full", os.O_WRONLY, 0)
			if err != nil {
				t.Fatal(err)
			}
			defer full.Close()
			var stderr bytes.Buffer
			cmd := exec.Command(bin, "run", prog)
			cmd.Stdout, cmd.Stderr = full, &stderr
			timer := time.AfterFunc(patience, func() { cmd.Process.Kill() })
			defer timer.Stop()
			err = cmd.Run()
			want := "felixlet: writing standard output: no space left on device\n"
			if cmd.ProcessState.ExitCode() != 1 || stderr.String() != want {
				t.Errorf("exit %v, stderr %q; want exit status 1 and %q", err, stderr.String(), want)
			}
			if strings.Count(stderr.String(), "\n") > 1 {
				t.Error("the error was reported more than once")
			}
		})
	}
}
