package main

import (
	"slices"
	"testing"
	"time"
)

func TestTestFlags(t *testing.T) {
	tests := []struct {
		args    []string
		paths   []string
		run     string // the -run pattern, "" for none
		update  bool
		timeout time.Duration
	}{
		{nil, []string{"testdata"}, "", false, defaultTestTimeout},
		{[]string{"a", "-run", "x", "b", "--update", "--timeout=2s"}, []string{"a", "b"}, "x", true, 2 * time.Second},
		{[]string{"--run=^l/", "-timeout", "0", "-update=false", "dir"}, []string{"dir"}, "^l/", false, 0},
		{[]string{"-update", "--", "-odd", "--run"}, []string{"-odd", "--run"}, "", true, defaultTestTimeout},
	}
	for _, tt := range tests {
		fl, err := parseTestFlags(tt.args)
		if err != nil {
			t.Errorf("%q: %v", tt.args, err)
			continue
		}
		run := ""
		if fl.run != nil {
			run = fl.run.String()
		}
		if !slices.Equal(fl.paths, tt.paths) || run != tt.run || fl.opts.Update != tt.update || fl.opts.Timeout != tt.timeout {
			t.Errorf("%q: paths %q, -run %q, -update %v, -timeout %v; want %q, %q, %v, %v",
				tt.args, fl.paths, run, fl.opts.Update, fl.opts.Timeout, tt.paths, tt.run, tt.update, tt.timeout)
		}
	}
}

func TestBadTestFlags(t *testing.T) {
	for _, args := range [][]string{
		{"-frob"},
		{"-run"},
		{"-run", "("},
		{"-timeout", "soon"},
		{"-timeout=-1s"},
		{"-update=maybe"},
	} {
		if _, err := parseTestFlags(args); err == nil {
			t.Errorf("%q: no error", args)
		}
	}
}
