//go:build linux

package io

import (
	"time"

	"golang.org/x/sys/unix"
)

// Poller watches descriptors with epoll. An eventfd lets another goroutine interrupt Wait.
type Poller struct {
	wakeGuard
	epfd   int               // the epoll instance
	wakefd int               // the eventfd Wake writes to
	events []unix.EpollEvent // reused by each Wait
}

// NewPoller makes a poller.
func NewPoller() (*Poller, error) {
	epfd, err := unix.EpollCreate1(unix.EPOLL_CLOEXEC)
	if err != nil {
		return nil, err
	}
	wakefd, err := unix.Eventfd(0, unix.EFD_NONBLOCK|unix.EFD_CLOEXEC)
	if err != nil {
		unix.Close(epfd)
		return nil, err
	}
	p := &Poller{epfd: epfd, wakefd: wakefd, events: make([]unix.EpollEvent, 256)}
	if err := p.Add(wakefd); err != nil {
		p.Close()
		return nil, err
	}
	return p, nil
}

// Add registers fd, edge-triggered, for reading and writing.
func (p *Poller) Add(fd int) error {
	ev := unix.EpollEvent{Events: unix.EPOLLIN | unix.EPOLLOUT | unix.EPOLLRDHUP | unix.EPOLLET, Fd: int32(fd)}
	return unix.EpollCtl(p.epfd, unix.EPOLL_CTL_ADD, fd, &ev)
}

// Remove stops watching fd (before it is closed).
func (p *Poller) Remove(fd int) error {
	return unix.EpollCtl(p.epfd, unix.EPOLL_CTL_DEL, fd, nil)
}

// Wait blocks until a descriptor changes, the timeout passes (negative: no timeout) or Wake
// is called, and appends the events to out.
func (p *Poller) Wait(timeout time.Duration, out []Event) ([]Event, error) {
	msec := -1
	if timeout >= 0 {
		msec = int((timeout + time.Millisecond - 1) / time.Millisecond)
	}
	n, err := unix.EpollWait(p.epfd, p.events, msec)
	if err == unix.EINTR {
		return out, nil
	}
	if err != nil {
		return out, err
	}
	for _, ev := range p.events[:n] {
		fd := int(ev.Fd)
		if fd == p.wakefd {
			var buf [8]byte
			unix.Read(p.wakefd, buf[:])
			continue
		}
		bad := ev.Events&(unix.EPOLLERR|unix.EPOLLHUP) != 0
		out = append(out, Event{
			FD:    fd,
			Read:  bad || ev.Events&(unix.EPOLLIN|unix.EPOLLRDHUP) != 0,
			Write: bad || ev.Events&unix.EPOLLOUT != 0,
		})
	}
	return out, nil
}

// Wake makes a Wait in progress (or the next one) return. Any goroutine may call it.
func (p *Poller) Wake() error {
	return p.wake(func() error {
		one := [8]byte{1}
		if _, err := unix.Write(p.wakefd, one[:]); err != unix.EAGAIN {
			return err
		}
		return nil // already signalled
	})
}

// Close releases the poller.
func (p *Poller) Close() error {
	return p.close(func() error {
		unix.Close(p.wakefd)
		return unix.Close(p.epfd)
	})
}
