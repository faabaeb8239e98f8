//go:build darwin || freebsd || netbsd || openbsd

package io

import (
	"time"

	"golang.org/x/sys/unix"
)

// Poller watches descriptors with kqueue. A pipe lets another goroutine interrupt Wait.
type Poller struct {
	wakeGuard
	kq     int             // the kqueue
	wakeR  int             // the pipe Wake writes to: its read end, watched
	wakeW  int             // and its write end
	events []unix.Kevent_t // reused by each Wait
}

// NewPoller makes a poller.
func NewPoller() (*Poller, error) {
	kq, err := unix.Kqueue()
	if err != nil {
		return nil, err
	}
	unix.CloseOnExec(kq)
	var fds [2]int
	if err := unix.Pipe(fds[:]); err != nil {
		unix.Close(kq)
		return nil, err
	}
	for _, fd := range fds {
		unix.CloseOnExec(fd)
		unix.SetNonblock(fd, true)
	}
	p := &Poller{kq: kq, wakeR: fds[0], wakeW: fds[1], events: make([]unix.Kevent_t, 256)}
	if err := p.Add(p.wakeR); err != nil {
		p.Close()
		return nil, err
	}
	return p, nil
}

// Add registers fd, edge-triggered (EV_CLEAR), for reading and, unless it is read-only
// (the read end of a pipe), for writing.
func (p *Poller) Add(fd int) error {
	var ch [1]unix.Kevent_t
	unix.SetKevent(&ch[0], fd, unix.EVFILT_READ, unix.EV_ADD|unix.EV_CLEAR)
	if _, err := unix.Kevent(p.kq, ch[:], nil, nil); err != nil {
		return err
	}
	unix.SetKevent(&ch[0], fd, unix.EVFILT_WRITE, unix.EV_ADD|unix.EV_CLEAR)
	unix.Kevent(p.kq, ch[:], nil, nil) // fails only where nothing will be written
	return nil
}

// Remove stops watching fd (before it is closed).
func (p *Poller) Remove(fd int) error {
	var ch [1]unix.Kevent_t
	unix.SetKevent(&ch[0], fd, unix.EVFILT_WRITE, unix.EV_DELETE)
	unix.Kevent(p.kq, ch[:], nil, nil) // absent for a read-only descriptor
	unix.SetKevent(&ch[0], fd, unix.EVFILT_READ, unix.EV_DELETE)
	_, err := unix.Kevent(p.kq, ch[:], nil, nil)
	return err
}

// Wait blocks until a descriptor changes, the timeout passes (negative: no timeout) or Wake
// is called, and appends the events to out.
func (p *Poller) Wait(timeout time.Duration, out []Event) ([]Event, error) {
	var ts *unix.Timespec
	if timeout >= 0 {
		t := unix.NsecToTimespec(int64(timeout))
		ts = &t
	}
	n, err := unix.Kevent(p.kq, nil, p.events, ts)
	if err == unix.EINTR {
		return out, nil
	}
	if err != nil {
		return out, err
	}
	for _, ev := range p.events[:n] {
		fd := int(ev.Ident)
		if fd == p.wakeR {
			var buf [64]byte
			for {
				if m, _ := unix.Read(p.wakeR, buf[:]); m <= 0 {
					break
				}
			}
			continue
		}
		bad := ev.Flags&(unix.EV_EOF|unix.EV_ERROR) != 0
		out = append(out, Event{
			FD:    fd,
			Read:  bad || ev.Filter == unix.EVFILT_READ,
			Write: bad || ev.Filter == unix.EVFILT_WRITE,
		})
	}
	return out, nil
}

// Wake makes a Wait in progress (or the next one) return. Any goroutine may call it.
func (p *Poller) Wake() error {
	return p.wake(func() error {
		if _, err := unix.Write(p.wakeW, []byte{1}); err != unix.EAGAIN {
			return err
		}
		return nil // already signalled
	})
}

// Close releases the poller.
func (p *Poller) Close() error {
	return p.close(func() error {
		unix.Close(p.wakeR)
		unix.Close(p.wakeW)
		return unix.Close(p.kq)
	})
}
