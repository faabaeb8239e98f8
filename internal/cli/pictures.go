package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"strconv"
	"time"

	"github.com/felixlet/felixlet/internal/timeline"
	"github.com/felixlet/felixlet/stdlib"
	"github.com/felixlet/felixlet/vm"
)

// pictureFlags are the flags of run that draw the schedule.
type pictureFlags struct {
	timeline  string // --timeline FILE: the HTML timeline
	traceJSON string // --trace-json FILE: the Chrome trace
	events    int    // --timeline-events N: the most events drawn (0: timeline.DefaultMax)
}

// parse takes one of the picture flags off args, reporting whether the first argument was
// one; a flag that lacks its value, or a bad number, is an error.
func (pf *pictureFlags) parse(args []string) (rest []string, ok bool, err error) {
	var dst *string
	switch args[0] {
	case "--timeline", "-timeline":
		dst = &pf.timeline
	case "--trace-json", "-trace-json":
		dst = &pf.traceJSON
	case "--timeline-events", "-timeline-events":
	default:
		return args, false, nil
	}
	if len(args) < 2 {
		return nil, true, fmt.Errorf("%s needs a value", args[0])
	}
	if dst != nil {
		*dst = args[1]
		return args[2:], true, nil
	}
	n, err := strconv.Atoi(args[1])
	if err != nil || n < 1 {
		return nil, true, fmt.Errorf("%s needs a number of events (at least 1), not %q", args[0], args[1])
	}
	pf.events = n
	return args[2:], true, nil
}

// pictures draws the schedule of one run: it records the run's events and writes the
// files the flags ask for once the run is over.
type pictures struct {
	rec   *timeline.Recorder
	files []pictureFile
}

// pictureFile is one file to write: where, opened before the run, and how.
type pictureFile struct {
	f     *os.File
	write func(io.Writer, *timeline.Run) error
}

// startPictures opens the files the flags name and readies a recorder for the run of
// program (nil when no picture is asked for). A file that cannot be made is an error
// before anything runs.
func startPictures(pf pictureFlags, program string) (*pictures, error) {
	if pf.timeline == "" && pf.traceJSON == "" {
		return nil, nil
	}
	p := &pictures{rec: timeline.NewRecorder(program, pf.events, stdlib.IsLibrary)}
	for _, want := range []struct {
		path  string
		write func(io.Writer, *timeline.Run) error
	}{{pf.timeline, timeline.WriteHTML}, {pf.traceJSON, timeline.WriteChrome}} {
		if want.path == "" {
			continue
		}
		f, err := os.Create(want.path)
		if err != nil {
			p.close()
			return nil, err
		}
		p.files = append(p.files, pictureFile{f, want.write})
	}
	return p, nil
}

// close closes the files.
func (p *pictures) close() {
	for _, pf := range p.files {
		pf.f.Close()
	}
}

// finish writes the pictures of a run that returned err. The fibres left waiting are
// given a moment to be collected first, so that the pictures can say so.
func (p *pictures) finish(err error) error {
	defer p.close()
	var rerr *vm.Error
	if errors.As(err, &rerr) {
		at := ""
		if len(rerr.Trace) > 0 {
			fr := rerr.Trace[0]
			at = fmt.Sprintf("%s:%d:%d", fr.File, fr.Line, fr.Col)
		}
		p.rec.Fail(rerr.Fibre, rerr.Msg, at)
	}
	for deadline := time.Now().Add(200 * time.Millisecond); p.rec.Uncollected() > 0 && time.Now().Before(deadline); {
		runtime.GC()
		time.Sleep(5 * time.Millisecond)
	}
	run := p.rec.Run()
	for _, pf := range p.files {
		if err := pf.write(pf.f, run); err != nil {
			return fmt.Errorf("%s: %v", pf.f.Name(), err)
		}
		if err := pf.f.Close(); err != nil {
			return fmt.Errorf("%s: %v", pf.f.Name(), err)
		}
	}
	return nil
}
