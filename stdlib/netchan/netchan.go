// Package netchan is Level 5 of the language: net channels, whose other ends are
// subjects of a NATS engine.
//
// A net channel is a local synchronous channel, so that everything that works on
// channels (select, chips, pipelines) works on it unchanged, bridged to the engine by a
// vm.Outside: a net_out's bridge reads what fibres write to it and queues it to be
// published; a net_in's or net_tap's bridge writes what arrives into it. NATS itself is on
// the other side of a link of frames (runtime/netwire) with natslink: in this process
// (ServeInProcess, as in felixlet-net) or in a felixlet-net process (helper.go). The engine
// writes frames through a queue and reads them on a goroutine of its own, which hands what
// arrives to the machine with Machine.Do. Neither side ever waits for the other: see
// outEnd (what is published) and inEnd (what arrives) for how each bounds what the other
// may pile up.
//
// Nothing here runs until a program makes its first net channel: then the engine starts
// the link and connects it (to the server the command line names, or to a server started
// on the other side).
package netchan

import (
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/felixlet/felixlet/vm"
	"github.com/felixlet/felixlet/vm/code"
)

// Builtins are the net channel builtins, by primitive name.
var Builtins = map[string]vm.Builtin{
	"net_out":   func(m *vm.Machine, s []uint64, r []vm.Value) error { return makeChannel(m, r, publishing) },
	"net_in":    func(m *vm.Machine, s []uint64, r []vm.Value) error { return makeChannel(m, r, sharing) },
	"net_tap":   func(m *vm.Machine, s []uint64, r []vm.Value) error { return makeChannel(m, r, tapping) },
	"net_error": netError,
}

// EnvURL is the environment variable naming the engine when the command line does not.
const EnvURL = "FELIXLET_NET"

// configKey keys the engine's URL among the machine's library state.
type configKey struct{}

// Configure names the NATS server a machine's net channels use, as nats://host:port
// (several, comma-separated, for a cluster); "" starts a server in the process at the
// first net channel. Call it before the program runs.
func Configure(m *vm.Machine, servers string) {
	*m.Library(configKey{}, func() any { return new(string) }).(*string) = servers
}

// CheckURL reports what is wrong with the URL of a NATS server given on the command line
// or in FELIXLET_NET, before anything connects.
func CheckURL(servers string) error {
	for _, s := range strings.Split(servers, ",") {
		u, err := url.Parse(strings.TrimSpace(s))
		switch {
		case err != nil:
			return fmt.Errorf("bad NATS server URL %q: %v", s, err)
		case u.Scheme != "nats" && u.Scheme != "tls" && u.Scheme != "ws" && u.Scheme != "wss":
			return fmt.Errorf("bad NATS server URL %q: want nats://host:port", s)
		case u.Host == "":
			return fmt.Errorf("bad NATS server URL %q: no host", s)
		}
	}
	return nil
}

// role is what a net channel does with its subject.
type role uint8

const (
	publishing role = iota // net_out: what fibres write is published
	sharing                // net_in: each value published reaches one reader, in any process
	tapping                // net_tap: every value published reaches every tap
)

var roleNames = [...]string{publishing: "net_out", sharing: "net_in", tapping: "net_tap"}

// netChan is what the engine knows of one net channel.
type netChan struct {
	subject string
	role    role
	codec   *codec
	failure string // the last failure, for net_error ("" when none)
}

// makeChannel is the builtin of net_out, net_in and net_tap: r[0] is the descriptor of
// the values' type, r[1] the subject; the channel goes to r[0].
func makeChannel(m *vm.Machine, r []vm.Value, ro role) error {
	t := r[0].(*code.Type)
	subject, _ := r[1].(string)
	if err := checkSubject(subject, ro); err != nil {
		return fmt.Errorf("%s %q: %v", roleNames[ro], subject, err)
	}
	e, err := engineOf(m)
	if err != nil {
		return err
	}
	ch := vm.NewChan(0)
	nch := &netChan{subject: subject, role: ro, codec: newCodec(t)}
	e.chans[ch] = nch
	if ro == publishing {
		e.publisher(ch, nch).read()
	} else if err := e.subscribe(ch, nch); err != nil {
		return fmt.Errorf("%s %q: %v", roleNames[ro], subject, err)
	}
	r[0] = ch
	return nil
}

// checkSubject checks a subject: dot-separated tokens, none empty, with no white space;
// a reader's may hold the wildcards * (one token) and > (the rest, last), a writer's not.
func checkSubject(subject string, ro role) error {
	if subject == "" {
		return fmt.Errorf("a subject cannot be empty")
	}
	if strings.ContainsAny(subject, " \t\r\n") {
		return fmt.Errorf("a subject cannot hold white space")
	}
	tokens := strings.Split(subject, ".")
	for i, tok := range tokens {
		switch {
		case tok == "":
			return fmt.Errorf("a subject's tokens, between dots, cannot be empty")
		case (tok == "*" || tok == ">") && ro == publishing:
			return fmt.Errorf("net_out cannot write to a wildcard subject")
		case tok == ">" && i < len(tokens)-1:
			return fmt.Errorf("the wildcard > must be the last token")
		}
	}
	return nil
}

// netError is the builtin of net_error: the last failure of the net channel in r[0], ""
// when none (and for a channel that is not a net channel).
func netError(m *vm.Machine, s []uint64, r []vm.Value) error {
	failure := ""
	if e := runningEngine(m); e != nil {
		if ch, ok := r[0].(*vm.Chan); ok && e.chans[ch] != nil {
			failure = e.chans[ch].failure
		}
	}
	r[0] = failure
	return nil
}

// ackTimeout bounds how long an acknowledged send waits for a reader to say it took the
// value: past it, the reader is taken for lost (its process died holding the value, or
// the connection dropped the message) and the send completes false.
const ackTimeout = 10 * time.Second
