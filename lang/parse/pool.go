package parse

// pool hands out zeroed values of T from chunks that the parser reuses once the statement
// they were built for has been lowered, so that the syntax tree of a statement costs no
// allocation once statements as big have been seen.
type pool[T any] struct {
	chunks [][]T // chunks of 8, 16, 32, then 64 values: a one-line input stays small
	c, i   int   // the chunk, and the index in it, of the next value to hand out
}

// poolChunk is the most values a chunk holds.
const poolChunk = 64

func (p *pool[T]) get() *T {
	if p.c == len(p.chunks) {
		p.chunks = append(p.chunks, make([]T, poolChunk>>max(3-p.c, 0)))
	}
	chunk := p.chunks[p.c]
	v := &chunk[p.i]
	var zero T
	*v = zero
	if p.i++; p.i == len(chunk) {
		p.c, p.i = p.c+1, 0
	}
	return v
}

// reset makes every value handed out free for reuse.
func (p *pool[T]) reset() { p.c, p.i = 0, 0 }

// drop leaves every value handed out to whoever holds it, and starts afresh.
func (p *pool[T]) drop() { p.chunks, p.c, p.i = nil, 0, 0 }

// single returns a slice of the one element v, with no room to grow in place.
func single[T any](p *pool[[1]T], v T) []T {
	a := p.get()
	a[0] = v
	return a[:]
}

// nodes are the pools of the syntax tree's commonest nodes: those of statements and of the
// levels every operand of an expression passes through.
type nodes struct {
	stmt     pool[cstStmt]
	exprStmt pool[cstExprStmt]
	expr     pool[cstExpr]
	tuple    pool[cstTuple]
	or       pool[cstOr]
	and      pool[cstAnd]
	not      pool[cstNot]
	cmp      pool[cstCmp]
	pipe     pool[cstPipe]
	cons     pool[cstCons]
	sum      pool[cstSum]
	sumR     pool[cstSumR]
	prod     pool[cstProd]
	prodR    pool[cstProdR]
	prefix   pool[cstPrefix]
	app      pool[cstApp]
	post     pool[cstPost]
	hash     pool[cstHash]
	atom     pool[cstAtom]
	nameRef  pool[cstNameRef]
	text     pool[string]
	ors      pool[[1]*cstOr]
	ands     pool[[1]*cstAnd]
	nots     pool[[1]*cstNot]
	sumRs    pool[[1]*cstSumR]
	prodRs   pool[[1]*cstProdR]
}

// each calls f on every pool's reset or drop.
func (n *nodes) each(f func(interface {
	reset()
	drop()
})) {
	for _, p := range []interface {
		reset()
		drop()
	}{&n.stmt, &n.exprStmt, &n.expr, &n.tuple,
		&n.or, &n.and, &n.not, &n.cmp, &n.pipe, &n.cons, &n.sum, &n.sumR, &n.prod, &n.prodR,
		&n.prefix, &n.app, &n.post, &n.hash, &n.atom, &n.nameRef, &n.text, &n.ors, &n.ands,
		&n.nots, &n.sumRs, &n.prodRs} {
		f(p)
	}
}
