package cli

import (
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// defaultTestTimeout bounds each test of `felixlet test` unless -timeout says otherwise.
const defaultTestTimeout = 10 * time.Second

// testFlags are the flags and paths of `felixlet test`.
type testFlags struct {
	opts  goldenOptions
	run   *regexp.Regexp // -run: the tests to run, by Rel; nil for all
	paths []string       // the files and directories to search
	help  bool           // -h: print the usage and do nothing else
}

// parseTestFlags reads the arguments of `felixlet test`. Flags may come before, between or
// after the paths, as -flag or --flag, with their value as the next argument or after =;
// an argument "--" makes every later one a path.
func parseTestFlags(args []string) (testFlags, error) {
	fl := testFlags{opts: goldenOptions{Timeout: defaultTestTimeout, Isolated: true}}
	for i := 0; i < len(args); i++ {
		arg := args[i]
		if arg == "--" {
			fl.paths = append(fl.paths, args[i+1:]...)
			break
		}
		if !strings.HasPrefix(arg, "-") || arg == "-" {
			fl.paths = append(fl.paths, arg)
			continue
		}
		name, value, hasValue := strings.Cut(strings.TrimPrefix(arg[1:], "-"), "=")
		// needValue returns the flag's value, from this argument or the next.
		needValue := func() (string, error) {
			if hasValue {
				return value, nil
			}
			if i+1 == len(args) {
				return "", fmt.Errorf("flag -%s needs a value", name)
			}
			i++
			return args[i], nil
		}
		switch name {
		case "update":
			fl.opts.Update = true
			if hasValue {
				b, err := strconv.ParseBool(value)
				if err != nil {
					return fl, fmt.Errorf("flag -update: %q is not true or false", value)
				}
				fl.opts.Update = b
			}
		case "run":
			pattern, err := needValue()
			if err != nil {
				return fl, err
			}
			if fl.run, err = regexp.Compile(pattern); err != nil {
				return fl, fmt.Errorf("flag -run: %v", err)
			}
		case "timeout":
			v, err := needValue()
			if err != nil {
				return fl, err
			}
			d, err := time.ParseDuration(v)
			if err != nil || d < 0 {
				return fl, fmt.Errorf("flag -timeout: %q is not a duration such as 10s or 500ms", v)
			}
			fl.opts.Timeout = d
		case "h", "help":
			fl.help = true
		default:
			return fl, fmt.Errorf("unknown flag %s", arg)
		}
	}
	if len(fl.paths) == 0 {
		fl.paths = []string{"testdata"}
	}
	return fl, nil
}

// testCommand is `felixlet test [flags] [dir|file ...]`: it runs the golden tests found
// and prints a line for each, then the counts. It returns 0 when all passed, 1 when any
// failed, 2 for bad usage (an unknown flag, a path that does not exist, no tests at all).
func testCommand(args []string, stdout, stderr io.Writer) int {
	fl, err := parseTestFlags(args)
	if err != nil {
		fmt.Fprintf(stderr, "felixlet test: %v\n%s", err, usage)
		return exitUsage
	}
	if fl.help {
		fmt.Fprint(stdout, help)
		return exitOK
	}
	tests, err := findGolden(fl.paths)
	if err != nil {
		fmt.Fprintf(stderr, "felixlet test: %v\n", err)
		return exitUsage
	}
	if len(tests) == 0 {
		fmt.Fprintf(stderr, "felixlet test: no tests in %s (a test is NAME.flx with NAME.expect, or NAME.fdoc with an @expect section)\n",
			strings.Join(fl.paths, ", "))
		return exitUsage
	}
	if fl.run != nil {
		var selected []goldenTest
		for _, t := range tests {
			if fl.run.MatchString(t.Rel) {
				selected = append(selected, t)
			}
		}
		if len(selected) == 0 {
			fmt.Fprintf(stderr, "felixlet test: no test matches -run %s\n", fl.run)
		}
		tests = selected
	}
	passed, failed := 0, 0
	runGoldenTests(tests, fl.opts, func(res goldenResult) {
		switch {
		case res.Diff != "":
			failed++
			fmt.Fprintf(stdout, "FAIL %s: %s\n", res.Test.Rel, res.Diff)
		case len(res.Updated) > 0:
			passed++
			fmt.Fprintf(stdout, "ok %s (updated %s)\n", res.Test.Rel, strings.Join(res.Updated, ", "))
		default:
			passed++
			fmt.Fprintf(stdout, "ok %s\n", res.Test.Rel)
		}
	})
	fmt.Fprintf(stdout, "%d passed, %d failed\n", passed, failed)
	if failed > 0 {
		return exitRuntime
	}
	return exitOK
}
