package vm

// Sched is a scheduler: a double-ended active list of fibres ready to run. The machine
// runs one scheduler at a time; `run p` starts a nested one and the outer resumes when the
// nested one has nothing active.
//
// Felix's order, which the machine follows exactly:
//
//	spawn_fthread p     the new fibre runs now; the spawner goes to the front
//	schedule_fthread p  the new fibre goes to the back; the spawner continues
//	rendezvous          the reader runs; the writer goes to the front
//	no partner          the fibre waits on the channel; the front runs
//	a fibre ends        the front runs
//	svc_yield           the fibre goes to the back; the front runs
type Sched struct {
	head, tail *Fibre // the active list, linked through Fibre.next
	parent     *Sched // the scheduler whose fibre called `run`, or nil for the mainline's
	caller     *Fibre // that fibre, resumed when this scheduler has nothing active
	done       bool   // this scheduler has finished: fibres woken on it are abandoned
	waiting    int    // its fibres parked on descriptors or timers: it does not finish while any are
}

// pushFront puts f at the front of the active list.
func (s *Sched) pushFront(f *Fibre) {
	f.next = s.head
	s.head = f
	if s.tail == nil {
		s.tail = f
	}
}

// pushBack puts f at the back of the active list.
func (s *Sched) pushBack(f *Fibre) {
	f.next = nil
	if s.tail == nil {
		s.head, s.tail = f, f
		return
	}
	s.tail.next = f
	s.tail = f
}

// popFront takes the fibre at the front, or nil.
func (s *Sched) popFront() *Fibre {
	f := s.head
	if f == nil {
		return nil
	}
	s.head = f.next
	if s.head == nil {
		s.tail = nil
	}
	f.next = nil
	return f
}
