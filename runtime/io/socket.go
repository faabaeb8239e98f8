//go:build linux || darwin || freebsd || netbsd || openbsd

package io

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// Listen makes a non-blocking TCP socket listening on host:port (port 0: any free port)
// and returns it with the port it got.
func Listen(host string, port int) (fd, bound int, err error) {
	addr := hostPort(host, port)
	sa, family, err := sockaddr(host, port)
	if err != nil {
		return -1, 0, fmt.Errorf("cannot listen on %s: %v", addr, err)
	}
	fd, err = newSocket(family)
	if err != nil {
		return -1, 0, fmt.Errorf("cannot listen on %s: %v", addr, err)
	}
	unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_REUSEADDR, 1)
	if err = unix.Bind(fd, sa); err == nil {
		err = unix.Listen(fd, unix.SOMAXCONN)
	}
	if err != nil {
		unix.Close(fd)
		return -1, 0, fmt.Errorf("cannot listen on %s: %v", addr, err)
	}
	got, err := unix.Getsockname(fd)
	if err != nil {
		unix.Close(fd)
		return -1, 0, fmt.Errorf("cannot listen on %s: %v", addr, err)
	}
	switch a := got.(type) {
	case *unix.SockaddrInet4:
		bound = a.Port
	case *unix.SockaddrInet6:
		bound = a.Port
	}
	return fd, bound, nil
}

// Accept takes a pending connection from a listening socket, non-blocking; it reports
// ErrWouldBlock when none is pending.
func Accept(fd int) (int, error) {
	for {
		nfd, _, err := unix.Accept(fd)
		switch err {
		case nil:
			unix.CloseOnExec(nfd)
			if err := unix.SetNonblock(nfd, true); err != nil {
				unix.Close(nfd)
				return -1, err
			}
			unix.SetsockoptInt(nfd, unix.IPPROTO_TCP, unix.TCP_NODELAY, 1)
			return nfd, nil
		case unix.EINTR, unix.ECONNABORTED:
			continue
		case unix.EAGAIN:
			return -1, ErrWouldBlock
		case unix.EMFILE, unix.ENFILE, unix.ENOBUFS, unix.ENOMEM:
			return -1, &Exhausted{err}
		}
		return -1, err
	}
}

// Exhausted is an accept that failed for want of descriptors or memory: the connection
// waits in the listen queue, and accepting again later, once some are freed, succeeds.
type Exhausted struct{ Err error }

func (e *Exhausted) Error() string { return e.Err.Error() }

// Connect starts connecting a new non-blocking socket to host:port. When the connection
// cannot complete at once it returns the socket with ErrWouldBlock: wait until it is
// writable, then ask ConnectResult.
func Connect(host string, port int) (int, error) {
	addr := hostPort(host, port)
	sa, family, err := sockaddr(host, port)
	if err != nil {
		return -1, fmt.Errorf("cannot connect to %s: %v", addr, err)
	}
	fd, err := newSocket(family)
	if err != nil {
		return -1, fmt.Errorf("cannot connect to %s: %v", addr, err)
	}
	unix.SetsockoptInt(fd, unix.IPPROTO_TCP, unix.TCP_NODELAY, 1)
	switch err := unix.Connect(fd, sa); err {
	case nil:
		return fd, nil
	case unix.EINPROGRESS, unix.EINTR:
		return fd, ErrWouldBlock
	default:
		unix.Close(fd)
		return -1, fmt.Errorf("cannot connect to %s: %v", addr, err)
	}
}

// ConnectResult reports how a connection Connect started ended.
func ConnectResult(fd int, host string, port int) error {
	n, err := unix.GetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_ERROR)
	if err == nil && n != 0 {
		err = unix.Errno(n)
	}
	if err != nil {
		return fmt.Errorf("cannot connect to %s: %v", hostPort(host, port), err)
	}
	return nil
}

// Read reads what is available, non-blocking: ErrWouldBlock when nothing is, 0 bytes at the
// end of the stream.
func Read(fd int, p []byte) (int, error) { return nonblocking(unix.Read, fd, p) }

// Write writes as much of p as the descriptor takes now: ErrWouldBlock when it takes none.
// It does not modify p.
func Write(fd int, p []byte) (int, error) { return nonblocking(unix.Write, fd, p) }

// nonblocking runs a read or a write on a non-blocking descriptor: again after a signal,
// ErrWouldBlock for EAGAIN.
func nonblocking(op func(int, []byte) (int, error), fd int, p []byte) (int, error) {
	for {
		n, err := op(fd, p)
		switch err {
		case nil:
			return n, nil
		case unix.EINTR:
			continue
		case unix.EAGAIN:
			return 0, ErrWouldBlock
		}
		return 0, err
	}
}

// Close closes a descriptor.
func Close(fd int) error { return unix.Close(fd) }

// Pollable reports whether a descriptor can be watched by the poller: pipes, terminals and
// sockets can, regular files cannot (they are always ready).
func Pollable(fd int) bool {
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		return false
	}
	return st.Mode&unix.S_IFMT != unix.S_IFREG && st.Mode&unix.S_IFMT != unix.S_IFDIR
}

// SetNonblock makes a descriptor's operations non-blocking, or blocking again.
func SetNonblock(fd int, nonblocking bool) error { return unix.SetNonblock(fd, nonblocking) }

func newSocket(family int) (int, error) {
	fd, err := unix.Socket(family, unix.SOCK_STREAM, 0)
	if err != nil {
		return -1, err
	}
	unix.CloseOnExec(fd)
	if err := unix.SetNonblock(fd, true); err != nil {
		unix.Close(fd)
		return -1, err
	}
	return fd, nil
}

// sockaddr makes the socket address of host (a numeric address, localhost, or "" for any)
// and port. Names are not looked up: that would take the net package, whose resolver
// links the C library into felixlet and slows every program's start, and it would block
// the scheduler while it waits for DNS.
func sockaddr(host string, port int) (unix.Sockaddr, int, error) {
	if port < 0 || port > 65535 {
		return nil, 0, fmt.Errorf("port %d out of range", port)
	}
	var ip netip.Addr
	switch host {
	case "":
		ip = netip.IPv4Unspecified()
	case "localhost":
		ip = netip.AddrFrom4([4]byte{127, 0, 0, 1})
	default:
		var err error
		if ip, err = netip.ParseAddr(host); err != nil {
			return nil, 0, fmt.Errorf("%q is not an IP address (host names other than localhost are not looked up)", host)
		}
	}
	if ip.Unmap().Is4() {
		return &unix.SockaddrInet4{Port: port, Addr: ip.Unmap().As4()}, unix.AF_INET, nil
	}
	return &unix.SockaddrInet6{Port: port, Addr: ip.As16()}, unix.AF_INET6, nil
}

// hostPort writes an address as messages show it: host:port, or [host]:port for IPv6.
func hostPort(host string, port int) string {
	if strings.Contains(host, ":") {
		return "[" + host + "]:" + strconv.Itoa(port)
	}
	return host + ":" + strconv.Itoa(port)
}
