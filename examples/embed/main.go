// Command embed is an HTTP server whose answers come from felixlet fibres: each request
// is handed to the program (server.flx) over a channel, a fibre of its own works out the
// answer, and the handler writes back what it says.
//
//	go run ./examples/embed -addr 127.0.0.1:8080
//	curl http://127.0.0.1:8080/primes/10
//
// It prints the address it listens on, and stops on SIGINT or SIGTERM: the HTTP server
// finishes the requests under way, then the program's channel of requests is closed and
// the program ends.
package main

import (
	"context"
	_ "embed"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"sync"
	"syscall"

	"github.com/felixlet/felixlet"
)

//go:embed server.flx
var serverSource []byte

// request is what the program reads on its channel `requests`: (id, path).
type request struct {
	ID   int
	Path string
}

// reply is what it writes on `replies`: (id, status, body).
type reply struct {
	ID     int
	Status int
	Body   string
}

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "the address to listen on (port 0: any free port)")
	flag.Parse()
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("listening on http://%s\n", ln.Addr())
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := serve(ctx, ln); err != nil {
		log.Fatal(err)
	}
}

// serve answers HTTP requests on ln from the program's fibres until ctx is done, then
// shuts down: the requests under way are finished, and the program ends.
func serve(ctx context.Context, ln net.Listener) error {
	var lib felixlet.Library
	if err := lib.Func("segments", func(path string) []string {
		return strings.Split(strings.Trim(path, "/"), "/")
	}); err != nil {
		return err
	}
	if err := lib.Func("number", func(s string) (int, bool) {
		n, err := strconv.Atoi(s)
		return n, err == nil
	}); err != nil {
		return err
	}
	requests, err := felixlet.NewInput[request](&lib, "requests")
	if err != nil {
		return err
	}
	replies, err := felixlet.NewOutput[reply](&lib, "replies")
	if err != nil {
		return err
	}
	prog, err := felixlet.Compile("server.flx", serverSource, &lib)
	if err != nil {
		return err
	}
	m, err := prog.NewMachine(felixlet.Config{Stdout: os.Stdout, Stderr: os.Stderr})
	if err != nil {
		return err
	}
	h := &handler{requests: requests.On(m), waiting: map[int]chan reply{}}
	answers := replies.On(m)
	ran := make(chan error, 1)
	go func() { ran <- m.Run(context.Background()) }()
	go h.dispatch(answers)

	srv := &http.Server{Handler: h}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err := <-served: // the listener failed
		h.requests.Close()
		answers.Close()
		<-ran
		return err
	case err := <-ran: // the program failed
		srv.Close()
		return fmt.Errorf("the program stopped: %w", err)
	case <-ctx.Done():
	}
	if err := srv.Shutdown(context.Background()); err != nil {
		return err
	}
	// Every handler has had its answer: let the program go.
	h.requests.Close()
	answers.Close()
	return <-ran
}

// handler hands each HTTP request to the program and writes back its answer.
type handler struct {
	requests *felixlet.Sender[request]
	mu       sync.Mutex
	lastID   int                // the id of the last request handed over
	waiting  map[int]chan reply // by id, where the answer to a request goes
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	answer := make(chan reply, 1)
	h.mu.Lock()
	h.lastID++
	id := h.lastID
	h.waiting[id] = answer
	h.mu.Unlock()
	defer func() {
		h.mu.Lock()
		delete(h.waiting, id)
		h.mu.Unlock()
	}()
	if err := h.requests.Send(r.Context(), request{ID: id, Path: r.URL.Path}); err != nil {
		if !errors.Is(err, context.Canceled) {
			http.Error(w, err.Error(), http.StatusServiceUnavailable)
		}
		return
	}
	select {
	case rep := <-answer:
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(rep.Status)
		io.WriteString(w, rep.Body)
	case <-r.Context().Done(): // the client went away
	}
}

// dispatch hands each reply the program writes to the handler waiting for it, until the
// channel is closed.
func (h *handler) dispatch(replies *felixlet.Receiver[reply]) {
	for {
		rep, ok, err := replies.Recv(context.Background())
		if err != nil || !ok {
			return
		}
		h.mu.Lock()
		answer := h.waiting[rep.ID]
		h.mu.Unlock()
		if answer != nil {
			answer <- rep
		}
	}
}
