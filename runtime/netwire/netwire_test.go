package netwire

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"sync"
	"testing"
)

// Frames put into a queue by several goroutines at once arrive whole, each goroutine's in
// its order, with every field as it was written (numbers of every size, empty and long
// byte strings), then the end: whether Run writes them to a pipe or Reader reads them in
// the process.
func TestFramesArriveWholeAndInOrder(t *testing.T) {
	t.Run("Run", func(t *testing.T) {
		r, w := io.Pipe()
		q := NewQueue()
		go func() { w.CloseWithError(q.Run(w, nil)) }()
		framesArriveWholeAndInOrder(t, q, r)
	})
	t.Run("Reader", func(t *testing.T) {
		q := NewQueue()
		framesArriveWholeAndInOrder(t, q, q.Reader(nil))
	})
}

func framesArriveWholeAndInOrder(t *testing.T, q *Queue, r io.Reader) {
	const writers, each = 4, 500
	long := strings.Repeat("x", 100000)
	var wg sync.WaitGroup
	for g := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				q.Put(func(b *Builder) {
					b.Begin(Msg)
					b.Uint(uint64(g))
					b.Uint(uint64(i) << 40)
					b.String(strings.Repeat("s", i%3))
					b.Bytes([]byte(long[:i*97%len(long)]))
					b.End()
				})
			}
		}()
	}
	go func() { wg.Wait(); <-q.Finish() }()
	rd := NewReader(r)
	next := make([]int, writers)
	for range writers * each {
		op, err := rd.Next()
		if err != nil {
			t.Fatal(err)
		}
		g, i, s, p := rd.Uint(), rd.Uint()>>40, rd.String(), rd.Bytes()
		if op != Msg || rd.Err() != nil || g >= writers || int(i) != next[g] || s != strings.Repeat("s", int(i)%3) || string(p) != long[:i*97%uint64(len(long))] {
			t.Fatalf("frame %v from %d: number %d (want %d), %q, %d bytes, %v", op, g, i, next[min(g, writers-1)], s, len(p), rd.Err())
		}
		next[g]++
	}
	if _, err := rd.Next(); err != io.EOF {
		t.Fatalf("after the last frame: %v, want EOF", err)
	}
}

// A frame whose length is 0 or past the bound, a field that runs past its frame, and a
// stream cut inside a frame are errors, not values.
func TestFramesThatDoNotParseAreErrors(t *testing.T) {
	var b Builder
	b.Begin(Pub)
	b.String("subject")
	b.End()
	good := b.buf
	for _, c := range []struct {
		name   string
		stream []byte
		want   error
	}{
		{"empty frame", []byte{0, 0, 0, 0}, ErrBadFrame},
		{"huge frame", []byte{0xff, 0xff, 0xff, 0x7f, byte(Pub)}, ErrBadFrame},
		{"cut frame", good[:len(good)-2], io.ErrUnexpectedEOF},
	} {
		if _, err := NewReader(bytes.NewReader(c.stream)).Next(); !errors.Is(err, c.want) {
			t.Errorf("%s: %v, want %v", c.name, err, c.want)
		}
	}
	rd := NewReader(bytes.NewReader(good))
	if op, err := rd.Next(); op != Pub || err != nil {
		t.Fatalf("%v, %v", op, err)
	}
	if s := rd.String(); s != "subject" || rd.Err() != nil {
		t.Fatalf("the subject: %q, %v", s, rd.Err())
	}
	if s := rd.String(); s != "" || rd.Err() != ErrBadFrame {
		t.Fatalf("a field past the frame's end: %v, want ErrBadFrame", rd.Err())
	}
}

// Once the other end stops reading, Run returns the write's error and the queue drops what
// is put from then on instead of growing.
func TestAQueueWhoseWritesFailDropsWhatIsPut(t *testing.T) {
	r, w := io.Pipe()
	r.Close()
	q := NewQueue()
	q.Put(func(b *Builder) { b.Begin(Close); b.End() })
	if err := q.Run(w, nil); !errors.Is(err, io.ErrClosedPipe) {
		t.Fatalf("Run: %v, want a closed pipe", err)
	}
	for range 3 {
		if n := q.Put(func(b *Builder) { b.Begin(Close); b.End() }); n != 0 {
			t.Fatalf("Put after a failed write: %d frames wait, want 0", n)
		}
	}
	if n := q.Waiting(); n != 0 {
		t.Fatalf("%d frames wait, want 0", n)
	}
}
